// How the thread pool cuts the conv family's plane-parallel kernels (merged into src/parallel/splits.ts SPLITS):
// every kernel here works plane by plane (channels or N*C planes), so a call is cut into channel ranges with the
// pointers advanced; each plane is computed exactly as on one thread (results are bitwise identical).
// Same shape as src/parallel/splits.ts `Split` (declared structurally: ops never import the parallel layer).

interface PlaneSplit {
  work: (a: number[]) => number;
  min: number;
  split: (a: number[], P: number) => number[][];
  scratchArg?: number;
}

/** Least work (inner-loop element operations) worth waking the workers for. */
const MIN_WORK = 1 << 17;

/** [start, end) plane ranges for T threads. */
function ranges(n: number, T: number): [number, number][] {
  const per = Math.ceil(n / T), out: [number, number][] = [];
  for (let s = 0; s < n; s += per) out.push([s, Math.min(n, s + per)]);
  return out;
}

/**
 * A split over the plane count at argument `countArg`; `ptrs` lists [argument index, bytes per plane] of the
 * pointers to advance (a pointer that is 0, "absent", stays 0).
 */
function planes(countArg: number, work: (a: number[]) => number, ptrs: (a: number[]) => [number, number][]): PlaneSplit {
  return {
    work, min: MIN_WORK,
    split: (a, T) => ranges(a[countArg], T).map(([p0, p1]) => {
      const p = a.slice();
      for (const [i, bytes] of ptrs(a)) if (a[i] !== 0) p[i] = a[i] + p0 * bytes;
      p[countArg] = p1 - p0;
      return p;
    }),
  };
}

// Argument layouts: conv geometry (C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo) starts at `g`.
const conv = (g: number) => ({
  work: (a: number[]) => a[g] * a[g + 3] * a[g + 4] * a[g + 11] * a[g + 12],
  plane: (a: number[]) => a[g + 1] * a[g + 2] * 4, out: (a: number[]) => a[g + 11] * a[g + 12] * 4, k: (a: number[]) => a[g + 3] * a[g + 4] * 4,
});
const c2 = conv(2), c4 = conv(4), c5 = conv(5);

/**
 * im2col / col2im over a block of images (x, col, C, ...geometry, ld, nimg, xs) (`col` first for col2im): cut by
 * images (x by xs, col by Ho*Wo columns) or by channels (x by a plane, col by kh*kw rows of ld), whichever balances
 * better (images on a tie). Each image and channel is unrolled / folded exactly as on one thread.
 */
function colSplit(xArg: number, colArg: number): PlaneSplit {
  const bal = (n: number, T: number) => n / (Math.ceil(n / T) * T);
  return {
    // Copy-speed work (~0.6 ns a float): 32K floats per thread (~20 µs) already outweigh a dispatch; LeNet's
    // blocks of 7-10 images (150-220K floats) then split, which MIN_WORK per thread would not allow.
    work: (a) => c2.work(a) * Math.max(a[16], 1), min: 1 << 15,
    split: (a, T) => {
      const nimg = Math.max(a[16], 1), ld = a[15] > 0 ? a[15] : a[13] * a[14];
      const byImg = nimg > 1 && bal(nimg, T) >= bal(a[2], T);
      return ranges(byImg ? nimg : a[2], T).map(([s, e]) => {
        const p = a.slice();
        if (byImg) { p[xArg] += s * a[17] * 4; p[colArg] += s * a[13] * a[14] * 4; p[15] = ld; p[16] = e - s; }
        else { p[xArg] += s * c2.plane(a); p[colArg] += s * a[5] * a[6] * ld * 4; p[2] = e - s; }
        return p;
      });
    },
  };
}
// Pool layouts: (…, P, H, W, Ho, Wo, kh, kw, …) with P at `q`.
const poolWork = (q: number) => (a: number[]) => a[q] * a[q + 3] * a[q + 4] * a[q + 5] * a[q + 6];

