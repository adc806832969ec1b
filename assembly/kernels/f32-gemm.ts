// Kernel family file (see assembly/index.ts): GEMM, row-major, BLIS-style.
// C = act(alpha*op(A)*op(B) + beta*C + bias); beta == 0 never reads C; biasMode 0 none, 1 bias[n]
// per column, 2 bias[m] per row; act 0 none, 1 relu, 2 sigmoid, 3 tanh (f32_act's type + 1);
// `scratch` is the calling thread's 4 MiB.
//
// Blocking (wasm-build.md): jc over N by NC=2048, pc over K by KC=256, ic over M by MC=96. B's
// (KC x NC) block is packed into NR-wide k-major panels, A's (MC x KC) block into MR-tall panels; the
// packing handles transA/transB. Micro-kernels (f32-gemm-ukernel.ts): f32_gemm_4x8__simd128 (plain),
// f32_gemm_2x16__relaxedsimd (relaxed_madd, relaxed build), and for a last column panel of at most 4 columns
// f32_gemm_8x4 / f32_gemm_16x1 (edgeCols: 4 columns x 8 rows, or one column x 16 rows). The epilogue is fused
// into the stores (beta on the first K block, bias+relu on the last). M == 1 or N == 1 take a
// packing-free matrix-vector path (f32-gemm-gemv.ts); up to SMALL_M rows with B contiguous along a
// row (transB = 0, or transA = 0 with transB = 1) take the packing-free tiles of f32-gemm-small.ts.
// Measured (AMD EPYC Zen 4, Node 20, 1 thread, CPU time): 4x8 packed ~33-36 GFLOP/s from 128^3 to
// 1024^3; relaxed 2x16 ~42-48; unrolling k made TurboFan hoist the loads and spill (-25%).
// No state outside the arguments: a call on a sub-range of rows or columns of C (A/B/C/bias
// pointers offset, own scratch) is valid, which is how the thread pool splits work.
import { packN, packT } from './f32-gemm-pack';
import { ukr16x1, ukr2x16, ukr4x8, ukr8x4, ukr8x4r } from './f32-gemm-ukernel';
import { axpyRows, dotRows, finVec, gather } from './f32-gemm-gemv';
import { smallAxpy, smallDot } from './f32-gemm-small';
import { ACT_SIGMOID, ACT_TANH, tanhSigmoidMap } from './f32-math'; // the Activation kernels' loop: a fused tanh / sigmoid gives the same bits

const KC = 256, MC = 96, NC = 2048;
// Scratch layout: packed B (KC*NC floats, 2 MiB), packed A (MC*KC floats, 96 KiB), edge tile (64 floats).
const A_OFF: usize = <usize>(KC * NC) << 2;
const TILE_OFF: usize = A_OFF + (<usize>(MC * KC) << 2);
/**
 * Up to this many rows of C, products whose B is contiguous along a row skip packing (f32-gemm-small.ts):
 * measured faster than packing up to 64 rows, both with mul + add and with relaxed_madd. Not with op(A)
 * transposed (a weight gradient dY^T X): its strided A made the small path 1.2-1.7x slower than packing
 * (MLP dW 64x784x64: 138 vs 144-206 us; 50x800x64: 109 vs 122-199).
 */
const SMALL_M = 64;
/** The no-packing paths re-read A once per group of columns: keep it within half of a 1 MiB L2. */
const SMALL_A_FLOATS = 128 << 10;

/**
 * Whether smallAxpy's strip of B (K rows of 16 floats, row stride ldb) stays in L2 (1 MiB, 8 ways,
 * 2048 sets of 64-byte lines, assumed). Rows a power-of-two number of lines apart share few sets: with
 * ldb = 2048 only 16 sets, and the strip thrashes (measured 2x slower than packing). Half the ways, 2
 * lines per row (unaligned). Also bounds the scratch copy of the last columns (K x 16 bytes).
 */
function stripFits(K: i32, ldb: i32): bool {
  const bytes = ldb << 2;
  if (bytes & 63) return K <= 4096;
  const lines = bytes >> 6, g = min(lines & -lines, 2048);
  return K * 2 <= 4 * (2048 / g);
}

/** Floats of scratch the matrix-vector path may use (4 MiB / 4, less a margin). */
const GEMV_FLOATS = (1 << 20) - 64;

