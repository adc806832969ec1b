// Winograd F(2x2, 3x3) forward for 3x3 stride-1 undilated ungrouped convolutions with many channels:
// 2.25x fewer multiplies than im2col + GEMM; the 16 channel contractions run on the packed GEMM.
// Kernels: assembly/kernels/f32-winograd.ts (weight / input / output transforms).
import { gemmKernel, gemmStep } from '../linalg/gemm.js';
import { kernelStep, seq } from '../helpers.js';
import { kernelArgs } from '../../runtime/manifest/args.js';
import type { LowerCtx, Step } from '../registry.js';
import type { ConvGeom } from './geom.js';
import { gemmArgs } from '../../runtime/manifest/linalg.js';
import { independentCalls, threadCount } from '../../runtime/parts.js';

/**
 * Where Winograd beats im2col + GEMM (measured, 1 thread): >= 16 channels in and out, and >= 64 tiles of 2x2 outputs
 * per image (16@56²: 1.5x, 64@56²: 1.6x, 128@28²: 1.6-2.7x; 512@7² (16 tiles): 0.4x, 32@8²: 0.8x). The forward
 * takes 14² planes (56 tiles) too: measured in the tenth session (RT, chunked GEMMs), Winograd against im2col at 1 / 2
 * threads: 256@14² b1 4.08 / 2.22 ms vs 6.37 / 3.37, b8 32.6 / 16.7 vs 46.6 / 24.9; 128->32@14² b1 0.36 / 0.24 vs
 * 0.42 / 0.32; 128@14² 1.25 / 0.74 vs 1.46 / 1.01; 96->64@14² 0.43 / 0.32 vs 0.61 / 0.44; but 512@7² 9.5 / 4.7 vs
 * 7.4 / 4.0 and 128->32@7² 0.155 vs 0.138 on one thread (the old "256@14² 0.7x" predates the chunked products).
 * The backward keeps 64 (not measured). MXWASM_WINO_FWD_TILES=64: the forward as before.
 */
const MIN_CHANNELS = 16, MIN_TILES = 64;
let fwdMinTiles = Number((typeof process !== 'undefined' ? process.env?.MXWASM_WINO_FWD_TILES : undefined) ?? 48);
/** Sets the forward's tile floor (benchmarks' A/B: set it across bind and first forward); returns the old one. @example setWinogradFwdTiles(64) */
export function setWinogradFwdTiles(n: number): number { const old = fwdMinTiles; fwdMinTiles = n; return old; }

/**
 * True when the Winograd path is used for this geometry (`fwd`: the forward's tile floor, else the backward's).
 * @example winogradApplies(resnetLayerGeom) === true
 */
export function winogradApplies(g: ConvGeom, fwd = false): boolean {
  return g.kh === 3 && g.kw === 3 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1 && g.G === 1 &&
    g.C >= MIN_CHANNELS && g.F >= MIN_CHANNELS && Math.ceil(g.Ho / 2) * Math.ceil(g.Wo / 8) * 4 >= (fwd ? fwdMinTiles : MIN_TILES);
}

/**
 * Bytes of V + M per chunk of tile rows (bounds the workspace and keeps the transforms near the GEMMs), and the least
 * tiles per chunk (GEMM efficiency: N = tiles; and big enough for the thread pool to split the GEMMs). Measured on
 * 64@56², 32@112², 128@28², 256@28²: 4 MiB / 256 tiles beat 1 MiB / 64 tiles (up to 1.25x, and the GEMMs split on
 * 2 threads). Tunable for benchmarks via setWinogradChunkBytes.
 */
let chunkBytes = 4 << 20;
const MIN_CHUNK_TILES = 256;

/** Sets the per-chunk V + M budget in bytes (benchmarks; 0 = whole image); returns the previous one. @example setWinogradChunkBytes(1 << 20) */
export function setWinogradChunkBytes(b: number): number { const old = chunkBytes; chunkBytes = b; return old; }

