import { each, withParams, type KernelInfo } from './common.js';

// assembly/kernels/f32-vbinary.ts and f32-vunary.ts. Argument order: pointers, scalars, element count.
const bin = (p: number, q: number) => [p, p + 256, q, 17];
const sc = (p: number, q: number) => [p, q, 1.5, 17];
const un = (p: number, q: number) => [p, q, 17];
const k = (name: string, family: string, warm: KernelInfo['warm'], unroll?: number): KernelInfo =>
  ({ name, family, dtype: 'f32', needs: ['simd128'], warm, ...(unroll ? { unroll } : {}) });

/** Binary vector-vector kernels `f32_v<op>__simd128` (x, y, z, n); add and mul are `__simd128_u8`. */
export const VBINARY_VV = ['sub', 'div', 'max', 'min', 'hypot', 'pow', 'eq', 'ne', 'gt', 'ge'] as const;
/** Vector-scalar kernels `f32_v<op>__simd128` (x, z, s, n). */
export const VBINARY_VC = ['addc', 'rsubc', 'mulc', 'divc', 'rdivc', 'maxc', 'minc', 'hypotc', 'powc', 'rpowc', 'modc', 'rmodc',
  'eqc', 'nec', 'gtc', 'gec', 'ltc', 'lec'] as const;
/** Unary kernels `f32_v<op>__simd128` (x, z, n). */
export const VUNARY = ['neg', 'abs', 'sign', 'square', 'sqrt', 'rsqrt', 'recip', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos',
  'tanh', 'sigmoid', 'relu', 'softsign', 'softrelu', 'floor', 'ceil', 'round', 'rint', 'trunc'] as const;
/** Parameter names (checked against the kernels by test/kernels/abi.test.ts): vector-vector, vector-scalar, unary. */
export const VV_PARAMS = ['x', 'y', 'z', 'n'] as const, VC_PARAMS = ['x', 'z', 's', 'n'] as const, UNARY_PARAMS = ['x', 'z', 'n'] as const;
/** Gradient kernels `f32_v<op>_grad__simd128` (y or x, g, z, n). */
export const VUNARY_GRAD = ['relu', 'sigmoid', 'tanh', 'softsign'] as const;

/** Kernel names of each group. @example `f32_v${'sub'}__simd128` */
const vvName = <O extends string>(o: O) => `f32_v${o}__simd128` as const;
/**
 * Parameter names of the elementwise kernels, in order (checked against the kernels by test/kernels/abi.test.ts).
 * @example ELEMENTWISE_PARAMS.f32_vclip__simd128 // ['x', 'z', 'lo', 'hi', 'n']
 */
export const ELEMENTWISE_PARAMS = {
  ...each(['f32_vadd__simd128_u8', 'f32_vmul__simd128_u8', ...VBINARY_VV.map(vvName)], VV_PARAMS),
  ...each(VBINARY_VC.map(vvName), VC_PARAMS),
  ...each(VUNARY.map(vvName), UNARY_PARAMS),
  ...each((['relu', 'sigmoid', 'tanh'] as const).map((o) => `f32_v${o}_grad__simd128` as const), ['y', 'g', 'z', 'n']),
  f32_vsoftsign_grad__simd128: ['x', 'g', 'z', 'n'],
  f32_vbcast__simd128: ['op', 'x', 'y', 'z', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'mx', 'my'],
  f32_vbcast_sum__simd128: ['g', 'd', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'm'],
  f32_vclip__simd128: ['x', 'z', 'lo', 'hi', 'n'], f32_vclip_grad__simd128: ['x', 'g', 'z', 'lo', 'hi', 'n'],
  f32_vsmooth_l1__simd128: VC_PARAMS, f32_vsmooth_l1_grad__simd128: ['x', 'g', 'z', 's', 'n'],
  f32_vwhere__simd128: ['c', 'x', 'y', 'z', 'inner', 'n'], f32_vwhere_grad__simd128: ['c', 'g', 'gx', 'gy', 'inner', 'n'],
} as const;

/** Kernels of the elementwise family (see ../manifest.ts). */
export const KERNELS_ELEMENTWISE: KernelInfo[] = withParams([
  k('f32_vadd__simd128_u8', 'vbinary', bin, 8),
  k('f32_vmul__simd128_u8', 'vbinary', bin, 8),
  ...VBINARY_VV.map((o) => k(`f32_v${o}__simd128`, 'vbinary', bin)),
  ...VBINARY_VC.map((o) => k(`f32_v${o}__simd128`, 'vbinary', sc)),
  k('f32_vbcast__simd128', 'vbinary', (p, q) => [0, p, p + 256, q, 1, 1, 1, 1, 2, 17, 0, 16]),
  k('f32_vbcast_sum__simd128', 'vbinary', (p, q) => [p, q, 1, 1, 1, 1, 2, 17, 16]),
  ...VUNARY.map((o) => k(`f32_v${o}__simd128`, 'vunary', un)),
  k('f32_vclip__simd128', 'vunary', (p, q) => [p, q, -1, 1, 17]),
  ...VUNARY_GRAD.map((o) => k(`f32_v${o}_grad__simd128`, 'vunary', bin)),
  k('f32_vclip_grad__simd128', 'vunary', (p, q) => [p, p + 256, q, -1, 1, 17]),
  k('f32_vsmooth_l1__simd128', 'vunary', sc),
  k('f32_vsmooth_l1_grad__simd128', 'vunary', (p, q) => [p, p + 256, q, 1.5, 17]),
  k('f32_vwhere__simd128', 'vunary', (p, q) => [p, p + 256, p + 512, q, 1, 17]),
  k('f32_vwhere_grad__simd128', 'vunary', (p, q) => [p, p + 256, q, q + 256, 1, 17]),
], ELEMENTWISE_PARAMS);
