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
  /** How many parts a call on T threads is cut into (default 4 per thread: a slower core takes fewer). */
  parts?: (a: number[], T: number) => number;
  /** The argument that is the thread's scratch (the pool puts the running thread's own there). */
  scratchArg?: number;
}

/**
 * Up to P ranges of [0, n), each a multiple of `align` long (but the last) and at least `minLen` (a short last one
 * joins the one before). Where that leaves fewer ranges than P, shorter ones are tried (33 columns in 16s for 2
 * parts: 16 + 17, not one part of 33).
 */
export function cut(n: number, P: number, align: number, minLen: number): [number, number][] {
  const least = Math.ceil(minLen / align) * align;
  let best: [number, number][] = [];
  for (let per = Math.max(Math.ceil(n / P / align) * align, least); per >= least; per -= align) {
    const out: [number, number][] = [];
    for (let s = 0; s < n; s += per) out.push([s, Math.min(n, s + per)]);
    if (out.length > 1 && out[out.length - 1][1] - out[out.length - 1][0] < minLen) { const last = out.pop()!; out[out.length - 1][1] = last[1]; }
    if (out.length > P) break;
    best = out;
    if (out.length === P || per === least) break;
  }
  return best;
}
/** Up to P ranges of [0, n), multiples of `align` long but the last. */
export const chunks = (n: number, P: number, align: number): [number, number][] => cut(n, P, align, 1);

/** Elementwise kernels whose last argument is the element count and whose first `nPtr` args are f32 pointers. */
export const elementwise = (nPtr: number): Split => ({
  work: (a) => a[a.length - 1],
  min: 1 << 16,
  split: (a, T) => chunks(a[a.length - 1], T, 64).map(([s, e]) => {
    const p = a.slice();
    for (let i = 0; i < nPtr; i++) p[i] += s * 4;
    p[p.length - 1] = e - s;
    return p;
  }),
});

/**
 * Elementwise kernels with the count at `ni` (not last) and f32 pointers first: f32_act__simd128 (x, y, n, t, a),
 * f32_act_bwd__simd128 (x, y, dy, dx, n, t, a). A 0 pointer (absent input) stays 0. `cost(a)`: relative cost per
 * element (the transcendental activations run ~8x longer per element than a copy-speed relu).
 */
export const strided = (nPtr: number, ni: number, cost: (a: number[]) => number): Split => ({
  work: (a) => a[ni] * cost(a),
  min: 1 << 16,
  split: (a, T) => chunks(a[ni], T, 64).map(([s, e]) => {
    const p = a.slice();
    for (let i = 0; i < nPtr; i++) if (p[i]) p[i] += s * 4;
    p[ni] = e - s;
    return p;
  }),
});

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
    split: (a, T) => chunks(a[oArg], T, 1).map(([o0, o1]) => {
      const p = a.slice();
      for (const [i, bytes] of ptrs(a)) if (a[i] !== 0) p[i] = a[i] + o0 * bytes;
      p[oArg] = o1 - o0;
      return p;
    }),
  };
}
