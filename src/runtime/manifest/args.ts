// Kernel calls by name: every kernel's parameter names, collected from the families' typed definitions (the one list
// per kernel that the manifest lines, the thread splits and test/kernels/abi.test.ts use too). A call names each
// argument once; a missing, misspelled or extra name fails type checking, and the order is written only in the list.
import { argList, COPY_PARAMS, type ArgsOf, type KernelTable } from './common.js';
import { COMPRESS_PARAMS } from './compress.js';
import { CONV_PARAMS } from './conv.js';
import { ELEMENTWISE_PARAMS } from './elementwise.js';
import { LINALG_PARAMS } from './linalg.js';
import { NN_PARAMS } from './nn.js';
import { OPTIM_PARAMS } from './optim.js';
import { RNN_PARAMS } from './rnn.js';
import { TENSOR_PARAMS } from './tensor.js';
import { VOL_PARAMS } from './vol.js';

/** Parameter names of every kernel, by kernel name. */
export const KERNEL_PARAMS = {
  ...ELEMENTWISE_PARAMS, ...TENSOR_PARAMS, ...LINALG_PARAMS, ...CONV_PARAMS, ...NN_PARAMS, ...OPTIM_PARAMS, ...RNN_PARAMS, ...VOL_PARAMS,
  ...COMPRESS_PARAMS, ...COPY_PARAMS,
} as const;
export type KernelName = keyof typeof KERNEL_PARAMS;
/** The kernels whose parameters are P (a family's shared list). @example KernelsOf<typeof UNARY_PARAMS> */
export type KernelsOf<P extends readonly string[]> = { [N in KernelName]: typeof KERNEL_PARAMS[N] extends P ? N : never }[KernelName];
/** The named arguments of kernel N. @example const a: KernelArgs<'x8_zero'> = { dst, n: bytes } */
export type KernelArgs<N extends KernelName> = ArgsOf<typeof KERNEL_PARAMS[N]>;

/**
 * The argument list of a call of kernel `name`, in kernel order.
 * @example kernelArgs('f32_act__simd128', { x: x.off, y: y.off, n, t: ACT.relu, a: 0 }) // [x.off, y.off, n, 0, 0]
 */
export const kernelArgs = <N extends KernelName>(name: N, args: KernelArgs<N>): number[] => argList(KERNEL_PARAMS[name], args);

/**
 * One call of kernel `name` with its arguments bound at lowering: the step calls the kernel directly (a bound
 * function; no argument list is built per call). Takes `K[name]` now (the thread pool's wrapper where it has one).
 * @example return kernelStep(ctx.K, 'x8_copy', { src: x.off, dst: y.off, n: x.size * 4 });
 */
export function kernelStep<N extends KernelName>(K: KernelTable, name: N, args: KernelArgs<N>): () => number {
  return K[name].bind(null, ...kernelArgs(name, args));
}

/**
 * Calls kernel `name` now, for a call whose arguments change from call to call (an optimizer's learning rate, a
 * random seed); a call fixed at lowering is a `kernelStep`.
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
export function kernelWith<N extends KernelName, const F extends readonly (typeof KERNEL_PARAMS[N][number])[]>(K: KernelTable, name: N,
  fixed: Omit<KernelArgs<N>, F[number]>, ...free: F): (...v: { [I in keyof F]: number }) => number {
  const params: readonly string[] = KERNEL_PARAMS[name], f = K[name], o = fixed as Record<string, number>;
  const a = params.map((p) => o[p] ?? 0), at = free.map((p) => params.indexOf(p));
  if (at.length === 2) { const [i, j] = at; return ((x: number, y: number) => { a[i] = x; a[j] = y; return f(...a); }) as never; }
  return ((...v: number[]) => { for (let i = 0; i < at.length; i++) a[at[i]] = v[i]; return f(...a); }) as never;
}
