/**
 * Scalar TypeScript references of the tensor-family kernels (assembly/kernels/f32-reduce.ts and
 * x32-layout.ts): the test oracles. Plain loops, float64 accumulation, no SIMD, no wasm memory.
 */
import { INDEX_MODE, RGRAD_MODE as G, RSUM_MODE } from '../runtime/manifest/tensor.js';

type Arr = ArrayLike<number>;

/**
 * y[o,i] = scale * sum_k f(x[o,k,i]) over an (outer, r, inner) view; mode 0 x, 1 NaN->0, 2 |x|, 3 x^2 then sqrt.
 * @example rsum(new Float32Array([1, 2, 3, 4]), 2, 2, 1, 1, 0) // [3, 7]
 */
export function rsum(x: Arr, outer: number, r: number, inner: number, scale = 1, mode = 0): Float32Array {
  const y = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let s = 0;
    for (let k = 0; k < r; k++) {
      const v = x[(o * r + k) * inner + i];
      s += mode === RSUM_MODE.nansum ? (Number.isNaN(v) ? 0 : v) : mode === RSUM_MODE.abs ? Math.abs(v) : mode === RSUM_MODE.norm2 ? v * v : v;
    }
    y[o * inner + i] = (mode === RSUM_MODE.norm2 ? Math.sqrt(s) : s) * scale;
  }
  return y;
}

/** max / min / prod / nanprod over an (outer, r, inner) view (NaN propagates for max/min). @example rreduce(x, 1, 4, 1, 'max') */
export function rreduce(x: Arr, outer: number, r: number, inner: number, op: 'max' | 'min' | 'prod' | 'nanprod'): Float32Array {
  const y = new Float32Array(outer * inner);
  const id = op === 'max' ? -Infinity : op === 'min' ? Infinity : 1;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let s = id;
    for (let k = 0; k < r; k++) {
      const v = x[(o * r + k) * inner + i];
      if (op === 'max') s = Number.isNaN(v) || Number.isNaN(s) ? NaN : Math.max(s, v);
      else if (op === 'min') s = Number.isNaN(v) || Number.isNaN(s) ? NaN : Math.min(s, v);
      else if (op === 'prod') s = Math.fround(s * v);
      else if (!Number.isNaN(v)) s = Math.fround(s * v);
    }
    y[o * inner + i] = s;
  }
  return y;
}

/** Index of the first max (isMin: min) along r; NaN never wins; 0 for r == 0. @example rargmax([1, 3, 3], 1, 3, 1) // [1] */
export function rargmax(x: Arr, outer: number, r: number, inner: number, isMin = false): Float32Array {
  const y = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let best = -Infinity, bk = 0;
    for (let k = 0; k < r; k++) {
      const v = (isMin ? -1 : 1) * x[(o * r + k) * inner + i];
      if (v > best) { best = v; bk = k; }
    }
    y[o * inner + i] = bk;
  }
  return y;
}

/** Backward of the reductions (modes as f32_rgrad__simd128: 0 scale*g, 1 eq mask, 2 prod, 3 nanprod, 4 nansum, 5 l2, 6 l1). @example rgrad(x, y, g, 1, 3, 1, 1 / 3, 0) // mean */
export function rgrad(x: Arr, y: Arr, g: Arr, outer: number, r: number, inner: number, scale: number, mode: number): Float32Array {
  const dx = new Float32Array(outer * r * inner);
  for (let o = 0; o < outer; o++) for (let k = 0; k < r; k++) for (let i = 0; i < inner; i++) {
    const p = (o * r + k) * inner + i, q = o * inner + i;
    const xv = x[p], yv = y[q], gg = g[q];
    dx[p] = mode === G.scale ? gg * scale : mode === G.eq ? (xv === yv ? gg : 0) : mode === G.prod ? gg * yv / xv
      : mode === G.nanprod ? (Number.isNaN(xv) ? 0 : gg * yv / xv) : mode === G.nansum ? (Number.isNaN(xv) ? 0 : gg)
        : mode === G.norm2 ? (yv === 0 ? 0 : gg * xv / yv) : gg * Math.sign(xv);
  }
  return dx;
}

/** y (n x m) = x (m x n) transposed. @example transpose2d([1, 2, 3, 4, 5, 6], 2, 3) // [1, 4, 2, 5, 3, 6] */
export function transpose2d(x: Arr, m: number, n: number): Float32Array {
  const y = new Float32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) y[j * m + i] = x[i * n + j];
  return y;
}

