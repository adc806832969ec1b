// Kernel calls by name: every kernel's parameter names, collected from the families' typed definitions (the one list
// per kernel that the manifest lines, the thread splits and test/kernels/abi.test.ts use too). A call names each
// argument once; a missing, misspelled or extra name fails type checking, and the order is written only in the list.
import { argList, type ArgsOf, type KernelTable } from './common.js';
import { COPY_PARAMS } from './copy.js';
import { COMPRESS_PARAMS } from './compress.js';
import { CONV_PARAMS } from './conv.js';
import { ELEMENTWISE_PARAMS } from './elementwise.js';
import { LINALG_PARAMS } from './linalg.js';
import { NN_PARAMS } from './nn.js';
import { OPTIM_PARAMS } from './optim.js';
import { RNN_PARAMS } from './rnn.js';
import { TENSOR_PARAMS } from './tensor.js';
import { VOL_PARAMS } from './vol.js';

/** Parameter names of every kernel, by kernel name (a type: the families' tables are not merged at import). */
type KernelParams = typeof ELEMENTWISE_PARAMS & typeof TENSOR_PARAMS & typeof LINALG_PARAMS & typeof CONV_PARAMS & typeof NN_PARAMS &
  typeof OPTIM_PARAMS & typeof RNN_PARAMS & typeof VOL_PARAMS & typeof COMPRESS_PARAMS & typeof COPY_PARAMS;
const FAMILY_PARAMS: readonly Readonly<Record<string, readonly string[]>>[] = [ELEMENTWISE_PARAMS, TENSOR_PARAMS, LINALG_PARAMS, CONV_PARAMS, NN_PARAMS,
  OPTIM_PARAMS, RNN_PARAMS, VOL_PARAMS, COMPRESS_PARAMS, COPY_PARAMS];
/**
 * Parameter names of kernel `name`, from its family's table (looked up at lowering; one merged table of ~170 kernels
 * made ~50 KB of hidden classes at every import). @example kernelParams('x8_copy') // ['src', 'dst', 'n']
 */
export function kernelParams<N extends KernelName>(name: N): KernelParams[N] {
  for (let i = 0; i < FAMILY_PARAMS.length; i++) { const p = FAMILY_PARAMS[i][name]; if (p) return p as KernelParams[N]; }
  return undefined as never;
}
export type KernelName = keyof KernelParams;
/** The relaxed-SIMD add-on's kernels (`__relaxedsimd`), without building the manifest lines. @example relaxedKernelNames() // ['f32_gemm__relaxedsimd', ...] */
export function relaxedKernelNames(): string[] {
  const out: string[] = [];
  for (let i = 0; i < FAMILY_PARAMS.length; i++) for (const n in FAMILY_PARAMS[i]) if (n.endsWith('__relaxedsimd')) out.push(n);
  return out;
}
/** The kernels whose parameters are P (a family's shared list). @example KernelsOf<typeof UNARY_PARAMS> */
export type KernelsOf<P extends readonly string[]> = { [N in KernelName]: KernelParams[N] extends P ? N : never }[KernelName];
/** The named arguments of kernel N. @example const a: KernelArgs<'x8_zero'> = { dst, n: bytes } */
export type KernelArgs<N extends KernelName> = ArgsOf<KernelParams[N]>;

/**
 * The argument list of a call of kernel `name`, in kernel order.
 * @example kernelArgs('f32_act__simd128', { x: x.off, y: y.off, n, t: ACT.relu, a: 0 }) // [x.off, y.off, n, 0, 0]
 */
export const kernelArgs = <N extends KernelName>(name: N, args: KernelArgs<N>): number[] => argList(kernelParams(name), args);

/**
 * One call of kernel `name` with its arguments bound at lowering: the step calls the kernel directly (a bound
 * function; no argument list is built per call). Takes `K[name]` now (the thread pool's wrapper where it has one).
 * @example return kernelStep(ctx.K, 'x8_copy', { src: x.off, dst: y.off, n: x.size * 4 });
 */
export function kernelStep<N extends KernelName>(K: KernelTable, name: N, args: KernelArgs<N>): () => number {
  return boundCall(K[name], kernelArgs(name, args));
}

type Fn = (...a: number[]) => number;
/**
 * `f` with arguments `a` bound: a closure over them as constants (cheaper to make than `f.bind`, and a direct call with
 * exactly a.length arguments: no list per call, and the thread pool's wrapper sees the kernel's own arity).
 * @example const step = boundCall(gemm, gemmArgs({ ... }))
 */
export function boundCall(f: Fn, a: readonly number[]): () => number {
  switch (a.length) {
    case 2: { const [a0, a1] = a; return () => f(a0, a1); }
    case 3: { const [a0, a1, a2] = a; return () => f(a0, a1, a2); }
    case 4: { const [a0, a1, a2, a3] = a; return () => f(a0, a1, a2, a3); }
    case 5: { const [a0, a1, a2, a3, a4] = a; return () => f(a0, a1, a2, a3, a4); }
    case 6: { const [a0, a1, a2, a3, a4, a5] = a; return () => f(a0, a1, a2, a3, a4, a5); }
    case 7: { const [a0, a1, a2, a3, a4, a5, a6] = a; return () => f(a0, a1, a2, a3, a4, a5, a6); }
    case 8: { const [a0, a1, a2, a3, a4, a5, a6, a7] = a; return () => f(a0, a1, a2, a3, a4, a5, a6, a7); }
    case 9: { const [a0, a1, a2, a3, a4, a5, a6, a7, a8] = a; return () => f(a0, a1, a2, a3, a4, a5, a6, a7, a8); }
    case 10: { const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9] = a; return () => f(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9); }
    case 11: { const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10] = a; return () => f(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10); }
    case 12: { const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11] = a; return () => f(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11); }
    case 13: { const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12] = a; return () => f(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12); }
    case 17: {
      const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16] = a;
      return () => f(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16);
    }
    default: return f.bind(null, ...a);
  }
}

