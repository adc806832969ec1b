// Loss heads: SoftmaxOutput (alias Softmax), Linear/Logistic/MAE RegressionOutput, MakeLoss. Their backward
// ignores incoming gradients (except SoftmaxOutput with out_grad) and emits the loss gradient directly.
import { ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape, prod, sameShape } from '../../util/shape.js';
import { ACT, LOSS_MODE } from '../../runtime/manifest/nn.js';
import { f32Types, kernelStep, seqOf } from '../helpers.js';

const SO = 'SoftmaxOutput';

/** Softmax lines (outer, K, inner) of SoftmaxOutput's data. */
function soGeom(a: Attrs, d: Shape): [number, number, number] {
  const N = d[0], n = prod(d);
  if (a.multi_output) return [N, d[1], n / N / d[1]];
  if (a.preserve_shape) return [n / d[d.length - 1], d[d.length - 1], 1];
  return [N, n / N, 1];
}

/**
 * SoftmaxOutput: forward softmax; backward (softmax - onehot(label)) * grad_scale / norm, MXNet's
 * softmax_output-inl.h rules (ignore_label, normalization null|batch|valid, multi_output spatial divide,
 * probability labels when label.shape == data.shape, smooth_alpha).
 * @example mx.nd.SoftmaxOutput(x, label, { normalization: 'batch' })
 */
export const softmaxOutput: OpDef = {
  name: SO,
  aliases: ['Softmax'],
  attrs: {
    grad_scale: { type: 'float', default: 1 },
    ignore_label: { type: 'float', default: -1 },
    multi_output: { type: 'bool', default: false },
    use_ignore: { type: 'bool', default: false },
    preserve_shape: { type: 'bool', default: false },
    normalization: { type: 'str', default: 'null', values: ['null', 'batch', 'valid'] },
    out_grad: { type: 'bool', default: false },
    smooth_alpha: { type: 'float', default: 0 },
  },
  inputs: () => ['data', 'label'],
  inferShape: (a, [d, l], _aux, node) => {
    if (!d) return { ins: [d, l], outs: [undefined] };
    if (d.length < (a.multi_output ? 2 : 1)) throw new ShapeError(opMessage(node, SO, `data must have at least ${a.multi_output ? 2 : 1} dimensions, got ${fmtShape(d)}`), { op: SO });
    if (l && sameShape(l, d)) return { ins: [d, l], outs: [d] };
    let want: Shape;
    if (a.multi_output) {
      const l1 = [d[0], prod(d) / d[0] / d[1]], l2 = [d[0], ...d.slice(2)], l3 = [d[0], 1, ...d.slice(2)];
      if (l && !sameShape(l, l1) && !sameShape(l, l2) && !sameShape(l, l3)) {
        throw new ShapeError(opMessage(node, SO, `label shape ${fmtShape(l)} does not match: expecting ${fmtShape(l1)} or ${fmtShape(l2)}`), { op: SO, arg: 'label' });
      }
      want = l ?? l1;
    } else {
      want = d.length === 1 ? [d[0]] : d.slice(0, -1);
      if (d.length === 1) want = [1];
      if (l && !sameShape(l, want)) throw new ShapeError(opMessage(node, SO, `label shape ${fmtShape(l)} does not match: expecting ${fmtShape(want)}`), { op: SO, arg: 'label' });
    }
    return { ins: [d, want], outs: [d] };
  },
  inferType: f32Types(SO),
  forward: (ctx, a, [x], [y]) => {
    const [o, n, i] = soGeom(a, x.shape);
    return kernelStep(ctx.K, 'f32_softmax__simd128', { x: x.off, y: y.off, len: 0, li: 0, outer: o, n, inner: i, sc: 1, lg: 0 });
  },
  backward: {
    saves: ['inputs', 'outputs'],
    ignoresOutGrads: (a) => !a.out_grad, // out_grad=True: (p - onehot) * head gradient, as MXNet
    lower: (ctx, a, g) => {
      const K = ctx.K, [, label] = g.ins, [y] = g.outs, [dx, dl] = g.inGrads, og = g.outGrads[0];
      const useOg = a.out_grad && og, zl = dl && g.req[1] !== 'null' ? dl : undefined;
      const zero = zl && kernelStep(K, 'x8_zero', { dst: zl.off, n: zl.size * 4 });
      if (g.req[0] === 'null') return seqOf(zero);
      const times = useOg && kernelStep(K, 'f32_mask_mul__simd128', { x: dx.off, m: og.off, y: dx.off, n: dx.size });
      if (sameShape(label.shape, y.shape)) {
        return seqOf(kernelStep(K, 'f32_loss_grad__simd128', { out: y.off, label: label.off, dx: dx.off, n: y.size, s: a.grad_scale, mode: LOSS_MODE.l2, th: 0 }), times, zero);
      }
      const [o, n, i] = soGeom(a, y.shape), norm: string = a.normalization;
      let scale: number = a.grad_scale;
      if (a.multi_output) scale = scale / (norm === 'valid' ? 1 : i) / (norm === 'batch' ? o : 1);
      else if (norm === 'batch') scale /= label.size;
      const flags = (a.use_ignore ? 1 : 0) | (norm === 'valid' ? 2 : 0);
      const ce = kernelStep(K, 'f32_softmax_ce_bwd__simd128', { y: y.off, label: label.off, dx: dx.off, outer: o, K: n, inner: i, ignore: a.ignore_label, flags, scale,
        alpha: a.smooth_alpha });
      return seqOf(ce, times, zero);
    },
  },
};

