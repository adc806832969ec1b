// assembly/kernels/f32-vbinary.ts and f32-vunary.ts. Argument order: pointers, scalars, element count.
import { defs, each, kernelsOf, nameInfo, paramsOf, type KernelInfo } from './common.js';
import { byElements, type Split } from './split.js';

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

/** Parameter names of the relu, sigmoid and tanh gradients (softsign's reads x). */
const GRAD = ['y', 'g', 'z', 'n'] as const;
const vvName = <O extends string>(o: O) => `f32_v${o}__simd128` as const;
// Warm-up args: p, q are 1 MiB zeroed areas; 17 floats (a SIMD body plus a tail).
const bin = (p: number, q: number) => ({ x: p, y: p + 256, z: q, n: 17 });
const sc = (p: number, q: number) => ({ x: p, z: q, s: 1.5, n: 17 });
const un = (p: number, q: number) => ({ x: p, z: q, n: 17 });
const grad = (p: number, q: number) => ({ y: p, g: p + 256, z: q, n: 17 });

const VBIN = defs({
  ...each(['f32_vadd__simd128_u8', 'f32_vmul__simd128_u8', ...VBINARY_VV.map(vvName)], [VV_PARAMS, bin]),
  ...each(VBINARY_VC.map(vvName), [VC_PARAMS, sc]),
  f32_vbcast__simd128: [['op', 'x', 'y', 'z', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'mx', 'my'],
    (p, q) => ({ op: 0, x: p, y: p + 256, z: q, n0: 1, n1: 1, n2: 1, n3: 1, n4: 2, n5: 17, mx: 0, my: 16 })],
  f32_vbcast_sum__simd128: [['g', 'd', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'm'], (p, q) => ({ g: p, d: q, n0: 1, n1: 1, n2: 1, n3: 1, n4: 2, n5: 17, m: 16 })],
});
const VUN = defs({
  ...each(VUNARY.map(vvName), [UNARY_PARAMS, un]),
  f32_vclip__simd128: [['x', 'z', 'lo', 'hi', 'n'], (p, q) => ({ x: p, z: q, lo: -1, hi: 1, n: 17 })],
  ...each((['relu', 'sigmoid', 'tanh'] as const).map((o) => `f32_v${o}_grad__simd128` as const), [GRAD, grad]),
  f32_vsoftsign_grad__simd128: [['x', 'g', 'z', 'n'], (p, q) => ({ x: p, g: p + 256, z: q, n: 17 })],
  f32_vclip_grad__simd128: [['x', 'g', 'z', 'lo', 'hi', 'n'], (p, q) => ({ x: p, g: p + 256, z: q, lo: -1, hi: 1, n: 17 })],
  f32_vsmooth_l1__simd128: [VC_PARAMS, sc],
  f32_vsmooth_l1_grad__simd128: [['x', 'g', 'z', 's', 'n'], (p, q) => ({ x: p, g: p + 256, z: q, s: 1.5, n: 17 })],
  f32_vwhere__simd128: [['c', 'x', 'y', 'z', 'inner', 'n'], (p, q) => ({ c: p, x: p + 256, y: p + 512, z: q, inner: 1, n: 17 })],
  f32_vwhere_grad__simd128: [['c', 'g', 'gx', 'gy', 'inner', 'n'], (p, q) => ({ c: p, g: p + 256, gx: q, gy: q + 256, inner: 1, n: 17 })],
});
/**
 * Parameter names of the elementwise kernels, in order (checked against the kernels by test/kernels/abi.test.ts).
 * @example ELEMENTWISE_PARAMS.f32_vclip__simd128 // ['x', 'z', 'lo', 'hi', 'n']
 */
export const ELEMENTWISE_PARAMS = { ...paramsOf(VBIN), ...paramsOf(VUN) };

// Thread split of the same-shape kernels: by element count, their pointers advanced.
const cuts = <P extends readonly string[]>(names: readonly string[], params: P, ptrs: readonly P[number][]) => each(names, byElements(params, ptrs, 'n'));
/** The thread splits these kernels declare (src/parallel/splits.ts collects them at import; the manifest lines carry them too). */
export const ELEMENTWISE_SPLITS: Record<string, Split> = {
  ...cuts(['f32_vadd__simd128_u8', 'f32_vmul__simd128_u8', ...VBINARY_VV.map(vvName)], VV_PARAMS, ['x', 'y', 'z']),
  ...cuts(VBINARY_VC.map(vvName), VC_PARAMS, ['x', 'z']), ...cuts(VUNARY.map(vvName), UNARY_PARAMS, ['x', 'z']),
  ...cuts((['relu', 'sigmoid', 'tanh'] as const).map((o) => `f32_v${o}_grad__simd128`), GRAD, ['y', 'g', 'z']),
  ...cuts(['f32_vsoftsign_grad__simd128'], ['x', 'g', 'z', 'n'], ['x', 'g', 'z']),
};

/** Kernels of the elementwise family (see ../manifest.ts). */
export const kernelsElementwise = (): KernelInfo[] => [...kernelsOf(VBIN, nameInfo('vbinary'), ELEMENTWISE_SPLITS), ...kernelsOf(VUN, nameInfo('vunary'), ELEMENTWISE_SPLITS)];
