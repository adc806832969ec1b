// take (axis, mode clip|wrap|raise), pick (axis, keepdims, mode), one_hot (depth, on/off values,
// dtype). Indices are float32 and truncated. Gradients: scatter-add into the data (indices get zeros).
import { ArgumentError, DTypeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape, TypeResult } from '../registry.js';
import type { DType } from '../../runtime/dtype.js';
import { prod } from '../../util/shape.js';
import { fail } from './common.js';
import { axisOf, kernelStep, seqOf } from '../helpers.js';
import { INDEX_MODE } from '../../runtime/manifest/tensor.js';

const MODES = INDEX_MODE as Record<string, number>;

const dataIdxType = (op: string) => (_a: unknown, ins: (DType | undefined)[], node: string): TypeResult => {
  const t = ins[0] ?? 'float32';
  if (t !== 'float32' && t !== 'int32') throw new DTypeError(opMessage(node, op, `data must be float32 or int32, got ${t}`), { op, node });
  if (ins[1] && ins[1] !== 'float32') throw new DTypeError(opMessage(node, op, `indices must be float32, got ${ins[1]}`), { op, node });
  return { ins: [t, 'float32'], outs: [t] };
};

/** (outer, n, inner) of `data` split at the take/pick axis. */
function split3(x: Shape, ax: number) { return { outer: prod(x.slice(0, ax)), n: x[ax], inner: prod(x.slice(ax + 1)) }; }

const zeroIdx = (g: { inGrads: { off: number; size: number }[]; req: string[] }) => (g.req[1] && g.req[1] !== 'null' ? [g.inGrads[1].off, g.inGrads[1].size * 4] : null);

const take: OpDef = {
  name: 'take',
  attrs: { axis: { type: 'int', default: 0 }, mode: { type: 'str', default: 'clip', values: ['clip', 'wrap', 'raise'] } },
  doc: 'Gathers slices of `a` along `axis` at `indices`: out shape a.shape[:axis] + indices.shape + a.shape[axis+1:].',
  inputs: () => ['a', 'indices'],
  inferShape: (a, [x, idx], _aux, node) => {
    if (!x || !idx) return { ins: [x, idx], outs: [undefined] };
    const ax = axisOf(node, 'take', a.axis, x.length);
    if (x[ax] === 0) fail(node, 'take', `cannot take from an empty axis ${a.axis}`);
    return { ins: [x, idx], outs: [[...x.slice(0, ax), ...idx, ...x.slice(ax + 1)]] };
  },
  inferType: dataIdxType('take'),
  forward: (ctx, a, [x, idx], [y]) => {
    const { outer, n, inner } = split3(x.shape, axisOf(ctx.node, 'take', a.axis, x.shape.length));
    const mode = MODES[a.mode], m = idx.size, node = ctx.node;
    const gather = kernelStep(ctx.K, 'x32_gather__simd128', { x: x.off, idx: idx.off, y: y.off, outer, n, inner, nidx: m, mode });
    return () => {
      const bad = gather();
      if (bad) throw new ArgumentError(opMessage(node, 'take', `${bad} indices are out of range for axis ${a.axis} of size ${n} (mode raise)`), { op: 'take', node });
    };
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const [x, idx] = g.ins, [og] = g.outGrads, [dx] = g.inGrads, K = ctx.K;
      const { outer, n, inner } = split3(x.shape, axisOf(ctx.node, 'take', a.axis, x.shape.length));
      const mode = MODES[a.mode], m = idx.size, z = zeroIdx(g), doX = g.req[0] !== 'null';
      return seqOf(doX && kernelStep(K, 'x8_zero', { dst: dx.off, n: dx.size * 4 }),
        doX && kernelStep(K, 'f32_scatteradd__simd128', { g: og.off, idx: idx.off, dx: dx.off, outer, n, inner, nidx: m, mode }),
        z && kernelStep(K, 'x8_zero', { dst: z[0], n: z[1] }));
    },
  },
};

