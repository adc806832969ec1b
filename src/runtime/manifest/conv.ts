import type { KernelInfo } from './common.js';

// Warm-up geometry: one 3-channel 9x9 image, 3x3 kernel, stride 1, pad 1 (C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo).
const g = [3, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 9, 9];
// Pool warm-up: 3 planes 9x9 -> 4x4, 2x2 stride 2 (P, H, W, Ho, Wo, kh, kw, sh, sw, ph, pw, type, countPad).
const pg = [3, 9, 9, 4, 4, 2, 2, 2, 2, 0, 0, 0, 1];

/** Kernels of the conv family (see ../manifest.ts): assembly/kernels/f32-conv.ts, f32-im2col.ts, f32-winograd.ts, f32-pool.ts and f32-pool-bwd.ts. */
export const KERNELS_CONV: KernelInfo[] = [
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
  { name: 'f32_wino_w_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 16, 16, 0] },
  { name: 'f32_wino_in_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, q + 4096, 16, 8, 8, 1, 1, 0, 4, 4, 16] },
  { name: 'f32_wino_out_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 0, 16, 8, 8, 0, 4, 4, 1, 16] },
  { name: 'f32_wino_dy_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 16, 7, 7, 0, 4, 4, 16] },
  { name: 'f32_wino_dw_f2k3__simd128', family: 'conv', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 16, 16] },
  { name: 'f32_pool2d__simd128', family: 'pool', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, ...pg] },
  { name: 'f32_pool2d_bwd__simd128', family: 'pool', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, p + 4096, p + 8192, q, ...pg] },
  { name: 'f32_global_pool__simd128', family: 'pool', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, q, 3, 81, 1] },
];
