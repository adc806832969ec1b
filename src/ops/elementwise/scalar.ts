// Array-scalar ops: _plus_scalar ... _lesser_equal_scalar. Attrs `scalar` (float, default 1) and
// `is_int` (only changes integer-dtype outputs in MXNet; everything here is float32).
import type { KernelTable } from '../../runtime/manifest.js';
import type { BackwardArgs, OpDef, Step, TensorRef } from '../registry.js';
import { sameShapes, sc, un, vv, zeroBackward } from './common.js';
import { f32Types, type KernelsOf, kernelStep, seq } from '../helpers.js';
import type { VC_PARAMS } from '../../runtime/manifest/elementwise.js';

/** Gradient recipe: steps writing d(out)/dx * g into dst (x input, o output, g out-grad, s scalar). */
type Grad = (K: KernelTable, x: number, o: number, g: number, dst: number, s: number, n: number) => Step[];
interface Spec { name: string; alias: string; kernel: KernelsOf<typeof VC_PARAMS>; arg?: (s: number) => number; saves?: ('inputs' | 'outputs')[]; grad?: Grad; doc: string }

const copyG: Grad = (K, _x, _o, g, dst, _s, n) => [kernelStep(K, 'x8_copy', { src: g, dst, n: n * 4 })];
const SPECS: Spec[] = [
  { name: '_plus_scalar', alias: '_PlusScalar', kernel: 'f32_vaddc__simd128', grad: copyG, doc: 'x + scalar' },
  { name: '_minus_scalar', alias: '_MinusScalar', kernel: 'f32_vaddc__simd128', arg: (s) => -s, grad: copyG, doc: 'x - scalar' },
  {
    name: '_rminus_scalar', alias: '_RMinusScalar', kernel: 'f32_vrsubc__simd128', doc: 'scalar - x',
    grad: (K, _x, _o, g, d, _s, n) => [sc(K, 'f32_vmulc__simd128', g, d, -1, n)],
  },
  { name: '_mul_scalar', alias: '_MulScalar', kernel: 'f32_vmulc__simd128', grad: (K, _x, _o, g, d, s, n) => [sc(K, 'f32_vmulc__simd128', g, d, s, n)], doc: 'x * scalar' },
  { name: '_div_scalar', alias: '_DivScalar', kernel: 'f32_vdivc__simd128', grad: (K, _x, _o, g, d, s, n) => [sc(K, 'f32_vdivc__simd128', g, d, s, n)], doc: 'x / scalar' },
  {
    name: '_rdiv_scalar', alias: '_RDivScalar', kernel: 'f32_vrdivc__simd128', saves: ['inputs'], doc: 'scalar / x; gradient -scalar / x^2',
    grad: (K, x, _o, g, d, s, n) => [vv(K, 'f32_vmul__simd128_u8', x, x, d, n), vv(K, 'f32_vdiv__simd128', g, d, d, n), sc(K, 'f32_vmulc__simd128', d, d, -s, n)],
  },
  { name: '_mod_scalar', alias: '_ModScalar', kernel: 'f32_vmodc__simd128', grad: copyG, doc: 'x mod scalar (sign of scalar; 0 where scalar == 0)' },
  {
    name: '_rmod_scalar', alias: '_RModScalar', kernel: 'f32_vrmodc__simd128', saves: ['inputs'], doc: 'scalar mod x; gradient -floor(scalar / x)',
    grad: (K, x, _o, g, d, s, n) => [sc(K, 'f32_vrdivc__simd128', x, d, s, n), un(K, 'f32_vfloor__simd128', d, d, n),
      vv(K, 'f32_vmul__simd128_u8', d, g, d, n), sc(K, 'f32_vmulc__simd128', d, d, -1, n)],
  },
  {
    name: '_power_scalar', alias: '_PowerScalar', kernel: 'f32_vpowc__simd128', saves: ['inputs'], doc: 'x ** scalar',
    grad: (K, x, _o, g, d, s, n) => [sc(K, 'f32_vpowc__simd128', x, d, s - 1, n), sc(K, 'f32_vmulc__simd128', d, d, s, n), vv(K, 'f32_vmul__simd128_u8', d, g, d, n)],
  },
  {
    name: '_rpower_scalar', alias: '_RPowerScalar', kernel: 'f32_vrpowc__simd128', saves: ['outputs'], doc: 'scalar ** x; gradient out * log(scalar)',
    grad: (K, _x, o, g, d, s, n) => [vv(K, 'f32_vmul__simd128_u8', o, g, d, n), sc(K, 'f32_vmulc__simd128', d, d, Math.log(s), n)],
  },
  {
    name: '_maximum_scalar', alias: '_MaximumScalar', kernel: 'f32_vmaxc__simd128', saves: ['inputs'], doc: 'max(x, scalar); gradient where x >= scalar',
    grad: (K, x, _o, g, d, s, n) => [sc(K, 'f32_vgec__simd128', x, d, s, n), vv(K, 'f32_vmul__simd128_u8', d, g, d, n)],
  },
  {
    name: '_minimum_scalar', alias: '_MinimumScalar', kernel: 'f32_vminc__simd128', saves: ['inputs'], doc: 'min(x, scalar); gradient where x <= scalar',
    grad: (K, x, _o, g, d, s, n) => [sc(K, 'f32_vlec__simd128', x, d, s, n), vv(K, 'f32_vmul__simd128_u8', d, g, d, n)],
  },
  {
    name: '_hypot_scalar', alias: '_HypotScalar', kernel: 'f32_vhypotc__simd128', saves: ['inputs'], doc: 'hypot(x, scalar); gradient x / hypot(x, scalar)',
    grad: (K, x, _o, g, d, s, n) => [sc(K, 'f32_vhypotc__simd128', x, d, s, n), vv(K, 'f32_vdiv__simd128', x, d, d, n), vv(K, 'f32_vmul__simd128_u8', d, g, d, n)],
  },
  {
    name: 'smooth_l1', alias: '', kernel: 'f32_vsmooth_l1__simd128', saves: ['inputs'], doc: 'smooth L1 with sigma = scalar',
    grad: (K, x, _o, g, d, s, n) => [kernelStep(K, 'f32_vsmooth_l1_grad__simd128', { x, g, z: d, s, n })],
  },
  { name: '_equal_scalar', alias: '_EqualScalar', kernel: 'f32_veqc__simd128', doc: 'x == scalar ? 1 : 0' },
  { name: '_not_equal_scalar', alias: '_NotEqualScalar', kernel: 'f32_vnec__simd128', doc: 'x != scalar ? 1 : 0' },
  { name: '_greater_scalar', alias: '_GreaterScalar', kernel: 'f32_vgtc__simd128', doc: 'x > scalar ? 1 : 0' },
  { name: '_greater_equal_scalar', alias: '_GreaterEqualScalar', kernel: 'f32_vgec__simd128', doc: 'x >= scalar ? 1 : 0' },
  { name: '_lesser_scalar', alias: '_LesserScalar', kernel: 'f32_vltc__simd128', doc: 'x < scalar ? 1 : 0' },
  { name: '_lesser_equal_scalar', alias: '_LesserEqualScalar', kernel: 'f32_vlec__simd128', doc: 'x <= scalar ? 1 : 0' },
];

