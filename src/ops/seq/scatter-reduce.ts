// _scatter_reduce_nd (ONNX ScatterND / ScatterElements with reduction mul, max, min, opset 16/18; no MXNet 1.x
// equivalent): out = lhs, then out[indices[:, j]] = reduce(out[indices[:, j]], rhs[j]) in order.
// Kernel: x32_gathernd__simd128 dirs 4 (mul), 5 (max), 6 (min).
import type { OpDef } from '../registry.js';
import { f32Types, kernelStep, seqOf } from '../helpers.js';
import { GATHERND_DIR } from '../../runtime/manifest/rnn.js';
import { geom } from './scatter.js';

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
  inferType: f32Types('_scatter_reduce_nd', 1, 0, ['lhs', 'rhs', 'indices']),
  forward: (ctx, a, [x, v, idx], [y]) => {
    const { M, N, inner, dims: [d0, d1, d2, d3, d4] } = geom(x.shape, v.shape, idx.shape, ctx.node, '_scatter_reduce_nd'), K = ctx.K;
    const dir = GATHERND_DIR[a.reduction as 'mul' | 'max' | 'min'];
    return seqOf(y.off !== x.off && kernelStep(K, 'x8_copy', { src: x.off, dst: y.off, n: x.size * 4 }),
      kernelStep(K, 'x32_gathernd__simd128', { x: y.off, idx: idx.off, y: v.off, M, N, inner, dir, d0, d1, d2, d3, d4 }));
  },
  backward: {
    saves: ['inputs', 'outputs'],
    workspace: (_a, ins) => ins[1].reduce((p, d) => p * d, 1) * 4,
    lower: (ctx, a, g) => {
      const [x, v, idx] = g.ins, [y] = g.outs, [dy] = g.outGrads, [dx, dv, di] = g.inGrads, K = ctx.K, ws = ctx.workspace;
      const { M, N, inner, dims: [d0, d1, d2, d3, d4] } = geom(x.shape, v.shape, idx.shape, ctx.node, '_scatter_reduce_nd');
      const [doX, doV, doI] = g.req.map((r) => r !== 'null'), mul = a.reduction === 'mul', d = { M, N, inner, d0, d1, d2, d3, d4 };
      const nd = (t: number, src: number, dir: number) => kernelStep(K, 'x32_gathernd__simd128', { x: t, idx: idx.off, y: src, dir, ...d });
      // dx: mul: dy times the updates at their blocks; max/min: dy where y == x. dv: gather_nd(dy) times the updates'
      // partner (mul: lhs at the block; max/min: 1 where the update won).
      return seqOf(doX && mul && kernelStep(K, 'x8_copy', { src: dy.off, dst: dx.off, n: dx.size * 4 }),
        doX && mul && nd(dx.off, v.off, GATHERND_DIR.mul),
        doX && !mul && kernelStep(K, 'f32_veq__simd128', { x: y.off, y: x.off, z: dx.off, n: dx.size }),
        doX && !mul && kernelStep(K, 'f32_vmul__simd128_u8', { x: dx.off, y: dy.off, z: dx.off, n: dx.size }),
        doV && nd(dy.off, dv.off, GATHERND_DIR.gather),
        doV && nd(mul ? x.off : y.off, ws, GATHERND_DIR.gather),
        doV && !mul && kernelStep(K, 'f32_veq__simd128', { x: ws, y: v.off, z: ws, n: v.size }),
        doV && kernelStep(K, 'f32_vmul__simd128_u8', { x: dv.off, y: ws, z: dv.off, n: v.size }),
        doI && kernelStep(K, 'x8_zero', { dst: di.off, n: di.size * 4 }));
    },
  },
};
