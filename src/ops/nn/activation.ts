// Activation (relu, sigmoid, tanh, softrelu, softsign) and LeakyReLU (leaky, prelu, rrelu, elu, selu, gelu).
import { ShapeError, opMessage } from '../../errors.js';
import type { OpDef } from '../registry.js';
import { fmtShape } from '../../util/shape.js';
import { ACT, RAND_MODE } from '../../runtime/manifest/nn.js';
import { seedOf } from './common.js';
import { f32Types, kernelStep, kernelWith, seq, seqOf } from '../helpers.js';

/**
 * Activation: y = act(x). Backward reads only the output (softsign's derivative is (1-|y|)^2).
 * @example mx.nd.Activation(x, { act_type: 'relu' })
 */
export const activation: OpDef = {
  name: 'Activation',
  attrs: { act_type: { type: 'str', required: true, values: ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'] } },
  inputs: () => ['data'],
  inferShape: (_a, [d]) => ({ ins: [d], outs: [d] }),
  inferType: f32Types('Activation'),
  forward: (ctx, a, [x], [y]) => {
    const t = ACT[a.act_type as keyof typeof ACT];
    return kernelStep(ctx.K, 'f32_act__simd128', { x: x.off, y: y.off, n: x.size, t, a: 0 });
  },
  backward: {
    saves: ['outputs'],
    lower: (ctx, a, g) => {
      const t = ACT[a.act_type as keyof typeof ACT];
      const [y] = g.outs, [dy] = g.outGrads, [dx] = g.inGrads;
      if (g.req[0] === 'null') return () => {};
      return kernelStep(ctx.K, 'f32_act_bwd__simd128', { x: 0, y: y.off, dy: dy.off, dx: dx.off, n: y.size, t, a: 0 });
    },
  },
  inplace: [[0, 0]],
};

const LEAKY_TYPES = ['leaky', 'prelu', 'rrelu', 'elu', 'selu', 'gelu'] as const;

/**
 * LeakyReLU family. prelu takes `gamma` of shape (C,) (C = data.shape[1]) or (1,); rrelu draws a slope
 * U(lower_bound, upper_bound) per element in training (hidden output `mask`), (lower+upper)/2 in inference.
 * selu's gradient is a deliberate difference from MXNet 1.9: for x <= 0 we use the true derivative
 * λα·eˣ = y + λα, where MXNet's kernel computes λ(α + y) (not the derivative of its own forward; finite differences
 * agree with ours). Forward values are MXNet's.
 * @example mx.nd.LeakyReLU(x, { act_type: 'elu', slope: 1 })
 */
export const leakyRelu: OpDef = {
  name: 'LeakyReLU',
  attrs: {
    act_type: { type: 'str', default: 'leaky', values: LEAKY_TYPES },
    slope: { type: 'float', default: 0.25 },
    lower_bound: { type: 'float', default: 0.125 },
    upper_bound: { type: 'float', default: 0.334 },
  },
  inputs: (a) => (a.act_type === 'prelu' ? ['data', 'gamma'] : ['data']),
  outputs: (a) => (a.act_type === 'rrelu' ? ['output', 'mask'] : ['output']),
  visibleOutputs: () => 1,
  inferShape: (a, [d, gm], _aux, node) => {
    if (a.act_type !== 'prelu') return { ins: [d], outs: a.act_type === 'rrelu' ? [d, d] : [d] };
    if (!d) return { ins: [d, gm], outs: [undefined] };
    const C = d.length >= 2 ? d[1] : 1;
    const g = gm ?? [C];
    if (g.length !== 1 || (g[0] !== C && g[0] !== 1)) {
      throw new ShapeError(opMessage(node, 'LeakyReLU', `prelu gamma must have shape (${C},) or (1,), got ${fmtShape(g)}`), { op: 'LeakyReLU', arg: 'gamma' });
    }
    return { ins: [d, g], outs: [d] };
  },
  inferType: (a, ins, node) => f32Types('LeakyReLU', a.act_type === 'rrelu' ? 2 : 1)(a, ins, node),
  forward: (ctx, a, [x, gm], [y, m]) => {
    const K = ctx.K, t: string = a.act_type, n = x.size;
    if (t === 'prelu') {
      const [o, C, i] = gm.size === 1 ? [1, 1, n] : [x.shape[0], x.shape[1], n / (x.shape[0] * x.shape[1])];
      return kernelStep(K, 'f32_prelu__simd128', { c: x.off, v: x.off, g: gm.off, out: y.off, outer: o, C, inner: i });
    }
    if (t === 'rrelu') {
      const lo = a.lower_bound, hi = a.upper_bound;
      if (!ctx.isTrain) {
        return seq([kernelStep(K, 'f32_act__simd128', { x: x.off, y: y.off, n, t: ACT.leaky, a: (lo + hi) / 2 }), kernelStep(K, 'x32_fill', { dst: m.off, v: (lo + hi) / 2, n })]);
      }
      // A fresh slope per element and call: the seed is drawn at run time.
      const random = ctx.random, fill = kernelWith(K, 'f32_rand_fill__simd128', { m: m.off, n, mode: RAND_MODE.uniform, a: lo, b: hi }, 'seed');
      const rrelu = kernelStep(K, 'f32_rrelu__simd128', { c: x.off, v: x.off, m: m.off, out: y.off, n });
      return () => { fill(seedOf(random)); rrelu(); };
    }
    const code = ACT[t as keyof typeof ACT];
    return kernelStep(K, 'f32_act__simd128', { x: x.off, y: y.off, n, t: code, a: a.slope });
  },
  backward: {
    saves: ['inputs', 'outputs'],
    lower: (ctx, a, g) => {
      const K = ctx.K, t: string = a.act_type, [x, gm] = g.ins, [y, m] = g.outs, [dy] = g.outGrads, [dx, dg] = g.inGrads, n = x.size;
      const wantX = g.req[0] !== 'null';
      if (t === 'prelu') {
        const [o, C, i] = gm.size === 1 ? [1, 1, n] : [x.shape[0], x.shape[1], n / (x.shape[0] * x.shape[1])];
        const wantG = g.req[1] !== 'null';
        return seqOf(wantX && kernelStep(K, 'f32_prelu__simd128', { c: x.off, v: dy.off, g: gm.off, out: dx.off, outer: o, C, inner: i }),
          wantG && kernelStep(K, 'f32_prelu_gamma_grad__simd128', { x: x.off, dy: dy.off, dg: dg.off, outer: o, C, inner: i }));
      }
      if (!wantX) return () => {};
      if (t === 'rrelu') return kernelStep(K, 'f32_rrelu__simd128', { c: y.off, v: dy.off, m: m.off, out: dx.off, n });
      const code = ACT[t as keyof typeof ACT];
      return kernelStep(K, 'f32_act_bwd__simd128', { x: x.off, y: y.off, dy: dy.off, dx: dx.off, n, t: code, a: a.slope });
    },
  },
};
