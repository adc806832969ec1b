// _scatter_reduce_nd (ONNX ScatterND / ScatterElements with reduction mul, max, min, opset 16/18; no MXNet 1.x
// equivalent): out = lhs, then out[indices[:, j]] = reduce(out[indices[:, j]], rhs[j]) in order.
// Kernel: x32_gathernd__simd128 dirs 4 (mul), 5 (max), 6 (min).
import { DTypeError, opMessage } from '../../errors.js';
import type { OpDef, TypeResult } from '../registry.js';
import type { DType } from '../../runtime/dtype.js';
import { geom } from './scatter.js';

const DIR = { mul: 4, max: 5, min: 6 } as const;

/**
 * _scatter_reduce_nd: a copy of lhs where each block at indices (M, ...) is combined with rhs in order: `mul`
 * multiplies, `max` / `min` keep the larger / smaller (a < b ? b : a, C++ std::max as onnxruntime; repeated indices
 * combine in order). Indices as _scatter_set_nd (float32, truncated, negatives from the end, clamped).
 * Gradient (distinct indices assumed, as _scatter_set_nd): mul: dlhs = dy times the updates at their blocks, drhs =
 * gather_nd(dy * lhs); max / min: each output element's gradient goes to the input(s) equal to it (both on a tie).
 * @example mx.nd._scatter_reduce_nd(mx.nd.ones([3]), mx.nd.array([5]), mx.nd.array([[1]]), { reduction: 'max' }) // [1, 5, 1]
 */
export const scatterReduceNd: OpDef = {
  name: '_scatter_reduce_nd',
  attrs: { reduction: { type: 'str', values: ['mul', 'max', 'min'], required: true } },
  inputs: () => ['lhs', 'rhs', 'indices'],
  inferShape: (_a, [x, v, idx], _aux, node) => {
    if (x && v && idx) geom(x, v, idx, node, '_scatter_reduce_nd');
    return { ins: [x, v, idx], outs: [x] };
  },
  inferType: (_a, ins: (DType | undefined)[], node): TypeResult => {
    const k = ins.findIndex((t) => t && t !== 'float32'), op = '_scatter_reduce_nd';
    if (k >= 0) throw new DTypeError(opMessage(node, op, `${['lhs', 'rhs', 'indices'][k]} must be float32, got ${ins[k]}`), { op });
    return { ins: ['float32', 'float32', 'float32'], outs: ['float32'] };
  },
  forward: (ctx, a, [x, v, idx], [y]) => {
    const { M, N, inner, dims } = geom(x.shape, v.shape, idx.shape, ctx.node, '_scatter_reduce_nd'), K = ctx.K, dir = DIR[a.reduction as keyof typeof DIR];
    return () => {
      if (y.off !== x.off) K.x8_copy(x.off, y.off, x.size * 4);
      K.x32_gathernd__simd128(y.off, idx.off, v.off, M, N, inner, dir, dims[0], dims[1], dims[2], dims[3], dims[4]);
    };
  },
  backward: {
    saves: ['inputs', 'outputs'],
    workspace: (_a, ins) => ins[1].reduce((p, d) => p * d, 1) * 4,
    lower: (ctx, a, g) => {
      const [x, v, idx] = g.ins, [y] = g.outs, [dy] = g.outGrads, [dx, dv, di] = g.inGrads, K = ctx.K, ws = ctx.workspace;
      const { M, N, inner, dims } = geom(x.shape, v.shape, idx.shape, ctx.node, '_scatter_reduce_nd'), [doX, doV, doI] = g.req.map((r) => r !== 'null');
      const nd = (t: number, src: number, dir: number) => K.x32_gathernd__simd128(t, idx.off, src, M, N, inner, dir, dims[0], dims[1], dims[2], dims[3], dims[4]);
      const mul = a.reduction === 'mul';
      return () => { // dx: mul: dy times the updates at their blocks; max/min: dy where y == x
        if (doX && mul) { K.x8_copy(dy.off, dx.off, dx.size * 4); nd(dx.off, v.off, 4); }
        if (doX && !mul) { K.f32_veq__simd128(y.off, x.off, dx.off, dx.size); K.f32_vmul__simd128_u8(dx.off, dy.off, dx.off, dx.size); }
        if (doV) {
          nd(dy.off, dv.off, 0); // gather_nd(dy)
          nd(mul ? x.off : y.off, ws, 0);
          if (!mul) K.f32_veq__simd128(ws, v.off, ws, v.size);
          K.f32_vmul__simd128_u8(dv.off, ws, dv.off, v.size);
        }
        if (doI) K.x8_zero(di.off, di.size * 4);
      };
    },
  },
};