/** A split over channels (or filters) of a Winograd transform; argument 1 of the input transform is the running thread's scratch. */
function wino(countArg: number, ptrs: (a: number[]) => [number, number][], tiles: (a: number[]) => number, usesP: boolean): PlaneSplit {
  const base = planes(countArg, (a) => a[countArg] * tiles(a) * 64, ptrs);
  return usesP ? { ...base, scratchArg: 1 } : base;
}
// (x, P, V, C, H, W, ph, pw, ty0, nty, tW4, Ct): T = nty * tW4 tiles per channel.
const inTiles = (a: number[]) => a[9] * a[10];
// (M, y, b, F, Ho, Wo, ty0, nty, tW4, act, Ft) and (dy, M, F, Ho, Wo, ty0, nty, tW4, Ft)
const outTiles = (a: number[]) => a[7] * a[8], dyTiles = (a: number[]) => a[6] * a[7];

/** Split rules of the conv family's kernels, by kernel name. @example CONV_SPLITS.f32_pool2d__simd128.split(args, 2) */
export const CONV_SPLITS: Record<string, PlaneSplit> = {
  // (x, col, C, ...geometry, ld, nimg, xs)
  f32_im2col__simd128: colSplit(0, 1),
  // (col, x, C, ...geometry, ld, nimg, xs)
  f32_col2im__simd128: colSplit(1, 0),
  // (src, dst, R, Nb, P, sr, sn, dr, dn): cut by rows R; copy-speed work like im2col (LeNet conv1: 115K floats a block).
  f32_copyrows__simd128: { ...planes(2, (a) => a[2] * a[3] * a[4], (a) => [[0, a[5] * 4], [1, a[7] * 4]]), min: 1 << 15 },
  // (x, w, b, y, C, ...geometry, act)
  f32_dwconv__simd128: planes(4, c4.work, (a) => [[0, c4.plane(a)], [1, c4.k(a)], [2, 4], [3, c4.out(a)]]),
  // (x, w, dy, dx, dwt, C, ...geometry, acc)
  f32_dwconv_bwd__simd128: planes(5, c5.work, (a) => [[0, c5.plane(a)], [1, c5.k(a)], [2, c5.out(a)], [3, c5.plane(a)], [4, c5.k(a)]]),
  // (y, gamma, beta, mean, var, C, inner, eps, fixGamma, lo, hi): cut by channels; an elementwise pass.
  f32_bn_act__simd128: planes(5, (a) => a[5] * a[6], (a) => [[0, a[6] * 4], [1, 4], [2, 4], [3, 4], [4, 4]]),
  // (x, y, P, H, W, Ho, Wo, kh, kw, ...)
  f32_pool2d__simd128: planes(2, poolWork(2), (a) => [[0, a[3] * a[4] * 4], [1, a[5] * a[6] * 4]]),
  // (x, y, dy, dx, P, H, W, Ho, Wo, kh, kw, ...)
  f32_pool2d_bwd__simd128: planes(4, poolWork(4), (a) => [[0, a[5] * a[6] * 4], [1, a[7] * a[8] * 4], [2, a[7] * a[8] * 4], [3, a[5] * a[6] * 4]]),
  f32_wino_in_f2k3__simd128: wino(3, (a) => [[0, a[4] * a[5] * 4], [2, inTiles(a) * 4]], inTiles, true),
  f32_wino_out_f2k3__simd128: wino(3, (a) => [[0, outTiles(a) * 4], [1, a[4] * a[5] * 4], [2, 4]], outTiles, false),
  f32_wino_dy_f2k3__simd128: wino(2, (a) => [[0, a[3] * a[4] * 4], [1, dyTiles(a) * 4]], dyTiles, false),
  // (x, y, P, n, type)
  f32_global_pool__simd128: planes(2, (a) => a[2] * a[3], (a) => [[0, a[3] * 4], [1, 4]]),
};
