/**
 * ONNX → mxwasm mappings for the CNN / MLP ops: Conv, ConvTranspose, pools, BatchNormalization,
 * Gemm, MatMul, normalisations and activations. Each maps exactly or refuses with an MxError that
 * names the node, op and opset.
 */
import type { Symbol } from '../symbol/symbol.js';
import { axis, type NodeCtx } from './context.js';
import { makeConst } from './shapes.js';
import { DT, type Const } from './tensor.js';

export type Mapper = (c: NodeCtx) => Symbol | Symbol[];

/** Explicit [begins, ends] pads for a conv/pool node, auto_pad resolved from the static input shape. */
export function padsOf(c: NodeCtx, k: number[], s: number[], d: number[]): [number[], number[]] {
  const nd = k.length, auto = c.s('auto_pad', 'NOTSET');
  if (auto === 'NOTSET' || auto === '') {
    const p = c.ints('pads', new Array(2 * nd).fill(0))!;
    if (p.length !== 2 * nd) throw c.fail(`pads has ${p.length} values, ${2 * nd} expected`);
    return [p.slice(0, nd), p.slice(nd)];
  }
  if (auto === 'VALID') return [new Array(nd).fill(0), new Array(nd).fill(0)];
  const x = c.shape(0);
  if (!x) throw c.fail('auto_pad needs a static input shape');
  const b: number[] = [], e: number[] = [];
  for (let i = 0; i < nd; i++) {
    const inp = x[2 + i], out = Math.ceil(inp / s[i]), total = Math.max((out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - inp, 0);
    const small = Math.floor(total / 2);
    if (auto === 'SAME_UPPER') { b.push(small); e.push(total - small); } else if (auto === 'SAME_LOWER') { b.push(total - small); e.push(small);
      } else throw c.fail(`auto_pad ${auto} is not supported`);
  }
  return [b, e];
}

/** Symmetric part of the pads on the op, the rest through an explicit Pad node (4-D/5-D NC... inputs). */
export function padInput(c: NodeCtx, x: Symbol, b: number[], e: number[], value: number): { x: Symbol; pad: number[] } {
  const sym = b.map((v, i) => Math.min(v, e[i]));
  if (b.every((v, i) => v === e[i])) return { x, pad: sym };
  if (b.length < 2 || b.length > 3) throw c.fail(`asymmetric pads [${b.join(', ')}, ${e.join(', ')}] on a ${b.length}-D window need a 2-D or 3-D window`);
  const pw = [0, 0, 0, 0, ...b.flatMap((v, i) => [v - sym[i], e[i] - sym[i]])];
  return { x: c.mx('Pad', [x], { mode: 'constant', pad_width: pw, constant_value: value }, 'pad'), pad: sym };
}

const Conv: Mapper = (c) => {
  const w = c.shape(1);
  if (!w) throw c.fail('the weight shape must be known');
  const k = c.ints('kernel_shape') ?? w.slice(2), nd = k.length;
  const s = c.ints('strides', new Array(nd).fill(1))!, d = c.ints('dilations', new Array(nd).fill(1))!;
  const [b, e] = padsOf(c, k, s, d);
  const { x, pad } = padInput(c, c.sym(0), b, e, 0);
  const ins = [x, c.sym(1), ...(c.has(2) ? [c.sym(2)] : [])];
  return c.mx('Convolution', ins, { kernel: k, stride: s, dilate: d, pad, num_filter: w[0], num_group: c.i('group', 1), no_bias: !c.has(2) });
};

const ConvTranspose: Mapper = (c) => {
  const w = c.shape(1);
  if (!w) throw c.fail('the weight shape must be known');
  const k = c.ints('kernel_shape') ?? w.slice(2), nd = k.length, g = c.i('group', 1);
  if (c.hasAttr('output_shape')) throw c.fail('output_shape is not supported (give pads and output_padding)');
  const auto = c.s('auto_pad', 'NOTSET');
  if (auto !== 'NOTSET' && auto !== 'VALID' && auto !== '') throw c.fail(`auto_pad ${auto} is not supported`);
  const p = auto === 'VALID' ? new Array(2 * nd).fill(0) : c.ints('pads', new Array(2 * nd).fill(0))!;
  if (p.slice(0, nd).some((v, i) => v !== p[nd + i])) throw c.fail('asymmetric pads are not supported on ConvTranspose');
  return c.mx('Deconvolution', [c.sym(0), c.sym(1), ...(c.has(2) ? [c.sym(2)] : [])], {
    kernel: k, stride: c.ints('strides', new Array(nd).fill(1)), dilate: c.ints('dilations', new Array(nd).fill(1)), pad: p.slice(0, nd),
    adj: c.ints('output_padding', new Array(nd).fill(0)), num_filter: w[1] * g, num_group: g, no_bias: !c.has(2),
  });
};

function pool(type: 'max' | 'avg'): Mapper {
  return (c) => {
    if (c.node.output.length > 1 && c.node.output[1]) throw c.fail('the Indices output is not supported');
    const k = c.ints('kernel_shape');
    if (!k) throw c.fail('kernel_shape is required');
    const nd = k.length, s = c.ints('strides', new Array(nd).fill(1))!, d = c.ints('dilations', new Array(nd).fill(1))!;
    if (d.some((v) => v !== 1)) throw c.fail('dilations other than 1 are not supported');
    const [b, e] = padsOf(c, k, s, d);
    const cip = type === 'avg' && !!c.i('count_include_pad', 0);
    if (type === 'avg' && !cip && b.some((v, i) => v !== e[i])) throw c.fail('asymmetric pads with count_include_pad=0 are not supported');
    const { x, pad } = padInput(c, c.sym(0), b, e, type === 'max' ? -3.4028234663852886e38 : 0);
    const ceil = !!c.i('ceil_mode', 0);
    if (ceil) {
      // MXNet 'full' has no "windows starting in the right padding are dropped" rule: check the sizes agree
      const xs = c.shape(0);
      if (!xs) throw c.fail('ceil_mode needs a static input shape');
      for (let i = 0; i < nd; i++) {
        const inp = xs[2 + i] + b[i] + e[i] - 2 * pad[i], full = 1 + Math.ceil((inp + 2 * pad[i] - k[i]) / s[i]);
        let onnx = Math.ceil((xs[2 + i] + b[i] + e[i] - k[i]) / s[i] + 1);
        if ((onnx - 1) * s[i] >= xs[2 + i] + b[i]) onnx--;
        if (full !== onnx) throw c.fail(`ceil_mode with these pads gives ${onnx} outputs on axis ${2 + i}, MXNet's 'full' convention ${full}`);
      }
    }
    return c.mx('Pooling', [x], { kernel: k, stride: s, pad, pool_type: type, pooling_convention: ceil ? 'full' : 'valid', ...(type === 'avg' ? { count_include_pad: cip } : {}) });
  };
}

const globalPool = (type: string): Mapper => (c) => c.mx('Pooling', [c.sym(0)], { kernel: [1, 1], pool_type: type, global_pool: true });

const BatchNormalization: Mapper = (c) => {
  if (c.i('training_mode', 0)) throw c.fail('training_mode=1 is not supported (inference import)');
  const mean = c.const(3), v = c.const(4);
  if (!mean || !v) throw c.fail('mean and var must be initializers');
  const m = c.param(c.node.input[3], mean, true), va = c.param(c.node.input[4], v, true);
  return c.mx('BatchNorm', [c.sym(0), c.sym(1), c.sym(2), m, va], { eps: c.f('epsilon', 1e-5), momentum: c.f('momentum', 0.9), fix_gamma: false, use_global_stats: true });
};

const InstanceNormalization: Mapper = (c) => c.mx('InstanceNorm', [c.sym(0), c.sym(1), c.sym(2)], { eps: c.f('epsilon', 1e-5) });

/** GroupNormalization: scale/bias per group (18) map onto GroupNorm; per channel (21) as a channel affine after it. */
const GroupNormalization: Mapper = (c) => {
  const x = c.shape(0), G = c.i('num_groups', 0), eps = c.f('epsilon', 1e-5);
  if (!x || x.length < 3) throw c.fail('the input must be (N, C, ...) with a known rank');
  if (!(G > 0) || x[1] % G) throw c.fail(`num_groups ${G} must be positive and divide the ${x[1]} channels`);
  const perChannel = c.opset >= 21, want = perChannel ? x[1] : G;
  for (const i of [1, 2]) {
    const s = c.shape(i);
    if (!s || s.length !== 1 || s[0] !== want) throw c.fail(`${i === 1 ? 'scale' : 'bias'} must be (${want}) at opset ${c.opset}, got (${s?.join(', ') ?? '?'})`);
  }
  if (!perChannel) return c.mx('GroupNorm', [c.sym(0), c.sym(1), c.sym(2)], { num_groups: G, eps });
  const one = (v: number, n: string) => c.param(`${c.name}_${n}`, makeConst([G], DT.FLOAT, new Array(G).fill(v)));
  const y = c.mx('GroupNorm', [c.sym(0), one(1, 'gamma'), one(0, 'beta')], { num_groups: G, eps }, 'norm');
  const chan = (i: number, n: string) => c.mx('Reshape', [c.sym(i)], { shape: [1, -1, ...x.slice(2).map(() => 1)] }, n);
  return c.mx('broadcast_add', [c.mx('broadcast_mul', [y, chan(1, 'scale')], {}, 'mul'), chan(2, 'bias')]);
};

const LayerNormalization: Mapper = (c) => {
  const r = c.rank(0), ax = axis(c, c.i('axis', -1), r);
  if (ax !== r - 1) throw c.fail(`axis ${c.i('axis', -1)} normalizes several axes; only the last axis maps onto LayerNorm`);
  if (c.node.output.slice(1).some(Boolean)) throw c.fail('the Mean / InvStdDev outputs are not supported');
  const beta = c.has(2) ? c.sym(2) : c.param(`${c.name}_beta`, makeConst([c.shape(1)![0]], DT.FLOAT, new Float64Array(c.shape(1)![0])));
  return c.mx('LayerNorm', [c.sym(0), c.sym(1), beta], { axis: -1, eps: c.f('epsilon', 1e-5) });
};

/** Transposed (and scaled) 2-D constant. */
function t2(w: Const, trans: boolean, scale: number): Const {
  // (r, k) as FullyConnected's (out, in): kept when trans, else transposed; a typed loop (weights are large)
  const [r, k] = w.dims, src = w.data, data = new Float32Array(r * k);
  if (trans) for (let i = 0; i < r * k; i++) data[i] = src[i] * scale;
  else for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) data[j * r + i] = src[i * k + j] * scale;
  return { dims: trans ? [r, k] : [k, r], type: DT.FLOAT, data };
}

