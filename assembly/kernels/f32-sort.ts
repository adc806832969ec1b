// topk (MXNet's topk op) along one axis of an (outer, n, inner) view: each of the outer*inner lines of n
// values (stride inner) is sorted by a stable bottom-up merge sort of its indices (workspace: 2n int32),
// descending (or ascending with asc); equal values keep the lower index first (MXNet's stable sort, ONNX
// TopK's tie rule). NaN compares false both ways, so it keeps its place among its neighbours.

@inline function better(base: usize, stride: usize, a: i32, b: i32, asc: i32): bool {
  const va = load<f32>(base + <usize>a * stride), vb = load<f32>(base + <usize>b * stride);
  return asc ? va < vb : va > vb;
}

/**
 * The first k of each sorted line: values to val, indices (as float32) to idx, and a 0/1 mask of the
 * selected positions (shaped like x) to mask; a zero pointer skips that output.
 */
export function f32_topk__scalar(x: usize, outer: i32, n: i32, inner: i32, k: i32, asc: i32, ws: usize, val: usize, idx: usize, mask: usize): void {
  const stride = <usize>inner << 2;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const base = x + ((<usize>o * <usize>n * <usize>inner + <usize>i) << 2);
    let src = ws, dst = ws + (<usize>n << 2);
    for (let j = 0; j < n; j++) store<i32>(src + (<usize>j << 2), j);
    for (let w = 1; w < n; w <<= 1) {
      for (let lo = 0; lo < n; lo += w << 1) {
        const mid = min(lo + w, n), hi = min(lo + (w << 1), n);
        let a = lo, b = mid;
        for (let p = lo; p < hi; p++) {
          let take: i32;
          if (b >= hi) take = load<i32>(src + (<usize>(a++) << 2));
          else if (a >= mid) take = load<i32>(src + (<usize>(b++) << 2));
          else {
            const ia = load<i32>(src + (<usize>a << 2)), ib = load<i32>(src + (<usize>b << 2));
            if (better(base, stride, ib, ia, asc)) { take = ib; b++; } else { take = ia; a++; }
          }
          store<i32>(dst + (<usize>p << 2), take);
        }
      }
      const t = src; src = dst; dst = t;
    }
    for (let j = 0; j < k; j++) {
      const id = load<i32>(src + (<usize>j << 2)), at = ((<usize>o * <usize>k + <usize>j) * <usize>inner + <usize>i) << 2;
      if (val) store<f32>(val + at, load<f32>(base + <usize>id * stride));
      if (idx) store<f32>(idx + at, <f32>id);
    }
    if (mask) {
      const mb = mask + ((<usize>o * <usize>n * <usize>inner + <usize>i) << 2);
      for (let j = 0; j < n; j++) store<f32>(mb + <usize>j * stride, 0);
      for (let j = 0; j < k; j++) store<f32>(mb + <usize>load<i32>(src + (<usize>j << 2)) * stride, 1);
    }
  }
}

/** topk's gradient for its values: dx = 0, then dx[o, idx[o, j, i], i] += dy[o, j, i] (idx float32, from f32_topk). */
export function f32_topk_grad__scalar(dy: usize, idx: usize, outer: i32, n: i32, inner: i32, k: i32, dx: usize): void {
  memory.fill(dx, 0, (<usize>outer * <usize>n * <usize>inner) << 2);
  for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) for (let i = 0; i < inner; i++) {
    const at = ((<usize>o * <usize>k + <usize>j) * <usize>inner + <usize>i) << 2, id = <usize><i32>load<f32>(idx + at);
    const d = dx + (((<usize>o * <usize>n + id) * <usize>inner + <usize>i) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(dy + at));
  }
}
