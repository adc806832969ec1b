// Convolution lanes. Winograd F(2x2, 3x3) forward over a range of tile rows of a batch: each chunk of tile rows run
// through the input transform, the 16 channel GEMMs and the output transform in one call, in the lane's own workspace.
// im2col + GEMM over a run of whole images, the column matrix in the lane's own workspace. The thread pool runs a
// layer's lanes as the parts of one job: each thread transforms (or unrolls), multiplies and writes back its own rows
// and images (no job per stage, no buffer passed between cores). Every chunk and image is computed exactly as the
// per-chunk (per-image) steps of src/ops/conv/winograd.ts (lower.ts) compute it.
import { f32_wino_in_f2k3__simd128, f32_wino_out_f2k3__simd128 } from './f32-winograd';
import { f32_im2col__simd128 } from './f32-im2col';
import { f32_gemm__relaxedsimd, f32_gemm__simd128 } from './f32-gemm';

/** 64-byte aligned bytes of n floats. */
@inline function al(n: i32): usize { return (<usize>n * 4 + 63) & ~(<usize>63); }

@inline function lane(relaxed: bool, x: usize, y: usize, b: usize, U: usize, ws: usize, C: i32, H: i32, W: i32, F: i32, ph: i32, pw: i32,
  Ho: i32, Wo: i32, tW4: i32, tH: i32, g0: i32, g1: i32, rows: i32, act: i32, scratch: usize): void {
  // Workspace: V (16 x C x rows*tW4), M (16 x F x rows*tW4), the padded plane P ((2 rows + 2) x (2 tW4 + 2)).
  const V = ws, M = V + al(16 * C * rows * tW4), P = M + al(16 * F * rows * tW4);
  const inImg = <usize>(C * H * W) << 2, outImg = <usize>(F * Ho * Wo) << 2, FC = <usize>(F * C) << 2;
  for (let g = g0; g < g1;) {
    // Global tile row g = image n, tile row ty; a chunk never crosses an image.
    const n = g / tH, ty = g - n * tH, r = min(rows, min(tH - ty, g1 - g)), T = r * tW4;
    f32_wino_in_f2k3__simd128(x + <usize>n * inImg, P, V, C, H, W, ph, pw, ty, r, tW4, C);
    const CT = <usize>(C * T) << 2, FT = <usize>(F * T) << 2;
    for (let k = 0; k < 16; k++) {
      const A = U + <usize>k * FC, B = V + <usize>k * CT, Cm = M + <usize>k * FT;
      if (relaxed) f32_gemm__relaxedsimd(0, 0, F, T, C, 1, A, C, B, T, 0, Cm, T, 0, 0, 0, scratch);
      else f32_gemm__simd128(0, 0, F, T, C, 1, A, C, B, T, 0, Cm, T, 0, 0, 0, scratch);
    }
    f32_wino_out_f2k3__simd128(M, y + <usize>n * outImg, b, F, Ho, Wo, ty, r, tW4, act, F);
    g += r;
  }
}

/**
 * Lane [g0, g1) of global tile rows (g = n tH + ty over the batch) of y = act(conv(x, w) + b), U = the transformed
 * weights (f32_wino_w_f2k3), chunks of at most `rows` tile rows in workspace `ws`, GEMM packing in `scratch`.
 * @example // two lanes of a 64@56² layer (tH 28): g 0..14 and 14..28, each with its own ws
 */
export function f32_wino_lane_f2k3__simd128(x: usize, y: usize, b: usize, U: usize, ws: usize, C: i32, H: i32, W: i32, F: i32, ph: i32,
  pw: i32, Ho: i32, Wo: i32, tW4: i32, tH: i32, g0: i32, g1: i32, rows: i32, act: i32, scratch: usize): void {
  lane(false, x, y, b, U, ws, C, H, W, F, ph, pw, Ho, Wo, tW4, tH, g0, g1, rows, act, scratch);
}

/** f32_wino_lane_f2k3__simd128 with the relaxed-SIMD GEMM (relaxed build only). */
export function f32_wino_lane_f2k3__relaxedsimd(x: usize, y: usize, b: usize, U: usize, ws: usize, C: i32, H: i32, W: i32, F: i32, ph: i32,
  pw: i32, Ho: i32, Wo: i32, tW4: i32, tH: i32, g0: i32, g1: i32, rows: i32, act: i32, scratch: usize): void {
  lane(ASC_FEATURE_RELAXED_SIMD, x, y, b, U, ws, C, H, W, F, ph, pw, Ho, Wo, tW4, tH, g0, g1, rows, act, scratch);
}

@inline function i2cLane(relaxed: bool, x: usize, w: usize, b: usize, y: usize, col: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32,
  sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, Ho: i32, Wo: i32, F: i32, nimg: i32, act: i32, scratch: usize): void {
  const P = Ho * Wo, K = C * kh * kw, inImg = <usize>(C * H * W) << 2, outImg = <usize>(F * P) << 2, bm = b ? 2 : 0;
  for (let n = 0; n < nimg; n++) {
    const xn = x + <usize>n * inImg, yn = y + <usize>n * outImg;
    f32_im2col__simd128(xn, col, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, P, 1, 0);
    if (relaxed) f32_gemm__relaxedsimd(0, 0, F, P, K, 1, w, K, col, P, 0, yn, P, b, bm, act, scratch);
    else f32_gemm__simd128(0, 0, F, P, K, 1, w, K, col, P, 0, yn, P, b, bm, act, scratch);
  }
}

/**
 * y = act(conv(x, w) + b) for `nimg` images from x / y (one group): per image im2col into `col` ([C kh kw, Ho Wo]),
 * then one GEMM (bias per row when b is not 0; act the GEMM's code), packing in `scratch`.
 * @example // lane 1 of 2 over 8 images: x + 4 * inImg, y + 4 * outImg, col = ws + colBytes, nimg 4
 */
export function f32_i2c_lane__simd128(x: usize, w: usize, b: usize, y: usize, col: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32,
  sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, Ho: i32, Wo: i32, F: i32, nimg: i32, act: i32, scratch: usize): void {
  i2cLane(false, x, w, b, y, col, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, F, nimg, act, scratch);
}

/** f32_i2c_lane__simd128 with the relaxed-SIMD GEMM (relaxed build only). */
export function f32_i2c_lane__relaxedsimd(x: usize, w: usize, b: usize, y: usize, col: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32,
  sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, Ho: i32, Wo: i32, F: i32, nimg: i32, act: i32, scratch: usize): void {
  i2cLane(ASC_FEATURE_RELAXED_SIMD, x, w, b, y, col, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, F, nimg, act, scratch);
}
