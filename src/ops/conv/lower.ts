// Lowering of the three convolution products to kernel call lists (Convolution and Deconvolution share them:
// deconvolution forward is the conv data-gradient, its backward the conv forward and weight-gradient).
// The method per shape and the workspace come from convPlan (plan.ts); this file only lowers what the plan says.
// The returned Step only calls kernels.
import type { KernelTable } from '../../runtime/manifest.js';
import { BIAS, GEMM_LIMITS, gemmArgs, type GemmAct, type GemmCall } from '../../runtime/manifest/linalg.js';
import { gemmKernel, gemmStep } from '../linalg/gemm.js';
import { kernelStep, seq } from '../helpers.js';
import { kernelArgs } from '../../runtime/manifest/args.js';
import type { LowerCtx, Step } from '../registry.js';
import type { ConvGeom } from './geom.js';
import { blockLd, blocks, colLane, convPlan } from './plan.js';
import { independentCalls } from '../../runtime/parts.js';
import { lowerWinogradDw, lowerWinogradFwd } from './winograd.js';
import type { ArgsOf } from '../../runtime/manifest/common.js';
import type { CONV_GEOM } from '../../runtime/manifest/conv.js';

/** The geometry arguments of the conv kernels by name (CONV_GEOM). */
const geomArgs = (g: ConvGeom): ArgsOf<typeof CONV_GEOM> =>
  ({ C: g.C, H: g.H, W: g.W, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ph: g.ph, pw: g.pw, dh: g.dh, dw: g.dw, Ho: g.Ho, Wo: g.Wo });

let rowBlocks = (typeof process !== 'undefined' ? process.env?.MXWASM_1X1_ROWS : undefined) !== '0';
/** Sets the batch-1 row blocks of 1x1 layers for binds from now on (benchmarks' A/B); returns the old setting. @example setRowBlocks(false) */
export const setRowBlocks = (on: boolean): boolean => { const old = rowBlocks; rowBlocks = on; return old; };
/**
 * Rows (filters) of a batch-1 1x1 layer's GEMM blocks: at most GEMM_LIMITS.smallM (64) each, an even count of them, so
 * each block takes the GEMM's packing-free path and 2 threads share the blocks out as whole calls (the whole product
 * packs, and its thread parts each pack the shared operand again). Measured (RT, interleaved, 2 / 1 threads, blocks vs
 * one GEMM): 128x196x992 1.15x / 1.05x, 128x784x256 1.07x / 1.07x, 512x196x512 1.05x / 1.02x, 192x196x576 (4 x 48)
 * 1.02x / 1.04x; but 1024x49x1024 0.93x / 0.92x and 128x49x1024 1.21x / 0.93x: only planes of 196 and up (networks, RT
 * at load 3-14: DenseNet-121 b1 1.01-1.02x, MobileNet v1 0.97-1.05x, Inception-BN 0.99-1.03x: within the noise). The blocks
 * do not depend on the thread count (the same bits on any); their sums are the packing-free path's (vs the reference
 * in tests). MXWASM_1X1_ROWS=0: one GEMM, as before.
 */
function rowBlock(F: number, K: number, HW: number): number {
  const { smallM, smallAFloats } = GEMM_LIMITS;
  if (!rowBlocks || F <= smallM || HW < 196 || smallM * K > smallAFloats) return F;
  const nb = Math.ceil(F / smallM) + (Math.ceil(F / smallM) % 2);
  return Math.ceil(F / nb / 8) * 8;
}

/** Per-image sizes and per-group GEMM dimensions of a geometry (bytes for offsets). */
function dims(g: ConvGeom) {
  const HoWo = g.Ho * g.Wo, Fg = g.F / g.G, KK = (g.C / g.G) * g.kh * g.kw;
  return { HoWo, Fg, KK, inImg: g.C * g.H * g.W * 4, outImg: g.F * HoWo * 4 };
}

