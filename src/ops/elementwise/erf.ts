// erf (MXNet's `erf`): the activation kernel's type 9 (the rational erf gelu uses, abs error 4.9e-7);
// the gradient 2/sqrt(pi) * exp(-x^2) from the input. ONNX Erf imports onto it.
import { ACT } from '../../runtime/manifest/nn.js';
import type { OpDef } from '../registry.js';
import { f32Types, kernelStep } from '../helpers.js';
import { sameShapes } from './common.js';

export const erfOp: OpDef = {
  name: 'erf', attrs: {}, doc: 'Gauss error function erf(x); gradient 2/sqrt(pi) exp(-x^2).',
  inputs: () => ['data'],
  inferShape: sameShapes('erf'),
  inferType: f32Types('erf'),
  forward: (ctx, _a, [x], [y]) => {  return kernelStep(ctx.K, 'f32_act__simd128', { x: x.off, y: y.off, n: x.size, t: ACT.erf, a: 0 }); },
  backward: {
    saves: ['inputs'],
    lower: (ctx, _a, g) => {
      if (g.req[0] === 'null') return () => {};
      const [x] = g.ins, [dy] = g.outGrads, [dx] = g.inGrads;
      return kernelStep(ctx.K, 'f32_act_bwd__simd128', { x: x.off, y: 0, dy: dy.off, dx: dx.off, n: x.size, t: ACT.erf, a: 0 });
    },
  },
  inplace: [[0, 0]],
};
