import { CONV_SPLITS } from '../ops/conv/splits.js';
import { VOL_SPLITS } from '../ops/conv/vol-splits.js';

/**
 * How each parallel kernel's call is cut into per-thread calls of the same kernel, and the least
 * work (in the kernel's own unit) worth a dispatch (~15-45 µs to wake sleeping workers, ~1 µs when
 * they spin: wasm-build.md). Splits never change any thread's reduction order, so results are
 * identical to one thread.
 */
// The table collects the rules kernels' typed definitions declare (`split:` in src/runtime/manifest/<family>.ts, built
// from src/runtime/manifest/split.ts), the conv family's (src/ops/conv/splits.ts), and the GEMM's.
import { ELEMENTWISE_SPLITS } from '../runtime/manifest/elementwise.js';
import { TENSOR_SPLITS } from '../runtime/manifest/tensor.js';
import { NN_SPLITS } from '../runtime/manifest/nn.js';
import { OPTIM_SPLITS } from '../runtime/manifest/optim.js';
import { COPY_SPLITS } from '../runtime/manifest/copy.js';
import { BIAS, GEMM_ARG, GEMM_LIMITS } from '../runtime/manifest/linalg.js';
import { cut, type Split } from '../runtime/manifest/split.js';

export type { Split } from '../runtime/manifest/split.js';

const G = GEMM_ARG, { smallM: SMALL_M, smallAFloats: SMALL_A, gemvFloats: GEMV_FLOATS } = GEMM_LIMITS;