/**
 * N-d strided copy in elements: dst[yoff + sum i_d*sy_d] = src[xoff + sum i_d*sx_d] for i < n.
 * @example copynd(src, 0, dst, 0, [2, 3], [1, 2], [3, 1]) // a transpose
 */
export function copynd(src: Arr, xoff: number, dst: { [i: number]: number }, yoff: number, n: number[], sx: number[], sy: number[]): void {
  const nd = n.length;
  if (n.some((d) => d === 0)) return;
  const idx = new Array(nd).fill(0);
  for (;;) {
    let a = xoff, b = yoff;
    for (let d = 0; d < nd; d++) { a += idx[d] * sx[d]; b += idx[d] * sy[d]; }
    dst[b] = src[a];
    let d = nd - 1;
    while (d >= 0 && ++idx[d] === n[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

/** Index fix-up of take/pick: mode 0 clip, 1 wrap, 2 raise (-1 when out of range). @example fixIndex(-1, 5, 1) === 4 */
export function fixIndex(v: number, n: number, mode: number): number {
  if (Number.isNaN(v) && mode === INDEX_MODE.raise) return -1; // raise: NaN is no index
  const k = Number.isNaN(v) ? 0 : Math.trunc(Math.max(Math.min(v, 2e9), -2e9));
  if (mode === INDEX_MODE.wrap) return ((k % n) + n) % n;
  if (k < 0) return mode === INDEX_MODE.raise ? -1 : 0;
  if (k >= n) return mode === INDEX_MODE.raise ? -1 : n - 1;
  return k;
}

/** take over (outer, n, inner): y[o, j, :] = x[o, fix(idx[j]), :] (bad indices read row 0). @example gather(x, [2, 0], 1, 3, 4, 0) */
export function gather(x: Arr, idx: Arr, outer: number, n: number, inner: number, mode: number): Float32Array {
  const m = idx.length, y = new Float32Array(outer * m * inner);
  for (let o = 0; o < outer; o++) for (let j = 0; j < m; j++) {
    const k = Math.max(0, fixIndex(idx[j], n, mode));
    for (let i = 0; i < inner; i++) y[(o * m + j) * inner + i] = x[(o * n + k) * inner + i];
  }
  return y;
}

/** take backward: dx[o, fix(idx[j]), :] += g[o, j, :]. @example scatterAdd(g, [2, 0], 1, 3, 4, 0) */
export function scatterAdd(g: Arr, idx: Arr, outer: number, n: number, inner: number, mode: number): Float32Array {
  const m = idx.length, dx = new Float32Array(outer * n * inner);
  for (let o = 0; o < outer; o++) for (let j = 0; j < m; j++) {
    const k = fixIndex(idx[j], n, mode);
    if (k < 0) continue;
    for (let i = 0; i < inner; i++) dx[(o * n + k) * inner + i] += g[(o * m + j) * inner + i];
  }
  return dx;
}

/** pick: y[o, i] = x[o, fix(idx[o, i]), i]. @example pick([1, 2, 3, 4], [1, 0], 2, 2, 1, 0) // [2, 3] */
export function pick(x: Arr, idx: Arr, outer: number, n: number, inner: number, mode: number): Float32Array {
  const y = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const k = Math.max(0, fixIndex(idx[o * inner + i], n, mode));
    y[o * inner + i] = x[(o * n + k) * inner + i];
  }
  return y;
}

/** pick backward: dx[o, fix(idx[o, i]), i] += g[o, i]. @example pickGrad([1, 2], [1, 0], 2, 2, 1, 0) // [0, 1, 2, 0] */
export function pickGrad(g: Arr, idx: Arr, outer: number, n: number, inner: number, mode: number): Float32Array {
  const dx = new Float32Array(outer * n * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const k = fixIndex(idx[o * inner + i], n, mode);
    if (k >= 0) dx[(o * n + k) * inner + i] += g[o * inner + i];
  }
  return dx;
}

/** one_hot rows: `on` at trunc(idx[j]) when in [0, depth), else `off`. @example onehot([1], 3) // [0, 1, 0] */
export function onehot(idx: Arr, depth: number, on = 1, off = 0): Float32Array {
  const y = new Float32Array(idx.length * depth).fill(off);
  for (let j = 0; j < idx.length; j++) { const v = idx[j]; if (v >= 0 && v < depth) y[j * depth + Math.trunc(v)] = on; }
  return y;
}

/** Nearest upsampling of planes x h x w by s. @example upnearest([1, 2], 1, 1, 2, 2) // [1, 1, 2, 2, 1, 1, 2, 2] */
export function upnearest(x: Arr, planes: number, h: number, w: number, s: number): Float32Array {
  const H = h * s, W = w * s, y = new Float32Array(planes * H * W);
  for (let p = 0; p < planes; p++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
    y[(p * H + i) * W + j] = x[(p * h + Math.floor(i / s)) * w + Math.floor(j / s)];
  }
  return y;
}

/** Nearest upsampling backward: sum of each s x s window. @example upnearestGrad(new Float32Array(4).fill(1), 1, 1, 1, 2) // [4] */
export function upnearestGrad(g: Arr, planes: number, h: number, w: number, s: number): Float32Array {
  const H = h * s, W = w * s, dx = new Float32Array(planes * h * w);
  for (let p = 0; p < planes; p++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
    dx[(p * h + Math.floor(i / s)) * w + Math.floor(j / s)] += g[(p * H + i) * W + j];
  }
  return dx;
}

/** Row-major strides (elements) of a shape. */
const stridesOf = (s: number[]) => { const r = new Array(s.length); let a = 1; for (let i = s.length - 1; i >= 0; i--) { r[i] = a; a *= s[i]; } return r; };

/** N-d permutation of a row-major array: out.shape[i] = shape[axes[i]]. @example permute(x, [2, 3], [1, 0]) */
export function permute(x: Arr, shape: number[], axes: number[]): Float32Array {
  const st = stridesOf(shape), out = new Float32Array(x.length);
  copynd(x, 0, out, 0, axes.map((a) => shape[a]), axes.map((a) => st[a]), stridesOf(axes.map((a) => shape[a])));
  return out;
}

/** Reduction over a set of axes (kept as size 1 in the result's layout). @example reduceAxes(x, [2, 3], [1], (v) => v.reduce((a, b) => a + b)) */
export function reduceAxes(x: Arr, shape: number[], axes: number[], f: (vals: number[]) => number): Float32Array {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float32Array(kept.reduce((a, b) => a * b, 1));
  const groups: number[][] = Array.from({ length: out.length }, () => []);
  const st = stridesOf(kept), nd = shape.length;
  for (let f0 = 0; f0 < x.length; f0++) {
    let rem = f0, o = 0;
    for (let d = nd - 1; d >= 0; d--) { const c = rem % shape[d]; rem = Math.floor(rem / shape[d]); if (!axes.includes(d)) o += c * st[d]; }
    groups[o].push(x[f0]);
  }
  groups.forEach((g, i) => { out[i] = f(g); });
  return out;
}

/**
 * topk along the middle axis of an (outer, n, inner) view (assembly/kernels/f32-sort.ts): the first k of each
 * line sorted descending (ascending with asc), ties by lower index; values, indices and a 0/1 mask.
 * @example topk(new Float32Array([1, 3, 2]), 1, 3, 1, 2, false).idx // [1, 2]
 */
export function topk(x: Arr, outer: number, n: number, inner: number, k: number, asc: boolean): { val: Float32Array; idx: Float32Array; mask: Float32Array } {
  const val = new Float32Array(outer * k * inner), idx = new Float32Array(outer * k * inner), mask = new Float32Array(outer * n * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const at = (j: number) => x[(o * n + j) * inner + i];
    const order = [...Array(n).keys()].sort((a, b) => (asc ? at(a) - at(b) : at(b) - at(a)) || a - b);
    for (let j = 0; j < k; j++) {
      val[(o * k + j) * inner + i] = at(order[j]); idx[(o * k + j) * inner + i] = order[j];
      mask[(o * n + order[j]) * inner + i] = 1;
    }
  }
  return { val, idx, mask };
}

/**
 * The cast kernel's reference (modes: CAST in the copy family's definition): float -> int truncates toward zero,
 * saturating at the int32 range (NaN -> 0); to uint8 / int8 the low byte of that int32; int -> float rounds to even.
 * @example castRef([-2.7, 300], 'float32', 'uint8') // Uint8Array [254, 44]
 */
export function castRef(x: Arr, src: 'float32' | 'int32' | 'uint8' | 'int8', dst: 'float32' | 'int32' | 'uint8' | 'int8'): Float32Array | Int32Array | Uint8Array | Int8Array {
  const n = x.length, y = dst === 'float32' ? new Float32Array(n) : dst === 'int32' ? new Int32Array(n) : dst === 'uint8' ? new Uint8Array(n) : new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    // typed-array stores round to float32 / wrap to the integer width; only float -> int needs the truncation first
    y[i] = src === 'float32' && dst !== 'float32' ? (Number.isNaN(v) ? 0 : Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.trunc(v)))) : v;
  }
  return y;
}
