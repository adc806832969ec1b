// Pooling kernels over P = N*C NCHW planes of H x W (1-D pooling is H = 1). MXNet semantics (nn/pool.h):
// type 0 max (padding never wins; an empty window gives the lowest f32), 1 avg, 2 sum, 3 lp with p = 2, 4 lp with p = 1.
// avg: pool_size = window area clipped to [-p, H+p) (counts padding), or to the image when countPad = 0; each element
// is divided by pool_size before summing (the SIMD interior sums, then scales).

import { addr, hsum } from './f32-math';
const LOWEST: f32 = -3.4028234663852886e38;

/** Largest vector start ow whose loads all lie in [0, W) (stride 1 or 2), or -1. */
@inline function vecMax(W: i32, kw: i32, sw: i32, pw: i32): i32 {
  const t = sw == 1 ? W - kw - 3 + pw : W - 8 - ((kw - 1) & ~1) + pw;
  return t < 0 ? -1 : sw == 1 ? t : t >> 1;
}

/** Forward pooling of P planes: y (P, Ho, Wo) from x (P, H, W). Stride-1/2 interior columns of max/avg/sum run in SIMD. */
export function f32_pool2d__simd128(x: usize, y: usize, P: i32, H: i32, W: i32, Ho: i32, Wo: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, type: i32, countPad: i32): void {
  const simd = type <= 2 && (sw == 1 || sw == 2);
  const s2 = sw == 2 && (kw == 2 || kw == 3);
  // vecRowS2 reads columns 2ow - pw .. 2ow - pw + 5 + kw of a vector at ow (vecRow reads more).
  const lo = (pw + sw - 1) / sw, t2 = W - 6 - kw + pw, vmax = s2 ? (t2 < 0 ? -1 : t2 >> 1) : vecMax(W, kw, sw, pw);
  for (let p = 0; p < P; p++) {
    const xp = addr(x, p * H * W), yp = addr(y, p * Ho * Wo);
    for (let oh = 0; oh < Ho; oh++) {
      let hs = oh * sh - ph, he = hs + kh;
      const hpad = (he < H + ph ? he : H + ph) - hs;
      if (hs < 0) hs = 0;
      if (he > H) he = H;
      const yr = addr(yp, oh * Wo);
      let ow = 0;
      if (simd && vmax >= lo) {
        for (; ow < lo; ow++) store<f32>(addr(yr, ow), point(xp, H, W, hs, he, hpad, ow, kw, sw, pw, type, countPad));
        // Interior columns: the window lies inside the row, so pool_size = rows * kw.
        const scale: f32 = type == 1 ? 1 / <f32>((countPad ? hpad : he - hs) * kw) : 1;
        const rows = addr(xp, hs * W - pw), nr = he - hs;
        // The last 1-3 columns: one more vector ending at Wo, overlapping the one before (its lanes are recomputed
        // alike), where its loads stay in the row; else the scalar tail (ResNet's 3x3/2 pool: 3 of 56 per row).
        for (let pass = 0; pass < 2; pass++) {
          if (s2) {
            if (type == 0) ow = vecRowS2(rows, nr, W, kw, ow, vmax, Wo, yr, true, 1);
            else ow = vecRowS2(rows, nr, W, kw, ow, vmax, Wo, yr, false, scale);
          } else if (type == 0) ow = vecRow(rows, nr, W, kw, sw, ow, vmax, Wo, yr, true, 1);
          else ow = vecRow(rows, nr, W, kw, sw, ow, vmax, Wo, yr, false, scale);
          if (ow >= Wo || Wo - 4 < lo || Wo - 4 > vmax || ow < lo + 4) break;
          ow = Wo - 4;
        }
      }
      for (; ow < Wo; ow++) store<f32>(addr(yr, ow), point(xp, H, W, hs, he, hpad, ow, kw, sw, pw, type, countPad));
    }
  }
}

/** Vertical reduction of one 4-float vector: max, or sum (the first row starts it, so sums keep their order). */
@inline function red(isMax: bool, acc: v128, v: v128): v128 { return isMax ? f32x4.pmax(acc, v) : f32x4.add(acc, v); }

