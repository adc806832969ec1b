// Shared manifest vocabulary (its own file so that family manifests can import values without a cycle).
import type { Split } from './split.js';

export interface KernelInfo {
  name: string;
  family: string;
  dtype: 'f32' | 'x32' | 'i32' | 'u8' | 'none';
  tile?: string;
  unroll?: number;
  needs: ('simd128' | 'relaxed')[];
  warm?: (p: number, q: number) => number[];
  /** Argument names in order, where the family's typed definition gives them (checked against the kernel source). */
  params?: readonly string[];
  /** How the thread pool cuts a call (src/runtime/manifest/split.ts); absent: the calling thread runs it. */
  split?: Split;
}

type Fn = (...args: number[]) => number;
/** Typed view of the module's exports. */
export type KernelTable = { heapBase(): number } & Record<string, Fn>;

/** Needs plain SIMD. */
export const simd = ['simd128'] as KernelInfo['needs'];
/** Warm-up args of a (x, y, z, n) kernel. */
export const vbin = (p: number, _q: number) => [p, p + 256, _q, 17];

/**
 * Position of each named argument of a kernel whose parameter names a family's typed definition lists.
 * @example const G = argIndex(GEMM_PARAMS); a[G.C] += 64
 */
export const argIndex = <T extends readonly string[]>(params: T) => Object.fromEntries(params.map((n, i) => [n, i])) as { readonly [K in T[number]]: number };

/** A kernel's arguments by name: one number per parameter name of its typed definition (no more, no fewer). */
export type ArgsOf<P extends readonly string[]> = { [K in P[number]]: number };

/**
 * A kernel's argument list, in the order its parameter names give (the one place that order is written).
 * @example argList(ACT_PARAMS, { x: p, y: q, n: 17, t: ACT.sigmoid, a: 0 }) // [p, q, 17, 1, 0]
 */
export function argList<const P extends readonly string[]>(params: P, args: ArgsOf<P>): number[] {
  const o = args as Record<string, number>, a = new Array<number>(params.length);
  // Named in kernel order (most calls are): one pass over the object's own order (V8's enum cache), no lookup per name.
  let i = 0;
  for (const k in o) { if (k !== params[i]) break; a[i++] = o[k]; }
  if (i === params.length) return a;
  for (i = 0; i < params.length; i++) a[i] = o[params[i]];
  return a;
}

type Warm = (p: number, q: number) => number[];
/** A family's kernels, each once: [its parameter names in order, its warm-up args]. @example defs({ x8_zero: [['dst', 'n'], (p) => [p, 64]] }) */
export const defs = <const T extends Record<string, readonly [readonly string[], Warm]>>(t: T) => t;
/** The parameter names of each kernel of `defs`. */
export const paramsOf = <const T extends Record<string, readonly [readonly string[], Warm]>>(t: T) =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v[0]])) as { readonly [K in keyof T]: T[K][0] };
/** The manifest lines of `defs` (`info` gives each kernel's family, dtype, needs ...). */
export const kernelsOf = (t: Readonly<Record<string, readonly [readonly string[], Warm]>>, info: (name: string) => Omit<KernelInfo, 'name' | 'params' | 'warm'>,
  splits: Readonly<Record<string, Split>> = {}): KernelInfo[] =>
  Object.entries(t).map(([name, [params, warm]]) => ({ name, ...info(name), params, warm, ...(splits[name] ? { split: splits[name] } : {}) }));

/** What a kernel's name says (`<dtype>_<op>[_<tile>]__<isa>[_u<unroll>]`), for `kernelsOf`. @example nameInfo('reduce')('f32_rsum__simd128_u16') */
export const nameInfo = (family: string) => (name: string): Omit<KernelInfo, 'name' | 'params' | 'warm'> => {
  const tile = /_(\d+x\d+)$/.exec(name)?.[1], unroll = /_u(\d+)$/.exec(name)?.[1];
  return { family, dtype: name.slice(0, 3) as 'f32', needs: name.includes('__scalar') ? [] : ['simd128'], ...(tile ? { tile } : {}), ...(unroll ? { unroll: +unroll } : {}) };
};

/** The same parameter names for each kernel of a list. @example each(['f32_vsub__simd128'], VV_PARAMS) */
export const each = <const N extends string, const P extends readonly string[]>(names: readonly N[], params: P) =>
  Object.fromEntries(names.map((n) => [n, params])) as { [K in N]: P };

/** The copy kernels' and the probes' parameter names (manifest.ts lists them). */
export const COPY_PARAMS = {
  x8_copy: ['src', 'dst', 'n'], x8_zero: ['dst', 'n'], x32_fill: ['dst', 'v', 'n'],
  f32_peak__simd128: ['iters', 'm', 'a'], f32_peak__relaxedsimd: ['iters', 'm', 'a'], x32_noop: ['n'],
} as const;

/** The same, in place (for a family list declared as a plain array). @example attachDefs(KERNELS_TENSOR, TENSOR_PARAMS) */
export function attachDefs(ks: KernelInfo[], params: Readonly<Record<string, readonly string[]>>, splits: Readonly<Record<string, Split>> = {}): void {
  ks.forEach((k, i) => { ks[i] = withParams([k], params, splits)[0]; });
}
/** A family's kernels with their parameter names (from the family's typed definition) attached. */
export const withParams = (ks: KernelInfo[], params: Readonly<Record<string, readonly string[]>>, splits: Readonly<Record<string, Split>> = {}): KernelInfo[] =>
  ks.map((k) => ({ ...k, ...(params[k.name] ? { params: params[k.name] } : {}), ...(splits[k.name] ? { split: splits[k.name] } : {}) }));
