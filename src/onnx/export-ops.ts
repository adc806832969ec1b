/**
 * mxwasm (MXNet 1.x) op → ONNX node mappings for the exporter. Numerics that differ between the
 * two are written explicitly (BatchNorm eps and fix_gamma, avg pooling count_include_pad, LeakyReLU
 * slope, Pad's interleaved widths) or refused.
 */
import { MxError } from '../errors.js';
import { CONTROL_EXPORTERS } from './export-control.js';
import type { Node, NodeEntry } from '../graph/node.js';
import type { OnnxAttrValue } from './encode.js';
import { DT, ONNX_TYPE } from './tensor.js';
import type { DType } from '../runtime/dtype.js';
import { exportRnn } from './export-rnn.js';
import { INDEX_EXPORTERS } from './export-index.js';
import type { ExportCtx } from './export-ctx.js';
export type { ExportCtx };
type Exporter = (c: ExportCtx, n: Node) => void;
const fail = (n: Node, msg: string) => new MxError('unsupported', `exportModel: ${n.op} (node ${n.name}): ${msg}`, { op: n.op, node: n.name });
const ins = (c: ExportCtx, n: Node) => n.inputs.map((e) => c.name(e));
const out = (n: Node, k = 0) => (k === 0 ? n.name : `${n.name}${k}`);
const ints = (c: ExportCtx, base: string, v: number[]) => c.init(base, [v.length], v, DT.INT64);
const scalar = (c: ExportCtx, n: Node, v: number) => c.init(`${n.name}_scalar`, [], [v]);
const nd = (k: number[]) => k.length;
const rep = (k: number[], v: number[], d: number) => (v.length ? v : new Array(nd(k)).fill(d));
const one = (op: string, attrs: (n: Node, c: ExportCtx) => Record<string, OnnxAttrValue> = () => ({})): Exporter => (c, n) => c.node(op, [ins(c, n)[0]], [out(n)], attrs(n, c));
const bin = (op: string): Exporter => (c, n) => c.node(op, ins(c, n).slice(0, 2), [out(n)]);
const sc = (op: string, rev = false): Exporter => (c, n) => {
  const s = scalar(c, n, n.attrs.scalar as number), x = ins(c, n)[0];
  c.node(op, rev ? [s, x] : [x, s], [out(n)]);
};
/** Reduce axes: exclude inverts them; none = all. */
function axesOf(c: ExportCtx, n: Node): number[] | undefined {
  const r = c.shape(n.inputs[0])?.length ?? 0, a = n.attrs.axis as number | number[] | null;
  let ax = a === null || a === undefined ? undefined : (Array.isArray(a) ? a : [a]).map((v) => (v < 0 ? v + r : v));
  if (n.attrs.exclude) ax = [...Array(r).keys()].filter((k) => !ax?.includes(k));
  return ax;
}
function reduce(op: string): Exporter {
  return (c, n) => {
    const ax = axesOf(c, n), keep = n.attrs.keepdims ? 1 : 0, x = ins(c, n)[0];
    const inputAxes = op === 'ReduceSum' ? c.opset >= 13 : c.opset >= 18;
    if (inputAxes) c.node(op, ax ? [x, ints(c, `${n.name}_axes`, ax)] : [x], [out(n)], { keepdims: keep });
    else c.node(op, [x], [out(n)], ax ? { axes: ax, keepdims: keep } : { keepdims: keep });
  };
}
/** Static output shape of the node as an int64 initializer (the batch dim as -1 when dynamic). */
function reshapeTo(c: ExportCtx, n: Node, x: string, shape: number[], dst = out(n)): void {
  c.node('Reshape', [x, ints(c, `${n.name}_shape`, [-1, ...shape.slice(1)])], [dst]);
}
const Convolution: Exporter = (c, n) => {
  const a = n.attrs, k = a.kernel as number[], p = rep(k, a.pad as number[], 0);
  if (a.layout && a.layout !== 'NCHW' && a.layout !== 'NCW' && a.layout !== 'NCDHW') throw fail(n, `layout ${a.layout} has no ONNX equivalent`);
  c.node('Conv', ins(c, n), [out(n)], { kernel_shape: k, strides: rep(k, a.stride as number[], 1), dilations: rep(k, a.dilate as number[], 1), pads: [...p, ...p], group: a.num_group as number });
};
const Deconvolution: Exporter = (c, n) => {
  const a = n.attrs, k = a.kernel as number[], p = rep(k, a.pad as number[], 0);
  if ((a.target_shape as number[] | undefined)?.length) throw fail(n, 'target_shape is not exported');
  c.node('ConvTranspose', ins(c, n), [out(n)],
    { kernel_shape: k, strides: rep(k, a.stride as number[], 1), dilations: rep(k, a.dilate as number[], 1), pads: [...p, ...p], output_padding: rep(k, a.adj as number[], 0),
      group: a.num_group as number });
};
const FullyConnected: Exporter = (c, n) => {
  const [x, w, b] = ins(c, n), s = c.shape(n.inputs[0]);
  if (!s) throw fail(n, 'input shape unknown');
  if (n.attrs.flatten || s.length === 2) {
    let f = x;
    if (s.length !== 2) { f = c.fresh(`${n.name}_flat`); c.node('Flatten', [x], [f], { axis: 1 }); }
    c.node('Gemm', b ? [f, w, b] : [f, w], [out(n)], { transB: 1 });
    return;
  }
  const wt = c.fresh(`${n.name}_wt`);
  c.node('Transpose', [w], [wt], { perm: [1, 0] });
  if (!b) { c.node('MatMul', [x, wt], [out(n)]); return; }
  const mm = c.fresh(`${n.name}_mm`);
  c.node('MatMul', [x, wt], [mm]);
  c.node('Add', [mm, b], [out(n)]);
};
const ACT: Record<string, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softrelu: 'Softplus', softsign: 'Softsign' };
const Activation: Exporter = (c, n) => one(ACT[n.attrs.act_type as string])(c, n);
function gelu(c: ExportCtx, n: Node, x: string): void {
  if (c.opset >= 20) { c.node('Gelu', [x], [out(n)]); return; }
  const d = c.fresh(`${n.name}_div`), e = c.fresh(`${n.name}_erf`), p = c.fresh(`${n.name}_add`), m = c.fresh(`${n.name}_mul`);
  c.node('Div', [x, c.init(`${n.name}_sqrt2`, [], [Math.SQRT2])], [d]);
  c.node('Erf', [d], [e]);
  c.node('Add', [e, c.init(`${n.name}_one`, [], [1])], [p]);
  c.node('Mul', [x, p], [m]);
  c.node('Mul', [m, c.init(`${n.name}_half`, [], [0.5])], [out(n)]);
}
const LeakyReLU: Exporter = (c, n) => {
  const t = n.attrs.act_type as string, [x, g] = ins(c, n), slope = n.attrs.slope as number;
  if (t === 'leaky') c.node('LeakyRelu', [x], [out(n)], { alpha: { f: slope } });
  else if (t === 'elu') c.node('Elu', [x], [out(n)], { alpha: { f: slope } });
  else if (t === 'selu') c.node('Selu', [x], [out(n)]);
  else if (t === 'gelu') gelu(c, n, x);
  else if (t === 'prelu') {
    const r = c.shape(n.inputs[0])?.length ?? 4, C = c.shape(n.inputs[1])?.[0] ?? 1, gs = c.fresh(`${n.name}_gamma`);
    // ONNX slope broadcasts from the right: (C, 1, ..., 1) puts it on axis 1
    c.node('Reshape', [g, ints(c, `${n.name}_gshape`, [C, ...new Array(Math.max(r - 2, 0)).fill(1)])], [gs]);
    c.node('PRelu', [x, gs], [out(n)]);
  } else throw fail(n, `act_type ${t} has no ONNX equivalent`);
};
const BatchNorm: Exporter = (c, n) => {
  const [x, gamma, beta, mean, v] = ins(c, n), a = n.attrs;
  if ((a.axis as number) !== 1) throw fail(n, `axis ${a.axis} (ONNX normalizes axis 1)`);
  let g = gamma;
  if (a.fix_gamma) { const C = c.shape(n.inputs[1])?.[0] ?? 0; g = c.init(`${n.name}_gamma_fixed`, [C], new Float32Array(C).fill(1)); }
  c.node('BatchNormalization', [x, g, beta, mean, v], [out(n)], { epsilon: { f: a.eps as number }, momentum: { f: a.momentum as number } });
};
const Pooling: Exporter = (c, n) => {
  const a = n.attrs, t = a.pool_type as string, x = ins(c, n)[0];
  if (t !== 'max' && t !== 'avg') throw fail(n, `pool_type ${t} has no ONNX equivalent`);
  if (a.global_pool) { c.node(t === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [x], [out(n)]); return; }
  const k = a.kernel as number[], p = rep(k, a.pad as number[], 0), s = rep(k, a.stride as number[], 1);
  if (a.pooling_convention === 'same') throw fail(n, "pooling_convention 'same' is not exported");
  const full = a.pooling_convention === 'full', xs = c.shape(n.inputs[0]);
  if (full && xs) {
    for (let i = 0; i < k.length; i++) {
      const mx = 1 + Math.ceil((xs[2 + i] + 2 * p[i] - k[i]) / s[i]);
      if ((mx - 1) * s[i] >= xs[2 + i] + p[i]) throw fail(n, `pooling_convention 'full' with pad ${p[i]} gives a window ONNX drops (axis ${2 + i})`);
    }
  }
  const attrs: Record<string, OnnxAttrValue> = { kernel_shape: k, strides: s, pads: [...p, ...p] };
  if (full) attrs.ceil_mode = 1;
  if (t === 'avg') attrs.count_include_pad = a.count_include_pad === false || a.count_include_pad === 'False' || a.count_include_pad === 0 ? 0 : 1;
  c.node(t === 'max' ? 'MaxPool' : 'AveragePool', [x], [out(n)], attrs);
};
const softmaxLike = (op: string): Exporter => (c, n) => {
  const r = c.shape(n.inputs[0])?.length ?? 2, ax0 = (n.attrs.axis as number | undefined) ?? -1, ax = ax0 < 0 ? ax0 + r : ax0;
  if ((n.attrs.temperature as number | null | undefined) && n.attrs.temperature !== 1) throw fail(n, 'temperature is not exported');
  if (c.opset < 13 && ax !== r - 1) throw fail(n, `softmax over axis ${ax0} needs opset 13`);
  c.node(op, [ins(c, n)[0]], [out(n)], { axis: ax });
};
const SoftmaxOutput: Exporter = (c, n) => {
  const s = c.shape(n.inputs[0]), x = ins(c, n)[0];
  if (!s) throw fail(n, 'input shape unknown');
  if (n.attrs.multi_output) { c.node('Softmax', [x], [out(n)], { axis: 1 }); if (c.opset < 13 && s.length > 2) throw fail(n, 'multi_output needs opset 13'); return; }
  if (s.length === 2) { c.node('Softmax', [x], [out(n)], { axis: 1 }); return; }
  const f = c.fresh(`${n.name}_flat`), sm = c.fresh(`${n.name}_sm`);
  c.node('Flatten', [x], [f], { axis: 1 });
  c.node('Softmax', [f], [sm], { axis: 1 });
  reshapeTo(c, n, sm, s);
};
const Pad: Exporter = (c, n) => {
  const pw = n.attrs.pad_width as number[], r = pw.length / 2;
  const pads = [...Array.from({ length: r }, (_, k) => pw[2 * k]), ...Array.from({ length: r }, (_, k) => pw[2 * k + 1])];
  const mode = n.attrs.mode as string, x = ins(c, n)[0];
  if (c.opset >= 11) c.node('Pad', [x, ints(c, `${n.name}_pads`, pads), scalar(c, n, n.attrs.constant_value as number)], [out(n)], { mode });
  else c.node('Pad', [x], [out(n)], { pads, mode, value: { f: n.attrs.constant_value as number } });
};
const clip: Exporter = (c, n) => {
  const x = ins(c, n)[0], lo = n.attrs.a_min as number, hi = n.attrs.a_max as number;
  if (c.opset >= 11) c.node('Clip', [x, scalar(c, n, lo), c.init(`${n.name}_max`, [], [hi])], [out(n)]);
  else c.node('Clip', [x], [out(n)], { min: { f: lo }, max: { f: hi } });
};
const Reshape: Exporter = (c, n) => { const s = c.shape({ node: n, index: 0 }); if (!s) throw fail(n, 'output shape unknown'); reshapeTo(c, n, ins(c, n)[0], s); };
const Concat: Exporter = (c, n) => c.node('Concat', ins(c, n), [out(n)], { axis: n.attrs.dim as number });
const dot: Exporter = (c, n) => {
  let [a, b] = ins(c, n);
  const tr = (x: string, e: NodeEntry, tag: string) => { const r = c.shape(e)?.length ?? 2, y = c.fresh(`${n.name}_${tag}`);
    c.node('Transpose', [x], [y], { perm: [...Array(r - 2).keys(), r - 1, r - 2] }); return y; };
  if (n.attrs.transpose_a) a = tr(a, n.inputs[0], 'ta');
  if (n.attrs.transpose_b) b = tr(b, n.inputs[1], 'tb');
  c.node('MatMul', [a, b], [out(n)]);
};
const LayerNorm: Exporter = (c, n) => {
  const [x, g, b] = ins(c, n), r = c.shape(n.inputs[0])?.length ?? 2, ax = n.attrs.axis as number, eps = n.attrs.eps as number;
  if ((ax < 0 ? ax + r : ax) !== r - 1) throw fail(n, 'only the last axis is exported');
  if (c.opset >= 17) { c.node('LayerNormalization', [x, g, b], [out(n)], { axis: -1, epsilon: { f: eps } }); return; }
  const t = (s: string) => c.fresh(`${n.name}_${s}`), mean = t('mean'), d = t('d'), sq = t('sq'), v = t('var'), ve = t('ve'), sd = t('sd'), nrm = t('nrm'), sc2 = t('sc');
  c.node('ReduceMean', [x], [mean], { axes: [-1], keepdims: 1 });
  c.node('Sub', [x, mean], [d]);
  c.node('Mul', [d, d], [sq]);
  c.node('ReduceMean', [sq], [v], { axes: [-1], keepdims: 1 });
  c.node('Add', [v, c.init(`${n.name}_eps`, [], [eps])], [ve]);
  c.node('Sqrt', [ve], [sd]);
  c.node('Div', [d, sd], [nrm]);
  c.node('Mul', [nrm, g], [sc2]);
  c.node('Add', [sc2, b], [out(n)]);
};
const UpSampling: Exporter = (c, n) => {
  if (n.attrs.sample_type !== 'nearest' || n.inputs.length !== 1) throw fail(n, 'only single-input nearest UpSampling is exported');
  const s = n.attrs.scale as number, x = ins(c, n)[0], scales = c.init(`${n.name}_scales`, [4], [1, 1, s, s]);
  if (c.opset >= 11) c.node('Resize', [x, c.init(`${n.name}_roi`, [0], []), scales], [out(n)], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  else c.node('Upsample', [x, scales], [out(n)], { mode: 'nearest' });
};
const transpose: Exporter = (c, n) => {
  const ax = n.attrs.axes as number[], r = c.shape(n.inputs[0])?.length ?? ax.length;
  c.node('Transpose', [ins(c, n)[0]], [out(n)], { perm: ax.length ? ax : [...Array(r).keys()].reverse() });
};
const ident: Exporter = (c, n) => c.node('Identity', [ins(c, n)[0]], [out(n)]);
const unsq = (c: ExportCtx, n: Node, x: string, axes: number[], dst: string) => {
  if (c.opset >= 13) c.node('Unsqueeze', [x, ints(c, `${n.name}_axes`, axes)], [dst]); else c.node('Unsqueeze', [x], [dst], { axes });
};
const squeezeTo = (c: ExportCtx, n: Node, x: string, axes: number[], dst: string) => {
  if (c.opset >= 13) c.node('Squeeze', [x, ints(c, `${n.name}_axes`, axes)], [dst]); else c.node('Squeeze', [x], [dst], { axes });
};
const sliceAxis: Exporter = (c, n) => {
  const e = n.attrs.end as number | null, ax = n.attrs.axis as number;
  c.node('Slice', [ins(c, n)[0], ints(c, `${n.name}_starts`, [n.attrs.begin as number]), ints(c, `${n.name}_ends`, [e ?? 2 ** 62]), ints(c, `${n.name}_axes`, [ax])], [out(n)]);
};
export const EXPORTERS: Record<string, Exporter> = {
  Convolution, Deconvolution, FullyConnected, Activation, LeakyReLU, BatchNorm, Pooling, SoftmaxOutput, Pad, clip, Reshape, Concat, LayerNorm, UpSampling,
  RNN: exportRnn, ...INDEX_EXPORTERS,
  Flatten: one('Flatten', () => ({ axis: 1 })),
  softmax: softmaxLike('Softmax'), log_softmax: softmaxLike('LogSoftmax'),
  SoftmaxActivation: (c, n) => (n.attrs.mode === 'channel' ? c.node('Softmax', [ins(c, n)[0]], [out(n)], { axis: 1 }) : softmaxLike('Softmax')(c, n)),
  InstanceNorm: (c, n) => c.node('InstanceNormalization', ins(c, n), [out(n)], { epsilon: { f: n.attrs.eps as number } }),
  Dropout: ident, identity: ident, _copy: ident, BlockGrad: ident,
  elemwise_add: bin('Add'), elemwise_sub: bin('Sub'), elemwise_mul: bin('Mul'), elemwise_div: bin('Div'),
  broadcast_add: bin('Add'), broadcast_sub: bin('Sub'), broadcast_mul: bin('Mul'), broadcast_div: bin('Div'),
  broadcast_power: bin('Pow'), broadcast_maximum: bin('Max'), broadcast_minimum: bin('Min'),
  _plus_scalar: sc('Add'), _minus_scalar: sc('Sub'), _rminus_scalar: sc('Sub', true), _mul_scalar: sc('Mul'), _div_scalar: sc('Div'),
  _rdiv_scalar: sc('Div', true), _power_scalar: sc('Pow'), _rpower_scalar: sc('Pow', true), _maximum_scalar: sc('Max'), _minimum_scalar: sc('Min'),
  add_n: (c, n) => { const xs = ins(c, n); if (xs.length === 1) c.node('Identity', xs, [out(n)]); else c.node('Sum', xs, [out(n)]); },
  exp: one('Exp'), log: one('Log'), sqrt: one('Sqrt'), abs: one('Abs'), negative: one('Neg'), reciprocal: one('Reciprocal'),
  floor: one('Floor'), ceil: one('Ceil'), sin: one('Sin'), cos: one('Cos'), erf: one('Erf'), sigmoid: one('Sigmoid'), tanh: one('Tanh'), relu: one('Relu'), sign: one('Sign'),
  square: (c, n) => { const x = ins(c, n)[0]; c.node('Mul', [x, x], [out(n)]); },
  rsqrt: (c, n) => { const t = c.fresh(`${n.name}_sqrt`); c.node('Sqrt', [ins(c, n)[0]], [t]); c.node('Reciprocal', [t], [out(n)]); },
  hard_sigmoid: one('HardSigmoid', (n) => ({ alpha: { f: n.attrs.alpha as number }, beta: { f: n.attrs.beta as number } })),
  mean: reduce('ReduceMean'), sum: reduce('ReduceSum'), max: reduce('ReduceMax'), min: reduce('ReduceMin'), prod: reduce('ReduceProd'),
  transpose, dot, batch_dot: dot,
  expand_dims: (c, n) => unsq(c, n, ins(c, n)[0], [n.attrs.axis as number], out(n)),
  squeeze: (c, n) => { const a = n.attrs.axis as number[] | null; if (!a) c.node('Squeeze', [ins(c, n)[0]], [out(n)]); else squeezeTo(c, n, ins(c, n)[0], a, out(n)); },
  slice_axis: sliceAxis,
  Cast: (c, n) => c.node('Cast', ins(c, n), [out(n)], { to: ONNX_TYPE[n.attrs.dtype as DType] ?? DT.FLOAT }),
  Embedding: (c, n) => { const [d, w] = ins(c, n), i = c.fresh(`${n.name}_idx`); c.node('Cast', [d], [i], { to: DT.INT64 }); c.node('Gather', [w, i], [out(n)], { axis: 0 }); },
  ...CONTROL_EXPORTERS,
};