const Gemm: Mapper = (c) => {
  const alpha = c.f('alpha', 1), beta = c.f('beta', 1), ta = c.i('transA', 0), tb = c.i('transB', 0);
  const B = c.const(1), C = c.has(2) ? c.const(2) : undefined;
  if (!ta && B && B.dims.length === 2 && (!c.has(2) || (C && C.data.length <= B.dims[tb ? 0 : 1]))) {
    const W = t2(B, !!tb, alpha), N = W.dims[0];
    const ins = [c.sym(0), c.param(c.node.input[1], W)];
    if (C) ins.push(c.param(c.node.input[2], makeConst([N], DT.FLOAT, Array.from({ length: N }, (_, i) => beta * C.data[C.data.length === 1 ? 0 : i]))));
    return c.mx('FullyConnected', ins, { num_hidden: N, no_bias: !C, flatten: true });
  }
  let y = c.mx('dot', [c.sym(0), c.sym(1)], { transpose_a: !!ta, transpose_b: !!tb }, 'dot');
  if (alpha !== 1) y = c.mx('_mul_scalar', [y], { scalar: alpha }, 'alpha');
  if (!c.has(2)) return y;
  let cc = c.sym(2);
  if (beta !== 1) cc = c.mx('_mul_scalar', [cc], { scalar: beta }, 'beta');
  return c.mx('broadcast_add', [y, cc]);
};

