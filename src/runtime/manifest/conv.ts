import { argIndex, defs, kernelsOf, mapParams, nameInfo, paramsOf, type KernelInfo } from './common.js';

/** Conv geometry as the conv kernels take it (one image; per group where grouped). */
export const CONV_GEOM = ['C', 'H', 'W', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'Ho', 'Wo'] as const;
const POOL = ['H', 'W', 'Ho', 'Wo', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'type', 'countPad'] as const;
// Warm-up geometry: one 3-channel 9x9 image, 3x3 kernel, stride 1, pad 1; pooling: 3 planes 9x9 -> 4x4, 2x2 stride 2.
const geom = { C: 3, H: 9, W: 9, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, Ho: 9, Wo: 9 };
const few = { C: 3, H: 9, W: 9, kh: 3, kw: 3, st: 2, ph: 1, pw: 1, Ho: 5, Wo: 5, F: 2, oy0: 0, noy: 5, act: 1 };
const CONVFEW = ['x', 'w', 'b', 'y', 'P', 'C', 'H', 'W', 'kh', 'kw', 'st', 'ph', 'pw', 'Ho', 'Wo', 'F', 'oy0', 'noy', 'act'] as const;
const WLANE = ['x', 'y', 'b', 'U', 'ws', 'C', 'H', 'W', 'F', 'ph', 'pw', 'Ho', 'Wo', 'tW4', 'tH', 'g0', 'g1', 'rows', 'act', 'scratch'] as const;
// A 16-channel 8x8 image to 16 filters, its 4 tile rows in chunks of 2 (U and the workspace in q's 3 MiB).
const wlane = (p: number, q: number) => ({ x: p, y: p + 8192, b: 0, U: q, ws: q + 65536, C: 16, H: 8, W: 8, F: 16, ph: 1, pw: 1, Ho: 8, Wo: 8,
  tW4: 4, tH: 4, g0: 0, g1: 4, rows: 2, act: 1, scratch: q + (1 << 20) });
const I2CLANE = ['x', 'w', 'b', 'y', 'col', ...CONV_GEOM, 'F', 'nimg', 'act', 'scratch'] as const;
const i2clane = (p: number, q: number) => ({ x: p, w: p + 4096, b: 0, y: q, col: q + 4096, ...geom, F: 2, nimg: 2, act: 1, scratch: q + (1 << 20) });
const pool = { P: 3, H: 9, W: 9, Ho: 4, Wo: 4, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, type: 0, countPad: 1 };

/**
 * The conv family's kernels (assembly/kernels/f32-conv.ts, f32-conv-few.ts, f32-im2col.ts, f32-winograd.ts): parameter names in order
 * (test/kernels/abi.test.ts checks them against the kernels) and warm-up; the thread splits (src/ops/conv/splits.ts)
 * read arguments through `CONV_ARG`.
 */
