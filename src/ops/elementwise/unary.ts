// Unary math ops (negative ... fix): one SIMD kernel forward; the gradient from the input or the
// output (whichever MXNet's backward reads), or zero for the piecewise-constant ones.
import type { KernelTable } from '../../runtime/manifest.js';
import type { UNARY_PARAMS, VUNARY } from '../../runtime/manifest/elementwise.js';
import type { OpDef, Step } from '../registry.js';
import { sameShapes, sc, un, vv, zeroBackward } from './common.js';
import { f32Types, type KernelsOf, kernelStep, seq } from '../helpers.js';

/** Gradient steps writing d(out)/dx * g into d (x input, o output, g out-grad). */
type Grad = (K: KernelTable, x: number, o: number, g: number, d: number, n: number) => Step[];
interface Spec { name: string; aliases?: string[]; kernel: KernelsOf<typeof UNARY_PARAMS>; saves?: ('inputs' | 'outputs')[]; grad?: Grad; doc: string }

const k = <O extends typeof VUNARY[number]>(op: O) => `f32_v${op}__simd128` as const;
const MUL = 'f32_vmul__simd128_u8', DIV = 'f32_vdiv__simd128', MULC = 'f32_vmulc__simd128';
// The gradient kernels read the output (y), softsign's the input (x).
const fromGradKernel = (op: 'tanh' | 'sigmoid' | 'relu' | 'softsign'): Grad => (K, x, o, g, d, n) =>
  [op === 'softsign' ? kernelStep(K, 'f32_vsoftsign_grad__simd128', { x, g, z: d, n }) : kernelStep(K, `f32_v${op}_grad__simd128`, { y: o, g, z: d, n })];

const SPECS: Spec[] = [
  { name: 'negative', kernel: k('neg'), grad: (K, _x, _o, g, d, n) => [un(K, k('neg'), g, d, n)], doc: '-x' },
  { name: 'abs', kernel: k('abs'), saves: ['inputs'], grad: (K, x, _o, g, d, n) => [un(K, k('sign'), x, d, n), vv(K, MUL, d, g, d, n)], doc: '|x|' },
  { name: 'sign', kernel: k('sign'), doc: 'sign(x) in {-1, 0, 1}; zero gradient' },
  { name: 'square', kernel: k('square'), saves: ['inputs'], grad: (K, x, _o, g, d, n) => [vv(K, MUL, x, g, d, n), sc(K, MULC, d, d, 2, n)], doc: 'x^2' },
  { name: 'sqrt', kernel: k('sqrt'), saves: ['outputs'], grad: (K, _x, o, g, d, n) => [vv(K, DIV, g, o, d, n), sc(K, MULC, d, d, 0.5, n)], doc: 'sqrt(x)' },
  {
    name: 'rsqrt', kernel: k('rsqrt'), saves: ['outputs'], doc: '1 / sqrt(x); gradient -out^3 / 2',
    grad: (K, _x, o, g, d, n) => [vv(K, MUL, o, o, d, n), vv(K, MUL, d, o, d, n), vv(K, MUL, d, g, d, n), sc(K, MULC, d, d, -0.5, n)],
  },
  {
    name: 'reciprocal', kernel: k('recip'), saves: ['outputs'], doc: '1 / x; gradient -out^2',
    grad: (K, _x, o, g, d, n) => [vv(K, MUL, o, o, d, n), vv(K, MUL, d, g, d, n), sc(K, MULC, d, d, -1, n)],
  },
  { name: 'exp', kernel: k('exp'), saves: ['outputs'], grad: (K, _x, o, g, d, n) => [vv(K, MUL, o, g, d, n)], doc: 'e^x' },
  { name: 'log', kernel: k('log'), saves: ['inputs'], grad: (K, x, _o, g, d, n) => [vv(K, DIV, g, x, d, n)], doc: 'ln x' },
  {
    name: 'log1p', kernel: k('log1p'), saves: ['inputs'], doc: 'ln(1 + x)',
    grad: (K, x, _o, g, d, n) => [sc(K, 'f32_vaddc__simd128', x, d, 1, n), vv(K, DIV, g, d, d, n)],
  },
  {
    name: 'expm1', kernel: k('expm1'), saves: ['outputs'], doc: 'e^x - 1',
    grad: (K, _x, o, g, d, n) => [sc(K, 'f32_vaddc__simd128', o, d, 1, n), vv(K, MUL, d, g, d, n)],
  },
  { name: 'sin', kernel: k('sin'), saves: ['inputs'], grad: (K, x, _o, g, d, n) => [un(K, k('cos'), x, d, n), vv(K, MUL, d, g, d, n)], doc: 'sin x' },
  {
    name: 'cos', kernel: k('cos'), saves: ['inputs'], doc: 'cos x',
    grad: (K, x, _o, g, d, n) => [un(K, k('sin'), x, d, n), vv(K, MUL, d, g, d, n), sc(K, MULC, d, d, -1, n)],
  },
  { name: 'tanh', kernel: k('tanh'), saves: ['outputs'], grad: fromGradKernel('tanh'), doc: 'tanh x' },
  { name: 'sigmoid', kernel: k('sigmoid'), saves: ['outputs'], grad: fromGradKernel('sigmoid'), doc: '1 / (1 + e^-x)' },
  { name: 'relu', kernel: k('relu'), saves: ['outputs'], grad: fromGradKernel('relu'), doc: 'max(x, 0)' },
  { name: 'softsign', kernel: k('softsign'), saves: ['inputs'], grad: fromGradKernel('softsign'), doc: 'x / (1 + |x|)' },
  { name: 'floor', kernel: k('floor'), doc: 'floor(x); zero gradient' },
  { name: 'ceil', kernel: k('ceil'), doc: 'ceil(x); zero gradient' },
  { name: 'round', kernel: k('round'), doc: 'round half away from zero; zero gradient' },
  { name: 'rint', kernel: k('rint'), doc: 'round half to even; zero gradient' },
  { name: 'fix', kernel: k('trunc'), doc: 'round toward zero; zero gradient' },
];

/**
 * One unary op; in place allowed (the planner keeps inputs that backward reads).
 * @example mx.nd.sqrt(x)
 */
function makeUnary(s: Spec): OpDef {
  const grad = s.grad;
  return {
    name: s.name, aliases: s.aliases, attrs: {}, doc: s.doc,
    inputs: () => ['data'],
    inferShape: sameShapes(s.name),
    inferType: f32Types(s.name),
    forward: (ctx, _a, [x], [o]) => un(ctx.K, s.kernel, x.off, o.off, x.size),
    backward: grad ? {
      saves: s.saves ?? [],
      lower: (ctx, _a, g) => {
        if (g.req[0] === 'null') return () => {};
        return seq(grad(ctx.K, g.ins[0].off, g.outs[0].off, g.outGrads[0].off, g.inGrads[0].off, g.ins[0].size));
      },
    } : zeroBackward,
    inplace: [[0, 0]],
  };
}

/** Unary math ops. @example mx.nd.exp(x) */
export const UNARY_OPS: OpDef[] = SPECS.map(makeUnary);
