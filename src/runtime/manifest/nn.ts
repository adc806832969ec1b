import { argIndex, defs, kernelsOf, nameInfo, paramsOf, type KernelInfo } from './common.js';
import { byElements, outerSplit, type Split } from './split.js';

/** Activation type codes of f32_act__simd128 / f32_act_bwd__simd128 (argument `t`). @example ACT.gelu === 8 */
export const ACT = { relu: 0, sigmoid: 1, tanh: 2, softrelu: 3, softsign: 4, leaky: 5, elu: 6, selu: 7, gelu: 8, erf: 9 } as const;
/** f32_act__simd128's arguments: x, y (byte offsets), n elements, t (an ACT code), a (leaky slope / elu alpha). */
export const ACT_PARAMS = ['x', 'y', 'n', 't', 'a'] as const;
/** f32_act_bwd__simd128's arguments: dx = dy * act'(x or y); x may be 0 where t's derivative reads y only. */
export const ACT_BWD_PARAMS = ['x', 'y', 'dy', 'dx', 'n', 't', 'a'] as const;
/** f32_rand_fill__simd128's `mode`: m = u >= a ? b : 0 (a Dropout keep mask), m = a + (b - a) u (uniform in [a, b)). */
export const RAND_MODE = { bernoulli: 0, uniform: 1 } as const;
/** f32_loss_grad__simd128's `mode`: dx = (out - label) s, sign(out - label) s, s, s / max(1, #(out > th)) (MakeLoss 'valid'). */
export const LOSS_MODE = { l2: 0, l1: 1, scale: 2, valid: 3 } as const;
/** f32_mask_mul__simd128's arguments: y = x * m, n elements. */
const MASK_MUL_PARAMS = ['x', 'm', 'y', 'n'] as const;
export const ACT_ARG = argIndex(ACT_PARAMS), ACT_BWD_ARG = argIndex(ACT_BWD_PARAMS);
/**
 * Softmax family over (outer, n, inner) lines: f32_softmax__simd128 (x, y, len, li, ...) and its backward (y, dy, dx, len,
 * li, ...); `len` optional per-line lengths (f32, or i32 when li), `sc` the temperature's inverse, `lg` 1 for log_softmax.
 */
export const SOFTMAX_PARAMS = ['x', 'y', 'len', 'li', 'outer', 'n', 'inner', 'sc', 'lg'] as const;
export const SOFTMAX_BWD_PARAMS = ['y', 'dy', 'dx', 'len', 'li', 'outer', 'n', 'inner', 'sc', 'lg'] as const;
export const SOFTMAX_ARG = argIndex(SOFTMAX_PARAMS), SOFTMAX_BWD_ARG = argIndex(SOFTMAX_BWD_PARAMS);

// Thread splits. Activations: by element count, a 0 pointer (absent input) stays 0; forward relu and leaky run at copy
// speed, the others ~8x longer per element; backward, only softrelu and gelu call exp / erf.
const actCost = (a: number[]) => (a[ACT_ARG.t] === ACT.relu || a[ACT_ARG.t] === ACT.leaky ? 1 : 8);
const actBwdCost = (a: number[]) => (a[ACT_BWD_ARG.t] === ACT.softrelu || a[ACT_BWD_ARG.t] === ACT.gelu ? 8 : 1);
// Softmax and its backward, along `outer` (each line as on one thread): the data by n*inner floats, len by inner; exp ~8 copies.
const smSplit = (A: typeof SOFTMAX_ARG | typeof SOFTMAX_BWD_ARG, data: number[]) => outerSplit(A.outer, (a) => a[A.outer] * a[A.n] * a[A.inner] * 8,
  (a) => [...data.map((i): [number, number] => [i, a[A.n] * a[A.inner] * 4]), [A.len, a[A.inner] * 4]]);
/** f32_bn_fwd__simd128's arguments: (outer, C, inner) data, per-channel g, b, batch mean / invstd out, moving rm, rv. */
const BN_FWD_PARAMS = ['x', 'y', 'g', 'b', 'mean', 'vr', 'rm', 'rv', 'outer', 'C', 'inner', 'eps', 'flags'] as const;
const BN = argIndex(BN_FWD_PARAMS);
/**
 * BatchNorm forward (a pre-activation net's BN after a concat: DenseNet, Inception; it cannot fold into a conv). One
 * image (outer 1): by channels, every per-channel pointer advanced (training statistics too: each channel's sums run
 * over its own plane as on one thread). Several images at inference (moving statistics): by images; every part writes
 * the same mean / invstd values. Batch statistics over several images: not cut (a channel's sums span the images).
 * The rows layout (inner 1, after FullyConnected) is not cut. Copy-speed work, like bn_act's.
 */
