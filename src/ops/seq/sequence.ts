// SequenceMask, SequenceLast, SequenceReverse (MXNet's sequence ops): data with the time axis `axis` (0 or 1)
// and the batch axis the other of the first two; optional per-item lengths (float32 or int32) when
// use_sequence_length. Kernels in assembly/kernels/x32-seq.ts; lengths get a zero gradient.
import { DTypeError, ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { BackwardArgs, OpDef, Shape, TensorRef, TypeResult } from '../registry.js';
import type { DType } from '../../runtime/dtype.js';
import type { KernelTable } from '../../runtime/manifest.js';
import { SEQLAST_DIR } from '../../runtime/manifest/rnn.js';
import { fmtShape, prod } from '../../util/shape.js';
import { kernelStep, seq, seqOf } from '../helpers.js';

const specs = (axis: boolean) => ({
  use_sequence_length: { type: 'bool', default: false },
  ...(axis ? { axis: { type: 'int', default: 0 } } : {}),
}) as OpDef['attrs'];

/** Time / batch geometry: T, B, inner and the element strides of a (t, b) block. */
export function seqGeom(op: string, a: Attrs, d: Shape, node: string): { T: number; B: number; inner: number; st: number; sb: number; ax: number } {
  const ax = a.axis ?? 0;
  if (ax !== 0 && ax !== 1) throw new ShapeError(opMessage(node, op, `axis must be 0 or 1, got ${ax}`), { op, attr: 'axis' });
  if (d.length < 2) throw new ShapeError(opMessage(node, op, `data must have at least 2 dimensions (time, batch, ...), got ${fmtShape(d)}`), { op, arg: 'data' });
  const inner = prod(d.slice(2)), T = d[ax], B = d[1 - ax];
  return ax === 0 ? { T, B, inner, st: B * inner, sb: inner, ax } : { T, B, inner, st: inner, sb: T * inner, ax };
}

function shapeRule(op: string, out: (a: Attrs, d: Shape, node: string) => Shape) {
  return (a: Attrs, [d, len]: (Shape | undefined)[], _aux: unknown, node: string) => {
    if (!d) return { ins: [d, len], outs: [undefined] };
    const g = seqGeom(op, a, d, node);
    if (!a.use_sequence_length) return { ins: [d], outs: [out(a, d, node)] };
    if (len && (len.length !== 1 || len[0] !== g.B)) throw new ShapeError(opMessage(node, op, `sequence_length must have shape (${g.B},), got ${fmtShape(len)}`), { op, arg: 'sequence_length' });
    return { ins: [d, [g.B]], outs: [out(a, d, node)] };
  };
}

function typeRule(op: string) {
  return (a: Attrs, ins: (DType | undefined)[], node: string): TypeResult => {
    if (ins[0] && ins[0] !== 'float32') throw new DTypeError(opMessage(node, op, `data must be float32, got ${ins[0]}`), { op, arg: 'data' });
    const lt = ins[1];
    if (lt && lt !== 'float32' && lt !== 'int32') throw new DTypeError(opMessage(node, op, `sequence_length must be float32 or int32, got ${lt}`), { op, arg: 'sequence_length' });
    return a.use_sequence_length ? { ins: ['float32', lt ?? 'float32'], outs: ['float32'] } : { ins: ['float32'], outs: ['float32'] };
  };
}

/** (offset, int flag) of the lengths, or (0, 0) without them. */
const lenArgs = (len: TensorRef | undefined): [number, number] => (len ? [len.off, len.dtype === 'int32' ? 1 : 0] : [0, 0]);
const zeroLen = (ctx: { K: KernelTable }, g: BackwardArgs) => {
  const dl = g.inGrads[1];
  return dl && g.req[1] !== 'null' ? kernelStep(ctx.K, 'x8_zero', { dst: dl.off, n: dl.size * 4 }) : () => {};
};

/**
 * SequenceMask: positions t >= sequence_length[b] set to `value`; gradient masked the same way (with 0).
 * @example mx.nd.SequenceMask(x, len, { use_sequence_length: true, value: -1e9 })
 */
export const sequenceMask: OpDef = {
  name: 'SequenceMask',
  attrs: { ...specs(true), value: { type: 'float', default: 0 } },
  inputs: (a) => (a.use_sequence_length ? ['data', 'sequence_length'] : ['data']),
  inferShape: shapeRule('SequenceMask', (_a, d) => d),
  inferType: typeRule('SequenceMask'),
  forward: (ctx, a, [x, len], [y]) => {
    const { T, B, inner, st, sb } = seqGeom('SequenceMask', a, x.shape, ctx.node), [l, li] = lenArgs(len);
    return kernelStep(ctx.K, 'x32_seqmask__simd128', { x: x.off, y: y.off, len: l, li, T, B, inner, st, sb, value: a.value });
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const [x, len] = g.ins, [dy] = g.outGrads, [dx] = g.inGrads, z = zeroLen(ctx, g);
      const { T, B, inner, st, sb } = seqGeom('SequenceMask', a, x.shape, ctx.node), [l, li] = lenArgs(len), doX = g.req[0] !== 'null';
      return seqOf(doX && kernelStep(ctx.K, 'x32_seqmask__simd128', { x: dy.off, y: dx.off, len: l, li, T, B, inner, st, sb, value: 0 }), z);
    },
  },
  inplace: [[0, 0]],
};

