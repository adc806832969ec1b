// hard_sigmoid (MXNet): y = clip(alpha * x + beta, 0, 1), alpha 0.2 and beta 0.5 by default (ONNX
// HardSigmoid's defaults too). Three passes over the output; gradient alpha where 0 < y < 1.
import type { OpDef } from '../registry.js';
import { f32Types } from '../helpers.js';
import { sameShapes } from './common.js';

export const hardSigmoidOp: OpDef = {
  name: 'hard_sigmoid',
  attrs: { alpha: { type: 'float', default: 0.2 }, beta: { type: 'float', default: 0.5 } },
  doc: 'max(0, min(1, alpha * x + beta)).',
  inputs: () => ['data'],
  inferShape: sameShapes('hard_sigmoid'),
  inferType: f32Types('hard_sigmoid'),
  forward: (ctx, a, [x], [y]) => {
    const K = ctx.K, n = x.size;
    return () => { K.f32_vmulc__simd128(x.off, y.off, a.alpha, n); K.f32_vaddc__simd128(y.off, y.off, a.beta, n); K.f32_vclip__simd128(y.off, y.off, 0, 1, n); };
  },
  backward: {
    saves: ['outputs'],
    lower: (ctx, a, g) => {
      if (g.req[0] === 'null') return () => {};
      const K = ctx.K, [y] = g.outs, [dy] = g.outGrads, [dx] = g.inGrads, n = y.size;
      // clip's gradient passes where lo < y < hi: the linear part
      return () => { K.f32_vclip_grad__simd128(y.off, dy.off, dx.off, 1e-30, 1 - 2 ** -24, n); K.f32_vmulc__simd128(dx.off, dx.off, a.alpha, n); };
    },
  },
  inplace: [[0, 0]],
};
