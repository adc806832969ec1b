// _arange (MXNet's mx.sym.arange): start, start + step, ... below stop, each value repeated `repeat` times
// (f32_arangelike__scalar; float32 arithmetic as MXNet). No inputs, so nothing to differentiate.
import { ArgumentError, DTypeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef } from '../registry.js';
import { kernelStep } from '../helpers.js';

/** Number of values: ceil((stop - start) / step) * repeat (stop None: the range [0, start)). */
function lengthOf(a: Attrs, node?: string): number {
  const bad = (msg: string, attr: string) => new ArgumentError(opMessage(node, '_arange', msg), { op: '_arange', attr });
  if (a.infer_range) throw bad('infer_range=True is not supported (the length must be known from the attributes)', 'infer_range');
  const step: number = a.step, repeat: number = a.repeat;
  if (!(step !== 0 && Number.isFinite(step))) throw bad(`step must be a finite non-zero number, got ${step}`, 'step');
  if (!(repeat >= 1)) throw bad(`repeat must be >= 1, got ${repeat}`, 'repeat');
  const [start, stop] = a.stop === null ? [0, a.start as number] : [a.start as number, a.stop as number];
  const n = Math.ceil((stop - start) / step);
  if (!(n >= 0 && n < 2 ** 31)) throw bad(`the range start ${start}, stop ${stop}, step ${step} is empty or too long`, 'stop');
  return n * repeat;
}

/**
 * _arange: a 1-d range. @example mx.sym.arange({ start: 2, stop: 8, step: 2 }) // [2, 4, 6]
 */
export const arangeOp: OpDef = {
  name: '_arange',
  attrs: {
    start: { type: 'float', required: true }, stop: { type: 'floatOrNone', default: null }, step: { type: 'float', default: 1 },
    repeat: { type: 'int', default: 1 }, infer_range: { type: 'bool', default: false }, ctx: { type: 'str', default: '' },
    dtype: { type: 'dtype', default: 'float32' },
  },
  doc: 'Evenly spaced values in [start, stop) (MXNet arange; stop None: [0, start)).',
  inputs: () => [],
  inferShape: (a, _ins, _aux, node) => ({ ins: [], outs: [[lengthOf(a, node)]] }),
  inferType: (a, _ins, node) => {
    if (a.dtype !== 'float32') throw new DTypeError(opMessage(node, '_arange', `dtype ${a.dtype} is not supported (float32 only)`), { op: '_arange', attr: 'dtype' });
    return { ins: [], outs: ['float32'] };
  },
  forward: (ctx, a, _ins, [y]) => {
    const start: number = a.stop === null ? 0 : a.start;
    return kernelStep(ctx.K, 'f32_arangelike__scalar', { y: y.off, n: y.size, start, step: a.step, repeat: a.repeat });
  },
  backward: { saves: [], lower: () => () => {} },
};
