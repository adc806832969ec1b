// Split rules, the vocabulary of a kernel's thread split: a kernel's typed definition (src/runtime/manifest/<family>.ts)
// declares its rule (`split:`), built from these helpers and reading arguments by name; src/parallel/splits.ts
// (the pool's table) collects them. Splits never change any thread's reduction order, so results are identical to
// one thread. Plain data and functions: the runtime layer, below the thread pool that runs them.

/**
 * How a call of a kernel is cut into per-thread calls of the same kernel, and the least work (in the kernel's own
 * unit) worth a dispatch (~15-45 µs to wake sleeping workers, ~1 µs when they spin: wasm-build.md).
 */
export interface Split {
  /** Work estimate of one call. */
  work: (a: number[]) => number;
  /** Least work per thread worth a dispatch: a call runs on at most work / min threads. */
  min: number;
  /** Up to P argument lists (fewer when there is too little to cut), any thread may run any of them. */
  split: (a: number[], P: number, T?: number) => number[][];
  /**
   * How many parts a call on T threads is cut into (default 4 per thread: a slower core takes fewer). `free`: the
   * pool measured this kernel's large calls gaining as on free cores (see src/parallel/threads.ts FREE_GAIN).
   */
  parts?: (a: number[], T: number, free?: boolean) => number;
  /** The argument that is the thread's scratch (the pool puts the running thread's own there). */
  scratchArg?: number;
}

/**
 * Up to P ranges of [0, n), as equal as `align` allows (each starts at a multiple of `align`) and each at least
 * `minLen` long, their count a multiple of T where n allows one: parts are taken dynamically, and 3 equal parts on 2
 * threads finish when one thread has run two (1.5x at best; SqueezeNet's 256x169x576 GEMM was cut 72 + 72 + 112 rows
 * and ran 1.30x on 2 threads). Where fewer than P ranges fit, fewer (33 columns in 16s for 2 parts: 16 + 17).
 */
export function cut(n: number, P: number, align: number, minLen: number, T = 1): [number, number][] {
  const fit = (k: number): [number, number][] | undefined => {
    const out: [number, number][] = [];
    let s = 0;
    for (let i = 1; i <= k; i++) {
      const e = i === k ? n : Math.round((i * n) / k / align) * align;
      if (e - s < Math.max(1, minLen) || e <= s) return undefined;
      out.push([s, e]);
      s = e;
    }
    return out;
  };
  let best: [number, number][] | undefined;
  for (let k = Math.max(1, Math.min(P, Math.floor(n / Math.max(1, minLen)))); k >= 1 && !best; k--) best = fit(k);
  if (!best) return [[0, n]];
  // The largest count that is a multiple of T (when there is one at least T long): equal parts, equal shares.
  for (let k = best.length - (best.length % T); k >= T && best.length % T; k -= T) { const b = fit(k); if (b) return b; }
  return best;
}
/** Up to P ranges of [0, n), multiples of `align` long but the last, as equal as that allows, a multiple of T in count where n allows. */
export const chunks = (n: number, P: number, align: number, T = 1): [number, number][] => cut(n, P, align, 1, T);

/**
 * Elementwise kernels (parameter names `params`): cut by the element count `n` in 64-element steps, the pointers named
 * in `ptrs` advanced by `size` bytes an element (a 0 pointer, an absent input, stays 0). `cost(a)`: relative cost per
 * element (f32_act's transcendental activations run ~8x longer per element than a copy-speed relu); `min`: as `Split`'s.
 * @example byElements(VV_PARAMS, ['x', 'y', 'z'], 'n')
 */
export function byElements<const P extends readonly string[]>(params: P, ptrs: readonly P[number][], n: P[number],
  o: { cost?: (a: number[]) => number; min?: number; size?: number } = {}): Split {
  const ni = params.indexOf(n), at = ptrs.map((p) => params.indexOf(p)), size = o.size ?? 4, cost = o.cost;
  return {
    work: cost ? (a) => a[ni] * cost(a) : (a) => a[ni],
    min: o.min ?? 1 << 16,
    split: (a, P, T) => chunks(a[ni], P, 64, T).map(([s, e]) => {
      const p = a.slice();
      for (const i of at) if (p[i]) p[i] += s * size;
      p[ni] = e - s;
      return p;
    }),
  };
}

/**
 * Reductions over the middle axis of (outer, r, inner) and softmax over (outer, n, inner), cut along `outer`: each
 * output line is reduced exactly as on one thread. `ptrs`: [argument, bytes per outer index (from the args)].
 * rsum with inner > 1 keeps running values in a scratch `ws` of inner floats: the running thread's
 * own (its 4 MiB scratch), so they are cut only when inner fits there.
 */
export function outerSplit(oArg: number, work: (a: number[]) => number, ptrs: (a: number[]) => [number, number][], wsArg?: number, inner?: (a: number[]) => number): Split {
  return {
    work: (a) => (wsArg !== undefined && inner!(a) > (1 << 20) ? 0 : work(a)),
    min: 1 << 15,
    scratchArg: wsArg,
    split: (a, P, T) => chunks(a[oArg], P, 1, T).map(([o0, o1]) => {
      const p = a.slice();
      for (const [i, bytes] of ptrs(a)) if (a[i] !== 0) p[i] = a[i] + o0 * bytes;
      p[oArg] = o1 - o0;
      return p;
    }),
  };
}