const CONV = defs({
  // 2 images in one column matrix.
  f32_im2col__simd128: [['x', 'col', ...CONV_GEOM, 'ld', 'nimg', 'xs'], (p, q) => ({ x: p, col: q, ...geom, ld: 162, nimg: 2, xs: 243 })],
  f32_col2im__simd128: [['col', 'x', ...CONV_GEOM, 'ld', 'nimg', 'xs'], (p, q) => ({ col: p, x: q, ...geom, ld: 162, nimg: 2, xs: 243 })],
  // 3 x 2 rows of 17 floats, [R, Nb*P] -> Nb x [R, P].
  f32_copyrows__simd128: [['src', 'dst', 'R', 'Nb', 'P', 'sr', 'sn', 'dr', 'dn'], (p, q) => ({ src: p, dst: q, R: 3, Nb: 2, P: 17, sr: 34, sn: 17, dr: 17, dn: 51 })],
  f32_dwconv__simd128: [['x', 'w', 'b', 'y', ...CONV_GEOM, 'act'], (p, q) => ({ x: p, w: p + 4096, b: 0, y: q, ...geom, act: 0 })],
  f32_dwconv_bwd__simd128: [['x', 'w', 'dy', 'dx', 'dwt', ...CONV_GEOM, 'acc'], (p, q) => ({ x: p, w: p + 4096, dy: p + 8192, dx: q, dwt: q + 4096, ...geom, acc: 0 })],
  // A 3-channel 9x9 image, 3x3 stride 2 pad 1 -> 2 filters 5x5, relu (assembly/kernels/f32-conv-few.ts: direct conv
  // of few input channels by output rows [oy0, oy0 + noy), stride st 1 or 2, P the thread's scratch; the relaxed build too).
  f32_convfew_2x16__simd128: [CONVFEW, (p, q) => ({ x: p, w: p + 4096, b: 0, y: q, P: q + 4096, ...few })],
  f32_convfew_2x16__relaxedsimd: [CONVFEW, (p, q) => ({ x: p, w: p + 4096, b: 0, y: q, P: q + 4096, ...few })],
  f32_rot180__simd128: [['w', 'out', 'C', 'n'], (p, q) => ({ w: p, out: q, C: 3, n: 9 })],
  f32_rowsum__simd128: [['x', 'y', 'rows', 'cols', 'acc'], (p, q) => ({ x: p, y: q, rows: 3, cols: 17, acc: 0 })],
  f32_bias_rows__simd128: [['x', 'b', 'rows', 'cols', 'act'], (_p, q) => ({ x: q, b: 0, rows: 3, cols: 17, act: 1 })],
  // 3 planes of 17, relu.
  f32_bn_act__simd128: [['y', 'g', 'b', 'mean', 'vr', 'C', 'inner', 'eps', 'fixGamma', 'lo', 'hi'],
    (p, q) => ({ y: q, g: p, b: p + 64, mean: p + 128, vr: p + 192, C: 3, inner: 17, eps: 1e-5, fixGamma: 0, lo: 0, hi: Infinity })],
  f32_relu_mask__simd128: [['y', 'dy', 'out', 'n'], (p, q) => ({ y: p, dy: p + 256, out: q, n: 17 })],
  // Winograd F(2x2,3x3) transforms: a 16-channel 8x8 image, 4x4 tiles.
  f32_wino_w_f2k3__simd128: [['w', 'U', 'F', 'C', 'flip', 'Ft'], (p, q) => ({ w: p, U: q, F: 16, C: 16, flip: 0, Ft: 16 })],
  f32_wino_in_f2k3__simd128: [['x', 'P', 'V', 'C', 'H', 'W', 'ph', 'pw', 'ty0', 'nty', 'tW4', 'Ct'],
    (p, q) => ({ x: p, P: q, V: q + 4096, C: 16, H: 8, W: 8, ph: 1, pw: 1, ty0: 0, nty: 4, tW4: 4, Ct: 16 })],
  f32_wino_out_f2k3__simd128: [['M', 'y', 'b', 'F', 'Ho', 'Wo', 'ty0', 'nty', 'tW4', 'act', 'Ft'],
    (p, q) => ({ M: p, y: q, b: 0, F: 16, Ho: 8, Wo: 8, ty0: 0, nty: 4, tW4: 4, act: 1, Ft: 16 })],
  f32_wino_dy_f2k3__simd128: [['dy', 'M', 'F', 'Ho', 'Wo', 'ty0', 'nty', 'tW4', 'Ft'], (p, q) => ({ dy: p, M: q, F: 16, Ho: 7, Wo: 7, ty0: 0, nty: 4, tW4: 4, Ft: 16 })],
  f32_wino_dw_f2k3__simd128: [['dU', 'dw', 'F', 'C'], (p, q) => ({ dU: p, dw: q, F: 16, C: 16 })],
  // Lanes of tile rows through all three Winograd stages (assembly/kernels/f32-winograd-lane.ts; the relaxed build too).
  f32_wino_lane_f2k3__simd128: [WLANE, wlane],
  f32_wino_lane_f2k3__relaxedsimd: [WLANE, wlane],
  // im2col + GEMM over 2 images (the warm-up geometry, 2 filters), the column matrix in q's 3 MiB.
  f32_i2c_lane__simd128: [I2CLANE, i2clane],
  f32_i2c_lane__relaxedsimd: [I2CLANE, i2clane],
});
/** 2-D pooling (assembly/kernels/f32-pool.ts and f32-pool-bwd.ts). */
const POOL2D = defs({
  f32_pool2d__simd128: [['x', 'y', 'P', ...POOL], (p, q) => ({ x: p, y: q, ...pool })],
  f32_pool2d_bwd__simd128: [['x', 'y', 'dy', 'dx', 'P', ...POOL], (p, q) => ({ x: p, y: p + 4096, dy: p + 8192, dx: q, ...pool })],
  f32_global_pool__simd128: [['x', 'y', 'P', 'n', 'type'], (p, q) => ({ x: p, y: q, P: 3, n: 81, type: 1 })],
});
/** Parameter names of the conv and pool kernels, in order. */
export const CONV_PARAMS = { ...paramsOf(CONV), ...paramsOf(POOL2D) };
/** Position of each argument, per kernel. @example a[CONV_ARG.f32_pool2d__simd128.P] */
export const CONV_ARG = mapParams(CONV_PARAMS, argIndex) as unknown as
  { readonly [K in keyof typeof CONV_PARAMS]: { readonly [N in typeof CONV_PARAMS[K][number]]: number } };

/** Kernels of the conv family (see ../manifest.ts). */
export const kernelsConv = (): KernelInfo[] => [...kernelsOf(CONV, nameInfo('conv')), ...kernelsOf(POOL2D, nameInfo('pool'))];