const pickAxis = (a: Attrs, x: Shape, node?: string) => (a.axis === null ? -1 : axisOf(node, 'pick', a.axis, x.length));
const pickDims = (a: Attrs, x: Shape, node?: string) => {
  const ax = pickAxis(a, x, node);
  return ax < 0 ? { outer: 1, n: prod(x), inner: 1 } : split3(x, ax);
};

const pick: OpDef = {
  name: 'pick',
  attrs: { axis: { type: 'intOrNone', default: -1 }, keepdims: { type: 'bool', default: false }, mode: { type: 'str', default: 'clip', values: ['clip', 'wrap'] } },
  doc: 'Picks one element per position along `axis` at `index` (shape of data without the axis).',
  inputs: () => ['data', 'index'],
  inferShape: (a, [x, idx], _aux, node) => {
    if (!x) return { ins: [x, idx], outs: [undefined] };
    const ax = pickAxis(a, x, node);
    const out = ax < 0 ? [1] : a.keepdims ? x.map((d, i) => (i === ax ? 1 : d)) : x.filter((_, i) => i !== ax);
    if (idx && prod(idx) !== prod(out)) fail(node, 'pick', `index has shape (${idx.join(',')}), expected (${out.join(',')})`);
    return { ins: [x, idx ?? out], outs: [out] };
  },
  inferType: dataIdxType('pick'),
  forward: (ctx, a, [x, idx], [y]) => {
    const { outer, n, inner } = pickDims(a, x.shape, ctx.node), mode = MODES[a.mode];
    return kernelStep(ctx.K, 'x32_pick__scalar', { x: x.off, idx: idx.off, y: y.off, outer, n, inner, mode });
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const [x, idx] = g.ins, [og] = g.outGrads, [dx] = g.inGrads, K = ctx.K;
      const { outer, n, inner } = pickDims(a, x.shape, ctx.node), mode = MODES[a.mode], z = zeroIdx(g), doX = g.req[0] !== 'null';
      return seqOf(doX && kernelStep(K, 'x8_zero', { dst: dx.off, n: dx.size * 4 }),
        doX && kernelStep(K, 'f32_pickgrad__scalar', { g: og.off, idx: idx.off, dx: dx.off, outer, n, inner, mode }),
        z && kernelStep(K, 'x8_zero', { dst: z[0], n: z[1] }));
    },
  },
};

const bits = (v: number, t: DType) => (t === 'int32' ? v | 0 : new Int32Array(new Float32Array([v]).buffer)[0]);

const oneHot: OpDef = {
  name: 'one_hot',
  attrs: {
    depth: { type: 'int', required: true }, on_value: { type: 'float', default: 1 }, off_value: { type: 'float', default: 0 },
    dtype: { type: 'dtype', default: 'float32' },
  },
  doc: 'One-hot rows of length depth: on_value at each index (out-of-range indices give all off_value).',
  inputs: () => ['indices'],
  inferShape: (a, [idx], _aux, node) => {
    if (!(a.depth >= 0)) fail(node, 'one_hot', `depth must be >= 0, got ${a.depth}`);
    return { ins: [idx], outs: [idx ? [...idx, a.depth] : undefined] };
  },
  inferType: (a, ins, node) => {
    if (ins[0] && ins[0] !== 'float32') throw new DTypeError(opMessage(node, 'one_hot', `indices must be float32, got ${ins[0]}`), { op: 'one_hot', node });
    if (a.dtype !== 'float32' && a.dtype !== 'int32') throw new DTypeError(opMessage(node, 'one_hot', `dtype ${a.dtype} is not supported (float32, int32)`), { op: 'one_hot', node });
    return { ins: ['float32'], outs: [a.dtype] };
  },
  forward: (ctx, a, [idx], [y]) => {
    const on = bits(a.on_value, y.dtype), off = bits(a.off_value, y.dtype), n = idx.size, d = a.depth;
    return kernelStep(ctx.K, 'x32_onehot__scalar', { idx: idx.off, y: y.off, n, depth: d, on, off });
  },
};

export const TAKE_OPS: OpDef[] = [take, pick, oneHot];
