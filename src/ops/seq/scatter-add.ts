// _backward_gather_nd (MXNet's, the gradient of gather_nd as an op; ONNX ScatterND / ScatterElements with
// reduction add): out = zeros(shape), then out[indices[:, j]] += data[j] in order. Kernel: x32_gathernd__simd128 dir 1.
import { DTypeError, ShapeError, opMessage } from '../../errors.js';
import type { OpDef, Shape, TypeResult } from '../registry.js';
import type { DType } from '../../runtime/dtype.js';
import { fmtShape, prod } from '../../util/shape.js';

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
  inferType: (_a, ins: (DType | undefined)[], node): TypeResult => {
    ins.forEach((t, k) => {
      if (t && t !== 'float32') throw new DTypeError(opMessage(node, '_backward_gather_nd', `${['data', 'indices'][k]} must be float32, got ${t}`), { op: '_backward_gather_nd' });
    });
    return { ins: ['float32', 'float32'], outs: ['float32'] };
  },
  forward: (ctx, a, [v, idx], [y]) => {
    const { M, N, inner, dims } = geom(a.shape, v.shape, idx.shape, ctx.node), K = ctx.K;
    return () => { K.x8_zero(y.off, y.size * 4); K.x32_gathernd__simd128(y.off, idx.off, v.off, M, N, inner, 1, dims[0], dims[1], dims[2], dims[3], dims[4]); };
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const [v, idx] = g.ins, [dy] = g.outGrads, [dv, di] = g.inGrads, K = ctx.K;
      const { M, N, inner, dims } = geom(a.shape, v.shape, idx.shape, ctx.node), [doV, doI] = g.req.map((r) => r !== 'null');
      return () => {
        if (doV) K.x32_gathernd__simd128(dy.off, idx.off, dv.off, M, N, inner, 0, dims[0], dims[1], dims[2], dims[3], dims[4]);
        if (doI) K.x8_zero(di.off, di.size * 4);
      };
    },
  },
};
