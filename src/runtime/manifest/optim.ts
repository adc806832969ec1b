import { defs, kernelsOf, nameInfo, paramsOf, type KernelInfo } from './common.js';
import { strided } from './split.js';

// Every optimizer kernel is (weight, gradient, states..., n, hyper-parameters...): f32 pointers, then the count.
const HYPER = ['wd', 'rescale', 'clip'] as const;
// Warm-up args: weight at p, gradient at q, states after them in the zeroed 1 MiB areas; 17 elements (SIMD + tail).
const o = (p: number, q: number, s: number) => [p, q, ...Array.from({ length: s }, (_, k) => p + 4096 * (k + 1)), 17];

/** The optim kernels (fused in-place updates, assembly/kernels/f32-optim.ts and f32-optim-adaptive.ts): parameter names, warm-up. */
const OPTIM = defs({
  f32_sgd__simd128_u8: [['w', 'g', 'n', 'lr', ...HYPER], (p, q) => [...o(p, q, 0), 0.1, 0, 1, -1]],
  f32_sgd_mom__simd128_u8: [['w', 'g', 'm', 'n', 'lr', ...HYPER, 'momentum'], (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 0.9]],
  f32_nag_mom__simd128_u8: [['w', 'g', 'm', 'n', 'lr', ...HYPER, 'momentum'], (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 0.9]],
  f32_adam__simd128_u8: [['w', 'g', 'm', 'v', 'n', 'lrt', ...HYPER, 'b1', 'b2', 'eps', 'decay'], (p, q) => [...o(p, q, 2), 0.1, 0, 1, -1, 0.9, 0.999, 1e-8, 0]],
  f32_rmsprop__simd128_u8: [['w', 'g', 's', 'n', 'lr', ...HYPER, 'g1', 'eps', 'clipW'], (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 0.9, 1e-8, -1]],
  f32_rmspropalex__simd128_u8: [['w', 'g', 's', 'gb', 'd', 'n', 'lr', ...HYPER, 'g1', 'g2', 'eps', 'clipW'], (p, q) => [...o(p, q, 3), 0.1, 0, 1, -1, 0.9, 0.9, 1e-8, -1]],
  f32_adagrad__simd128_u8: [['w', 'g', 'h', 'n', 'lr', ...HYPER, 'eps'], (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 1e-7]],
  f32_adadelta__simd128_u8: [['w', 'g', 'ag', 'ad', 'n', ...HYPER, 'rho', 'eps'], (p, q) => [...o(p, q, 2), 0, 1, -1, 0.9, 1e-5]],
  f32_signum__simd128_u8: [['w', 'g', 'm', 'n', 'lr', ...HYPER, 'momentum', 'wdLh'], (p, q) => [...o(p, q, 1), 0.1, 0, 1, -1, 0.9, 0]],
  f32_adamax__simd128_u8: [['w', 'g', 'm', 'u', 'n', 'lrt', ...HYPER, 'b1', 'b2'], (p, q) => [...o(p, q, 2), 0.1, 0, 1, -1, 0.9, 0.999]],
  f32_nadam__simd128_u8: [['w', 'g', 'm', 'v', 'n', 'lr', ...HYPER, 'b1', 'b2', 'eps', 'cg', 'cm', 'vs'], (p, q) => [...o(p, q, 2), 0.1, 0, 1, -1, 0.9, 0.999, 1e-8, 0.5, 0.5, 1]],
  f32_ftml__simd128_u8: [['w', 'g', 'd', 'v', 'z', 'n', ...HYPER, 'b1', 'b2', 'eps', 'a', 'vs'], (p, q) => [...o(p, q, 3), 0, 1, -1, 0.6, 0.999, 1e-8, 40, 1000]],
  f32_ftrl__simd128_u8: [['w', 'g', 'z', 's', 'n', 'lr', ...HYPER, 'l1', 'beta'], (p, q) => [...o(p, q, 2), 0.1, 0, 1, -1, 0.01, 1]],
});
/** Parameter names of the optim kernels, in order (test/kernels/abi.test.ts checks them against the kernels). */
export const OPTIM_PARAMS = paramsOf(OPTIM);

/**
 * Kernels of the optim family. Thread split: elementwise over the parameter, in place, every pointer before `n` cut.
 * Cost 3: each element reads and writes the weight and its states (MLP fc1's 100k weights then take 2 threads).
 */
export const KERNELS_OPTIM: KernelInfo[] = kernelsOf(OPTIM, nameInfo('optim'),
  Object.fromEntries(Object.entries(OPTIM_PARAMS).map(([k, p]) => { const np = (p as readonly string[]).indexOf('n'); return [k, strided(np, np, () => 3)]; })));