function blocked(relaxed: bool, tA: i32, tB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32,
  B: usize, ldb: i32, beta: f32, C: usize, ldc: i32, bias: usize, bmode: i32, relu: bool, scratch: usize): void {
  const MR = relaxed ? 2 : 4, NR = relaxed ? 16 : 8;
  const bp = scratch, ap = scratch + A_OFF, tile = scratch + TILE_OFF;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const cMul: f32 = pc == 0 ? beta : 1;
      const last = pc + kc >= K;
      if (tB) packT(B + ((<usize>jc * ldb + pc) << 2), ldb, kc, nc, NR, bp);
      else packN(B + ((<usize>pc * ldb + jc) << 2), ldb, kc, nc, NR, bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        if (tA) packN(A + ((<usize>pc * lda + ic) << 2), lda, kc, mc, MR, ap);
        else packT(A + ((<usize>ic * lda + pc) << 2), lda, kc, mc, MR, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr), n = jc + jr;
          const pb = bp + (<usize>(jr * kc) << 2);
          if (nr <= 4 && nr < NR) { edgeCols(relaxed, MR, NR, kc, mc, ic, n, nr, ap, pb, C, ldc, alpha, cMul, last, bias, bmode, relu, tile); continue; }
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir), m = ic + ir;
            const pa = ap + (<usize>(ir * kc) << 2);
            const cp = C + ((<usize>m * ldc + n) << 2);
            const bb = bmode == 1 ? bias + (<usize>n << 2) : bmode == 2 ? bias + (<usize>m << 2) : 0;
            if (relaxed) ukr2x16(kc, pa, pb, cp, ldc, mr, nr, alpha, cMul, last, bmode, bb, relu, tile);
            else ukr4x8(kc, pa, pb, cp, ldc, mr, nr, alpha, cMul, last, bmode, bb, relu, tile);
          }
        }
      }
    }
  }
}

/**
 * A last column panel of at most 4 columns (of NR): one column (a 7x7 plane's 49th) through f32_gemm_16x1 (ukr16x1:
 * 16 rows in the lanes, all of them useful), 2-4 columns through f32_gemm_8x4 (ukr8x4 / ukr8x4r: 8 rows). Time over
 * the 48-column product (1 thread, interleaved, CPU time; main -> with 16x1): 1024x49x1024 (MobileNet's 7x7 1x1s)
 * 1.28-1.30 -> 1.06-1.10, 160x49x960 1.33 -> 1.06-1.07, 1280x49x320 1.30 -> 1.06-1.13; 512x196x512 (4 columns) 1.09
 * -> 1.05-1.09. 5-12 columns stay on the wide tile: 2-3 8x4 tiles cost more (512x201x512: 2.73 vs 2.53 ms).
 * Each element sums as the wide kernel sums it (same bits at any split).
 */
function edgeCols(relaxed: bool, MR: i32, NR: i32, kc: i32, mc: i32, ic: i32, n: i32, nr: i32, ap: usize, pb: usize,
  C: usize, ldc: i32, alpha: f32, cMul: f32, last: bool, bias: usize, bmode: i32, relu: bool, tile: usize): void {
  const ps = <usize>(MR * kc) << 2, bstride = <usize>NR << 2;
  if (nr == 1) {
    for (let ir = 0; ir < mc; ir += 16) {
      const m = ic + ir, bb = bmode == 1 ? bias + (<usize>n << 2) : bmode == 2 ? bias + (<usize>m << 2) : 0;
      ukr16x1(relaxed, kc, ap + (<usize>(ir * kc) << 2), ps, pb, bstride, C + ((<usize>m * ldc + n) << 2), ldc, min(16, mc - ir),
        alpha, cMul, last, bmode, bb, relu, tile);
    }
    return;
  }
  for (let j0 = 0; j0 < nr; j0 += 4) {
    const w = min(4, nr - j0), nj = n + j0;
    for (let ir = 0; ir < mc; ir += 8) {
      const mr = min(8, mc - ir), m = ic + ir;
      const pa = ap + (<usize>(ir * kc) << 2), cp = C + ((<usize>m * ldc + nj) << 2), pbj = pb + (<usize>j0 << 2);
      const bb = bmode == 1 ? bias + (<usize>nj << 2) : bmode == 2 ? bias + (<usize>m << 2) : 0;
      if (relaxed) ukr8x4r(kc, pa, ps, pbj, bstride, cp, ldc, mr, w, alpha, cMul, last, bmode, bb, relu, tile);
      else ukr8x4(kc, pa, ps, pbj, bstride, cp, ldc, mr, w, alpha, cMul, last, bmode, bb, relu, tile);
    }
  }
}

/** M == 1 or N == 1 without packing; false when the operands do not fit the scratch (caller falls back). */
function gemv(tA: i32, tB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32, B: usize, ldb: i32,
  beta: f32, C: usize, ldc: i32, bias: usize, bmode: i32, relu: bool, scratch: usize): bool {
  const L = M == 1 ? N : M;
  if (K + L + 8 > GEMV_FLOATS) return false;
  const y = scratch, xs = scratch + ((<usize>(L + 4) & ~3) << 2);
  if (M == 1) {
    // x = row 0 of op(A); op(B)'s columns are rows of B when transposed.
    let x = A;
    if (tA && lda != 1) { gather(A, lda, K, xs); x = xs; }
    if (tB) dotRows(B, ldb, N, K, x, y); else axpyRows(B, ldb, N, K, x, y);
    finVec(y, N, C, 1, alpha, beta, bias, bmode, bmode == 1, relu);
  } else {
    // x = column 0 of op(B); op(A)'s rows are rows of A when not transposed.
    let x = B;
    if (!tB && ldb != 1) { gather(B, ldb, K, xs); x = xs; }
    if (tA) axpyRows(A, lda, M, K, x, y); else dotRows(A, lda, M, K, x, y);
    finVec(y, M, C, ldc, alpha, beta, bias, bmode, bmode == 2, relu);
  }
  return true;
}