const MatMul: Mapper = (c) => {
  const a = c.shape(0), b = c.shape(1), B = c.const(1);
  if (!a || !b) throw c.fail('input shapes must be known at import');
  if (B && b.length === 2 && a.length >= 2) return c.mx('FullyConnected', [c.sym(0), c.param(c.node.input[1], t2(B, false, 1))], { num_hidden: b[1], no_bias: true, flatten: false });
  if (a.length === 2 && b.length === 2) return c.mx('dot', [c.sym(0), c.sym(1)]);
  if (a.length !== b.length || a.length < 3 || a.slice(0, -2).some((v, i) => v !== b[i])) throw c.fail(`MatMul of [${a.join(', ')}] and [${b.join(', ')}] (batch broadcasting) is not supported`);
  return c.mx('batch_dot', [c.sym(0), c.sym(1)]); // N-d with equal leading dims (MXNet 1.6+): any of them dynamic
};

export const NN_MAP: Record<string, Mapper> = {
  Conv, ConvTranspose, MaxPool: pool('max'), AveragePool: pool('avg'), GlobalAveragePool: globalPool('avg'), GlobalMaxPool: globalPool('max'),
  BatchNormalization, InstanceNormalization, GroupNormalization, LayerNormalization, Gemm, MatMul,
};
