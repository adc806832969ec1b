// Scalar references of the nn kernels (assembly/kernels/f32-nn.ts): plain loops in float64 over arrays.
// Layout conventions match the kernels: lines of (outer, n, inner), channels of (outer, C, inner).
import { ACT } from '../runtime/manifest/nn.js';

type A = ArrayLike<number>;
type W = { [i: number]: number; length: number };

/** erf in float64: Taylor series below 3, continued fraction of erfc above. @example erf(0.5) // 0.5204998778 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  if (ax < 3) {
    let term = x, sum = x;
    for (let n = 1; n < 200; n++) { term *= -x * x / n; const t = term / (2 * n + 1); sum += t; if (Math.abs(t) < 1e-17 * Math.abs(sum)) break; }
    return sum * 2 / Math.sqrt(Math.PI);
  }
  // erfc(ax) = exp(-ax^2)/sqrt(pi) * 1/(ax + 1/2/(ax + 1/(ax + 3/2/(ax + ...)))) (Lentz-free backward evaluation)
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + (k / 2) / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

export const SELU_ALPHA = 1.6732632423543772, SELU_LAMBDA = 1.0507009873554805;
export { ACT }; // the kernel's activation codes (src/runtime/manifest/nn.ts), re-exported for the tests

/** One activation value. @example act(ACT.tanh, 0.5, 0) */
export function act(t: number, x: number, a: number): number {
  switch (t) {
    case 0: return x < 0 ? 0 : x;
    case 1: return 1 / (1 + Math.exp(-x));
    case 2: return Math.tanh(x);
    case 3: return x > 20 ? x : Math.log1p(Math.exp(x));
    case 4: return x / (1 + Math.abs(x));
    case 5: return x > 0 ? x : a * x;
    case 6: return x > 0 ? x : a * Math.expm1(x);
    case 7: return SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case 9: return erf(x);
    default: return 0.5 * x * (1 + erf(x / Math.SQRT2));
  }
}

/** Derivative as the kernel computes it: from the output y (all but gelu) or the input x (gelu). @example actGrad(ACT.sigmoid, 0, 0.5, 0) // 0.25 */
export function actGrad(t: number, x: number, y: number, a: number): number {
  switch (t) {
    case 0: return y > 0 ? 1 : 0;
    case 1: return y * (1 - y);
    case 2: return 1 - y * y;
    case 3: return -Math.expm1(-y);
    case 4: return (1 - Math.abs(y)) ** 2;
    case 5: return y > 0 ? 1 : a;
    case 6: return y > 0 ? 1 : y + a;
    case 7: return y > 0 ? SELU_LAMBDA : y + SELU_LAMBDA * SELU_ALPHA; // the true derivative; MXNet 1.9 uses λ(α + y) (a deliberate difference)
    case 9: return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
    default: return 0.5 * (1 + erf(x / Math.SQRT2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  }
}

/** out = c > 0 ? v : g[ch] * v over (outer, C, inner). @example prelu(x, x, [0.25], y, 1, 1, x.length) */
export function prelu(c: A, v: A, g: A, out: W, outer: number, C: number, inner: number): void {
  for (let o = 0; o < outer; o++) for (let ch = 0; ch < C; ch++) for (let i = 0; i < inner; i++) {
    const k = (o * C + ch) * inner + i; out[k] = c[k] > 0 ? v[k] : g[ch] * v[k];
  }
}
/** dg[ch] = sum over x <= 0 of x * dy. @example preluGammaGrad(x, dy, dg, N, C, H * W) */
export function preluGammaGrad(x: A, dy: A, dg: W, outer: number, C: number, inner: number): void {
  for (let ch = 0; ch < C; ch++) {
    let s = 0;
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) { const k = (o * C + ch) * inner + i; if (!(x[k] > 0)) s += x[k] * dy[k]; }
    dg[ch] = s;
  }
}

/** softmax / log_softmax of sc*x over lines of (outer, n, inner); len: per-line lengths or undefined. @example softmax([1, 2], y, 1, 2, 1) */
export function softmax(x: A, y: W, outer: number, n: number, inner: number, sc = 1, log = false, len?: A): void {
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const L = len ? Math.max(0, Math.min(n, Math.trunc(len[o * inner + i]))) : n;
    const at = (j: number) => (o * n + j) * inner + i;
    let m = -Infinity;
    for (let j = 0; j < L; j++) m = Math.max(m, x[at(j)] * sc);
    let s = 0;
    for (let j = 0; j < L; j++) s += Math.exp(x[at(j)] * sc - m);
    for (let j = 0; j < n; j++) y[at(j)] = j >= L ? 0 : log ? x[at(j)] * sc - m - Math.log(s) : Math.exp(x[at(j)] * sc - m) / s;
  }
}
/** Backward of softmax from its output. @example softmaxBwd(y, dy, dx, 1, n, 1) */
export function softmaxBwd(y: A, dy: A, dx: W, outer: number, n: number, inner: number, sc = 1, log = false, len?: A): void {
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const L = len ? Math.max(0, Math.min(n, Math.trunc(len[o * inner + i]))) : n;
    const at = (j: number) => (o * n + j) * inner + i;
    let s = 0;
    for (let j = 0; j < L; j++) s += log ? dy[at(j)] : dy[at(j)] * y[at(j)];
    for (let j = 0; j < n; j++) dx[at(j)] = j >= L ? 0 : sc * (log ? dy[at(j)] - Math.exp(y[at(j)]) * s : y[at(j)] * (dy[at(j)] - s));
  }
}

