// LayerNorm (any axis), InstanceNorm, GroupNorm, L2Normalization (instance | channel | spatial).
import { ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape, prod } from '../../util/shape.js';
import { split3 } from './common.js';
import { axisOf, f32Types, gradOff, kernelStep } from '../helpers.js';

function vecCheck(op: string, node: string, name: string, s: Shape | undefined, n: number): Shape {
  if (s && (s.length !== 1 || s[0] !== n)) throw new ShapeError(opMessage(node, op, `${name} must have shape (${n},), got ${fmtShape(s)}`), { op, arg: name });
  return [n];
}

const lnGeom = (a: Attrs, d: Shape, node: string) => split3(d, axisOf(node, 'LayerNorm', a.axis, d.length));

/**
 * LayerNorm: y = (x - mean) / sqrt(var + eps) * gamma + beta over `axis` (any axis; the last one uses
 * contiguous rows). Hidden outputs mean and std (shape of data with axis set to 1).
 * @example mx.nd.LayerNorm(x, gamma, beta, { eps: 1e-5 })
 */
export const layerNorm: OpDef = {
  name: 'LayerNorm',
  attrs: { axis: { type: 'int', default: -1 }, eps: { type: 'float', default: 1e-5 }, output_mean_var: { type: 'bool', default: false } },
  inputs: () => ['data', 'gamma', 'beta'],
  outputs: () => ['output', 'mean', 'std'],
  visibleOutputs: (a) => (a.output_mean_var ? 3 : 1),
  inferShape: (a, [d, g, b], _aux, node) => {
    if (!d) return { ins: [d, g, b], outs: [undefined, undefined, undefined] };
    const ax = axisOf(node, 'LayerNorm', a.axis, d.length), n = d[ax], ms = d.map((v, k) => (k === ax ? 1 : v));
    return { ins: [d, vecCheck('LayerNorm', node, 'gamma', g, n), vecCheck('LayerNorm', node, 'beta', b, n)], outs: [d, ms, ms] };
  },
  inferType: f32Types('LayerNorm', 3),
  forward: (ctx, a, [x, g, b], [y, mean, sd]) => {
    const [o, n, i] = lnGeom(a, x.shape, ctx.node), K = ctx.K;
    if (i === 1) return kernelStep(K, 'f32_rownorm__simd128', { x: x.off, y: y.off, g: g.off, b: b.off, mean: mean.off, sd: sd.off, rows: o, n, G: 0, Sg: 0, eps: a.eps });
    return kernelStep(K, 'f32_layernorm_cols__simd128', { x: x.off, y: y.off, g: g.off, b: b.off, mean: mean.off, sd: sd.off, outer: o, n, inner: i, eps: a.eps });
  },
  backward: {
    saves: ['inputs', 'outputs'],
    lower: (ctx, a, gr) => {
      const [x, g] = gr.ins, [, mean, sd] = gr.outs, [dy] = gr.outGrads, K = ctx.K;
      const [o, n, i] = lnGeom(a, x.shape, ctx.node);
      const dx = gradOff(gr, 0), dg = gradOff(gr, 1), db = gradOff(gr, 2);
      if (i === 1) return kernelStep(K, 'f32_rownorm_bwd__simd128', { x: x.off, dy: dy.off, g: g.off, mean: mean.off, sd: sd.off, dx, dg, db, rows: o, n, G: 0, Sg: 0 });
      return kernelStep(K, 'f32_layernorm_cols_bwd__simd128', { x: x.off, dy: dy.off, g: g.off, mean: mean.off, sd: sd.off, dx, dg, db, outer: o, n, inner: i });
    },
  },
};

/**
 * InstanceNorm: per (n, c) normalisation over the spatial dims, gamma/beta per channel (shape (C,)).
 * Hidden outputs mean and std per (n, c).
 * @example mx.nd.InstanceNorm(x, gamma, beta, { eps: 1e-3 })
 */
export const instanceNorm: OpDef = {
  name: 'InstanceNorm',
  attrs: { eps: { type: 'float', default: 1e-3 } },
  inputs: () => ['data', 'gamma', 'beta'],
  outputs: () => ['output', 'mean', 'var'],
  visibleOutputs: () => 1,
  inferShape: (_a, [d, g, b], _aux, node) => {
    if (!d) return { ins: [d, g, b], outs: [undefined, undefined, undefined] };
    if (d.length < 3) throw new ShapeError(opMessage(node, 'InstanceNorm', `data must be (N, C, spatial...) with at least 3 dimensions, got ${fmtShape(d)}`), { op: 'InstanceNorm', arg: 'data' });
    const C = d[1];
    return { ins: [d, vecCheck('InstanceNorm', node, 'gamma', g, C), vecCheck('InstanceNorm', node, 'beta', b, C)], outs: [d, [d[0], C], [d[0], C]] };
  },
  inferType: f32Types('InstanceNorm', 3),
  forward: (ctx, a, [x, g, b], [y, mean, sd]) => {
    const C = x.shape[1], rows = x.shape[0] * C, n = x.size / (rows || 1);
    return kernelStep(ctx.K, 'f32_rownorm__simd128', { x: x.off, y: y.off, g: g.off, b: b.off, mean: mean.off, sd: sd.off, rows, n, G: C, Sg: n, eps: a.eps });
  },
  backward: {
    saves: ['inputs', 'outputs'],
    lower: (ctx, _a, gr) => {
      const [x, g] = gr.ins, [, mean, sd] = gr.outs, [dy] = gr.outGrads;
      const C = x.shape[1], rows = x.shape[0] * C, n = x.size / (rows || 1);
      const dx = gradOff(gr, 0), dg = gradOff(gr, 1), db = gradOff(gr, 2);
      return kernelStep(ctx.K, 'f32_rownorm_bwd__simd128', { x: x.off, dy: dy.off, g: g.off, mean: mean.off, sd: sd.off, dx, dg, db, rows, n, G: C, Sg: n });
    },
  },
};