function regression(name: string, fwdAct: number | null, mode: typeof LOSS_MODE.l2 | typeof LOSS_MODE.l1, doc: string): OpDef {
  return {
    name,
    doc,
    attrs: { grad_scale: { type: 'float', default: 1 } },
    inputs: () => ['data', 'label'],
    inferShape: (_a, [d, l], _aux, node) => {
      if (!d) return { ins: [d, l], outs: [undefined] };
      if (!l) return { ins: [d, d.length === 2 && d[1] === 1 ? [d[0]] : d], outs: [d] };
      if (l[0] !== d[0] || prod(l) !== prod(d)) throw new ShapeError(opMessage(node, name, `label shape ${fmtShape(l)} does not match data shape ${fmtShape(d)}`), { op: name, arg: 'label' });
      return { ins: [d, l], outs: [d] };
    },
    inferType: f32Types(name),
    forward: (ctx, _a, [x], [y]) => {
      const K = ctx.K;
      if (fwdAct !== null) return kernelStep(K, 'f32_act__simd128', { x: x.off, y: y.off, n: x.size, t: fwdAct, a: 0 });
      return x.off === y.off ? () => {} : kernelStep(K, 'x8_copy', { src: x.off, dst: y.off, n: x.size * 4 });
    },
    backward: {
      saves: ['inputs', 'outputs'],
      ignoresOutGrads: true,
      lower: (ctx, a, g) => {
        const K = ctx.K, [, label] = g.ins, [y] = g.outs, [dx, dl] = g.inGrads;
        const s = a.grad_scale / (label.size / (label.shape[0] || 1));
        const zl = dl && g.req[1] !== 'null' ? dl : undefined, wx = g.req[0] !== 'null';
        return seqOf(wx && kernelStep(K, 'f32_loss_grad__simd128', { out: y.off, label: label.off, dx: dx.off, n: y.size, s, mode, th: 0 }),
          zl && kernelStep(K, 'x8_zero', { dst: zl.off, n: zl.size * 4 }));
      },
    },
  };
}

/** Identity forward; gradient (out - label) * grad_scale / num_output. @example mx.nd.LinearRegressionOutput(x, y) */
export const linearRegressionOutput = regression('LinearRegressionOutput', null, LOSS_MODE.l2, 'L2 regression head.');
/** Sigmoid forward; gradient (out - label) * grad_scale / num_output. @example mx.nd.LogisticRegressionOutput(x, y) */
export const logisticRegressionOutput = regression('LogisticRegressionOutput', ACT.sigmoid, LOSS_MODE.l2, 'Logistic regression head.');
/** Identity forward; gradient sign(out - label) * grad_scale / num_output. @example mx.nd.MAERegressionOutput(x, y) */
export const maeRegressionOutput = regression('MAERegressionOutput', null, LOSS_MODE.l1, 'L1 regression head.');

/**
 * MakeLoss: identity forward; gradient grad_scale (null), grad_scale / N (batch), grad_scale / max(1,
 * #(data > valid_thresh)) (valid).
 * @example mx.nd.MakeLoss(loss, { grad_scale: 0.5 })
 */
export const makeLoss: OpDef = {
  name: 'MakeLoss',
  aliases: ['make_loss'],
  attrs: {
    grad_scale: { type: 'float', default: 1 },
    valid_thresh: { type: 'float', default: 0 },
    normalization: { type: 'str', default: 'null', values: ['null', 'batch', 'valid'] },
  },
  inputs: () => ['data'],
  inferShape: (_a, [d]) => ({ ins: [d], outs: [d] }),
  inferType: f32Types('MakeLoss'),
  forward: (ctx, _a, [x], [y]) => (x.off === y.off ? () => {} : kernelStep(ctx.K, 'x8_copy', { src: x.off, dst: y.off, n: x.size * 4 })),
  backward: {
    saves: ['inputs'],
    ignoresOutGrads: true,
    lower: (ctx, a, g) => {
      const [x] = g.ins, [dx] = g.inGrads, norm: string = a.normalization;
      const s = a.grad_scale / (norm === 'batch' ? dx.shape[0] || 1 : 1), mode = norm === 'valid' ? LOSS_MODE.valid : LOSS_MODE.scale;
      if (g.req[0] === 'null') return () => {};
      return kernelStep(ctx.K, 'f32_loss_grad__simd128', { out: x.off, label: 0, dx: dx.off, n: dx.size, s, mode, th: a.valid_thresh });
    },
  },
  inplace: [[0, 0]],
};