/** SoftmaxOutput gradient (see f32_softmax_ce_bwd__simd128): flags 1 use_ignore, 2 valid normalization. @example softmaxCeBwd(p, [1], dx, 1, 3, 1, -1, 0, 1, 0) */
export function softmaxCeBwd(y: A, label: A, dx: W, outer: number, K: number, inner: number, ignore: number, flags: number, scale: number, alpha: number): void {
  const ig = Math.trunc(ignore);
  let s = scale;
  if (flags & 2) { let c = 0; for (let l = 0; l < outer * inner; l++) if (Math.trunc(label[l]) !== ig) c++; s = scale / Math.max(c, 1); }
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const k = Math.trunc(label[o * inner + i]);
    for (let j = 0; j < K; j++) {
      const q = (o * K + j) * inner + i;
      dx[q] = (flags & 1) && k === ig ? 0 : (y[q] - (j === k ? 1 - alpha : K > 1 ? alpha / (K - 1) : 0)) * s;
    }
  }
}

/** BatchNorm forward over (outer, C, inner); returns [mean, invstd] per channel. @example batchNorm(x, y, g, b, rm, rv, N, C, H * W, 1e-3, true, false) */
export function batchNorm(x: A, y: W, g: A, b: A, rm: A, rv: A, outer: number, C: number, inner: number, eps: number, train: boolean, fixGamma: boolean): [number[], number[]] {
  const M = outer * inner, means: number[] = [], inv: number[] = [];
  for (let ch = 0; ch < C; ch++) {
    const idx: number[] = [];
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) idx.push((o * C + ch) * inner + i);
    let mu = rm[ch], is = 1 / Math.sqrt(rv[ch] + eps);
    if (train) {
      mu = idx.reduce((s, k) => s + x[k], 0) / M;
      const v = idx.reduce((s, k) => s + (x[k] - mu) ** 2, 0) / M;
      is = 1 / Math.sqrt(v + eps);
    }
    means.push(mu); inv.push(is);
    for (const k of idx) y[k] = (x[k] - mu) * is * (fixGamma ? 1 : g[ch]) + b[ch];
  }
  return [means, inv];
}

/**
 * LayerNorm over rows of n (gamma/beta per position), InstanceNorm (C > 0: per row channel row % C) or
 * GroupNorm (C > 0 and S: segment k of S values in row r uses channel (r % C) * (n / S) + k).
 * @example rowNorm(x, y, g, b, rows, n, 0, 1e-5)
 */
export function rowNorm(x: A, y: W, g: A | undefined, b: A | undefined, rows: number, n: number, C: number, eps: number, S = n): void {
  for (let r = 0; r < rows; r++) {
    let mu = 0; for (let j = 0; j < n; j++) mu += x[r * n + j]; mu /= n;
    let v = 0; for (let j = 0; j < n; j++) v += (x[r * n + j] - mu) ** 2; v /= n;
    const sd = Math.sqrt(v + eps);
    for (let j = 0; j < n; j++) {
      const ch = C ? (r % C) * (n / S) + Math.floor(j / S) : j, G = g ? g[ch] : 1, B = b ? b[ch] : 0;
      y[r * n + j] = (x[r * n + j] - mu) / sd * G + B;
    }
  }
}

/** L2 normalization of lines of (outer, n, inner). @example l2norm(x, y, N, C, H * W, 1e-10) */
export function l2norm(x: A, y: W, outer: number, n: number, inner: number, eps: number): void {
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let s = 0; for (let j = 0; j < n; j++) s += x[(o * n + j) * inner + i] ** 2;
    const nv = Math.sqrt(s + eps);
    for (let j = 0; j < n; j++) y[(o * n + j) * inner + i] = x[(o * n + j) * inner + i] / nv;
  }
}

/** Embedding lookup with clipped indices. @example embedding([0, 2], w, y, D, V) */
export function embedding(idx: A, w: A, y: W, D: number, V: number): void {
  for (let i = 0; i < idx.length; i++) {
    const k = Math.min(V - 1, Math.max(0, Math.trunc(idx[i]) || 0));
    for (let j = 0; j < D; j++) y[i * D + j] = w[k * D + j];
  }
}

/** LRN across channels of (N, C, S): y = x * (k + alpha/nsize * window sum of x^2)^-beta. @example lrn(x, y, N, C, H * W, 5, 1e-4, 0.75, 2) */
export function lrn(x: A, y: W, N: number, C: number, S: number, nsize: number, alpha: number, beta: number, k: number): void {
  const h = nsize >> 1;
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < S; i++) {
    let s = 0;
    for (let q = Math.max(0, c - h); q <= Math.min(C - 1, c + h); q++) s += x[(n * C + q) * S + i] ** 2;
    const p = (n * C + c) * S + i;
    y[p] = x[p] * (k + alpha / nsize * s) ** -beta;
  }
}
