import { defs, kernelsOf, paramsOf, type KernelInfo } from './common.js';
import { byElements, type Split } from './split.js';

/** The byte copies and the probes (the bench's peak and dispatch measurements): parameter names, warm-up. */
const COPY = defs({
  x8_copy: [['src', 'dst', 'n'], (p, q) => ({ src: p, dst: q, n: 64 })],
  x8_zero: [['dst', 'n'], (p) => ({ dst: p, n: 64 })],
  x32_fill: [['dst', 'v', 'n'], (p) => ({ dst: p, v: 0, n: 17 })],
  f32_peak__simd128: [['iters', 'm', 'a'], () => ({ iters: 100, m: 0.5, a: 1 })],
  f32_peak__relaxedsimd: [['iters', 'm', 'a'], () => ({ iters: 100, m: 0.5, a: 1 })],
  x32_noop: [['n'], () => ({ n: 0 })],
  x32_cast__simd128: [['x', 'y', 'n', 'mode'], (p, q) => ({ x: p, y: q, n: 19, mode: 2 })],
  x8_copynd__scalar: [['x', 'y', 'd'], (p, q) => ({ x: p, y: q, d: p })],
});
/** Parameter names of the copies and probes, in order (test/kernels/abi.test.ts checks them against the kernels). */
export const COPY_PARAMS = paramsOf(COPY);

const INFO: Record<keyof typeof COPY, Omit<KernelInfo, 'name'>> = {
  x8_copy: { family: 'copy', dtype: 'u8', needs: [] }, x8_zero: { family: 'copy', dtype: 'u8', needs: [] },
  x32_fill: { family: 'copy', dtype: 'x32', needs: ['simd128'] }, f32_peak__simd128: { family: 'peak', dtype: 'f32', needs: ['simd128'] },
  f32_peak__relaxedsimd: { family: 'peak', dtype: 'f32', needs: ['simd128', 'relaxed'] }, x32_noop: { family: 'peak', dtype: 'none', needs: [] },
  x32_cast__simd128: { family: 'copy', dtype: 'x32', needs: ['simd128'] }, x8_copynd__scalar: { family: 'copy', dtype: 'u8', needs: [] },
};

/**
 * x32_cast__simd128's modes, by (source, destination) dtype: float -> int truncates toward zero saturating at int32
 * (NaN 0), to 8 bits keeps the low byte (wraps), int -> float rounds to nearest even.
 */
export const CAST = { f32_i32: 0, i32_f32: 1, f32_x8: 2, i32_x8: 3, u8_f32: 4, i8_f32: 5, u8_i32: 6, i8_i32: 7 } as const;
/** Thread splits of the copy family. */
export const COPY_SPLITS: Record<string, Split> = {
  // Cut in 64-byte lines: an executor's input copy (MLP: 200 KB a step) takes its cache lines back from the worker
  // that read them last in half the time (MLP step on 2 threads ~1% faster).
  x8_copy: byElements(COPY_PARAMS.x8_copy, ['src', 'dst'], 'n', { min: 384 << 10, size: 1 }),
  // An empty call on every thread: what the bench uses to measure dispatch overhead.
  x32_noop: { work: () => 1, min: 0, split: (a, T) => Array.from({ length: T }, () => a.slice()) },
};
/** Kernels of the copy and peak families (assembly/kernels/x8-copy.ts and f32-peak.ts; see ../manifest.ts). */
export const kernelsCopy = (): KernelInfo[] => kernelsOf(COPY, (name) => INFO[name as keyof typeof COPY], COPY_SPLITS);