/**
 * y = act(conv(x, w) + b) for all images. `b` = 0: no bias; act: GEMM code (1 relu, 2 sigmoid, 3 tanh); ws = convPlan(g).fwdWorkspace bytes.
 * @example const step = lowerConvFwd(ctx, geom, x.off, w.off, b.off, y.off, 0, ctx.workspace)
 */
export function lowerConvFwd(ctx: LowerCtx, g: ConvGeom, x: number, w: number, b: number, y: number, act: number, ws: number): Step {
  const p = convPlan(g);
  // Act codes the method's kernels do not fuse (sigmoid / tanh on Winograd and depthwise) run as one f32_act pass
  // over the output (type = code - 1).
  if (act > p.fusesAct) {
    const K = ctx.K, n = g.N * g.F * g.Ho * g.Wo, t = act - 1;
    return seq([lowerConvFwd(ctx, g, x, w, b, y, 0, ws), kernelStep(K, 'f32_act__simd128', { x: y, y, n, t, a: 0 })]);
  }
  const K = ctx.K, gemm = gemmKernel(K), sc = ctx.scratch, ga = geomArgs(g);
  const { HoWo, Fg, KK, inImg, outImg } = dims(g);
  const method = p.method, steps: Step[] = [], images = (f: (n: number) => number[]) => Array.from({ length: g.N }, (_, n) => f(n));
  const bias = (grp: number) => (b ? { bias: b + grp * Fg * 4, biasMode: BIAS.perRow } : {});
  // A grouped layer's per-group GEMMs write disjoint outputs: one step that threads may share (src/runtime/parts.ts).
  const gname = gemm === K.f32_gemm__relaxedsimd ? 'f32_gemm__relaxedsimd' : 'f32_gemm__simd128';
  const groups = (calls: GemmCall[]): Step => (calls.length === 1 ? gemmStep(gemm, calls[0]) : independentCalls(K, gname, calls.map(gemmArgs)));
  if (method === 'winograd') return lowerWinogradFwd(ctx, g, x, w, b, y, act, ws);
  if (method === 'few') {
    // The direct few-channel kernel, all output rows of an image and group per call (the thread pool cuts the rows,
    // or shares out the calls): a group of a grouped layer is a conv of its C/G channels into its F/G filters.
    const name = gname === 'f32_gemm__relaxedsimd' ? 'f32_convfew_2x16__relaxedsimd' : 'f32_convfew_2x16__simd128';
    const Cg = g.C / g.G, inG = Cg * g.H * g.W * 4, wG = Fg * KK * 4, calls: number[][] = [];
    for (let n = 0; n < g.N; n++) {
      for (let grp = 0; grp < g.G; grp++) {
        calls.push(kernelArgs(name, { x: x + n * inImg + grp * inG, w: w + grp * wG, b: b ? b + grp * Fg * 4 : 0, y: y + n * outImg + grp * Fg * HoWo * 4,
          P: sc, C: Cg, H: g.H, W: g.W, kh: g.kh, kw: g.kw, st: g.sh, ph: g.ph, pw: g.pw, Ho: g.Ho, Wo: g.Wo, F: Fg, oy0: 0, noy: g.Ho, act }));
      }
    }
    return independentCalls(K, name, calls);
  }
  const Nb = p.block;
  if (method === 'block') {
    // Per block: im2col of nb images into [C*kh*kw, L], one GEMM per group into [F, L], then back to NCHW.
    const tmp = ws + g.C * g.kh * g.kw * blockLd(Nb * HoWo) * 4;
    for (const [n0, n1] of blocks(g.N, Nb)) {
      const nb = n1 - n0, L = nb * HoWo, ld = blockLd(L);
      steps.push(kernelStep(K, 'f32_im2col__simd128', { x: x + n0 * inImg, col: ws, ...ga, ld, nimg: nb, xs: inImg / 4 }));
      steps.push(groups(Array.from({ length: g.G }, (_, grp): GemmCall => ({ M: Fg, N: L, K: KK, A: w + grp * Fg * KK * 4, lda: KK, B: ws + grp * KK * ld * 4, ldb: ld,
        C: tmp + grp * Fg * ld * 4, ldc: ld, ...bias(grp), act: act as GemmAct, scratch: sc }))));
      steps.push(kernelStep(K, 'f32_copyrows__simd128', { src: tmp, dst: y + n0 * outImg, R: g.F, Nb: nb, P: HoWo, sr: ld, sn: HoWo, dr: HoWo, dn: g.F * HoWo }));
    }
    return seq(steps);
  }
  // Images of a batch as the parts of one job where each needs no shared workspace (depthwise, and 1x1 without groups):
  // whole images per thread, each the same call as on one thread, and the thread keeps its images layer after layer.
  if (method === 'dw') return independentCalls(K, 'f32_dwconv__simd128', images((n) => kernelArgs('f32_dwconv__simd128', { x: x + n * inImg, w, b, y: y + n * outImg, ...ga, act })));
  if (method === '1x1' && g.G === 1) {
    // At batch 1 the filters in blocks of rows (rowBlock): each block a GEMM of its own, on the kernel's packing-free path.
    const rb = g.N === 1 ? rowBlock(g.F, KK, HoWo) : g.F, calls: number[][] = [];
    for (let n = 0; n < g.N; n++) {
      for (let m0 = 0; m0 < g.F; m0 += rb) {
        calls.push(gemmArgs({ M: Math.min(rb, g.F - m0), N: HoWo, K: KK, A: w + m0 * KK * 4, lda: KK, B: x + n * inImg, ldb: HoWo, C: y + n * outImg + m0 * HoWo * 4,
          ldc: HoWo, ...(b ? { bias: b + m0 * 4, biasMode: BIAS.perRow } : {}), act: act as GemmAct, scratch: sc }));
      }
    }
    return independentCalls(K, gname, calls);
  }
  if (method === 'im2col' && p.lanes > 1) {
    // Lanes: runs of whole images, each unrolled into the lane's own column matrix and multiplied there (the same
    // im2col and GEMM calls as below, one job for the layer).
    const name = gname === 'f32_gemm__relaxedsimd' && typeof K.f32_i2c_lane__relaxedsimd === 'function' ? 'f32_i2c_lane__relaxedsimd' : 'f32_i2c_lane__simd128';
    const colB = colLane(KK * HoWo * 4), at = (s: number) => Math.floor((s * g.N) / p.lanes);
    return independentCalls(K, name, Array.from({ length: p.lanes }, (_, s) => kernelArgs(name, { x: x + at(s) * inImg, w, b, y: y + at(s) * outImg,
      col: ws + s * colB, ...ga, F: g.F, nimg: at(s + 1) - at(s), act, scratch: sc })));
  }
  for (let n = 0; n < g.N; n++) {
    const xn = x + n * inImg, yn = y + n * outImg;
    const src = method === '1x1' ? xn : ws;
    if (method === 'im2col') steps.push(kernelStep(K, 'f32_im2col__simd128', { x: xn, col: ws, ...ga, ld: HoWo, nimg: 1, xs: 0 }));
    steps.push(groups(Array.from({ length: g.G }, (_, grp): GemmCall => ({ M: Fg, N: HoWo, K: KK, A: w + grp * Fg * KK * 4, lda: KK, B: src + grp * KK * HoWo * 4, ldb: HoWo,
      C: yn + grp * Fg * HoWo * 4, ldc: HoWo, ...bias(grp), act: act as GemmAct, scratch: sc }))));
  }
  return seq(steps);
}