/**
 * One array-scalar op. Comparisons have a zero gradient, as in MXNet.
 * @example mx.nd._rdiv_scalar(x, { scalar: 2 }) // 2 / x
 */
function makeScalar(s: Spec): OpDef {
  const grad = s.grad;
  return {
    name: s.name, aliases: s.alias ? [s.alias] : [], doc: s.doc,
    attrs: { scalar: { type: 'float', default: 1 }, is_int: { type: 'bool', default: true } },
    inputs: () => ['data'],
    inferShape: sameShapes(s.name),
    inferType: f32Types(s.name),
    forward: (ctx, a, [x], [o]) => sc(ctx.K, s.kernel, x.off, o.off, s.arg ? s.arg(a.scalar) : a.scalar, x.size),
    backward: grad ? {
      saves: s.saves ?? [],
      lower: (ctx, a, g: BackwardArgs) => {
        if (g.req[0] === 'null') return () => {};
        const [x] = g.ins as TensorRef[], [o] = g.outs, [go] = g.outGrads, [dx] = g.inGrads;
        return seq(grad(ctx.K, x.off, o.off, go.off, dx.off, a.scalar, x.size));
      },
    } : zeroBackward,
    inplace: [[0, 0]],
  };
}

/** Every _*_scalar op. @example mx.nd._plus_scalar(x, { scalar: 1 }) */
export const SCALAR_OPS: OpDef[] = SPECS.map(makeScalar);
