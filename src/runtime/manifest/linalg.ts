import type { KernelInfo } from '../manifest.js';

/** Warm-up args for a 32x32x32 GEMM on zeroed scratch (p: A and B, q: C, q + 64 KiB: packing scratch). */
const gemmWarm = (p: number, q: number) => [0, 0, 32, 32, 32, 1, p, 32, p, 32, 0, q, 32, 0, 0, 0, q + 65536];

/** Kernels of the linalg family (see ../manifest.ts). */
export const KERNELS_LINALG: KernelInfo[] = [
  { name: 'f32_gemm__simd128', family: 'gemm', dtype: 'f32', needs: ['simd128'], warm: gemmWarm },
  { name: 'f32_gemm__relaxedsimd', family: 'gemm', dtype: 'f32', needs: ['simd128'], warm: gemmWarm },
  { name: 'f32_colsum__simd128', family: 'gemm', dtype: 'f32', needs: ['simd128'], warm: (p, q) => [p, 3, 17, 17, q] },
];