const bnFwdSplit: Split = {
  work: (a) => (a[BN.inner] === 1 || (a[BN.outer] > 1 && a[BN.flags] & 1) ? 0 : a[BN.outer] * a[BN.C] * a[BN.inner]),
  min: 1 << 17,
  split: (a, P, T) => {
    if (a[BN.outer] > 1) return outerSplit(BN.outer, () => 0, (q) => [[BN.x, q[BN.C] * q[BN.inner] * 4], [BN.y, q[BN.C] * q[BN.inner] * 4]]).split(a, P, T);
    return outerSplit(BN.C, () => 0, (q) => [[BN.x, q[BN.inner] * 4], [BN.y, q[BN.inner] * 4], ...[BN.g, BN.b, BN.mean, BN.vr, BN.rm, BN.rv]
      .map((i): [number, number] => [i, 4])]).split(a, P, T);
  },
};

export const NN_SPLITS: Record<string, Split> = {
  f32_bn_fwd__simd128: bnFwdSplit,
  f32_act__simd128: byElements(ACT_PARAMS, ['x', 'y'], 'n', { cost: actCost }),
  f32_act_bwd__simd128: byElements(ACT_BWD_PARAMS, ['x', 'y', 'dy', 'dx'], 'n', { cost: actBwdCost }),
  f32_mask_mul__simd128: byElements(MASK_MUL_PARAMS, ['x', 'm', 'y'], 'n'), // Dropout: the mask is full size (expanded before)
  f32_softmax__simd128: smSplit(SOFTMAX_ARG, [SOFTMAX_ARG.x, SOFTMAX_ARG.y]),
  f32_softmax_bwd__simd128: smSplit(SOFTMAX_BWD_ARG, [SOFTMAX_BWD_ARG.y, SOFTMAX_BWD_ARG.dy, SOFTMAX_BWD_ARG.dx]),
};