/**
 * Stride-2 windows 2 or 3 wide: reduce the rows first (contiguous loads, no shuffles), then take the even / odd /
 * shifted-even columns once; 8 outputs per step while both halves' loads stay in the row, then 4. The first row
 * starts the reduction (no identity vector). Returns the next ow.
 */
@inline function vecRowS2(rows: usize, nr: i32, W: i32, kw: i32, ow: i32, vmax: i32, Wo: i32, yr: usize, isMax: bool, scale: f32): i32 {
  if (nr <= 0) return ow; // all-padding rows: the scalar path
  const sc = f32x4.splat(scale), rowBytes = <usize>W << 2;
  for (; ow + 4 <= vmax && ow + 8 <= Wo; ow += 8) {
    let p = addr(rows, 2 * ow);
    let va = v128.load(p), vb = v128.load(p, 16), vc = v128.load(p, 32), vd = v128.load(p, 48);
    let ve = kw == 3 ? v128.load32_zero(p, 64) : va;
    p += rowBytes;
    for (let r = 1; r < nr; r++, p += rowBytes) {
      va = red(isMax, va, v128.load(p)); vb = red(isMax, vb, v128.load(p, 16));
      vc = red(isMax, vc, v128.load(p, 32)); vd = red(isMax, vd, v128.load(p, 48));
      if (kw == 3) ve = red(isMax, ve, v128.load32_zero(p, 64));
    }
    const e0 = v128.shuffle<f32>(va, vb, 0, 2, 4, 6), e1 = v128.shuffle<f32>(vc, vd, 0, 2, 4, 6);
    let a0 = red(isMax, e0, v128.shuffle<f32>(va, vb, 1, 3, 5, 7)), a1 = red(isMax, e1, v128.shuffle<f32>(vc, vd, 1, 3, 5, 7));
    if (kw == 3) { a0 = red(isMax, a0, v128.shuffle<f32>(e0, e1, 1, 2, 3, 4)); a1 = red(isMax, a1, v128.shuffle<f32>(e1, ve, 1, 2, 3, 4)); }
    v128.store(addr(yr, ow), isMax ? a0 : f32x4.mul(a0, sc));
    v128.store(addr(yr, ow + 4), isMax ? a1 : f32x4.mul(a1, sc));
  }
  for (; ow <= vmax && ow + 4 <= Wo; ow += 4) {
    let p = addr(rows, 2 * ow);
    let va = v128.load(p), vb = v128.load(p, 16), vc = kw == 3 ? v128.load32_zero(p, 32) : va;
    p += rowBytes;
    for (let r = 1; r < nr; r++, p += rowBytes) {
      va = red(isMax, va, v128.load(p)); vb = red(isMax, vb, v128.load(p, 16));
      if (kw == 3) vc = red(isMax, vc, v128.load32_zero(p, 32));
    }
    const e = v128.shuffle<f32>(va, vb, 0, 2, 4, 6);
    let acc = red(isMax, e, v128.shuffle<f32>(va, vb, 1, 3, 5, 7));
    if (kw == 3) acc = red(isMax, acc, v128.shuffle<f32>(e, vc, 1, 2, 3, 4));
    v128.store(addr(yr, ow), isMax ? acc : f32x4.mul(acc, sc));
  }
  return ow;
}

