// LRN: local response normalisation across channels (AlexNet, GoogLeNet).
import { ShapeError, opMessage } from '../../errors.js';
import type { OpDef } from '../registry.js';
import { fmtShape } from '../../util/shape.js';
import { f32Types, kernelStep } from '../helpers.js';

/**
 * LRN: y = x / (knorm + alpha/nsize * sum over a window of nsize channels of x^2)^beta, data (N, C, ...).
 * Hidden output tmp_norm (the denominator base).
 * @example mx.nd.LRN(x, { nsize: 5, alpha: 1e-4, beta: 0.75 })
 */
export const lrn: OpDef = {
  name: 'LRN',
  attrs: {
    alpha: { type: 'float', default: 1e-4 },
    beta: { type: 'float', default: 0.75 },
    knorm: { type: 'float', default: 2 },
    nsize: { type: 'int', required: true },
  },
  inputs: () => ['data'],
  outputs: () => ['output', 'tmp_norm'],
  visibleOutputs: () => 1,
  inferShape: (a, [d], _aux, node) => {
    if (!(a.nsize > 0)) throw new ShapeError(opMessage(node, 'LRN', `nsize must be positive, got ${a.nsize}`), { op: 'LRN', attr: 'nsize' });
    if (d && d.length < 2) throw new ShapeError(opMessage(node, 'LRN', `data must be (N, C, ...), got ${fmtShape(d)}`), { op: 'LRN', arg: 'data' });
    return { ins: [d], outs: [d, d] };
  },
  inferType: f32Types('LRN', 2),
  forward: (ctx, a, [x], [y, s]) => {
    const N = x.shape[0], C = x.shape[1], S = x.size / (N * C || 1);
    return kernelStep(ctx.K, 'f32_lrn__simd128', { x: x.off, y: y.off, s: s.off, N, C, sp: S, nsize: a.nsize, alpha: a.alpha, beta: a.beta, k: a.knorm });
  },
  backward: {
    saves: ['inputs', 'outputs'],
    lower: (ctx, a, g) => {
      const [x] = g.ins, [y, s] = g.outs, [dy] = g.outGrads, [dx] = g.inGrads;
      const N = x.shape[0], C = x.shape[1], S = x.size / (N * C || 1);
      if (g.req[0] === 'null') return () => {};
      return kernelStep(ctx.K, 'f32_lrn_bwd__simd128', { x: x.off, y: y.off, s: s.off, dy: dy.off, dx: dx.off, N, C, sp: S, nsize: a.nsize, alpha: a.alpha, beta: a.beta });
    },
  },
};
