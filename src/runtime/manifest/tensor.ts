import { argIndex, attachDefs, type KernelInfo } from './common.js';
import { outerSplit } from './split.js';

/** Reductions over the middle axis of an (outer, r, inner) view: y[o, i] = reduce_k x[o, k, i]; rsum's `ws`: inner floats of scratch. */
export const REDUCE_PARAMS = ['x', 'y', 'outer', 'r', 'inner'] as const;
export const REDUCE_ARG = argIndex(REDUCE_PARAMS);
export const RSUM_PARAMS = [...REDUCE_PARAMS, 'scale', 'mode', 'ws'] as const;
export const RSUM_ARG = argIndex(RSUM_PARAMS);
/** Parameter names of the tensor family's kernels, in order (checked against the kernels by test/kernels/abi.test.ts). */
const TENSOR_PARAMS: Record<string, readonly string[]> = {
  f32_rsum__simd128_u16: RSUM_PARAMS, f32_rmax__simd128_u16: REDUCE_PARAMS, f32_rmin__simd128_u16: REDUCE_PARAMS,
  f32_rprod__simd128_u16: [...REDUCE_PARAMS, 'nan'], f32_rargmax__simd128: [...REDUCE_PARAMS, 'isMin', 'ws'],
  f32_rgrad__simd128: ['x', 'y', 'g', 'dx', 'outer', 'r', 'inner', 'scale', 'mode'],
  x32_transposec__simd128_4x4: ['x', 'y', 'm', 'n'], x32_copynd__simd128: ['x', 'y', 'd'],
  x32_gather__simd128: ['x', 'idx', 'y', 'outer', 'n', 'inner', 'nidx', 'mode'],
  f32_scatteradd__simd128: ['g', 'idx', 'dx', 'outer', 'n', 'inner', 'nidx', 'mode'],
  x32_pick__scalar: ['x', 'idx', 'y', 'outer', 'n', 'inner', 'mode'], f32_pickgrad__scalar: ['g', 'idx', 'dx', 'outer', 'n', 'inner', 'mode'],
  x32_onehot__scalar: ['idx', 'y', 'n', 'depth', 'on', 'off'],
  f32_upnearest__simd128: ['x', 'y', 'planes', 'h', 'w', 's', 'acc'], f32_upnearest_grad__simd128: ['g', 'dx', 'planes', 'h', 'w', 's'],
  f32_topk__scalar: ['x', 'outer', 'n', 'inner', 'k', 'asc', 'ws', 'val', 'idx', 'mask'], f32_topk_grad__scalar: ['dy', 'idx', 'outer', 'n', 'inner', 'k', 'dx'],
};

const simd: KernelInfo['needs'] = ['simd128'];

// Thread split of the reductions: along `outer` (each output line reduced as on one thread), x by r*inner floats, y by
// inner; rsum with inner > 1 keeps running values in `ws` (the running thread's own scratch: cut only when inner fits).
const R = REDUCE_ARG;
const reduceSplit = (wsArg?: number) => outerSplit(R.outer, (a) => a[R.outer] * a[R.r] * a[R.inner], (a) => [[R.x, a[R.r] * a[R.inner] * 4], [R.y, a[R.inner] * 4]],
  wsArg, (a) => a[R.inner]);
const TENSOR_SPLITS = {
  f32_rsum__simd128_u16: reduceSplit(RSUM_ARG.ws), f32_rmax__simd128_u16: reduceSplit(), f32_rmin__simd128_u16: reduceSplit(), f32_rprod__simd128_u16: reduceSplit(),
};

// Warm-up args: p and q are 1 MiB zeroed areas (a zero descriptor at p means "copy nothing").
const red = (p: number, q: number) => [p, q, 2, 17, 3];

/** Kernels of the tensor family: reductions (f32-reduce.ts, backward f32-reduce-grad.ts) and layout (x32-layout.ts), topk (f32-sort.ts); see ../manifest.ts. */
export const KERNELS_TENSOR: KernelInfo[] = [
  { name: 'f32_rsum__simd128_u16', family: 'reduce', dtype: 'f32', unroll: 16, needs: simd, warm: (p, q) => [...red(p, q), 1, 0, q + 4096] },
  { name: 'f32_rmax__simd128_u16', family: 'reduce', dtype: 'f32', unroll: 16, needs: simd, warm: red },
  { name: 'f32_rmin__simd128_u16', family: 'reduce', dtype: 'f32', unroll: 16, needs: simd, warm: red },
  { name: 'f32_rprod__simd128_u16', family: 'reduce', dtype: 'f32', unroll: 16, needs: simd, warm: (p, q) => [...red(p, q), 0] },
  { name: 'f32_rargmax__simd128', family: 'reduce', dtype: 'f32', needs: simd, warm: (p, q) => [...red(p, q), 0, q + 4096] },
  { name: 'f32_rgrad__simd128', family: 'reduce', dtype: 'f32', needs: simd, warm: (p, q) => [p, p, p, q, 2, 17, 3, 1, 0] },
  { name: 'x32_transposec__simd128_4x4', family: 'layout', dtype: 'x32', tile: '4x4', needs: simd, warm: (p, q) => [p, q, 7, 9] },
  { name: 'x32_copynd__simd128', family: 'layout', dtype: 'x32', needs: simd, warm: (p, q) => [p, q, p] },
  { name: 'x32_gather__simd128', family: 'layout', dtype: 'x32', needs: simd, warm: (p, q) => [p, p, q, 2, 3, 5, 4, 0] },
  { name: 'f32_scatteradd__simd128', family: 'layout', dtype: 'f32', needs: simd, warm: (p, q) => [p, p, q, 2, 3, 5, 4, 0] },
  { name: 'x32_pick__scalar', family: 'layout', dtype: 'x32', needs: [], warm: (p, q) => [p, p, q, 2, 3, 5, 0] },
  { name: 'f32_pickgrad__scalar', family: 'layout', dtype: 'f32', needs: [], warm: (p, q) => [p, p, q, 2, 3, 5, 0] },
  { name: 'x32_onehot__scalar', family: 'layout', dtype: 'x32', needs: simd, warm: (p, q) => [p, q, 3, 5, 1, 0] },
  { name: 'f32_upnearest__simd128', family: 'layout', dtype: 'f32', needs: simd, warm: (p, q) => [p, q, 2, 3, 5, 2, 0] },
  { name: 'f32_topk__scalar', family: 'sort', dtype: 'f32', needs: [], warm: (p, q) => [p, 2, 5, 3, 2, 0, q, q + 4096, q + 8192, q + 12288] },
  { name: 'f32_topk_grad__scalar', family: 'sort', dtype: 'f32', needs: [], warm: (p, q) => [p, p, 2, 5, 3, 2, q] },
  { name: 'f32_upnearest_grad__simd128', family: 'layout', dtype: 'f32', needs: simd, warm: (p, q) => [p, q, 2, 3, 5, 2] },
];
attachDefs(KERNELS_TENSOR, TENSOR_PARAMS, TENSOR_SPLITS);
