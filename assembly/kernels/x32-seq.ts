// Sequence ops (SequenceMask / SequenceLast / SequenceReverse), gather_nd / its scatter-add gradient and
// arange_like. A sequence tensor has a time axis and a batch axis among its first two, each (t, b) a block
// of `inner` contiguous values at (t*st + b*sb). Lengths (0: none, all T) are float32 (li 0) or int32 (li 1),
// clamped to [0, T]; NaN counts as 0.

/** The valid length of batch item b. */
@inline function lenOf(len: usize, li: i32, b: usize, T: i32): i32 {
  if (len == 0) return T;
  let k: i32;
  if (li) k = load<i32>(len + (b << 2));
  else { const v = load<f32>(len + (b << 2)); k = v != v ? 0 : <i32>max<f32>(min<f32>(v, 2e9), -2e9); }
  return k < 0 ? 0 : k > T ? T : k;
}

@inline function fill(p: usize, v: f32, n: usize): void {
  const vv = f32x4.splat(v);
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (i << 2), vv);
  for (; i < n; i++) store<f32>(p + (i << 2), v);
}

/** SequenceMask: y = x with every (t, b) block at t >= len[b] set to value (x may be y). Also its gradient (value 0). */
export function x32_seqmask__simd128(x: usize, y: usize, len: usize, li: i32, T: i32, B: i32, inner: usize, st: usize, sb: usize, value: f32): void {
  const bytes = inner << 2;
  for (let b = 0; b < B; b++) {
    const L = lenOf(len, li, <usize>b, T);
    for (let t = 0; t < T; t++) {
      const o = (<usize>t * st + <usize>b * sb) << 2;
      if (t >= L) fill(y + o, value, inner);
      else if (x != y) memory.copy(y + o, x + o, bytes);
    }
  }
}

/**
 * SequenceLast: dir 0: y[b] = x[max(len[b], 1) - 1, b] (y is (B, inner)); dir 1 (the gradient, x zeroed by
 * the caller): x[max(len[b], 1) - 1, b] = y[b].
 */
export function x32_seqlast__simd128(x: usize, y: usize, len: usize, li: i32, T: i32, B: i32, inner: usize, st: usize, sb: usize, dir: i32): void {
  const bytes = inner << 2;
  for (let b = 0; b < B; b++) {
    const t = max(lenOf(len, li, <usize>b, T), 1) - 1;
    const xo = x + ((<usize>t * st + <usize>b * sb) << 2), yo = y + <usize>b * bytes;
    if (dir) memory.copy(xo, yo, bytes); else memory.copy(yo, xo, bytes);
  }
}

/** SequenceReverse (time axis 0, x (T, B, inner), x != y): y[t, b] = x[len[b]-1-t, b] for t < len[b], else x[t, b]. Its own gradient. */
export function x32_seqreverse__simd128(x: usize, y: usize, len: usize, li: i32, T: i32, B: i32, inner: usize): void {
  const bytes = inner << 2, sb = inner, st = <usize>B * inner;
  for (let b = 0; b < B; b++) {
    const L = lenOf(len, li, <usize>b, T);
    for (let t = 0; t < T; t++) {
      const s = t < L ? L - 1 - t : t;
      memory.copy(y + ((<usize>t * st + <usize>b * sb) << 2), x + ((<usize>s * st + <usize>b * sb) << 2), bytes);
    }
  }
}

/** An index into an axis of size d: truncated, negatives from the end, then clamped into [0, d). */
@inline function fixIdx(v: f32, d: i32): i32 {
  let k = v != v ? 0 : <i32>max<f32>(min<f32>(v, 2e9), -2e9);
  if (k < 0) k += d;
  return k < 0 ? 0 : k >= d ? d - 1 : k;
}

/**
 * gather_nd over x (d0, .., d{M-1}, inner) with idx (M, N) float32: dir 0: y[j] = x[idx[:, j]] (y (N, inner));
 * dir 1 (gradient, f32): x[idx[:, j]] += y[j]; dir 2 (_scatter_set_nd): x[idx[:, j]] = y[j] (in order: the last
 * write wins); dir 3 (its gradient): x[idx[:, j]] = 0 (y unused); dirs 4, 5, 6 (_scatter_reduce_nd, f32, in order):
 * x[idx[:, j]] = x * y[j], pmax(x, y[j]), pmin(x, y[j]) (pmax(a, b) = a < b ? b : a: C++ std::max, as onnxruntime).
 * M <= 5; unused dims are 1.
 */
export function x32_gathernd__simd128(x: usize, idx: usize, y: usize, M: i32, N: i32, inner: usize, dir: i32, d0: i32, d1: i32, d2: i32, d3: i32, d4: i32): void {
  const bytes = inner << 2;
  for (let j = 0; j < N; j++) {
    let off: usize = 0;
    for (let m = 0; m < M; m++) {
      const d = m == 0 ? d0 : m == 1 ? d1 : m == 2 ? d2 : m == 3 ? d3 : d4;
      off = off * <usize>d + <usize>fixIdx(load<f32>(idx + ((<usize>m * <usize>N + <usize>j) << 2)), d);
    }
    const xo = x + off * bytes, yo = y + <usize>j * bytes;
    if (dir == 0) { memory.copy(yo, xo, bytes); continue; }
    if (dir == 2) { memory.copy(xo, yo, bytes); continue; }
    if (dir == 3) { memory.fill(xo, 0, bytes); continue; }
    let i: usize = 0;
    if (dir >= 4) {
      for (; i + 4 <= inner; i += 4) {
        const a = v128.load(xo + (i << 2)), b = v128.load(yo + (i << 2));
        v128.store(xo + (i << 2), dir == 4 ? f32x4.mul(a, b) : dir == 5 ? f32x4.pmax(a, b) : f32x4.pmin(a, b));
      }
      for (; i < inner; i++) {
        const a = load<f32>(xo + (i << 2)), b = load<f32>(yo + (i << 2));
        store<f32>(xo + (i << 2), dir == 4 ? a * b : dir == 5 ? (a < b ? b : a) : (b < a ? b : a));
      }
      continue;
    }
    for (; i + 4 <= inner; i += 4) v128.store(xo + (i << 2), f32x4.add(v128.load(xo + (i << 2)), v128.load(yo + (i << 2))));
    for (; i < inner; i++) store<f32>(xo + (i << 2), load<f32>(xo + (i << 2)) + load<f32>(yo + (i << 2)));
  }
}

/** arange_like: y[i] = start + floor(i / repeat) * step for i < n (f32 arithmetic, as MXNet). */
export function f32_arangelike__scalar(y: usize, n: usize, start: f32, step: f32, repeat: i32): void {
  const rep = <usize>max(repeat, 1);
  for (let i: usize = 0; i < n; i++) store<f32>(y + (i << 2), start + <f32>(i / rep) * step);
}