/**
 * SequenceLast: the element at t = sequence_length[b] - 1 (or T - 1) of every batch item; out shape is data's
 * without the time axis. Gradient: scattered back to that position.
 * @example mx.nd.SequenceLast(h, len, { use_sequence_length: true }) // (T, N, C) -> (N, C)
 */
export const sequenceLast: OpDef = {
  name: 'SequenceLast',
  attrs: specs(true),
  inputs: (a) => (a.use_sequence_length ? ['data', 'sequence_length'] : ['data']),
  inferShape: shapeRule('SequenceLast', (a, d, node) => d.filter((_, i) => i !== seqGeom('SequenceLast', a, d, node).ax)),
  inferType: typeRule('SequenceLast'),
  forward: (ctx, a, [x, len], [y]) => {
    const { T, B, inner, st, sb } = seqGeom('SequenceLast', a, x.shape, ctx.node), [l, li] = lenArgs(len);
    return kernelStep(ctx.K, 'x32_seqlast__simd128', { x: x.off, y: y.off, len: l, li, T, B, inner, st, sb, dir: SEQLAST_DIR.last });
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const [x, len] = g.ins, [dy] = g.outGrads, [dx] = g.inGrads, z = zeroLen(ctx, g), K = ctx.K;
      const { T, B, inner, st, sb } = seqGeom('SequenceLast', a, x.shape, ctx.node), [l, li] = lenArgs(len), doX = g.req[0] !== 'null';
      return seqOf(doX && kernelStep(K, 'x8_zero', { dst: dx.off, n: dx.size * 4 }),
        doX && kernelStep(K, 'x32_seqlast__simd128', { x: dx.off, y: dy.off, len: l, li, T, B, inner, st, sb, dir: SEQLAST_DIR.grad }), z);
    },
  },
};

/**
 * SequenceReverse (time axis 0): the first sequence_length[b] steps of every item reversed, the padding kept
 * in place. Its own gradient.
 * @example mx.nd.SequenceReverse(x) // x[::-1] along axis 0
 */
export const sequenceReverse: OpDef = {
  name: 'SequenceReverse',
  attrs: specs(true),
  inputs: (a) => (a.use_sequence_length ? ['data', 'sequence_length'] : ['data']),
  inferShape: (a, ins, aux, node) => {
    if (a.axis !== 0) throw new ShapeError(opMessage(node, 'SequenceReverse', `only axis 0 is supported (as MXNet), got ${a.axis}`), { op: 'SequenceReverse', attr: 'axis' });
    return shapeRule('SequenceReverse', (_a, d) => d)(a, ins, aux, node);
  },
  inferType: typeRule('SequenceReverse'),
  forward: (ctx, a, [x, len], [y]) => {
    const { T, B, inner } = seqGeom('SequenceReverse', a, x.shape, ctx.node), [l, li] = lenArgs(len);
    return kernelStep(ctx.K, 'x32_seqreverse__simd128', { x: x.off, y: y.off, len: l, li, T, B, inner });
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const [x, len] = g.ins, [dy] = g.outGrads, [dx] = g.inGrads, z = zeroLen(ctx, g);
      const { T, B, inner } = seqGeom('SequenceReverse', a, x.shape, ctx.node), [l, li] = lenArgs(len), doX = g.req[0] !== 'null';
      return seqOf(doX && kernelStep(ctx.K, 'x32_seqreverse__simd128', { x: dy.off, y: dx.off, len: l, li, T, B, inner }), z);
    },
  },
};
