// Layout kernels over 32-bit elements (any 4-byte dtype): transposition, N-d strided copy,
// gather/scatter (take, pick), one_hot, nearest upsampling. Byte offsets; no allocation.

// ---- 2-D transpose, 4x4 SIMD blocks: dst[c][r] = src[r][c]; ld* are row strides in bytes ----
@inline function tr4(s: usize, ls: usize, d: usize, lddst: usize): void {
  const a = v128.load(s), b = v128.load(s + ls), c = v128.load(s + 2 * ls), e = v128.load(s + 3 * ls);
  const t0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), t1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(c, e, 0, 4, 1, 5), t3 = v128.shuffle<i32>(c, e, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
  v128.store(d + lddst, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * lddst, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * lddst, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7));
}

// Tiles of 128 source rows x 8 columns: each tile writes 8 destination rows of 512 contiguous bytes
// (full cache lines; no 4 KiB-stride aliasing between live lines).
function transpose2d(src: usize, lds: usize, dst: usize, ldd: usize, rows: usize, cols: usize): void {
  const r4 = rows & ~(<usize>3), c4 = cols & ~(<usize>3);
  for (let rb: usize = 0; rb < r4; rb += 128) {
    const re = min<usize>(r4, rb + 128);
    for (let cb: usize = 0; cb < c4; cb += 8) {
      const ce = min<usize>(c4, cb + 8);
      for (let r = rb; r < re; r += 4) for (let c = cb; c < ce; c += 4) tr4(src + r * lds + (c << 2), lds, dst + c * ldd + (r << 2), ldd);
    }
  }
  for (let r: usize = 0; r < r4; r++) for (let c = c4; c < cols; c++) store<u32>(dst + c * ldd + (r << 2), load<u32>(src + r * lds + (c << 2)));
  for (let r = r4; r < rows; r++) for (let c: usize = 0; c < cols; c++) store<u32>(dst + c * ldd + (r << 2), load<u32>(src + r * lds + (c << 2)));
}

/** y (n x m) = transpose of x (m x n), 32-bit elements. */
export function x32_transposec__simd128_4x4(x: usize, y: usize, m: usize, n: usize): void {
  transpose2d(x, n << 2, y, m << 2, m, n);
}

// ---- N-d strided copy ----
@inline function ld(d: usize, i: usize): i32 { return load<i32>(d + (i << 2)); }

function inner2d(x: usize, y: usize, n4: i32, n5: i32, sx4: i32, sx5: i32, sy4: i32, sy5: i32): void {
  if (sx4 == 4 && sy5 == 4 && sx5 > 0 && sy4 > 0 && n4 >= 4 && n5 >= 4) {
    transpose2d(x, <usize>sx5, y, <usize>sy4, <usize>n5, <usize>n4);
  } else if (n5 >= 16 && sx5 == 4 && sy5 == 4) {
    for (let a = 0; a < n4; a++) memory.copy(y + <usize>(a * sy4), x + <usize>(a * sx4), <usize>n5 << 2);
  } else if (n5 >= 4 && sx5 == 0 && sy5 == 4) {
    for (let a = 0; a < n4; a++) {
      const v = load<f32>(x + <usize>(a * sx4)), vv = f32x4.splat(v), p = y + <usize>(a * sy4);
      let b = 0;
      for (; b + 4 <= n5; b += 4) v128.store(p + (<usize>b << 2), vv);
      for (; b < n5; b++) store<f32>(p + (<usize>b << 2), v);
    }
  } else if (sx5 == 0 && sy5 == 4 && sx4 == 4 && sy4 == n5 << 2 && n5 == 2) { // each element twice (repeat, upsampling)
    let a = 0;
    for (; a + 4 <= n4; a += 4) {
      const v = v128.load(x + (<usize>a << 2)), q = y + (<usize>a << 3);
      v128.store(q, v128.shuffle<i32>(v, v, 0, 0, 1, 1)); v128.store(q, v128.shuffle<i32>(v, v, 2, 2, 3, 3), 16);
    }
    for (; a < n4; a++) { const v = load<u32>(x + (<usize>a << 2)); store<u32>(y + (<usize>a << 3), v); store<u32>(y + (<usize>a << 3), v, 4); }
  } else {
    for (let a = 0; a < n4; a++) {
      const xa = x + <usize>(a * sx4), ya = y + <usize>(a * sy4);
      for (let b = 0; b < n5; b++) store<u32>(ya + <usize>(b * sy5), load<u32>(xa + <usize>(b * sx5)));
    }
  }
}

