import type { KernelInfo } from './common.js';

/**
 * Warm-up args: a 96x64x64 GEMM on zeroed scratch (p: A and B, q: C, q + 64 KiB: packing scratch),
 * more than 64 rows so that it runs the packed path (whose driver and micro-kernel must tier up;
 * the small paths are cheap in any tier). Packing uses < 2.2 MiB past q + 64 KiB: inside the 4 MiB scratch.
 */
const gemmWarm = (p: number, q: number) => [0, 0, 96, 64, 64, 1, p, 64, p, 64, 0, q, 64, 0, 0, 0, q + 65536];

/** Kernels of the linalg family (see ../manifest.ts). */
export const KERNELS_LINALG: KernelInfo[] = [
  { name: 'f32_gemm__simd128', family: 'gemm', dtype: 'f32', needs: ['simd128'], warm: gemmWarm },
  { name: 'f32_gemm__relaxedsimd', family: 'gemm', dtype: 'f32', needs: ['simd128', 'relaxed'], warm: gemmWarm },
  { name: 'f32_colsum__simd128', family: 'gemm', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, 3, 17, 17, q] },
];