/** Offsets for one backward lowering; 0 means "not wanted". */
export interface ConvBwdRefs { x: number; w: number; dy: number; dx: number; dw: number; db: number }

/**
 * Conv backward for all images: dw = sum dY·colᵀ, db = sum rowsum(dY), dx = col2im(Wᵀ·dY) (direct for 1x1 and
 * depthwise; Winograd for dx and dw of eligible 3x3 stride-1 layers). Per image (or per block of images, see
 * convPlan's block) the column buffer first holds im2col(x) (for dw), then Wᵀ·dY (for dx).
 * @example const step = lowerConvBwd(ctx, geom, { x, w, dy, dx, dw, db }, ctx.workspace)
 */
export function lowerConvBwd(ctx: LowerCtx, g: ConvGeom, r: ConvBwdRefs, ws: number): Step {
  const K = ctx.K, gemm = gemmKernel(K), sc = ctx.scratch, ga = geomArgs(g);
  const { HoWo, Fg, KK, inImg, outImg } = dims(g);
  const p = convPlan(g), method = p.gemm, steps: Step[] = [];
  // 3x3 stride-1 layers with many channels: dx is a Winograd conv of dy (after all dw products: it reuses ws).
  const wg = r.dx ? p.dxWinograd : undefined, wdw = r.dw && p.dwWinograd;
  // With dw wanted too, the combined depthwise backward kernel (one pass over dy) is faster (0.94 vs 1.20 ms at 32@112²).
  const dg = r.dx && !r.dw ? p.dxDepthwise : undefined;
  if (dg) steps.push(kernelStep(K, 'f32_rot180__simd128', { w: r.w, out: ws, C: g.C, n: 9 }));
  const Nb = p.block;
  if (Nb) {
    // Per block of nb images: db (+)= rowsum(dY), dY to [F, L] (L = nb*HoWo, row stride ld), dw (+)= dY·colᵀ, then
    // col = Wᵀ·dY and col2im.
    const dyb = ws + g.C * g.kh * g.kw * blockLd(Nb * HoWo) * 4, dxWanted = r.dx && !wg;
    for (const [n0, n1] of blocks(g.N, Nb)) {
      const nb = n1 - n0, L = nb * HoWo, ld = blockLd(L), xb = r.x + n0 * inImg, acc = n0 > 0 ? 1 : 0;
      if (r.dw || dxWanted) steps.push(kernelStep(K, 'f32_copyrows__simd128', { src: r.dy + n0 * outImg, dst: dyb, R: g.F, Nb: nb, P: HoWo, sr: HoWo, sn: g.F * HoWo, dr: ld, dn: HoWo }));
      for (let n = n0; r.db && n < n0 + nb; n++) steps.push(kernelStep(K, 'f32_rowsum__simd128', { x: r.dy + n * outImg, y: r.db, rows: g.F, cols: HoWo, acc: n > 0 ? 1 : 0 }));
      if (r.dw) {
        steps.push(kernelStep(K, 'f32_im2col__simd128', { x: xb, col: ws, ...ga, ld, nimg: nb, xs: inImg / 4 }));
        for (let grp = 0; grp < g.G; grp++) {
          steps.push(gemmStep(gemm, { transB: 1, M: Fg, N: KK, K: L, A: dyb + grp * Fg * ld * 4, lda: ld, B: ws + grp * KK * ld * 4, ldb: ld,
            beta: acc, C: r.dw + grp * Fg * KK * 4, ldc: KK, scratch: sc }));
        }
      }
      if (dxWanted) {
        for (let grp = 0; grp < g.G; grp++) {
          steps.push(gemmStep(gemm, { transA: 1, M: KK, N: L, K: Fg, A: r.w + grp * Fg * KK * 4, lda: KK, B: dyb + grp * Fg * ld * 4, ldb: ld,
            C: ws + grp * KK * ld * 4, ldc: ld, scratch: sc }));
        }
        steps.push(kernelStep(K, 'f32_col2im__simd128', { col: ws, x: r.dx + n0 * inImg, ...ga, ld, nimg: nb, xs: inImg / 4 }));
      }
    }
    if (wg) steps.push(lowerWinogradFwd(ctx, wg, r.dy, r.w, 0, r.dx, 0, ws, 1));
    return seq(steps);
  }
  for (let n = 0; n < g.N; n++) {
    const xn = r.x + n * inImg, dyn = r.dy + n * outImg, dxn = r.dx && !wg ? r.dx + n * inImg : 0;
    if (r.db) steps.push(kernelStep(K, 'f32_rowsum__simd128', { x: dyn, y: r.db, rows: g.F, cols: HoWo, acc: n > 0 ? 1 : 0 }));
    if (method === 'dw') {
      if (dg && dxn) steps.push(kernelStep(K, 'f32_dwconv__simd128', { x: dyn, w: ws, b: 0, y: dxn, ...geomArgs(dg), act: 0 }));
      if (r.dw || (dxn && !dg)) steps.push(kernelStep(K, 'f32_dwconv_bwd__simd128', { x: xn, w: r.w, dy: dyn, dx: dg ? 0 : dxn, dwt: r.dw, ...ga, acc: n > 0 ? 1 : 0 }));
      continue;
    }
    if (r.dw && !wdw) {
      const col = method === '1x1' ? xn : ws;
      if (method === 'im2col') steps.push(kernelStep(K, 'f32_im2col__simd128', { x: xn, col: ws, ...ga, ld: HoWo, nimg: 1, xs: 0 }));
      for (let grp = 0; grp < g.G; grp++) {
        steps.push(gemmStep(gemm, { transB: 1, M: Fg, N: KK, K: HoWo, A: dyn + grp * Fg * HoWo * 4, lda: HoWo, B: col + grp * KK * HoWo * 4,
          ldb: HoWo, beta: n > 0 ? 1 : 0, C: r.dw + grp * Fg * KK * 4, ldc: KK, scratch: sc }));
      }
    }
    if (dxn) {
      const dcol = method === '1x1' ? dxn : ws;
      for (let grp = 0; grp < g.G; grp++) {
        steps.push(gemmStep(gemm, { transA: 1, M: KK, N: HoWo, K: Fg, A: r.w + grp * Fg * KK * 4, lda: KK, B: dyn + grp * Fg * HoWo * 4,
          ldb: HoWo, C: dcol + grp * KK * HoWo * 4, ldc: HoWo, scratch: sc }));
      }
      if (method === 'im2col') steps.push(kernelStep(K, 'f32_col2im__simd128', { col: ws, x: dxn, ...ga, ld: HoWo, nimg: 1, xs: 0 }));
    }
  }
  if (wdw) steps.push(lowerWinogradDw(ctx, g, r.x, r.dy, r.dw, ws));
  if (wg) steps.push(lowerWinogradFwd(ctx, wg, r.dy, r.w, 0, r.dx, 0, ws, 1));
  return seq(steps);
}

/**
 * Deconvolution forward = conv data-gradient of geometry `g` (conv input = deconv output): y = col2im(Wᵀ·x) + b.
 * @example const step = lowerDeconvFwd(ctx, convGeomOfDeconv, x.off, w.off, b.off, y.off, 0, ws)
 */
export function lowerDeconvFwd(ctx: LowerCtx, g: ConvGeom, x: number, w: number, b: number, y: number, act: number, ws: number): Step {
  const K: KernelTable = ctx.K;
  const steps: Step[] = [lowerConvBwd(ctx, g, { x: 0, w, dy: x, dx: y, dw: 0, db: 0 }, ws)];
  if (b || act) {
    const plane = g.H * g.W;
    for (let n = 0; n < g.N; n++) steps.push(kernelStep(K, 'f32_bias_rows__simd128', { x: y + n * g.C * plane * 4, b, rows: g.C, cols: plane, act }));
  }
  return seq(steps);
}
