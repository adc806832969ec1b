// BatchNorm (MXNet's CPU kernels): batch statistics in training, moving statistics in inference or with
// use_global_stats; moving averages updated in BACKWARD (BatchNormBackwardImpl); hidden outputs mean and
// var, where var holds the inverse std (1/sqrt(var + eps)) as in MXNet's CPU kernel.
import { ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape } from '../../util/shape.js';
import { split3 } from './common.js';
import { axisOf, f32Types, gradOff, kernelStep } from '../helpers.js';

const OP = 'BatchNorm';

const geom = (a: Attrs, s: Shape, node: string) => split3(s, axisOf(node, OP, a.axis, s.length));
const useBatch = (a: Attrs, isTrain: boolean) => isTrain && !a.use_global_stats;

/**
 * BatchNorm over the channel axis `axis` (default 1). Inputs data, gamma, beta; aux moving_mean,
 * moving_var; outputs output, mean, var (1 visible unless output_mean_var).
 * @example mx.nd.BatchNorm(x, gamma, beta, mm, mv, { fix_gamma: false, isTrain: true })
 */
export const batchNorm: OpDef = {
  name: OP,
  attrs: {
    eps: { type: 'float', default: 1e-3, min: 0 }, // negative: 1/sqrt(var + eps) is NaN
    momentum: { type: 'float', default: 0.9 },
    fix_gamma: { type: 'bool', default: true },
    use_global_stats: { type: 'bool', default: false },
    output_mean_var: { type: 'bool', default: false },
    axis: { type: 'int', default: 1 },
    cudnn_off: { type: 'bool', default: false },
    min_calib_range: { type: 'floatOrNone', default: null },
    max_calib_range: { type: 'floatOrNone', default: null },
    act_type: { type: 'any', default: null },
  },
  inputs: () => ['data', 'gamma', 'beta'],
  aux: () => ['moving_mean', 'moving_var'],
  outputs: () => ['output', 'mean', 'var'],
  visibleOutputs: (a) => (a.output_mean_var ? 3 : 1),
  mutatesAux: true,
  inferShape: (a, [d, g, b], aux, node) => {
    if (!d) return { ins: [d, g, b], outs: [undefined, undefined, undefined], aux };
    if (d.length === 0) throw new ShapeError(opMessage(node, OP, 'data must have at least 1 dimension'), { op: OP, arg: 'data' });
    const C = d[axisOf(node, OP, a.axis, d.length)], c: Shape = [C];
    const names = ['gamma', 'beta', 'moving_mean', 'moving_var'];
    [g, b, ...aux].forEach((s, k) => {
      if (s && (s.length !== 1 || s[0] !== C)) throw new ShapeError(opMessage(node, OP, `${names[k]} must have shape ${fmtShape(c)}, got ${fmtShape(s)}`), { op: OP, arg: names[k] });
    });
    return { ins: [d, c, c], outs: [d, c, c], aux: [c, c] };
  },
  inferType: f32Types(OP, 3, 2),
  forward: (ctx, a, [x, g, b], [y, mean, vr], [rm, rv]) => {
    const [o, C, i] = geom(a, x.shape, ctx.node);
    const flags = (useBatch(a, ctx.isTrain) ? 1 : 0) | (a.fix_gamma ? 2 : 0);
    return kernelStep(ctx.K, 'f32_bn_fwd__simd128', { x: x.off, y: y.off, g: g.off, b: b.off, mean: mean.off, vr: vr.off, rm: rm.off, rv: rv.off, outer: o, C, inner: i, eps: a.eps, flags });
  },
  backward: {
    saves: ['inputs', 'outputs'],
    lower: (ctx, a, gr) => {
      const [x, g] = gr.ins, [, mean, vr] = gr.outs, [rm, rv] = gr.aux, [dy] = gr.outGrads;
      const [o, C, i] = geom(a, x.shape, ctx.node), flags = (useBatch(a, ctx.isTrain) ? 1 : 0) | (a.fix_gamma ? 2 : 0);
      const dx = gradOff(gr, 0), dg = gradOff(gr, 1), db = gradOff(gr, 2);
      return kernelStep(ctx.K, 'f32_bn_bwd__simd128', { x: x.off, dy: dy.off, dx, g: g.off, mean: mean.off, vr: vr.off, rm: rm.off, rv: rv.off, dg, db,
        outer: o, C, inner: i, eps: a.eps, mom: a.momentum, flags });
    },
  },
};
