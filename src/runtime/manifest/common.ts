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

/** The same, in place (for a family list declared as a plain array). @example attachDefs(KERNELS_TENSOR, TENSOR_PARAMS) */
export function attachDefs(ks: KernelInfo[], params: Readonly<Record<string, readonly string[]>>, splits: Readonly<Record<string, Split>> = {}): void {
  ks.forEach((k, i) => { ks[i] = withParams([k], params, splits)[0]; });
}
/** A family's kernels with their parameter names (from the family's typed definition) attached. */
export const withParams = (ks: KernelInfo[], params: Readonly<Record<string, readonly string[]>>, splits: Readonly<Record<string, Split>> = {}): KernelInfo[] =>
  ks.map((k) => ({ ...k, ...(params[k.name] ? { params: params[k.name] } : {}), ...(splits[k.name] ? { split: splits[k.name] } : {}) }));
