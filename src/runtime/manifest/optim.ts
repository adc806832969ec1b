import { simd, type KernelInfo } from './common.js';

// Warm-up args: weight at p, gradient at q, states after them in the zeroed 1 MiB areas; 17 elements (SIMD + tail).
const N = 17;
const o = (p: number, q: number, s: number) => [p, q, ...Array.from({ length: s }, (_, k) => p + 4096 * (k + 1)), N];

/** Kernels of the optim family (fused in-place optimizer updates, see assembly/kernels/f32-optim.ts and f32-optim-adaptive.ts). */
export const KERNELS_OPTIM: KernelInfo[] = [
  { name: 'f32_sgd__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 0), 0.1, 0, 1, -1] },
  { name: 'f32_sgd_mom__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 0.9] },
  { name: 'f32_nag_mom__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 0.9] },
  { name: 'f32_adam__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 2), 0.1, 0, 1, -1, 0.9, 0.999, 1e-8, 0] },
  { name: 'f32_rmsprop__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 0.9, 1e-8, -1] },
  { name: 'f32_rmspropalex__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 3), 0.1, 0, 1, -1, 0.9, 0.9, 1e-8, -1] },
  { name: 'f32_adagrad__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 1e-7] },
  { name: 'f32_adadelta__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 2), 0, 1, -1, 0.9, 1e-5] },
  { name: 'f32_signum__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 0.9, 0] },
  { name: 'f32_adamax__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 2), 0.1, 0, 1, -1, 0.9, 0.999] },
  { name: 'f32_nadam__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 2), 0.1, 0, 1, -1, 0.9, 0.999, 1e-8, 0.5, 0.5, 1] },
  { name: 'f32_ftml__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 3), 0, 1, -1, 0.6, 0.999, 1e-8, 40, 1000] },
  { name: 'f32_ftrl__simd128_u8', family: 'optim', dtype: 'f32', unroll: 8, needs: simd, warm: (p, q) => [...o(p, q, 2), 0.1, 0, 1, -1, 0.01, 1] },
];
