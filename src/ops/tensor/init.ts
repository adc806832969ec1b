// Init ops without inputs: _zeros, _ones, _full (MXNet's mx.sym.zeros / ones / full, e.g. an RNN cell's begin
// state in a saved symbol). Attributes as MXNet: shape, ctx (ignored: one device), dtype; _full's value.
import { DTypeError, ShapeError, opMessage } from '../../errors.js';
import { MEMORY_DTYPES, type DType } from '../../runtime/dtype.js';
import { view } from '../../runtime/view.js';
import type { OpDef } from '../registry.js';
import { kernelStep } from '../helpers.js';

function initOp(name: string, fixed?: number): OpDef {
  return {
    name,
    attrs: {
      shape: { type: 'shape', default: [] }, ctx: { type: 'str', default: '' }, dtype: { type: 'dtype', default: 'float32' },
      ...(fixed === undefined ? { value: { type: 'float', required: true } } : {}),
    },
    doc: fixed === undefined ? 'an array of `value` of the given shape and dtype' : `an array of ${fixed}s of the given shape and dtype`,
    inputs: () => [],
    inferShape: (a, _ins, _aux, node, known) => {
      const s: number[] = a.shape;
      if (!s.length || s.some((d) => !(d >= 0))) throw new ShapeError(opMessage(node, name, `shape must be a non-empty tuple of sizes >= 0, got (${s.join(', ')})`), { op: name, attr: 'shape' });
      // In a graph a 0 dim is unknown (MXNet's begin states `(0, H)`): the consumer infers it. Imperatively: empty.
      return { ins: [], outs: [known && s.includes(0) ? undefined : s] };
    },
    inferType: (a, _ins, node) => {
      const d = a.dtype as DType;
      if (!MEMORY_DTYPES.has(d)) throw new DTypeError(opMessage(node, name, `dtype ${d} is not supported (supported: ${[...MEMORY_DTYPES].join(', ')})`), { op: name, attr: 'dtype' });
      return { ins: [], outs: [d] };
    },
    forward: (ctx, a, _ins, [y]) => {
      const s: number[] = a.shape;
      if (y.shape.length !== s.length || s.some((d, i) => d !== 0 && d !== y.shape[i])) {
        throw new ShapeError(opMessage(ctx.node, name, `shape (${s.join(', ')}) was inferred as (${y.shape.join(', ')}): only 0 dims may be filled in`), { op: name, attr: 'shape' });
      }
      const K = ctx.K, v: number = fixed ?? a.value, n = y.size, dt = y.dtype;
      if (dt === 'float32') return kernelStep(K, 'x32_fill', { dst: y.off, v, n });
      return () => { view(dt, y.off, n).fill(v); };
    },
    backward: { saves: [], lower: () => () => {} }, // no inputs: nothing to differentiate
  };
}

/** _zeros: zeros of `shape` and `dtype`. @example mx.sym.zeros([2, 3]) */
export const zerosOp = initOp('_zeros', 0);
/** _ones: ones of `shape` and `dtype`. @example mx.sym.ones([2, 3]) */
export const onesOp = initOp('_ones', 1);
/** _full: `value` everywhere. @example mx.sym.full([2, 3], 7) */
export const fullOp = initOp('_full');

export const INIT_OPS: OpDef[] = [zerosOp, onesOp, fullOp];