/** Work per thread (M*N*K) under which a GEMM is cut into one part per thread, not four (about 200^3). */
const GEMM_ONE_PART = 8 << 20;
/** Least rows or columns of a GEMM part beyond one a thread (MXWASM_GEMM_MIN_PART; 0: no such floor, as before). */
let GEMM_MIN_PART = Number((typeof process !== 'undefined' ? process.env?.MXWASM_GEMM_MIN_PART : undefined) ?? 64);
/** Sets the GEMM part floor (benchmarks' in-process A/B); returns the old one. @example setGemmMinPart(0) */
export function setGemmMinPart(n: number): number { const old = GEMM_MIN_PART; GEMM_MIN_PART = n; return old; }
const gemm: Split = {
  // A matrix-vector product (M or N is 1) reads a weight per multiply-add (memory-bound): 8x the cost of a
  // blocked one, so FullyConnected at batch 1 goes parallel (500x800: 29.8 -> 16.3 us on 2 threads, 128x784
  // 6.7 -> 5.2). One whose vectors overflow the GEMV scratch is not cut (a part could take the GEMV path
  // the whole call could not, and give other bits). Weighted 6, not 8: a GEMV under ~87k multiply-adds (an
  // LSTM step's 512x128 recurrent product, ~5 us) stays on one thread, as a parallel call costs ~8 us: the
  // ONNX 2-layer LSTM row (64 such steps) went 0.57x -> 1.26x of onnxruntime-web at 2 threads (MXWASM_SPIN_US=0).
  work: (a) => {
    const M = a[G.M], N = a[G.N], K = a[G.K];
    if (M !== 1 && N !== 1) return M * N * K;
    return K + Math.max(M, N) + 8 > GEMV_FLOATS ? 0 : M * N * K * 6;
  },
  // 64^3: MLP's 64x64x128 layers on 2 threads (26 -> 21 us each; training step 1.51x -> 1.58x, interleaved).
  min: 64 * 64 * 64,
  scratchArg: G.scratch,
  // A small GEMM (MLP 64x128x784: 3.2M per thread) gets one part per thread: every part packs op(B) again
  // (row cuts) or op(A) (column cuts), and four parts each cost more than the dynamic balance
  // gives back (MLP training step 400-405 us on 2 threads against 415-450 us with four). So does a large one while
  // the pool measures free cores (`free`): GEMM 512³ in 8 column parts packs all of A (1 MB) 4 times a thread
  // against once on one thread; the four parts a thread are for cores that are not all there (a loaded machine).
  // Nor parts under GEMM_MIN_PART of the cut side: each re-packs the shared operand (DenseNet 128x196x960, 8 parts: +12%).
  parts: (a, T, free) => Math.min(free || a[G.M] * a[G.N] * a[G.K] < GEMM_ONE_PART * T ? T : T * 4,
    GEMM_MIN_PART > 0 ? Math.max(T, Math.floor((a[G.M] > a[G.N] || a[G.transA] ? a[G.M] : a[G.N]) / GEMM_MIN_PART / T) * T) : Infinity),
  split: (a, P, T = P) => {
    const tA = a[G.transA], tB = a[G.transB], M = a[G.M], N = a[G.N];
    const lda = a[G.lda], ldb = a[G.ldb], ldc = a[G.ldc], biasMode = a[G.biasMode];
    // The longer side is cut (rows in multiples of 8, columns in multiples of 16): a row cut has every part
    // read all of op(B) (K x N, packed again per part on the blocked path), a column cut all of op(A) (M x K),
    // so cutting the longer side keeps the re-read operand the smaller one (MLP dW 128x784x64 in 8 row parts
    // took 1.9x as long as in 7 column parts). Parts are taken dynamically, so their balance matters less.
    // The other side only when the longer one cannot give a part per thread. With op(A) transposed (a weight
    // gradient dY^T X) rows: its rows are the weight's rows, which the optimizer update then cuts into the same
    // contiguous ranges, so each thread updates what it just computed (MLP step 1.37x -> 1.47x on 2 threads).
    // Every part must take the kernel's path for the whole call (results bitwise equal to one thread): no part
    // of 1 row or column (the GEMV path), and when the whole call takes the packed path, row parts that stay
    // there (more than SMALL_M rows, or SMALL_M * K over SMALL_A floats: assembly/kernels/f32-gemm.ts).
    const K = a[G.K], wholeSmall = !tA && M <= SMALL_M && M * K <= SMALL_A;
    const minRows = tA || wholeSmall ? 2 : M > SMALL_M ? SMALL_M + 1 : Math.ceil((SMALL_A + 1) / K);
    // Several parts per thread: half as many row parts, as each packs all of op(B) again (MLP dW 128x784x64:
    // 8 parts packed B 8 times; 4 parts measured 1.53x -> 1.58-1.61x for the whole training step on 2 threads).
    const rows = cut(M, P > T ? Math.max(T, Math.round(P / 2)) : P, 8, minRows, T), cols = cut(N, P, 16, 2, T);
    if (((M > N || tA) && rows.length > 1) || cols.length <= 1) {
      return rows.map(([m0, m1]) => {
        const p = a.slice();
        p[G.M] = m1 - m0;
        p[G.A] = a[G.A] + (tA ? m0 : m0 * lda) * 4;
        p[G.C] = a[G.C] + m0 * ldc * 4;
        if (biasMode === BIAS.perRow) p[G.bias] = a[G.bias] + m0 * 4;
        return p;
      });
    }
    return cols.map(([n0, n1]) => {
      const p = a.slice();
      p[G.N] = n1 - n0;
      p[G.B] = a[G.B] + (tB ? n0 * ldb : n0) * 4;
      p[G.C] = a[G.C] + n0 * 4;
      if (biasMode === BIAS.perColumn) p[G.bias] = a[G.bias] + n0 * 4;
      return p;
    });
  },
};

/** Kernel name → split rule. Names not present here always run on the calling thread. */
export const SPLITS: Record<string, Split> = {
  ...CONV_SPLITS,
  ...VOL_SPLITS,
  f32_gemm__simd128: gemm,
  f32_gemm__relaxedsimd: gemm,
};
// Declared with the kernels: elementwise, activations, softmax, reductions, optimizer updates, copies (their families'
// tables, not the manifest lines, which are built on first use; test/manifest.test.ts checks both agree).
Object.assign(SPLITS, ELEMENTWISE_SPLITS, TENSOR_SPLITS, NN_SPLITS, OPTIM_SPLITS, COPY_SPLITS);