/**
 * GroupNorm (MXNet 1.x group_norm-inl.h): per (n, group) normalisation over the group's C/num_groups channels and
 * the spatial dims, then gamma/beta PER GROUP (shape (num_groups,), as MXNet 1.x: its .params hold (G,) vectors;
 * per-channel (C,) came only with MXNet 2.0). Hidden outputs mean and std, shape (N, num_groups).
 * @example mx.nd.GroupNorm(x, gamma, beta, { num_groups: 4 }) // gamma, beta: (4,)
 */
export const groupNorm: OpDef = {
  name: 'GroupNorm',
  attrs: { num_groups: { type: 'int', default: 1 }, eps: { type: 'float', default: 1e-5 }, output_mean_var: { type: 'bool', default: false } },
  inputs: () => ['data', 'gamma', 'beta'],
  outputs: () => ['output', 'mean', 'std'],
  visibleOutputs: (a) => (a.output_mean_var ? 3 : 1),
  inferShape: (a, [d, g, b], _aux, node) => {
    if (!d) return { ins: [d, g, b], outs: [undefined, undefined, undefined] };
    const G: number = a.num_groups;
    if (d.length < 2 || !(G > 0) || d[1] % G !== 0) {
      throw new ShapeError(opMessage(node, 'GroupNorm', `data ${fmtShape(d)} must be (N, C, ...) with C divisible by num_groups ${G}`), { op: 'GroupNorm', arg: 'data' });
    }
    return { ins: [d, vecCheck('GroupNorm', node, 'gamma', g, G), vecCheck('GroupNorm', node, 'beta', b, G)], outs: [d, [d[0], G], [d[0], G]] };
  },
  inferType: f32Types('GroupNorm', 3),
  forward: (ctx, a, [x, g, b], [y, mean, sd]) => {
    // one row per (n, group); gamma/beta index = row % G (a segment of the whole row)
    const G = a.num_groups, rows = x.shape[0] * G, n = x.size / (rows || 1);
    return kernelStep(ctx.K, 'f32_rownorm__simd128', { x: x.off, y: y.off, g: g.off, b: b.off, mean: mean.off, sd: sd.off, rows, n, G, Sg: n, eps: a.eps });
  },
  backward: {
    saves: ['inputs', 'outputs'],
    lower: (ctx, a, gr) => {
      const [x, g] = gr.ins, [, mean, sd] = gr.outs, [dy] = gr.outGrads;
      const G = a.num_groups, rows = x.shape[0] * G, n = x.size / (rows || 1);
      const dx = gradOff(gr, 0), dg = gradOff(gr, 1), db = gradOff(gr, 2);
      return kernelStep(ctx.K, 'f32_rownorm_bwd__simd128', { x: x.off, dy: dy.off, g: g.off, mean: mean.off, sd: sd.off, dx, dg, db, rows, n, G, Sg: n });
    },
  },
};

/** Lines (outer, n, inner) and the norm shape of L2Normalization. */
function l2Geom(a: Attrs, d: Shape): { o: number; n: number; i: number; norm: Shape } {
  const N = d[0];
  if (a.mode === 'instance') return { o: N, n: prod(d) / N, i: 1, norm: [N] };
  if (a.mode === 'channel') return { o: N, n: d[1], i: prod(d.slice(2)), norm: [N, ...d.slice(2)] };
  return { o: N * d[1], n: prod(d.slice(2)), i: 1, norm: [N, d[1]] };
}

/**
 * L2Normalization: x / sqrt(sum x^2 + eps) per instance, per channel vector (axis 1) or per spatial map.
 * @example mx.nd.L2Normalization(x, { mode: 'channel' })
 */
export const l2Normalization: OpDef = {
  name: 'L2Normalization',
  attrs: { eps: { type: 'float', default: 1e-10 }, mode: { type: 'str', default: 'instance', values: ['instance', 'channel', 'spatial'] } },
  inputs: () => ['data'],
  outputs: () => ['output', 'norm'],
  visibleOutputs: () => 1,
  inferShape: (a, [d], _aux, node) => {
    if (!d) return { ins: [d], outs: [undefined, undefined] };
    if (d.length < (a.mode === 'instance' ? 1 : 2))
      throw new ShapeError(opMessage(node, 'L2Normalization', `data ${fmtShape(d)} has too few dimensions for mode ${a.mode}`), { op: 'L2Normalization' });
    return { ins: [d], outs: [d, l2Geom(a, d).norm] };
  },
  inferType: f32Types('L2Normalization', 2),
  forward: (ctx, a, [x], [y, nrm]) => {
    const { o, n, i } = l2Geom(a, x.shape);
    return kernelStep(ctx.K, 'f32_l2norm__simd128', { x: y.off, y: x.off, nrm: nrm.off, dy: 0, dx: 0, outer: o, n, inner: i, eps: a.eps });
  },
  backward: {
    saves: ['outputs'],
    lower: (ctx, a, gr) => {
      const [y, nrm] = gr.outs, [dy] = gr.outGrads, [dx] = gr.inGrads, { o, n, i } = l2Geom(a, y.shape);
      if (gr.req[0] === 'null') return () => {};
      return kernelStep(ctx.K, 'f32_l2norm__simd128', { x: 0, y: y.off, nrm: nrm.off, dy: dy.off, dx: dx.off, outer: o, n, inner: i, eps: 0 });
    },
  },
};
