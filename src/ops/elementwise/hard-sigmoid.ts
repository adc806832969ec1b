// hard_sigmoid (MXNet): y = clip(alpha * x + beta, 0, 1), alpha 0.2 and beta 0.5 by default (ONNX
// HardSigmoid's defaults too). Three passes over the output; gradient alpha where 0 < y < 1.
import type { OpDef } from '../registry.js';
import { f32Types, kernelStep, seq } from '../helpers.js';
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
    return seq([kernelStep(K, 'f32_vmulc__simd128', { x: x.off, z: y.off, s: a.alpha, n }), kernelStep(K, 'f32_vaddc__simd128', { x: y.off, z: y.off, s: a.beta, n }),
      kernelStep(K, 'f32_vclip__simd128', { x: y.off, z: y.off, lo: 0, hi: 1, n })]);
  },
  backward: {
    saves: ['outputs'],
    lower: (ctx, a, g) => {
      if (g.req[0] === 'null') return () => {};
      const K = ctx.K, [y] = g.outs, [dy] = g.outGrads, [dx] = g.inGrads, n = y.size;
      // clip's gradient passes where lo < y < hi: the linear part
      return seq([kernelStep(K, 'f32_vclip_grad__simd128', { x: y.off, g: dy.off, z: dx.off, lo: 1e-30, hi: 1 - 2 ** -24, n }),
        kernelStep(K, 'f32_vmulc__simd128', { x: dx.off, z: dx.off, s: a.alpha, n })]);
    },
  },
  inplace: [[0, 0]],
};