/** SIMD interior of one output row: 4 outputs at a time over nr input rows (max, or sum times scale). Returns the next ow. */
@inline function vecRow(rows: usize, nr: i32, W: i32, kw: i32, sw: i32, ow: i32, vmax: i32, Wo: i32, yr: usize, isMax: bool, scale: f32): i32 {
  const sc = f32x4.splat(scale), rowBytes = <usize>W << 2;
  if (sw == 1 && nr > 0) {
    // Stride 1: the first row's first column starts the reduction (the order of sums is kept).
    for (; ow <= vmax && ow + 4 <= Wo; ow += 4) {
      let acc = v128.load(addr(rows, ow));
      for (let kj = 1; kj < kw; kj++) acc = red(isMax, acc, v128.load(addr(rows, ow + kj)));
      let row = rows + rowBytes;
      for (let r = 1; r < nr; r++, row += rowBytes) {
        for (let kj = 0; kj < kw; kj++) acc = red(isMax, acc, v128.load(addr(row, ow + kj)));
      }
      v128.store(addr(yr, ow), isMax ? acc : f32x4.mul(acc, sc));
    }
    return ow;
  }
  for (; ow <= vmax && ow + 4 <= Wo; ow += 4) {
    let acc = f32x4.splat(isMax ? LOWEST : 0);
    let row = rows;
    for (let r = 0; r < nr; r++, row += rowBytes) {
      if (sw == 1) {
        for (let kj = 0; kj < kw; kj++) { const v = v128.load(addr(row, ow + kj)); acc = isMax ? f32x4.pmax(acc, v) : f32x4.add(acc, v); }
      } else {
        let kj = 0;
        for (; kj + 2 <= kw; kj += 2) {
          const b0 = addr(row, 2 * ow + kj), a = v128.load(b0), b = v128.load(b0, 16);
          const e = v128.shuffle<f32>(a, b, 0, 2, 4, 6), o = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
          acc = isMax ? f32x4.pmax(acc, f32x4.pmax(e, o)) : f32x4.add(acc, f32x4.add(e, o));
        }
        if (kj < kw) {
          const b0 = addr(row, 2 * ow + kj), e = v128.shuffle<f32>(v128.load(b0), v128.load(b0, 16), 0, 2, 4, 6);
          acc = isMax ? f32x4.pmax(acc, e) : f32x4.add(acc, e);
        }
      }
    }
    v128.store(addr(yr, ow), isMax ? acc : f32x4.mul(acc, sc));
  }
  return ow;
}

/** One pooled value with the full MXNet rules (borders, `full` windows, lp). */
@inline function point(xp: usize, H: i32, W: i32, hs: i32, he: i32, hpad: i32, ow: i32, kw: i32, sw: i32, pw: i32, type: i32, countPad: i32): f32 {
  let ws = ow * sw - pw, we = ws + kw;
  const wpad = (we < W + pw ? we : W + pw) - ws;
  if (ws < 0) ws = 0;
  if (we > W) we = W;
  let acc: f32 = type == 0 ? LOWEST : 0;
  let size: f32 = 1;
  if (type == 1) size = countPad ? <f32>(hpad * wpad) : <f32>((he - hs) * (we - ws));
  for (let ih = hs; ih < he; ih++) {
    const xr = addr(xp, ih * W);
    for (let iw = ws; iw < we; iw++) {
      const v = load<f32>(addr(xr, iw));
      if (type == 0) { if (v > acc) acc = v; } else if (type == 3) acc += v * v; else acc += v / size;
    }
  }
  return type == 3 ? Mathf.sqrt(acc) : acc;
}

/** Global pooling: y[p] = max / mean / sum over the n values of plane p. type as above (0, 1, 2). */
export function f32_global_pool__simd128(x: usize, y: usize, P: i32, n: i32, type: i32): void {
  for (let p = 0; p < P; p++) {
    const xp = addr(x, p * n);
    let i = 0, r: f32;
    if (type == 0) {
      let m0 = f32x4.splat(LOWEST), m1 = m0;
      for (; i + 8 <= n; i += 8) { m0 = f32x4.pmax(m0, v128.load(addr(xp, i))); m1 = f32x4.pmax(m1, v128.load(addr(xp, i + 4))); }
      m0 = f32x4.pmax(m0, m1);
      // pmax(acc, v) = acc < v ? v : acc: NaN never wins, as in the scalar `if (v > acc)` of MXNet's pool.h.
      m0 = f32x4.pmax(m0, v128.shuffle<f32>(m0, m0, 2, 3, 0, 1));
      m0 = f32x4.pmax(m0, v128.shuffle<f32>(m0, m0, 1, 0, 3, 2));
      r = f32x4.extract_lane(m0, 0);
      for (; i < n; i++) { const v = load<f32>(addr(xp, i)); if (v > r) r = v; }
    } else {
      let s0 = f32x4.splat(0), s1 = s0;
      for (; i + 8 <= n; i += 8) { s0 = f32x4.add(s0, v128.load(addr(xp, i))); s1 = f32x4.add(s1, v128.load(addr(xp, i + 4))); }
      s0 = f32x4.add(s0, s1);
      r = hsum(s0);
      for (; i < n; i++) r += load<f32>(addr(xp, i));
      if (type == 1 && n > 0) r /= <f32>n;
    }
    store<f32>(addr(y, p), r);
  }
}
