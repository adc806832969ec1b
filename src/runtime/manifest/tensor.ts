import { argIndex, defs, kernelsOf, nameInfo, paramsOf, type KernelInfo } from './common.js';
import { outerSplit } from './split.js';

/** Reductions over the middle axis of an (outer, r, inner) view: y[o, i] = reduce_k x[o, k, i]; rsum's `ws`: inner floats of scratch. */
export const REDUCE_PARAMS = ['x', 'y', 'outer', 'r', 'inner'] as const;
export const REDUCE_ARG = argIndex(REDUCE_PARAMS);
export const RSUM_PARAMS = [...REDUCE_PARAMS, 'scale', 'mode', 'ws'] as const;
export const RSUM_ARG = argIndex(RSUM_PARAMS);
/** f32_rsum's `mode`: sum of x, of x with NaN as 0, of |x|, of x² then its square root. */
export const RSUM_MODE = { sum: 0, nansum: 1, abs: 2, norm2: 3 } as const;
/**
 * f32_rgrad's `mode`: dx = scale * g; g where x == y (max, min); g * y / x (prod); the same, NaN x giving 0 (nanprod);
 * g where x is not NaN (nansum); g * x / y (L2 norm); g * sign(x) (L1 norm).
 */
export const RGRAD_MODE = { scale: 0, eq: 1, prod: 2, nanprod: 3, nansum: 4, norm2: 5, norm1: 6 } as const;
/** Index fix-up (`mode`) of x32_gather, f32_scatteradd, x32_pick, f32_pickgrad: clip, wrap, raise (out of range reported). */
export const INDEX_MODE = { clip: 0, wrap: 1, raise: 2 } as const;

// Thread split of the reductions: along `outer` (each output line reduced as on one thread), x by r*inner floats, y by
// inner; rsum with inner > 1 keeps running values in `ws` (the running thread's own scratch: cut only when inner fits).
const R = REDUCE_ARG;
const reduceSplit = (wsArg?: number) => outerSplit(R.outer, (a) => a[R.outer] * a[R.r] * a[R.inner], (a) => [[R.x, a[R.r] * a[R.inner] * 4], [R.y, a[R.inner] * 4]],
  wsArg, (a) => a[R.inner]);
export const TENSOR_SPLITS = {
  f32_rsum__simd128_u16: reduceSplit(RSUM_ARG.ws), f32_rmax__simd128_u16: reduceSplit(), f32_rmin__simd128_u16: reduceSplit(), f32_rprod__simd128_u16: reduceSplit(),
};

// Warm-up args: p and q are 1 MiB zeroed areas (a zero descriptor at p means "copy nothing").
const red = (p: number, q: number) => ({ x: p, y: q, outer: 2, r: 17, inner: 3 });

const REDUCE = defs({
  f32_rsum__simd128_u16: [RSUM_PARAMS, (p, q) => ({ ...red(p, q), scale: 1, mode: 0, ws: q + 4096 })],
  f32_rmax__simd128_u16: [REDUCE_PARAMS, red],
  f32_rmin__simd128_u16: [REDUCE_PARAMS, red],
  f32_rprod__simd128_u16: [[...REDUCE_PARAMS, 'nan'], (p, q) => ({ ...red(p, q), nan: 0 })],
  f32_rargmax__simd128: [[...REDUCE_PARAMS, 'isMin', 'ws'], (p, q) => ({ ...red(p, q), isMin: 0, ws: q + 4096 })],
  f32_rgrad__simd128: [['x', 'y', 'g', 'dx', 'outer', 'r', 'inner', 'scale', 'mode'],
    (p, q) => ({ x: p, y: p, g: p, dx: q, outer: 2, r: 17, inner: 3, scale: 1, mode: 0 })],
});
const LAYOUT = defs({
  x32_transposec__simd128_4x4: [['x', 'y', 'm', 'n'], (p, q) => ({ x: p, y: q, m: 7, n: 9 })],
  x32_copynd__simd128: [['x', 'y', 'd'], (p, q) => ({ x: p, y: q, d: p })],
  x32_gather__simd128: [['x', 'idx', 'y', 'outer', 'n', 'inner', 'nidx', 'mode'],
    (p, q) => ({ x: p, idx: p, y: q, outer: 2, n: 3, inner: 5, nidx: 4, mode: 0 })],
  f32_scatteradd__simd128: [['g', 'idx', 'dx', 'outer', 'n', 'inner', 'nidx', 'mode'],
    (p, q) => ({ g: p, idx: p, dx: q, outer: 2, n: 3, inner: 5, nidx: 4, mode: 0 })],
  x32_pick__scalar: [['x', 'idx', 'y', 'outer', 'n', 'inner', 'mode'], (p, q) => ({ x: p, idx: p, y: q, outer: 2, n: 3, inner: 5, mode: 0 })],
  f32_pickgrad__scalar: [['g', 'idx', 'dx', 'outer', 'n', 'inner', 'mode'], (p, q) => ({ g: p, idx: p, dx: q, outer: 2, n: 3, inner: 5, mode: 0 })],
  x32_onehot__scalar: [['idx', 'y', 'n', 'depth', 'on', 'off'], (p, q) => ({ idx: p, y: q, n: 3, depth: 5, on: 1, off: 0 })],
  f32_upnearest__simd128: [['x', 'y', 'planes', 'h', 'w', 's', 'acc'], (p, q) => ({ x: p, y: q, planes: 2, h: 3, w: 5, s: 2, acc: 0 })],
  f32_upnearest_grad__simd128: [['g', 'dx', 'planes', 'h', 'w', 's'], (p, q) => ({ g: p, dx: q, planes: 2, h: 3, w: 5, s: 2 })],
});
const SORT = defs({
  f32_topk__scalar: [['x', 'outer', 'n', 'inner', 'k', 'asc', 'ws', 'val', 'idx', 'mask'],
    (p, q) => ({ x: p, outer: 2, n: 5, inner: 3, k: 2, asc: 0, ws: q, val: q + 4096, idx: q + 8192, mask: q + 12288 })],
  f32_topk_grad__scalar: [['dy', 'idx', 'outer', 'n', 'inner', 'k', 'dx'], (p, q) => ({ dy: p, idx: p, outer: 2, n: 5, inner: 3, k: 2, dx: q })],
});
// NMS's warm-up: zero scores, none above sth 0 (nothing read past them).
const NMS = defs({
  f32_nms_greedy__simd128: [['box', 'score', 'n', 'center', 'iou', 'sth', 'k', 'heap', 'sel', 'keep'],
    (p, q) => ({ box: p, score: p, n: 17, center: 0, iou: 0.5, sth: 0, k: 5, heap: q, sel: q + 4096, keep: q + 8192 })],
});
/** Parameter names of the tensor family's kernels, in order (checked against the kernels by test/kernels/abi.test.ts). */
export const TENSOR_PARAMS = { ...paramsOf(REDUCE), ...paramsOf(LAYOUT), ...paramsOf(SORT), ...paramsOf(NMS) };

/** Kernels of the tensor family: reductions (f32-reduce.ts, backward f32-reduce-grad.ts) and layout (x32-layout.ts), topk (f32-sort.ts), NMS (f32-nms.ts); see ../manifest.ts. */
export const kernelsTensor = (): KernelInfo[] => [
  ...kernelsOf(REDUCE, nameInfo('reduce'), TENSOR_SPLITS), ...kernelsOf(LAYOUT, nameInfo('layout')), ...kernelsOf(SORT, nameInfo('sort')),
  ...kernelsOf(NMS, nameInfo('nms')),
];
