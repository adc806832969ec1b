import { argIndex, withParams, type KernelInfo } from './common.js';

/** Conv geometry as the conv kernels take it (one image; per group where grouped). */
export const CONV_GEOM = ['C', 'H', 'W', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'Ho', 'Wo'] as const;
const POOL = ['H', 'W', 'Ho', 'Wo', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'type', 'countPad'] as const;
/**
 * The conv family's calling conventions (parameter names in order: test/kernels/abi.test.ts checks them against the
 * kernels); the thread splits (src/ops/conv/splits.ts) read arguments through `CONV_ARG`.
 */
export const CONV_PARAMS = {
  f32_im2col__simd128: ['x', 'col', ...CONV_GEOM, 'ld', 'nimg', 'xs'],
  f32_col2im__simd128: ['col', 'x', ...CONV_GEOM, 'ld', 'nimg', 'xs'],
  f32_copyrows__simd128: ['src', 'dst', 'R', 'Nb', 'P', 'sr', 'sn', 'dr', 'dn'],
  f32_dwconv__simd128: ['x', 'w', 'b', 'y', ...CONV_GEOM, 'act'],
  f32_dwconv_bwd__simd128: ['x', 'w', 'dy', 'dx', 'dwt', ...CONV_GEOM, 'acc'],
  f32_rot180__simd128: ['w', 'out', 'C', 'n'],
  f32_rowsum__simd128: ['x', 'y', 'rows', 'cols', 'acc'],
  f32_bias_rows__simd128: ['x', 'b', 'rows', 'cols', 'act'],
  f32_bn_act__simd128: ['y', 'g', 'b', 'mean', 'vr', 'C', 'inner', 'eps', 'fixGamma', 'lo', 'hi'],
  f32_relu_mask__simd128: ['y', 'dy', 'out', 'n'],
  f32_wino_w_f2k3__simd128: ['w', 'U', 'F', 'C', 'flip', 'Ft'],
  f32_wino_in_f2k3__simd128: ['x', 'P', 'V', 'C', 'H', 'W', 'ph', 'pw', 'ty0', 'nty', 'tW4', 'Ct'],
  f32_wino_out_f2k3__simd128: ['M', 'y', 'b', 'F', 'Ho', 'Wo', 'ty0', 'nty', 'tW4', 'act', 'Ft'],
  f32_wino_dy_f2k3__simd128: ['dy', 'M', 'F', 'Ho', 'Wo', 'ty0', 'nty', 'tW4', 'Ft'],
  f32_wino_dw_f2k3__simd128: ['dU', 'dw', 'F', 'C'],
  f32_pool2d__simd128: ['x', 'y', 'P', ...POOL],
  f32_pool2d_bwd__simd128: ['x', 'y', 'dy', 'dx', 'P', ...POOL],
  f32_global_pool__simd128: ['x', 'y', 'P', 'n', 'type'],
} as const;
/** Position of each argument, per kernel. @example a[CONV_ARG.f32_pool2d__simd128.P] */
export const CONV_ARG = Object.fromEntries(Object.entries(CONV_PARAMS).map(([k, p]) => [k, argIndex(p)])) as unknown as
  { readonly [K in keyof typeof CONV_PARAMS]: { readonly [N in typeof CONV_PARAMS[K][number]]: number } };

// Warm-up geometry: one 3-channel 9x9 image, 3x3 kernel, stride 1, pad 1 (C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo).
const g = [3, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 9, 9];
// Pool warm-up: 3 planes 9x9 -> 4x4, 2x2 stride 2 (P, H, W, Ho, Wo, kh, kw, sh, sw, ph, pw, type, countPad).
const pg = [3, 9, 9, 4, 4, 2, 2, 2, 2, 0, 0, 0, 1];

/** Kernels of the conv family (see ../manifest.ts): assembly/kernels/f32-conv.ts, f32-im2col.ts, f32-winograd.ts, f32-pool.ts and f32-pool-bwd.ts. */
export const KERNELS_CONV: KernelInfo[] = withParams([
  // (…geometry, ld, nimg, xs): 2 images in one column matrix.
  { name: 'f32_im2col__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, ...g, 162, 2, 243] },
  { name: 'f32_col2im__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, ...g, 162, 2, 243] },
  // (src, dst, R, Nb, P, sr, sn, dr, dn): 3 x 2 rows of 17 floats, [R, Nb*P] -> Nb x [R, P].
  { name: 'f32_copyrows__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 3, 2, 17, 34, 17, 17, 51] },
  { name: 'f32_dwconv__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, p + 4096, 0, q, ...g, 0] },
  { name: 'f32_dwconv_bwd__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, p + 4096, p + 8192, q, q + 4096, ...g, 0] },
  { name: 'f32_rot180__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 3, 9] },
  { name: 'f32_rowsum__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 3, 17, 0] },
  { name: 'f32_bias_rows__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (_p, q) => [q, 0, 3, 17, 1] },
  // (y, gamma, beta, mean, var, C, inner, eps, fixGamma, lo, hi): 3 planes of 17, relu.
  { name: 'f32_bn_act__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [q, p, p + 64, p + 128, p + 192, 3, 17, 1e-5, 0, 0, Infinity] },
  { name: 'f32_relu_mask__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, p + 256, q, 17] },
  // Winograd F(2x2,3x3) transforms (assembly/kernels/f32-winograd.ts): a 16-channel 8x8 image, 4x4 tiles.
  { name: 'f32_wino_w_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 16, 16, 0, 16] },
  { name: 'f32_wino_in_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, q + 4096, 16, 8, 8, 1, 1, 0, 4, 4, 16] },
  { name: 'f32_wino_out_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 0, 16, 8, 8, 0, 4, 4, 1, 16] },
  { name: 'f32_wino_dy_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 16, 7, 7, 0, 4, 4, 16] },
  { name: 'f32_wino_dw_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 16, 16] },
  { name: 'f32_pool2d__simd128', family: 'pool', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, ...pg] },
  { name: 'f32_pool2d_bwd__simd128', family: 'pool', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, p + 4096, p + 8192, q, ...pg] },
  { name: 'f32_global_pool__simd128', family: 'pool', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 3, 81, 1] },
], CONV_PARAMS);
