// Shared manifest vocabulary (its own file so that family manifests can import values without a cycle).

export interface KernelInfo {
  name: string;
  family: string;
  dtype: 'f32' | 'x32' | 'i32' | 'u8' | 'none';
  tile?: string;
  unroll?: number;
  needs: ('simd128' | 'relaxed')[];
  warm?: (p: number, q: number) => number[];
}

type Fn = (...args: number[]) => number;
/** Typed view of the module's exports. */
export type KernelTable = { heapBase(): number } & Record<string, Fn>;

/** Needs plain SIMD. */
export const simd = ['simd128'] as KernelInfo['needs'];
/** Warm-up args of a (x, y, z, n) kernel. */
export const vbin = (p: number, _q: number) => [p, p + 256, _q, 17];