/** K == 0: C = act(beta*C + bias). */
function noK(M: i32, N: i32, beta: f32, C: usize, ldc: i32, bias: usize, bmode: i32, relu: bool): void {
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const p = C + ((<usize>m * ldc + n) << 2);
      let v: f32 = beta != 0 ? beta * load<f32>(p) : 0;
      if (bmode == 1) v += load<f32>(bias + (<usize>n << 2));
      else if (bmode == 2) v += load<f32>(bias + (<usize>m << 2));
      store<f32>(p, relu ? max<f32>(v, 0) : v);
    }
  }
}

@inline function gemm(relaxed: bool, tA: i32, tB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32,
  B: usize, ldb: i32, beta: f32, C: usize, ldc: i32, bias: usize, bmode: i32, act: i32, scratch: usize): void {
  if (M <= 0 || N <= 0) return;
  product(relaxed, tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, bmode, act == 1, scratch);
  // sigmoid / tanh: one pass over C right after the product, while it is still in cache (a conv block's
  // output, an FC layer's rows); relu is fused into the stores instead.
  if (act == 2 || act == 3) {
    for (let m = 0; m < M; m++) { const r = C + ((<usize>m * ldc) << 2); tanhSigmoidMap(act == 3 ? ACT_TANH : ACT_SIGMOID, r, r, <usize>N); }
  }
}

@inline function product(relaxed: bool, tA: i32, tB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32,
  B: usize, ldb: i32, beta: f32, C: usize, ldc: i32, bias: usize, bmode: i32, relu: bool, scratch: usize): void {
  if (K <= 0) { noK(M, N, beta, C, ldc, bias, bmode, relu); return; }
  if ((M == 1 || N == 1) && gemv(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, bmode, relu, scratch)) return;
  if (M <= SMALL_M && K <= SMALL_A_FLOATS / M && !tA) {
    if (!tB && stripFits(K, ldb)) {
      const sm = lda, sk = 1;
      if (relaxed) smallAxpy<f64>(M, N, K, alpha, A, sm, sk, B, ldb, beta, C, ldc, bias, bmode, relu, scratch);
      else smallAxpy<f32>(M, N, K, alpha, A, sm, sk, B, ldb, beta, C, ldc, bias, bmode, relu, scratch);
      return;
    }
    if (tB && !tA) {
      if (relaxed) smallDot<f64>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, bmode, relu);
      else smallDot<f32>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, bmode, relu);
      return;
    }
  }
  blocked(relaxed, tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, bmode, relu, scratch);
}

/**
 * GEMM with the plain-SIMD 4x8 micro-kernel (ABI: HACKING.md).
 * @example // from TS, FullyConnected y = x W^T + b, relu: gemm(0, 1, rows, H, in, 1, x, in, w, in, 0, y, H, b, 1, 1, rt().scratch.off)
 */
export function f32_gemm__simd128(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32,
  B: usize, ldb: i32, beta: f32, C: usize, ldc: i32, bias: usize, biasMode: i32, act: i32, scratch: usize): void {
  gemm(false, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, biasMode, act, scratch);
}

/**
 * GEMM with the relaxed-SIMD 2x16 micro-kernel in the relaxed build; the 4x8 plain kernel elsewhere.
 * @example // pick it with gemmKernel(K) from src/ops/linalg/gemm.ts rather than by name
 */
export function f32_gemm__relaxedsimd(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32,
  B: usize, ldb: i32, beta: f32, C: usize, ldc: i32, bias: usize, biasMode: i32, act: i32, scratch: usize): void {
  gemm(ASC_FEATURE_RELAXED_SIMD, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, biasMode, act, scratch);
}
/**
 * y[n] = sum_m X[m*ldx + n] for an (M, N) row-major matrix (FullyConnected's bias gradient).
 * @example // db = column sums of dY (batch x H): K.f32_colsum__simd128(dy, batch, H, H, db)
 */
export function f32_colsum__simd128(X: usize, M: i32, N: i32, ldx: i32, y: usize): void {
  const row = <usize>ldx << 2;
  let n = 0;
  for (; n + 16 <= N; n += 16) {
    let p = X + (<usize>n << 2);
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let m = 0; m < M; m++, p += row) {
      s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32)); s3 = f32x4.add(s3, v128.load(p, 48));
    }
    const q = y + (<usize>n << 2);
    v128.store(q, s0); v128.store(q, s1, 16); v128.store(q, s2, 32); v128.store(q, s3, 48);
  }
  for (; n + 4 <= N; n += 4) {
    let p = X + (<usize>n << 2), s = f32x4.splat(0);
    for (let m = 0; m < M; m++, p += row) s = f32x4.add(s, v128.load(p));
    v128.store(y + (<usize>n << 2), s);
  }
  for (; n < N; n++) {
    let p = X + (<usize>n << 2), s: f32 = 0;
    for (let m = 0; m < M; m++, p += row) s += load<f32>(p);
    store<f32>(y + (<usize>n << 2), s);
  }
}
