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

// The tables below are built at import by plain loops: Object.entries / fromEntries and array destructuring run the
// iterator protocol (an iterator and a result object per step) in run-once code, ~0.3 MB of garbage per cold start.

/**
 * Position of each named argument of a kernel whose parameter names a family's typed definition lists.
 * @example const G = argIndex(GEMM_PARAMS); a[G.C] += 64
 */
export const argIndex = <T extends readonly string[]>(params: T) => {
  const o: Record<string, number> = {};
  for (let i = 0; i < params.length; i++) o[params[i]] = i;
  return o as { readonly [K in T[number]]: number };
};

/** `f` of each kernel's parameter names, by kernel name. @example const CONV_ARG = mapParams(CONV_PARAMS, argIndex) */
export const mapParams = <V>(t: Readonly<Record<string, readonly string[]>>, f: (params: readonly string[]) => V): Record<string, V> => {
  const o: Record<string, V> = {}, ks = Object.keys(t);
  for (let i = 0; i < ks.length; i++) o[ks[i]] = f(t[ks[i]]);
  return o;
};

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

type Def = readonly [readonly string[], (p: number, q: number) => object];
/** Each entry of T as `defs` takes it: a warm-up naming exactly its parameters (a missing or extra name fails type checking). */
type Exact<T> = { [K in keyof T]: T[K] extends readonly [infer P extends readonly string[], (p: number, q: number) => infer R]
  ? readonly [P, (p: number, q: number) => ArgsOf<P> & { [X in Exclude<keyof R, P[number]>]: never }] : never };
/**
 * A family's kernels, each once: its parameter names in order and its warm-up arguments by those names (turned into the
 * positional call once, by `kernelsOf`). @example defs({ x8_zero: [['dst', 'n'], (p) => ({ dst: p, n: 64 })] })
 */
export const defs = <const T extends Record<string, Def>>(t: T & Exact<T>): T => t;
/** The parameter names of each kernel of `defs`. */
export const paramsOf = <const T extends Record<string, Def>>(t: T) => {
  const o: Record<string, readonly string[]> = {}, ks = Object.keys(t);
  for (let i = 0; i < ks.length; i++) o[ks[i]] = t[ks[i]][0];
  return o as { readonly [K in keyof T]: T[K][0] };
};
type Info = Omit<KernelInfo, 'name' | 'params' | 'warm'>;
/** The manifest lines of `defs` (`info` gives each kernel's family, dtype, needs ...; warm-ups in kernel order). */
export const kernelsOf = (t: Readonly<Record<string, Def>>, info: (name: string) => Info, splits: Readonly<Record<string, Split>> = {}): KernelInfo[] =>
  Object.keys(t).map((name) => {
    const params = t[name][0], warm = t[name][1];
    const k: KernelInfo = { name, ...info(name), params, warm: (p: number, q: number) => argList(params, warm(p, q) as ArgsOf<typeof params>) };
    if (splits[name]) k.split = splits[name];
    return k;
  });

/**
 * What a kernel's name says (`<dtype>_<op>[_<tile>]__<isa>[_u<unroll>]`), for `kernelsOf`: `__scalar` needs nothing,
 * `__relaxedsimd` relaxed SIMD too. @example nameInfo('reduce')('f32_rsum__simd128_u16')
 */
export const nameInfo = (family: string) => (name: string): Info => {
  const tile = /_(\d+x\d+)$/.exec(name)?.[1], unroll = /_u(\d+)$/.exec(name)?.[1];
  const needs: Info['needs'] = name.includes('__scalar') ? [] : name.includes('__relaxedsimd') ? ['simd128', 'relaxed'] : ['simd128'];
  const o: Info = { family, dtype: name.slice(0, 3) as 'f32', needs };
  if (tile) o.tile = tile;
  if (unroll) o.unroll = +unroll;
  return o;
};

/** The same definition (or parameter names) for each kernel of a list. @example each(['f32_vsub__simd128'], [VV_PARAMS, bin]) */
export const each = <const N extends string, const D>(names: readonly N[], d: D) => {
  const o: Record<string, D> = {};
  for (let i = 0; i < names.length; i++) o[names[i]] = d;
  return o as { [K in N]: D };
};
