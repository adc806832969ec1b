// _backward_gather_nd (MXNet's, the gradient of gather_nd as an op; ONNX ScatterND / ScatterElements with
// reduction add): out = zeros(shape), then out[indices[:, j]] += data[j] in order. Kernel: x32_gathernd__simd128 dir 1.
import { ShapeError, opMessage } from '../../errors.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape, prod } from '../../util/shape.js';
import { f32Types, kernelStep, seqOf } from '../helpers.js';
import { GATHERND_DIR } from '../../runtime/manifest/rnn.js';

/** Checks data = indices.shape[1:] + shape[M:]; the first M dims of shape padded with 1 to 5. */
function geom(out: Shape, v: Shape, idx: Shape, node: string) {
  const M = idx[0], bad = (arg: string, msg: string) => new ShapeError(opMessage(node, '_backward_gather_nd', msg), { op: '_backward_gather_nd', arg });
  if (idx.length < 1 || !(M >= 1) || M > out.length || M > 5) throw bad('indices', `indices ${fmtShape(idx)} must have a first dimension M in 1..min(5, ${out.length} = len(shape))`);
  const want = [...idx.slice(1), ...out.slice(M)];
  if (want.length !== v.length || want.some((d, i) => d !== v[i])) throw bad('data', `data ${fmtShape(v)} must be ${fmtShape(want)} (indices ${fmtShape(idx)}, shape ${fmtShape(out)})`);
  return { M, N: prod(idx.slice(1)), inner: prod(out.slice(M)), dims: [...out.slice(0, M), 1, 1, 1, 1, 1].slice(0, 5) };
}

/**
 * _backward_gather_nd: zeros of `shape` with data[j] added at indices[:, j] (float32 indices, truncated, negatives
 * from the end, clamped; repeated indices accumulate in order). Gradient: gather_nd(dy, indices) for data.
 * @example mx.nd._backward_gather_nd(mx.nd.array([1, 2]), mx.nd.array([[1, 1]]), { shape: [3] }) // [0, 3, 0]
 */
export const backwardGatherNd: OpDef = {
  name: '_backward_gather_nd',
  attrs: { shape: { type: 'shape', required: true } },
  inputs: () => ['data', 'indices'],
  inferShape: (a, [v, idx], _aux, node) => {
    if (v && idx) geom(a.shape, v, idx, node);
    return { ins: [v, idx], outs: [[...a.shape]] };
  },
  inferType: f32Types('_backward_gather_nd', 1, 0, ['data', 'indices']),
  forward: (ctx, a, [v, idx], [y]) => {
    const { M, N, inner, dims: [d0, d1, d2, d3, d4] } = geom(a.shape, v.shape, idx.shape, ctx.node), K = ctx.K;
    return seqOf(kernelStep(K, 'x8_zero', { dst: y.off, n: y.size * 4 }),
      kernelStep(K, 'x32_gathernd__simd128', { x: y.off, idx: idx.off, y: v.off, M, N, inner, dir: GATHERND_DIR.scatterAdd, d0, d1, d2, d3, d4 }));
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const [v, idx] = g.ins, [dy] = g.outGrads, [dv, di] = g.inGrads, K = ctx.K;
      const { M, N, inner, dims: [d0, d1, d2, d3, d4] } = geom(a.shape, v.shape, idx.shape, ctx.node), [doV, doI] = g.req.map((r) => r !== 'null');
      return seqOf(doV && kernelStep(K, 'x32_gathernd__simd128', { x: dy.off, idx: idx.off, y: dv.off, M, N, inner, dir: GATHERND_DIR.gather, d0, d1, d2, d3, d4 }),
        doI && kernelStep(K, 'x8_zero', { dst: di.off, n: di.size * 4 }));
    },
  },
};
