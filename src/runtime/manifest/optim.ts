import { simd, withParams, type KernelInfo } from './common.js';
import { strided } from './split.js';

// Every optimizer kernel is (weight, gradient, states..., n, hyper-parameters...): f32 pointers, then the count.
const HYPER = ['wd', 'rescale', 'clip'] as const;
/**
 * Parameter names of the optim kernels, by name (`f32_<name>__simd128_u8`), in order (test/kernels/abi.test.ts
 * checks them against the kernels); the thread split cuts every pointer before `n` (OPTIM_POINTERS).
 */
export const OPTIM_PARAMS = {
  sgd: ['w', 'g', 'n', 'lr', ...HYPER],
  sgd_mom: ['w', 'g', 'm', 'n', 'lr', ...HYPER, 'momentum'],
  nag_mom: ['w', 'g', 'm', 'n', 'lr', ...HYPER, 'momentum'],
  adam: ['w', 'g', 'm', 'v', 'n', 'lrt', ...HYPER, 'b1', 'b2', 'eps', 'decay'],
  rmsprop: ['w', 'g', 's', 'n', 'lr', ...HYPER, 'g1', 'eps', 'clipW'],
  rmspropalex: ['w', 'g', 's', 'gb', 'd', 'n', 'lr', ...HYPER, 'g1', 'g2', 'eps', 'clipW'],
  adagrad: ['w', 'g', 'h', 'n', 'lr', ...HYPER, 'eps'],
  adadelta: ['w', 'g', 'ag', 'ad', 'n', ...HYPER, 'rho', 'eps'],
  signum: ['w', 'g', 'm', 'n', 'lr', ...HYPER, 'momentum', 'wdLh'],
  adamax: ['w', 'g', 'm', 'u', 'n', 'lrt', ...HYPER, 'b1', 'b2'],
  nadam: ['w', 'g', 'm', 'v', 'n', 'lr', ...HYPER, 'b1', 'b2', 'eps', 'cg', 'cm', 'vs'],
  ftml: ['w', 'g', 'd', 'v', 'z', 'n', ...HYPER, 'b1', 'b2', 'eps', 'a', 'vs'],
  ftrl: ['w', 'g', 'z', 's', 'n', 'lr', ...HYPER, 'l1', 'beta'],
} as const;
/** How many f32 pointers (weight, gradient, states) come before the count `n`, by optimizer kernel name. */
export const OPTIM_POINTERS = Object.fromEntries(Object.entries(OPTIM_PARAMS).map(([k, p]) => [k, (p as readonly string[]).indexOf('n')])) as
  Record<keyof typeof OPTIM_PARAMS, number>;

// Warm-up args: weight at p, gradient at q, states after them in the zeroed 1 MiB areas; 17 elements (SIMD + tail).
const N = 17;
const o = (p: number, q: number, s: number) => [p, q, ...Array.from({ length: s }, (_, k) => p + 4096 * (k + 1)), N];

/** Kernels of the optim family (fused in-place optimizer updates, see assembly/kernels/f32-optim.ts and f32-optim-adaptive.ts). */
export const KERNELS_OPTIM: KernelInfo[] = withParams([
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
], Object.fromEntries(Object.entries(OPTIM_PARAMS).map(([k, p]) => [`f32_${k}__simd128_u8`, p])),
  // Thread split: elementwise over the parameter, in place, every pointer before n cut. Cost 3: each element reads and
  // writes the weight and its states (MLP fc1's 100k weights then take 2 threads).
  Object.fromEntries(Object.entries(OPTIM_POINTERS).map(([k, np]) => [`f32_${k}__simd128_u8`, strided(np, np, () => 3)])));
