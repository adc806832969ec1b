// Typed definitions of the 3-D (NCDHW) kernels, assembly/kernels/f32-vol.ts: vol2col / col2vol and 3-D pooling.
import { argIndex, defs, kernelsOf, nameInfo, paramsOf, type ArgsOf, type KernelInfo } from './common.js';

/** Parameters of f32_vol2col__simd128 (and, with `col` first, f32_col2vol__simd128). */
export const VOL2COL_PARAMS = ['x', 'col', 'C', 'D', 'H', 'W', 'kd', 'kh', 'kw', 'sd', 'sh', 'sw', 'pd', 'ph', 'pw', 'dd', 'dh', 'dw', 'Do', 'Ho', 'Wo'] as const;
export const COL2VOL_PARAMS = ['col', 'x', ...VOL2COL_PARAMS.slice(2)] as const;
/** Parameters of f32_pool3d__simd128. */
export const POOL3D_PARAMS = ['x', 'y', 'P', 'D', 'H', 'W', 'Do', 'Ho', 'Wo', 'kd', 'kh', 'kw', 'sd', 'sh', 'sw', 'pd', 'ph', 'pw', 'type', 'countPad'] as const;
/** Parameters of f32_pool3d_bwd__simd128. */
export const POOL3D_BWD_PARAMS = ['x', 'y', 'dy', 'dx', ...POOL3D_PARAMS.slice(2)] as const;
export const VOL2COL_ARG = argIndex(VOL2COL_PARAMS);
export const POOL3D_ARG = argIndex(POOL3D_PARAMS);
/** Pool type codes of the 3-D pooling kernels. */
export const POOL3D_TYPE = { max: 0, avg: 1, sum: 2 } as const;

/** The geometry part of a vol2col call (after x and col): (C, D, H, W, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw, Do, Ho, Wo). */
export interface VolGeom {
  C: number; D: number; H: number; W: number; k: number[]; s: number[]; p: number[]; d: number[]; Do: number; Ho: number; Wo: number;
}
/** The geometry arguments of f32_vol2col__simd128 / f32_col2vol__simd128 by name. @example { x, col: ws, ...volGeom(g) } */
export const volGeom = (g: VolGeom): Omit<ArgsOf<typeof VOL2COL_PARAMS>, 'x' | 'col'> => ({
  C: g.C, D: g.D, H: g.H, W: g.W, kd: g.k[0], kh: g.k[1], kw: g.k[2], sd: g.s[0], sh: g.s[1], sw: g.s[2], pd: g.p[0], ph: g.p[1], pw: g.p[2],
  dd: g.d[0], dh: g.d[1], dw: g.d[2], Do: g.Do, Ho: g.Ho, Wo: g.Wo,
});

// Warm-up: 2 channels of 5x5x5, 3x3x3 kernel, stride 1, pad 1 -> 5x5x5; pooling 2 volumes 5^3 -> 2^3 (2x2x2 stride 2).
const vg: VolGeom = { C: 2, D: 5, H: 5, W: 5, k: [3, 3, 3], s: [1, 1, 1], p: [1, 1, 1], d: [1, 1, 1], Do: 5, Ho: 5, Wo: 5 };
const pool = { P: 2, D: 5, H: 5, W: 5, Do: 2, Ho: 2, Wo: 2, kd: 2, kh: 2, kw: 2, sd: 2, sh: 2, sw: 2, pd: 0, ph: 0, pw: 0, type: 1, countPad: 1 };

const VOL = defs({
  f32_vol2col__simd128: [VOL2COL_PARAMS, (p, q) => ({ x: p, col: q, ...volGeom(vg) })],
  f32_col2vol__simd128: [COL2VOL_PARAMS, (p, q) => ({ col: p, x: q, ...volGeom(vg) })],
});
const POOL3D = defs({
  f32_pool3d__simd128: [POOL3D_PARAMS, (p, q) => ({ x: p, y: q, ...pool })],
  f32_pool3d_bwd__simd128: [POOL3D_BWD_PARAMS, (p, q) => ({ x: p, y: p + 4096, dy: p + 8192, dx: q, ...pool })],
});
/** Parameter names of the 3-D kernels. */
export const VOL_PARAMS = { ...paramsOf(VOL), ...paramsOf(POOL3D) };

/** Kernels of the 3-D family (see ../manifest.ts). */
export const kernelsVol = (): KernelInfo[] => [...kernelsOf(VOL, nameInfo('conv')), ...kernelsOf(POOL3D, nameInfo('pool'))];