/**
 * 6-d strided copy: y[i0..i5 . sy] = x[i0..i5 . sx]. desc (int32 x 18): n[6], sx[6], sy[6], strides in
 * bytes, may be 0 (broadcast) or negative. Inner 2 dims: row copies, broadcast fills, or 4x4 transposes.
 */
export function x32_copynd__simd128(x: usize, y: usize, d: usize): void {
  const n0 = ld(d, 0), n1 = ld(d, 1), n2 = ld(d, 2), n3 = ld(d, 3), n4 = ld(d, 4), n5 = ld(d, 5);
  const a0 = ld(d, 6), a1 = ld(d, 7), a2 = ld(d, 8), a3 = ld(d, 9), a4 = ld(d, 10), a5 = ld(d, 11);
  const b0 = ld(d, 12), b1 = ld(d, 13), b2 = ld(d, 14), b3 = ld(d, 15), b4 = ld(d, 16), b5 = ld(d, 17);
  for (let i0 = 0; i0 < n0; i0++) for (let i1 = 0; i1 < n1; i1++) for (let i2 = 0; i2 < n2; i2++) for (let i3 = 0; i3 < n3; i3++) {
    inner2d(x + <usize>(i0 * a0 + i1 * a1 + i2 * a2 + i3 * a3), y + <usize>(i0 * b0 + i1 * b1 + i2 * b2 + i3 * b3), n4, n5, a4, a5, b4, b5);
  }
}

// ---- gather / scatter ----
/** Index fix-up: mode 0 clip, 1 wrap, 2 raise (clip, reported as bad). Returns -1 when out of range (or NaN) in mode 2. */
@inline function fix(v: f32, n: i32, mode: i32): i32 {
  if (v != v) { if (mode == 2) return -1; v = 0; }
  const k = <i32>max<f32>(min<f32>(v, 2e9), -2e9);
  if (mode == 1) { const w = k % n; return w < 0 ? w + n : w; }
  if (k < 0) return mode == 2 ? -1 : 0;
  if (k >= n) return mode == 2 ? -1 : n - 1;
  return k;
}

/**
 * take: y[o, j, :] = x[o, fix(idx[j]), :] for x (outer, n, inner), idx nidx floats. Returns the number
 * of out-of-range indices (mode 2 = raise; they read row 0).
 */
export function x32_gather__simd128(x: usize, idx: usize, y: usize, outer: usize, n: i32, inner: usize, nidx: usize, mode: i32): i32 {
  let bad = 0;
  const rb = inner << 2;
  for (let o: usize = 0; o < outer; o++) {
    const xo = x + o * <usize>n * rb, yo = y + o * nidx * rb;
    for (let j: usize = 0; j < nidx; j++) {
      let k = fix(load<f32>(idx + (j << 2)), n, mode);
      if (k < 0) { k = 0; if (o == 0) bad++; }
      if (inner == 1) store<u32>(yo + (j << 2), load<u32>(xo + (<usize>k << 2)));
      else memory.copy(yo + j * rb, xo + <usize>k * rb, rb);
    }
  }
  return bad;
}

@inline function addRow(src: usize, dst: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (i << 2), f32x4.add(v128.load(dst + (i << 2)), v128.load(src + (i << 2))));
  for (; i < n; i++) store<f32>(dst + (i << 2), load<f32>(dst + (i << 2)) + load<f32>(src + (i << 2)));
}

/** take backward: dx[o, fix(idx[j]), :] += g[o, j, :] (dx zeroed by the caller; out-of-range rows are dropped in mode 2). */
export function f32_scatteradd__simd128(g: usize, idx: usize, dx: usize, outer: usize, n: i32, inner: usize, nidx: usize, mode: i32): void {
  const rb = inner << 2;
  for (let o: usize = 0; o < outer; o++) {
    for (let j: usize = 0; j < nidx; j++) {
      const k = fix(load<f32>(idx + (j << 2)), n, mode);
      if (k >= 0) addRow(g + (o * nidx + j) * rb, dx + (o * <usize>n + <usize>k) * rb, inner);
    }
  }
}

