// The GEMM entry point every op uses (dot, batch_dot, FullyConnected, Convolution).
import { rt } from '../../runtime/runtime.js';
import type { KernelTable } from '../../runtime/manifest.js';

/**
 * The GEMM kernel `f32_gemm__<isa>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc,
 * bias, biasMode, act, scratch)`: the relaxed-SIMD build's kernel when that variant is loaded, else
 * plain SIMD. Row-major, `C = act(alpha*op(A)*op(B) + beta*C + bias)`; `beta == 0` never reads C;
 * biasMode 0 none / 1 per column / 2 per row; act 0 none / 1 relu; scratch = 4 MiB per thread.
 * @example
 * const gemm = gemmKernel(ctx.K);
 * return () => { gemm(0, 1, M, N, K, 1, x.off, K, w.off, K, 0, y.off, N, b.off, 1, 0, ctx.scratch); };
 */
export function gemmKernel(K: KernelTable): (...args: number[]) => number {
  const relaxed = rt().variant === 'relaxed' && typeof K.f32_gemm__relaxedsimd === 'function';
  return relaxed ? K.f32_gemm__relaxedsimd : K.f32_gemm__simd128;
}