// Warm-up args: p, q are 1 MiB zeroed areas; most calls use 17 floats (a SIMD body plus a tail).
const NN = defs({
  f32_act__simd128: [ACT_PARAMS, (p, q) => ({ x: p, y: q, n: 17, t: ACT.sigmoid, a: 0 })],
  f32_act_bwd__simd128: [ACT_BWD_PARAMS, (p, q) => ({ x: p, y: p + 256, dy: p + 512, dx: q, n: 17, t: ACT.sigmoid, a: 0 })],
  f32_prelu__simd128: [['c', 'v', 'g', 'out', 'outer', 'C', 'inner'], (p, q) => ({ c: p, v: p, g: p + 256, out: q, outer: 2, C: 3, inner: 5 })],
  f32_prelu_gamma_grad__simd128: [['x', 'dy', 'dg', 'outer', 'C', 'inner'], (p, q) => ({ x: p, dy: p + 256, dg: q, outer: 2, C: 3, inner: 5 })],
  f32_rrelu__simd128: [['c', 'v', 'm', 'out', 'n'], (p, q) => ({ c: p, v: p, m: p + 256, out: q, n: 17 })],
  f32_rand_fill__simd128: [['m', 'n', 'seed', 'mode', 'a', 'b'], (_p, q) => ({ m: q, n: 17, seed: 1, mode: RAND_MODE.bernoulli, a: 0.5, b: 2 })],
  x32_expand_inplace: [['p', 'outer', 'rep', 'inner'], (_p, q) => ({ p: q, outer: 2, rep: 3, inner: 5 })],
  f32_mask_mul__simd128: [MASK_MUL_PARAMS, (p, q) => ({ x: p, m: p + 256, y: q, n: 17 })],
  f32_softmax__simd128: [SOFTMAX_PARAMS, (p, q) => ({ x: p, y: q, len: 0, li: 0, outer: 2, n: 17, inner: 1, sc: 1, lg: 0 })],
  f32_softmax_bwd__simd128: [SOFTMAX_BWD_PARAMS, (p, q) => ({ y: p, dy: p + 256, dx: q, len: 0, li: 0, outer: 2, n: 3, inner: 5, sc: 1, lg: 0 })],
  f32_softmax_ce_bwd__simd128: [['y', 'label', 'dx', 'outer', 'K', 'inner', 'ignore', 'flags', 'scale', 'alpha'],
    (p, q) => ({ y: p, label: p + 512, dx: q, outer: 2, K: 17, inner: 1, ignore: -1, flags: 0, scale: 1, alpha: 0 })],
  f32_loss_grad__simd128: [['out', 'label', 'dx', 'n', 's', 'mode', 'th'], (p, q) => ({ out: p, label: p + 256, dx: q, n: 17, s: 1, mode: LOSS_MODE.l2, th: 0 })],
  f32_bn_fwd__simd128: [BN_FWD_PARAMS,
    (p, q) => ({ x: p, y: q, g: p + 256, b: p + 512, mean: q + 256, vr: q + 512, rm: p + 768, rv: p + 1024, outer: 2, C: 3, inner: 5, eps: 1e-3,
      flags: 1 })],
  f32_bn_bwd__simd128: [['x', 'dy', 'dx', 'g', 'mean', 'vr', 'rm', 'rv', 'dg', 'db', 'outer', 'C', 'inner', 'eps', 'mom', 'flags'],
    (p, q) => ({ x: p, dy: p + 256, dx: q, g: p + 512, mean: p + 768, vr: p + 1024, rm: q + 256, rv: q + 512, dg: q + 768, db: q + 1024, outer: 2,
      C: 3, inner: 5, eps: 1e-3, mom: 0.9, flags: 0 })],
  f32_rownorm__simd128: [['x', 'y', 'g', 'b', 'mean', 'sd', 'rows', 'n', 'G', 'Sg', 'eps'],
    (p, q) => ({ x: p, y: q, g: 0, b: 0, mean: q + 256, sd: q + 512, rows: 2, n: 17, G: 0, Sg: 0, eps: 1e-5 })],
  f32_rownorm_bwd__simd128: [['x', 'dy', 'g', 'mean', 'sd', 'dx', 'dg', 'db', 'rows', 'n', 'G', 'Sg'],
    (p, q) => ({ x: p, dy: p + 256, g: 0, mean: p + 512, sd: p + 768, dx: q, dg: q + 256, db: q + 512, rows: 2, n: 17, G: 0, Sg: 0 })],
  f32_layernorm_cols__simd128: [['x', 'y', 'g', 'b', 'mean', 'sd', 'outer', 'n', 'inner', 'eps'],
    (p, q) => ({ x: p, y: q, g: p + 512, b: p + 768, mean: q + 512, sd: q + 768, outer: 2, n: 3, inner: 5, eps: 1e-5 })],
  f32_layernorm_cols_bwd__simd128: [['x', 'dy', 'g', 'mean', 'sd', 'dx', 'dg', 'db', 'outer', 'n', 'inner'],
    (p, q) => ({ x: p, dy: p + 256, g: p + 512, mean: p + 768, sd: p + 1024, dx: q, dg: q + 256, db: q + 512, outer: 2, n: 3, inner: 5 })],
  f32_l2norm__simd128: [['x', 'y', 'nrm', 'dy', 'dx', 'outer', 'n', 'inner', 'eps'],
    (p, q) => ({ x: q, y: p, nrm: q + 256, dy: 0, dx: 0, outer: 2, n: 3, inner: 5, eps: 1e-10 })],
  f32_embedding__simd128: [['idx', 'w', 'y', 'n', 'D', 'V'], (p, q) => ({ idx: p, w: p + 256, y: q, n: 3, D: 5, V: 4 })],
  f32_embedding_bwd__simd128: [['idx', 'dy', 'dw', 'n', 'D', 'V'], (p, q) => ({ idx: p, dy: p + 256, dw: q, n: 3, D: 5, V: 4 })],
  f32_lrn__simd128: [['x', 'y', 's', 'N', 'C', 'sp', 'nsize', 'alpha', 'beta', 'k'],
    (p, q) => ({ x: p, y: q, s: q + 4096, N: 2, C: 3, sp: 5, nsize: 3, alpha: 1e-4, beta: 0.75, k: 2 })],
  f32_lrn_bwd__simd128: [['x', 'y', 's', 'dy', 'dx', 'N', 'C', 'sp', 'nsize', 'alpha', 'beta'],
    (p, q) => ({ x: p, y: p + 4096, s: q + 8192, dy: p + 8192, dx: q, N: 2, C: 3, sp: 5, nsize: 3, alpha: 1e-4, beta: 0.75 })],
});
/** Parameter names of the nn kernels, in order (checked against the kernels by test/kernels/abi.test.ts). */
export const NN_PARAMS = paramsOf(NN);

/** Kernels of the nn family (see ../manifest.ts): assembly/kernels/f32-nn*.ts; references in src/reference/nn.ts. */
export const kernelsNn = (): KernelInfo[] => kernelsOf(NN, nameInfo('nn'), NN_SPLITS);
