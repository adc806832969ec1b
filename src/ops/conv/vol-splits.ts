// How the thread pool cuts the 3-D kernels (assembly/kernels/f32-vol.ts; merged into src/parallel/splits.ts SPLITS):
// vol2col / col2vol by channels (channel c owns its volume and its kd*kh*kw rows of the column matrix), 3-D pooling
// by volumes (P). Each part computes exactly what one thread would: results are bitwise identical.
// Same shape as src/parallel/splits.ts `Split` (declared structurally: ops never import the parallel layer).
import { POOL3D_ARG, VOL2COL_ARG } from '../../runtime/manifest/vol.js';
import { cut as even } from '../../runtime/manifest/split.js';

interface VolSplit { work: (a: number[]) => number; min: number; split: (a: number[], P: number, T?: number) => number[][] }

/** [start, end) ranges of n for P parts on T threads: as equal as can be, a multiple of T in count where n allows. */
const ranges = (n: number, P: number, T = 1): [number, number][] => even(n, P, 1, 1, T);

/** A cut of count argument `count` with pointers advanced by bytes per unit; `min` the least work per thread. */
function cut(count: number, min: number, work: (a: number[]) => number, ptrs: (a: number[]) => [number, number][]): VolSplit {
  return {
    work, min,
    split: (a, P, T) => ranges(a[count], P, T).map(([s, e]) => {
      const p = a.slice();
      for (const [i, bytes] of ptrs(a)) p[i] = a[i] + s * bytes;
      p[count] = e - s;
      return p;
    }),
  };
}

const V = VOL2COL_ARG, Q = POOL3D_ARG;
const volume = (a: number[], o = 0) => a[V.D + o] * a[V.H + o] * a[V.W + o] * 4;
const rows = (a: number[]) => a[V.kd] * a[V.kh] * a[V.kw] * a[V.Do] * a[V.Ho] * a[V.Wo] * 4;
// Copy-speed work (a float a unit), as im2col: 32K floats a thread outweigh a dispatch.
const colWork = (a: number[]) => a[V.C] * rows(a) / 4;
const outs = (a: number[], o: number) => a[Q.Do + o] * a[Q.Ho + o] * a[Q.Wo + o];
const poolWork = (o: number) => (a: number[]) => a[Q.P + o] * outs(a, o) * a[Q.kd + o] * a[Q.kh + o] * a[Q.kw + o];
const inVol = (a: number[], o: number) => a[Q.D + o] * a[Q.H + o] * a[Q.W + o] * 4;

/** Split rules of the 3-D kernels, by kernel name. @example VOL_SPLITS.f32_pool3d__simd128.split(args, 2) */
export const VOL_SPLITS: Record<string, VolSplit> = {
  // (x, col, C, D, H, W, ...)
  f32_vol2col__simd128: cut(V.C, 1 << 15, colWork, (a) => [[0, volume(a)], [1, rows(a)]]),
  // (col, x, C, D, H, W, ...)
  f32_col2vol__simd128: cut(V.C, 1 << 15, colWork, (a) => [[0, rows(a)], [1, volume(a)]]),
  // (x, y, P, D, H, W, Do, Ho, Wo, ...)
  f32_pool3d__simd128: cut(Q.P, 1 << 17, poolWork(0), (a) => [[0, inVol(a, 0)], [1, outs(a, 0) * 4]]),
  // (x, y, dy, dx, P, ...): the same offsets two arguments later.
  f32_pool3d_bwd__simd128: cut(Q.P + 2, 1 << 17, poolWork(2), (a) => [[0, inVol(a, 2)], [1, outs(a, 2) * 4], [2, outs(a, 2) * 4], [3, inVol(a, 2)]]),
};