/** pick: y[o, i] = x[o, fix(idx[o, i]), i] for x (outer, n, inner). Returns the out-of-range count. */
export function x32_pick__scalar(x: usize, idx: usize, y: usize, outer: usize, n: i32, inner: usize, mode: i32): i32 {
  let bad = 0;
  for (let o: usize = 0; o < outer; o++) for (let i: usize = 0; i < inner; i++) {
    const q = (o * inner + i) << 2;
    let k = fix(load<f32>(idx + q), n, mode);
    if (k < 0) { k = 0; bad++; }
    store<u32>(y + q, load<u32>(x + ((o * <usize>n + <usize>k) * inner + i) * 4));
  }
  return bad;
}

/** pick backward: dx[o, fix(idx[o, i]), i] += g[o, i] (dx zeroed by the caller). */
export function f32_pickgrad__scalar(g: usize, idx: usize, dx: usize, outer: usize, n: i32, inner: usize, mode: i32): void {
  for (let o: usize = 0; o < outer; o++) for (let i: usize = 0; i < inner; i++) {
    const q = (o * inner + i) << 2;
    const k = fix(load<f32>(idx + q), n, mode);
    if (k < 0) continue;
    const p = dx + ((o * <usize>n + <usize>k) * inner + i) * 4;
    store<f32>(p, load<f32>(p) + load<f32>(g + q));
  }
}

/** one_hot: row j of y (depth 32-bit values) is `off` except `on` at trunc(idx[j]) when in [0, depth). */
export function x32_onehot__scalar(idx: usize, y: usize, n: usize, depth: usize, on: i32, off: i32): void {
  const vv = i32x4.splat(off);
  for (let j: usize = 0; j < n; j++) {
    const p = y + j * (depth << 2);
    let i: usize = 0;
    for (; i + 4 <= depth; i += 4) v128.store(p + (i << 2), vv);
    for (; i < depth; i++) store<i32>(p + (i << 2), off);
    const v = load<f32>(idx + (j << 2));
    if (v >= 0 && v < <f32>depth) store<i32>(p + (<usize><i32>v << 2), on);
  }
}

// ---- nearest upsampling by an integer factor s ----
/** y[p, h*s+i, w*s+j] (=|+=) x[p, h, w] for `planes` planes of h x w; acc != 0 adds into y. */
export function f32_upnearest__simd128(x: usize, y: usize, planes: usize, h: usize, w: usize, s: usize, acc: i32): void {
  const W = w * s, rb = W << 2;
  for (let p: usize = 0; p < planes * h; p++) {
    const xr = x + p * (w << 2), y0 = y + p * s * rb;
    for (let i: usize = 0; i < s; i++) {
      const yr = y0 + i * rb;
      if (!acc && i > 0) { memory.copy(yr, y0, rb); continue; }
      let c: usize = 0;
      if (s == 2 && !acc) {
        for (; c + 4 <= w; c += 4) {
          const v = v128.load(xr + (c << 2));
          v128.store(yr + (c << 3), v128.shuffle<i32>(v, v, 0, 0, 1, 1));
          v128.store(yr + (c << 3) + 16, v128.shuffle<i32>(v, v, 2, 2, 3, 3));
        }
      }
      for (; c < w; c++) {
        const v = load<f32>(xr + (c << 2));
        for (let j: usize = 0; j < s; j++) {
          const q = yr + ((c * s + j) << 2);
          store<f32>(q, acc ? load<f32>(q) + v : v);
        }
      }
    }
  }
}

/** Nearest upsampling backward: dx[p, h, w] = sum over the s x s window of g. */
export function f32_upnearest_grad__simd128(g: usize, dx: usize, planes: usize, h: usize, w: usize, s: usize): void {
  const W = w * s, rb = W << 2;
  for (let p: usize = 0; p < planes * h; p++) {
    const dr = dx + p * (w << 2), g0 = g + p * s * rb;
    let c: usize = 0;
    if (s == 2) {
      for (; c + 4 <= w; c += 4) {
        const q = g0 + (c << 3);
        const t0 = f32x4.add(v128.load(q), v128.load(q + rb)), t1 = f32x4.add(v128.load(q, 16), v128.load(q + rb, 16));
        v128.store(dr + (c << 2), f32x4.add(v128.shuffle<i32>(t0, t1, 0, 2, 4, 6), v128.shuffle<i32>(t0, t1, 1, 3, 5, 7)));
      }
    }
    for (; c < w; c++) {
      let a: f32 = 0;
      for (let i: usize = 0; i < s; i++) for (let j: usize = 0; j < s; j++) a += load<f32>(g0 + i * rb + ((c * s + j) << 2));
      store<f32>(dr + (c << 2), a);
    }
  }
}