type N_ = number;
type Fn3 = (K: KernelTable, ...v: [N_, N_, N_]) => number;
type Fn4 = (K: KernelTable, ...v: [N_, N_, N_, N_]) => number;
type Fn7 = (K: KernelTable, ...v: [N_, N_, N_, N_, N_, N_, N_]) => number;
type Fn9 = (K: KernelTable, ...v: [N_, N_, N_, N_, N_, N_, N_, N_, N_]) => number;
type Fn10 = (K: KernelTable, ...v: [N_, N_, N_, N_, N_, N_, N_, N_, N_, N_]) => number;
type Fn11 = (K: KernelTable, ...v: [N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_]) => number;
type Fn13 = (K: KernelTable, ...v: [N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_]) => number;
type Fn14 = (K: KernelTable, ...v: [N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_]) => number;
type Fn15 = (K: KernelTable, ...v: [N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_]) => number;
type Param<N extends KernelName> = KernelParams[N][number];
/** F when it names every parameter of kernel N, else a type F's tuple cannot meet (naming what is missing). */
type Complete<N extends KernelName, F extends readonly string[]> = [Exclude<Param<N>, F[number]>] extends [never] ? unknown : { missing: Exclude<Param<N>, F[number]> };

/**
 * Kernel `name` taking every argument per call in the order `order` names them (each parameter of its definition:
 * a missing or unknown name fails type checking), without a list or object built per call: for calls whose arguments
 * all change (an optimizer's update). @example const SGD = kernelOrder('f32_sgd__simd128_u8', 'w', 'g', 'n', 'lr', 'wd', 'rescale', 'clip')
 */
export function kernelOrder<N extends KernelName, const F extends readonly Param<N>[]>(name: N, ...order: F & Complete<N, F>):
  (K: KernelTable, ...v: { [I in keyof F]: number }) => number {
  const params: readonly string[] = kernelParams(name), at = order.map((p: string) => params.indexOf(p)), a = new Array<number>(params.length).fill(0);
  type R = (K: KernelTable, ...v: { [I in keyof F]: number }) => number;
  if (at.every((p, i) => p === i)) { // in kernel order: a direct call with the kernel's arity
    switch (at.length) {
      case 3: return ((K, a, b, c) => K[name](a, b, c)) as Fn3 as R;
      case 4: return ((K, a, b, c, d) => K[name](a, b, c, d)) as Fn4 as R;
      case 7: return ((K, a, b, c, d, e, f, g) => K[name](a, b, c, d, e, f, g)) as Fn7 as R;
      case 9: return ((K, a, b, c, d, e, f, g, h, i) => K[name](a, b, c, d, e, f, g, h, i)) as Fn9 as R;
      case 10: return ((K, a, b, c, d, e, f, g, h, i, j) => K[name](a, b, c, d, e, f, g, h, i, j)) as Fn10 as R;
      case 11: return ((K, a, b, c, d, e, f, g, h, i, j, k) => K[name](a, b, c, d, e, f, g, h, i, j, k)) as Fn11 as R;
      case 13: return ((K, a, b, c, d, e, f, g, h, i, j, k, l, m) => K[name](a, b, c, d, e, f, g, h, i, j, k, l, m)) as Fn13 as R;
      case 14: return ((K, a, b, c, d, e, f, g, h, i, j, k, l, m, n) => K[name](a, b, c, d, e, f, g, h, i, j, k, l, m, n)) as Fn14 as R;
      case 15: return ((K, a, b, c, d, e, f, g, h, i, j, k, l, m, n, o) => K[name](a, b, c, d, e, f, g, h, i, j, k, l, m, n, o)) as Fn15 as R;
    }
  }
  return ((K: KernelTable, ...v: number[]) => { for (let i = 0; i < at.length; i++) a[at[i]] = v[i]; return K[name](...a); }) as R;
}

/**
 * Calls kernel `name` now, for a call whose arguments change from call to call (a tape's accumulation, a random
 * seed); a call fixed at lowering is a `kernelStep`.
 * @example kernelCall(K, 'f32_rand_fill__simd128', { m, n, seed: seedOf(random), mode: 0, a: p, b: 1 / (1 - p) })
 */
export function kernelCall<N extends KernelName>(K: KernelTable, name: N, args: KernelArgs<N>): number {
  return K[name](...kernelArgs(name, args));
}

/**
 * Kernel `name` with the arguments known at lowering bound by name and the rest (`free`, named in the order the
 * returned function takes them) given per call: for a step whose offsets arrive at run time. No list is built per
 * call (the bound list is reused: kernels never call back into JS).
 * @example const rmax = kernelWith(K, 'f32_rmax__simd128_u16', { outer, r, inner }, 'x', 'y'); rmax(xOff, yOff);
 */
export function kernelWith<N extends KernelName, const F extends readonly (KernelParams[N][number])[]>(K: KernelTable, name: N,
  fixed: Omit<KernelArgs<N>, F[number]>, ...free: F): (...v: { [I in keyof F]: number }) => number {
  const params: readonly string[] = kernelParams(name), f = K[name], o = fixed as Record<string, number>;
  const a = params.map((p) => o[p] ?? 0), at = free.map((p) => params.indexOf(p));
  if (at.length === 2) { const [i, j] = at; return ((x: number, y: number) => { a[i] = x; a[j] = y; return f(...a); }) as never; }
  return ((...v: number[]) => { for (let i = 0; i < at.length; i++) a[at[i]] = v[i]; return f(...a); }) as never;
}