/**
 * Lanes of a forward: the threads a bound program will run on (src/runtime/parts.ts), where the batch's chunks share out
 * evenly among them (within 15%; else the per-chunk steps, each cut on its own). Each lane is one call of
 * f32_wino_lane_f2k3 over its run of whole chunks, in its own workspace, and the pool runs the lanes as the parts of one
 * job. The chunks do not depend on the lanes: any thread count gives the same bits. MXWASM_WINO_LANES=0: no lanes.
 */
const envOn = (k: string) => (typeof process !== 'undefined' ? process.env?.[k] : undefined) !== '0';
const LANES_ON = envOn('MXWASM_WINO_LANES');
/** Lanes for `units` equal units of work (chunks, images), or 1; `on` false: 1. @example lanesOf(8) === threadCount() */
export function lanesOf(units: number, on = LANES_ON): number {
  const S = on ? Math.min(threadCount(), units) : 1;
  return S > 1 && Math.ceil(units / S) * S <= units * 1.15 ? S : 1;
}
/** im2col + GEMM lanes (src/ops/conv/lower.ts) on or off (MXWASM_I2C_LANES=0). */
export const I2C_LANES_ON = envOn('MXWASM_I2C_LANES');

/**
 * Tile grid, chunks of equal tile rows (each within the V + M budget), lanes and buffer sizes (floats) of a geometry.
 * @example plan(resnet64at56).chunks // [[0, 14], [14, 14]]
 */
function plan(g: ConvGeom) {
  const tH = Math.ceil(g.Ho / 2), tW4 = Math.ceil(g.Wo / 8) * 4;
  const perRow = 64 * (g.C + g.F) * tW4;
  const rows = chunkBytes > 0 ? Math.max(Math.ceil(MIN_CHUNK_TILES / tW4), Math.floor(chunkBytes / perRow)) : tH;
  const nty = Math.ceil(tH / Math.ceil(tH / Math.min(tH, rows))), T = nty * tW4;
  const chunks: [number, number][] = [];
  for (let t0 = 0; t0 < tH; t0 += nty) chunks.push([t0, Math.min(nty, tH - t0)]);
  const S = lanesOf(g.N * chunks.length);
  const U = 16 * g.F * g.C, V = 16 * g.C * T, M = 16 * g.F * T, P = (2 * nty + 2) * (2 * tW4 + 2);
  return { tH, tW4, nty, chunks, S, U, V, M, P };
}
const al = (n: number) => Math.ceil((n * 4) / 64) * 64;

/** Workspace bytes of the Winograd forward (U, then V, M and one padded plane per lane), 64-byte aligned parts. @example winogradWorkspace(g) */
export function winogradWorkspace(g: ConvGeom): number {
  const p = plan(g);
  return al(p.U) + p.S * (al(p.V) + al(p.M) + al(p.P));
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
  const K = ctx.K, gemm = gemmKernel(K), sc = ctx.scratch, p = plan(g);
  const U = ws, V = U + al(p.U), M = V + al(p.V), P = M + al(p.M);
  const { N, C, H, W, F, ph, pw, Ho, Wo } = g, { tW4, chunks } = p;
  const inImg = C * H * W * 4, outImg = F * Ho * Wo * 4;
  const wt = kernelStep(K, 'f32_wino_w_f2k3__simd128', { w, U, F, C, flip, Ft: F });
  if (p.S > 1) {
    // Lanes: runs of whole chunks of the batch (global tile rows g = n tH + ty), each with its workspace after U.
    const name = gemm === K.f32_gemm__relaxedsimd && typeof K.f32_wino_lane_f2k3__relaxedsimd === 'function' ? 'f32_wino_lane_f2k3__relaxedsimd' : 'f32_wino_lane_f2k3__simd128';
    const lane = al(p.V) + al(p.M) + al(p.P), nc = chunks.length, NC = N * nc;
    // Global tile row of chunk j (image j / nc, its chunk j % nc); lane s takes chunks [s NC / S, (s + 1) NC / S).
    const row = (j: number) => Math.floor(j / nc) * p.tH + (j % nc) * p.nty, at = (s: number) => row(Math.floor((s * NC) / p.S));
    return seq([wt, independentCalls(K, name, Array.from({ length: p.S }, (_, s) => kernelArgs(name, { x, y, b, U, ws: V + s * lane, C, H, W, F, ph, pw, Ho, Wo,
      tW4, tH: p.tH, g0: at(s), g1: at(s + 1), rows: p.nty, act, scratch: sc })))]);
  }
  // Per chunk of tile rows (T tiles): M[k] = U[k] V[k] for the 16 transform points k, independent products: threads
  // share them as the parts of one job (8 whole GEMMs a thread on 2), not 16 jobs each cut in two (each part packing
  // its operand again; 64@56²'s 64 x 256 x 64 products took 16 dispatches a chunk).
  const gname = gemm === K.f32_gemm__relaxedsimd ? 'f32_gemm__relaxedsimd' : 'f32_gemm__simd128';
  const prods = chunks.map(([, nty]) => {
    const T = nty * tW4;
    return independentCalls(K, gname, Array.from({ length: 16 }, (_, k) => gemmArgs({
      M: F, N: T, K: C, A: U + k * F * C * 4, lda: C, B: V + k * C * T * 4, ldb: T, C: M + k * F * T * 4, ldc: T, scratch: sc,
    })));
  });
  const steps: Step[] = [wt];
  for (let n = 0; n < N; n++) {
    const xn = x + n * inImg, yn = y + n * outImg;
    chunks.forEach(([ty0, nty], i) => steps.push(
      kernelStep(K, 'f32_wino_in_f2k3__simd128', { x: xn, P, V, C, H, W, ph, pw, ty0, nty, tW4, Ct: C }),
      prods[i],
      kernelStep(K, 'f32_wino_out_f2k3__simd128', { M, y: yn, b, F, Ho, Wo, ty0, nty, tW4, act, Ft: F })));
  }
  return seq(steps);
}

