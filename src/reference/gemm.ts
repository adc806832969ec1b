// Scalar TypeScript reference for the GEMM family: the test oracle (float64 accumulation). Argument names and codes are
// the kernel's (GemmCall, BIAS, GEMM_ACT in src/runtime/manifest/linalg.ts), with arrays in place of byte offsets.
import { BIAS, GEMM_ACT, type BiasMode, type GemmAct } from '../runtime/manifest/linalg.js';

/** Arguments of a reference GEMM call; arrays are indexed like the kernel's memory (element offsets 0). */
export interface GemmRefArgs {
  transA: boolean; transB: boolean; M: number; N: number; K: number; alpha: number;
  A: ArrayLike<number>; lda: number; B: ArrayLike<number>; ldb: number; beta: number;
  C: Float32Array | Float64Array; ldc: number;
  bias?: ArrayLike<number>; biasMode?: BiasMode; act?: GemmAct;
}

/**
 * `C = act(alpha*op(A)*op(B) + beta*C + bias)`, row-major, in place on `C`; `beta == 0` never reads C;
 * act 0 none, 1 relu, 2 sigmoid, 3 tanh.
 * @example
 * const C = new Float32Array(4);
 * gemmRef({ transA: false, transB: false, M: 2, N: 2, K: 1, alpha: 1, A: [1, 2], lda: 1, B: [3, 4], ldb: 2, beta: 0, C, ldc: 2 });
 * // C = [3, 4, 6, 8]
 */
export function gemmRef(p: GemmRefArgs): void {
  const { transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc } = p;
  const mode = p.biasMode ?? 0, act = p.act ?? 0;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[transA ? k * lda + m : m * lda + k] * B[transB ? n * ldb + k : k * ldb + n];
      let c = alpha * s;
      if (beta !== 0) c += beta * C[m * ldc + n];
      if (mode === BIAS.perColumn) c += p.bias![n];
      else if (mode === BIAS.perRow) c += p.bias![m];
      if (act === GEMM_ACT.relu && !(c > 0)) c = 0;
      else if (act === GEMM_ACT.sigmoid) c = 1 / (1 + Math.exp(-c));
      else if (act === GEMM_ACT.tanh) c = Math.tanh(c);
      C[m * ldc + n] = c;
    }
  }
}

/**
 * Sum over rows of an (M, N) row-major matrix with row stride `ld`: `y[n] = sum_m X[m*ld + n]`.
 * @example colSumRef([1, 2, 3, 4], 2, 2, 2) // Float32Array [4, 6]
 */
export function colSumRef(X: ArrayLike<number>, M: number, N: number, ld: number): Float32Array {
  const y = new Float32Array(N);
  for (let n = 0; n < N; n++) { let s = 0; for (let m = 0; m < M; m++) s += X[m * ld + n]; y[n] = s; }
  return y;
}
