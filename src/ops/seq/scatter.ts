// _scatter_set_nd (MXNet's, behind NDArray __setitem__ with advanced indices; ONNX ScatterND / ScatterElements):
// out = lhs, then out[indices[:, j]] = rhs[j] in order. Kernel: x32_gathernd__simd128 (dir 2 sets, dir 3 zeroes).
import { ShapeError, opMessage } from '../../errors.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape, prod } from '../../util/shape.js';
import { f32Types, kernelStep, seqOf } from '../helpers.js';
import { GATHERND_DIR } from '../../runtime/manifest/rnn.js';

/** Checks rhs = indices.shape[1:] + lhs.shape[M:]; the first M dims of lhs padded with 1 to 5 (also _scatter_reduce_nd's). */
export function geom(x: Shape, v: Shape, idx: Shape, node: string, op = '_scatter_set_nd') {
  const M = idx[0], bad = (arg: string, msg: string) => new ShapeError(opMessage(node, op, msg), { op, arg });
  if (idx.length < 1 || !(M >= 1) || M > x.length || M > 5) throw bad('indices', `indices ${fmtShape(idx)} must have a first dimension M in 1..min(5, lhs.ndim = ${x.length})`);
  const want = [...idx.slice(1), ...x.slice(M)];
  if (want.length !== v.length || want.some((d, i) => d !== v[i])) throw bad('rhs', `rhs ${fmtShape(v)} must be ${fmtShape(want)} (indices ${fmtShape(idx)}, lhs ${fmtShape(x)})`);
  return { M, N: prod(idx.slice(1)), inner: prod(x.slice(M)), dims: [...x.slice(0, M), 1, 1, 1, 1, 1].slice(0, 5) };
}

/**
 * _scatter_set_nd: a copy of lhs with the blocks at indices (M, ...) replaced by rhs (indices float32, truncated,
 * negatives from the end, clamped; a repeated index keeps the last value). Gradient: dlhs = dy with the written blocks
 * zeroed, drhs = gather_nd(dy, indices) (distinct indices assumed), none for indices.
 * @example mx.nd._scatter_set_nd(mx.nd.zeros([3, 2]), mx.nd.array([[1, 2]]), mx.nd.array([[2]])) // [[0,0],[0,0],[1,2]]
 */
export const scatterSetNd: OpDef = {
  name: '_scatter_set_nd',
  attrs: { shape: { type: 'shape', default: [] } },
  inputs: () => ['lhs', 'rhs', 'indices'],
  inferShape: (a, [x, v, idx], _aux, node) => {
    if (x && a.shape.length && fmtShape(a.shape) !== fmtShape(x))
      throw new ShapeError(opMessage(node, '_scatter_set_nd', `shape ${fmtShape(a.shape)} differs from lhs ${fmtShape(x)}`), { op: '_scatter_set_nd', attr: 'shape' });
    if (x && v && idx) geom(x, v, idx, node);
    return { ins: [x, v, idx], outs: [x] };
  },
  inferType: f32Types('_scatter_set_nd', 1, 0, ['lhs', 'rhs', 'indices']),
  forward: (ctx, _a, [x, v, idx], [y]) => {
    const { M, N, inner, dims: [d0, d1, d2, d3, d4] } = geom(x.shape, v.shape, idx.shape, ctx.node), K = ctx.K;
    return seqOf(y.off !== x.off && kernelStep(K, 'x8_copy', { src: x.off, dst: y.off, n: x.size * 4 }),
      kernelStep(K, 'x32_gathernd__simd128', { x: y.off, idx: idx.off, y: v.off, M, N, inner, dir: GATHERND_DIR.set, d0, d1, d2, d3, d4 }));
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, _a, g) => {
      const [x, v, idx] = g.ins, [dy] = g.outGrads, [dx, dv, di] = g.inGrads, K = ctx.K;
      const { M, N, inner, dims: [d0, d1, d2, d3, d4] } = geom(x.shape, v.shape, idx.shape, ctx.node), [doX, doV, doI] = g.req.map((r) => r !== 'null');
      const d = { M, N, inner, d0, d1, d2, d3, d4 };
      return seqOf(doX && kernelStep(K, 'x8_copy', { src: dy.off, dst: dx.off, n: dx.size * 4 }),
        doX && kernelStep(K, 'x32_gathernd__simd128', { x: dx.off, idx: idx.off, y: dy.off, ...d, dir: GATHERND_DIR.zero }),
        doV && kernelStep(K, 'x32_gathernd__simd128', { x: dy.off, idx: idx.off, y: dv.off, ...d, dir: GATHERND_DIR.gather }),
        doI && kernelStep(K, 'x8_zero', { dst: di.off, n: di.size * 4 }));
    },
  },
};