/**
 * Lowers dw = ∂L/∂w of a Winograd-eligible conv: per image V = Bᵀ d B and dM = A dY Aᵀ per tile, 16 GEMMs
 * dU[ξ] += dM[ξ] · V[ξ]ᵀ over all images, then dw = Gᵀ dU G (exact: the identity is bilinear). ws = winogradWorkspace(g).
 * @example const step = lowerWinogradDw(ctx, g, x.off, dy.off, dw.off, ctx.workspace)
 */
export function lowerWinogradDw(ctx: LowerCtx, g: ConvGeom, x: number, dy: number, dw: number, ws: number): Step {
  const K = ctx.K, gemm = gemmKernel(K), sc = ctx.scratch, p = plan(g);
  const dU = ws, V = dU + al(p.U), M = V + al(p.V), P = M + al(p.M);
  const { N, C, H, W, F, ph, pw, Ho, Wo } = g, { tW4, chunks } = p;
  const inImg = C * H * W * 4, outImg = F * Ho * Wo * 4;
  // Per chunk of tile rows (T tiles) and beta (0: the first product overwrites dU, then 1: accumulates).
  const prods = [0, 1].map((beta) => chunks.map(([, nty]) => {
    const T = nty * tW4;
    return seq(Array.from({ length: 16 }, (_, k) => gemmStep(gemm, {
      transB: 1, M: F, N: C, K: T, A: M + k * F * T * 4, lda: T, B: V + k * C * T * 4, ldb: T, beta, C: dU + k * F * C * 4, ldc: C, scratch: sc,
    })));
  }));
  const steps: Step[] = [];
  for (let n = 0; n < N; n++) {
    const xn = x + n * inImg, dyn = dy + n * outImg;
    chunks.forEach(([ty0, nty], i) => steps.push(
      kernelStep(K, 'f32_wino_in_f2k3__simd128', { x: xn, P, V, C, H, W, ph, pw, ty0, nty, tW4, Ct: C }),
      kernelStep(K, 'f32_wino_dy_f2k3__simd128', { dy: dyn, M, F, Ho, Wo, ty0, nty, tW4, Ft: F }),
      prods[n > 0 || i > 0 ? 1 : 0][i]));
  }
  steps.push(kernelStep(K, 'f32_wino_dw_f2k3__simd128', { dU, dw, F, C }));
  return seq(steps);
}
