import { defs, kernelsOf, mapParams, nameInfo, paramsOf, type KernelInfo } from './common.js';
import { byElements } from './split.js';

// Every optimizer kernel is (weight, gradient, states..., n, hyper-parameters...): f32 pointers, then the count.
const HYPER = ['wd', 'rescale', 'clip'] as const;
// Warm-up args: weight at p, gradient at q, states after the weight in the zeroed 1 MiB areas; 17 elements (SIMD + tail).
const hyper = { wd: 0, rescale: 1, clip: -1 };

/** The optim kernels (fused in-place updates, assembly/kernels/f32-optim.ts and f32-optim-adaptive.ts): parameter names, warm-up. */
const OPTIM = defs({
  f32_sgd__simd128_u8: [['w', 'g', 'n', 'lr', ...HYPER], (p, q) => ({ w: p, g: q, n: 17, lr: 0.1, ...hyper })],
  f32_sgd_mom__simd128_u8: [['w', 'g', 'm', 'n', 'lr', ...HYPER, 'momentum'], (p, q) => ({ w: p, g: q, m: p + 4096, n: 17, lr: 0.1, ...hyper, momentum: 0.9 })],
  f32_nag_mom__simd128_u8: [['w', 'g', 'm', 'n', 'lr', ...HYPER, 'momentum'], (p, q) => ({ w: p, g: q, m: p + 4096, n: 17, lr: 0.1, ...hyper, momentum: 0.9 })],
  f32_adam__simd128_u8: [['w', 'g', 'm', 'v', 'n', 'lrt', ...HYPER, 'b1', 'b2', 'eps', 'decay'],
    (p, q) => ({ w: p, g: q, m: p + 4096, v: p + 8192, n: 17, lrt: 0.1, ...hyper, b1: 0.9, b2: 0.999, eps: 1e-8, decay: 0 })],
  f32_rmsprop__simd128_u8: [['w', 'g', 's', 'n', 'lr', ...HYPER, 'g1', 'eps', 'clipW'],
    (p, q) => ({ w: p, g: q, s: p + 4096, n: 17, lr: 0.1, ...hyper, g1: 0.9, eps: 1e-8, clipW: -1 })],
  f32_rmspropalex__simd128_u8: [['w', 'g', 's', 'gb', 'd', 'n', 'lr', ...HYPER, 'g1', 'g2', 'eps', 'clipW'],
    (p, q) => ({ w: p, g: q, s: p + 4096, gb: p + 8192, d: p + 12288, n: 17, lr: 0.1, ...hyper, g1: 0.9, g2: 0.9, eps: 1e-8, clipW: -1 })],
  f32_adagrad__simd128_u8: [['w', 'g', 'h', 'n', 'lr', ...HYPER, 'eps'], (p, q) => ({ w: p, g: q, h: p + 4096, n: 17, lr: 0.1, ...hyper, eps: 1e-7 })],
  f32_adadelta__simd128_u8: [['w', 'g', 'ag', 'ad', 'n', ...HYPER, 'rho', 'eps'],
    (p, q) => ({ w: p, g: q, ag: p + 4096, ad: p + 8192, n: 17, ...hyper, rho: 0.9, eps: 1e-5 })],
  f32_signum__simd128_u8: [['w', 'g', 'm', 'n', 'lr', ...HYPER, 'momentum', 'wdLh'],
    (p, q) => ({ w: p, g: q, m: p + 4096, n: 17, lr: 0.1, ...hyper, momentum: 0.9, wdLh: 0 })],
  f32_adamax__simd128_u8: [['w', 'g', 'm', 'u', 'n', 'lrt', ...HYPER, 'b1', 'b2'],
    (p, q) => ({ w: p, g: q, m: p + 4096, u: p + 8192, n: 17, lrt: 0.1, ...hyper, b1: 0.9, b2: 0.999 })],
  f32_nadam__simd128_u8: [['w', 'g', 'm', 'v', 'n', 'lr', ...HYPER, 'b1', 'b2', 'eps', 'cg', 'cm', 'vs'],
    (p, q) => ({ w: p, g: q, m: p + 4096, v: p + 8192, n: 17, lr: 0.1, ...hyper, b1: 0.9, b2: 0.999, eps: 1e-8, cg: 0.5, cm: 0.5, vs: 1 })],
  f32_ftml__simd128_u8: [['w', 'g', 'd', 'v', 'z', 'n', ...HYPER, 'b1', 'b2', 'eps', 'a', 'vs'],
    (p, q) => ({ w: p, g: q, d: p + 4096, v: p + 8192, z: p + 12288, n: 17, ...hyper, b1: 0.6, b2: 0.999, eps: 1e-8, a: 40, vs: 1000 })],
  f32_ftrl__simd128_u8: [['w', 'g', 'z', 's', 'n', 'lr', ...HYPER, 'l1', 'beta'],
    (p, q) => ({ w: p, g: q, z: p + 4096, s: p + 8192, n: 17, lr: 0.1, ...hyper, l1: 0.01, beta: 1 })],
});
/** Parameter names of the optim kernels, in order (test/kernels/abi.test.ts checks them against the kernels). */
export const OPTIM_PARAMS = paramsOf(OPTIM);

/**
 * Kernels of the optim family. Thread split: elementwise over the parameter, in place, every pointer before `n` cut.
 * Cost 3: each element reads and writes the weight and its states (MLP fc1's 100k weights then take 2 threads).
 */
/** Their thread splits: by element count, every pointer before `n` advanced. */
export const OPTIM_SPLITS = mapParams(OPTIM_PARAMS, (p) => byElements(p, p.slice(0, p.indexOf('n')), 'n', { cost: () => 3 }));
export const kernelsOptim = (): KernelInfo[] => kernelsOf(OPTIM, nameInfo('optim'), OPTIM_SPLITS);
