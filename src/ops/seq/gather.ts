// gather_nd (indices (M, ...) into the first M axes of data; gradient: scatter-add) and arange_like
// (a range shaped like data or one of its axes; zero gradient). Kernels in assembly/kernels/x32-seq.ts.
import { ShapeError, opMessage } from '../../errors.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape, prod } from '../../util/shape.js';
import { f32Types, kernelStep, seq, seqOf } from '../helpers.js';
import { GATHERND_DIR } from '../../runtime/manifest/rnn.js';

/** The first M dims of data (padded with 1 to 5) and the sizes of one gathered block. */
function gndGeom(x: Shape, idx: Shape, node: string) {
  const M = idx[0];
  if (idx.length < 1 || !(M >= 1) || M > x.length || M > 5) {
    throw new ShapeError(opMessage(node, 'gather_nd', `indices ${fmtShape(idx)} must have a first dimension M in 1..min(5, data.ndim = ${x.length})`), { op: 'gather_nd', arg: 'indices' });
  }
  const dims = [...x.slice(0, M), 1, 1, 1, 1, 1].slice(0, 5);
  return { M, N: prod(idx.slice(1)), inner: prod(x.slice(M)), dims, out: [...idx.slice(1), ...x.slice(M)] };
}

/**
 * gather_nd: out[y...] = data[indices[0, y...], ..., indices[M-1, y...], ...]; indices are float32,
 * truncated, negatives count from the end, then clamped into range.
 * @example mx.nd.gather_nd(x, mx.nd.array([[0, 1], [2, 0]])) // x[0, 2] and x[1, 0]
 */
export const gatherNd: OpDef = {
  name: 'gather_nd',
  attrs: {},
  inputs: () => ['data', 'indices'],
  inferShape: (_a, [x, idx], _aux, node) => (x && idx ? { ins: [x, idx], outs: [gndGeom(x, idx, node).out] } : { ins: [x, idx], outs: [undefined] }),
  inferType: f32Types('gather_nd', 1, 0, ['data', 'indices']),
  forward: (ctx, _a, [x, idx], [y]) => {
    const { M, N, inner, dims } = gndGeom(x.shape, idx.shape, ctx.node);
    return kernelStep(ctx.K, 'x32_gathernd__simd128', { x: x.off, idx: idx.off, y: y.off, M, N, inner, dir: GATHERND_DIR.gather, d0: dims[0], d1: dims[1], d2: dims[2], d3: dims[3], d4: dims[4] });
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, _a, g) => {
      const [x, idx] = g.ins, [dy] = g.outGrads, [dx, di] = g.inGrads, K = ctx.K;
      const { M, N, inner, dims } = gndGeom(x.shape, idx.shape, ctx.node), doX = g.req[0] !== 'null', doI = g.req[1] !== 'null';
      const [d0, d1, d2, d3, d4] = dims;
      return seqOf(doX && kernelStep(K, 'x8_zero', { dst: dx.off, n: dx.size * 4 }),
        doX && kernelStep(K, 'x32_gathernd__simd128', { x: dx.off, idx: idx.off, y: dy.off, M, N, inner, dir: GATHERND_DIR.scatterAdd, d0, d1, d2, d3, d4 }),
        doI && kernelStep(K, 'x8_zero', { dst: di.off, n: di.size * 4 }));
    },
  },
};

/**
 * arange_like: start + floor(i / repeat) * step over data's shape (or over data.shape[axis] when axis is set).
 * @example mx.nd.arange_like(x, { start: 1, axis: 0 }) // [1, 2, ..., x.shape[0]]
 */
export const arangeLike: OpDef = {
  name: 'arange_like',
  attrs: {
    start: { type: 'float', default: 0 }, step: { type: 'float', default: 1 }, repeat: { type: 'int', default: 1 },
    ctx: { type: 'any', default: null }, axis: { type: 'intOrNone', default: null },
  },
  inputs: () => ['data'],
  inferShape: (a, [x], _aux, node) => {
    if (!x) return { ins: [x], outs: [undefined] };
    if (a.axis === null) return { ins: [x], outs: [x] };
    const ax = a.axis < 0 ? a.axis + x.length : a.axis;
    if (!(ax >= 0 && ax < x.length)) throw new ShapeError(opMessage(node, 'arange_like', `axis ${a.axis} is out of range for data ${fmtShape(x)}`), { op: 'arange_like', attr: 'axis' });
    return { ins: [x], outs: [[x[ax]]] };
  },
  inferType: () => ({ ins: ['float32'], outs: ['float32'] }),
  forward: (ctx, a, _ins, [y]) => {
    
    return kernelStep(ctx.K, 'f32_arangelike__scalar', { y: y.off, n: y.size, start: a.start, step: a.step, repeat: a.repeat });
  },
  backward: {
    saves: [],
    lower: (ctx, _a, g) => {
      const [dx] = g.inGrads;
      return g.req[0] === 'null' ? () => {} : kernelStep(ctx.K, 'x8_zero', { dst: dx.off, n: dx.size * 4 });
    },
  },
};
