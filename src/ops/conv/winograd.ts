// Winograd F(2x2, 3x3) forward for 3x3 stride-1 undilated ungrouped convolutions with many channels:
// 2.25x fewer multiplies than im2col + GEMM; the 16 channel contractions run on the packed GEMM.
// Kernels: assembly/kernels/f32-winograd.ts (weight / input / output transforms).
import { gemmKernel } from '../linalg/gemm.js';
import type { LowerCtx, Step } from '../registry.js';
import type { ConvGeom } from './geom.js';

/**
 * Where Winograd beats im2col + GEMM (measured, 1 thread): >= 16 channels in and out, and >= 64 tiles of 2x2 outputs
 * per image (16@56²: 1.5x, 64@56²: 1.6x, 128@28²: 1.6-2.7x; 256@14² (56 tiles): 0.7x, 512@7²: 0.4x, 32@8²: 0.8x).
 */
const MIN_CHANNELS = 16, MIN_TILES = 64;

/** True when the Winograd path is used for this geometry. @example winogradApplies(resnetLayerGeom) === true */
export function winogradApplies(g: ConvGeom): boolean {
  return g.kh === 3 && g.kw === 3 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1 && g.G === 1 &&
    g.C >= MIN_CHANNELS && g.F >= MIN_CHANNELS && Math.ceil(g.Ho / 2) * Math.ceil(g.Wo / 8) * 4 >= MIN_TILES;
}

/** Tile counts and buffer sizes (floats) of a geometry. */
function plan(g: ConvGeom) {
  const tH = Math.ceil(g.Ho / 2), tW4 = Math.ceil(Math.ceil(g.Wo / 2) / 4) * 4, T = tH * tW4;
  const U = 16 * g.F * g.C, V = 16 * g.C * T, M = 16 * g.F * T, P = (2 * tH + 2) * (2 * tW4 + 2);
  return { tH, tW4, T, U, V, M, P };
}

/** Workspace bytes of the Winograd forward (U, V, M and one padded plane), 64-byte aligned parts. @example winogradWorkspace(g) */
export function winogradWorkspace(g: ConvGeom): number {
  const p = plan(g), al = (n: number) => Math.ceil((n * 4) / 64) * 64;
  return al(p.U) + al(p.V) + al(p.M) + al(p.P);
}

/**
 * The geometry of a conv's data gradient as a 3x3 stride-1 conv of dy (flipped, transposed weights, pad 2 - p),
 * or undefined when the pad is larger than 2.
 * @example winogradDataGradGeom(g)!.Ho === g.H
 */
export function winogradDataGradGeom(g: ConvGeom): ConvGeom | undefined {
  if (!winogradApplies(g) || g.ph > 2 || g.pw > 2) return undefined;
  return { ...g, C: g.F, H: g.Ho, W: g.Wo, F: g.C, ph: 2 - g.ph, pw: 2 - g.pw, Ho: g.H, Wo: g.W };
}

/**
 * Lowers y = act(conv(x, w) + b) with Winograd F(2x2,3x3); ws = winogradWorkspace(g) bytes. flip = 1: `w` has
 * shape (C, F, 3, 3) and is used rotated 180° (the data gradient of the conv that owns w).
 * @example const step = lowerWinogradFwd(ctx, g, x.off, w.off, 0, y.off, 0, ctx.workspace)
 */
export function lowerWinogradFwd(ctx: LowerCtx, g: ConvGeom, x: number, w: number, b: number, y: number, act: number, ws: number, flip = 0): Step {
  const K = ctx.K, gemm = gemmKernel(K), sc = ctx.scratch, p = plan(g), al = (n: number) => Math.ceil((n * 4) / 64) * 64;
  const U = ws, V = U + al(p.U), M = V + al(p.V), P = M + al(p.M);
  const { N, C, H, W, F, ph, pw, Ho, Wo } = g, { tH, tW4, T } = p;
  const inImg = C * H * W * 4, outImg = F * Ho * Wo * 4;
  const wT = K.f32_wino_w_f2k3__simd128, inT = K.f32_wino_in_f2k3__simd128, outT = K.f32_wino_out_f2k3__simd128;
  return () => {
    wT(w, U, F, C, flip);
    for (let n = 0; n < N; n++) {
      inT(x + n * inImg, P, V, C, H, W, ph, pw, tH, tW4);
      for (let k = 0; k < 16; k++) gemm(0, 0, F, T, C, 1, U + k * F * C * 4, C, V + k * C * T * 4, T, 0, M + k * F * T * 4, T, 0, 0, 0, sc);
      outT(M, y + n * outImg, b, F, Ho, Wo, tH, tW4, act);
    }
  };
}

/**
 * Lowers dw = ∂L/∂w of a Winograd-eligible conv: per image V = Bᵀ d B and dM = A dY Aᵀ per tile, 16 GEMMs
 * dU[ξ] += dM[ξ] · V[ξ]ᵀ over all images, then dw = Gᵀ dU G (exact: the identity is bilinear). ws = winogradWorkspace(g).
 * @example const step = lowerWinogradDw(ctx, g, x.off, dy.off, dw.off, ctx.workspace)
 */
export function lowerWinogradDw(ctx: LowerCtx, g: ConvGeom, x: number, dy: number, dw: number, ws: number): Step {
  const K = ctx.K, gemm = gemmKernel(K), sc = ctx.scratch, p = plan(g), al = (n: number) => Math.ceil((n * 4) / 64) * 64;
  const dU = ws, V = dU + al(p.U), M = V + al(p.V), P = M + al(p.M);
  const { N, C, H, W, F, ph, pw, Ho, Wo } = g, { tH, tW4, T } = p;
  const inImg = C * H * W * 4, outImg = F * Ho * Wo * 4;
  const inT = K.f32_wino_in_f2k3__simd128, dyT = K.f32_wino_dy_f2k3__simd128, dwT = K.f32_wino_dw_f2k3__simd128;
  return () => {
    for (let n = 0; n < N; n++) {
      inT(x + n * inImg, P, V, C, H, W, ph, pw, tH, tW4);
      dyT(dy + n * outImg, M, F, Ho, Wo, tH, tW4);
      for (let k = 0; k < 16; k++) gemm(0, 1, F, C, T, 1, M + k * F * T * 4, T, V + k * C * T * 4, T, n > 0 ? 1 : 0, dU + k * F * C * 4, C, 0, 0, 0, sc);
    }
    dwT(dU, dw, F, C);
  };
}
