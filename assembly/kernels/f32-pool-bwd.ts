// Pooling backward (family file, see assembly/index.ts; the forward and the semantics: f32-pool.ts).
// Max sends each dy to the first window position equal to y; avg / sum / lp spread it.

import { addr } from './f32-math';
/**
 * Pooling backward of P planes: dx = 0, then each dy goes to the first position of its window whose input equals
 * the output (max), or is spread as dy/pool_size (avg), dy (sum), dy*x/y (lp 2), dy (lp 1).
 */
export function f32_pool2d_bwd__simd128(x: usize, y: usize, dy: usize, dx: usize, P: i32, H: i32, W: i32, Ho: i32, Wo: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, type: i32, countPad: i32): void {
  memory.fill(dx, 0, <usize>(P * H * W) << 2);
  // 2x2 stride-2 unpadded max/avg: windows tile the input, so 4 outputs' full windows are written directly in SIMD.
  const fast2 = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && type <= 1;
  // Other stride-2 windows 2 or 3 wide (max, avg, sum): SIMD read-modify-write of the interior columns (max: first-match masks).
  const maxS2 = !fast2 && type <= 2 && sw == 2 && (kw == 2 || kw == 3);
  const lo = (pw + 1) >> 1, t2 = W - 6 - kw + pw, vmax = t2 < 0 ? -1 : t2 >> 1;
  for (let p = 0; p < P; p++) {
    const xp = addr(x, p * H * W), dxp = addr(dx, p * H * W), o0 = p * Ho * Wo;
    for (let oh = 0; oh < Ho; oh++) {
      let hs = oh * sh - ph, he = hs + kh;
      const hpad = (he < H + ph ? he : H + ph) - hs;
      if (hs < 0) hs = 0;
      if (he > H) he = H;
      const yr = addr(y, o0 + oh * Wo), gr = addr(dy, o0 + oh * Wo);
      let ow = 0;
      if (fast2 && he - hs == 2) ow = bwd2x2(addr(xp, hs * W), addr(dxp, hs * W), W, Wo, yr, gr, type);
      else if (maxS2 && vmax >= lo) {
        for (; ow < lo; ow++) bwdPoint(xp, dxp, H, W, hs, he, hpad, ow, kw, sw, pw, type, countPad, load<f32>(addr(gr, ow)), load<f32>(addr(yr, ow)));
        if (type == 0) ow = bwdS2(addr(xp, hs * W - pw), addr(dxp, hs * W - pw), he - hs, W, kw, ow, vmax, Wo, yr, gr, true, 1);
        else {
          // Interior windows are kw wide, so pool_size = rows * kw (sum: 1).
          const scale: f32 = type == 1 ? 1 / <f32>((countPad ? hpad : he - hs) * kw) : 1;
          ow = bwdS2(addr(xp, hs * W - pw), addr(dxp, hs * W - pw), he - hs, W, kw, ow, vmax, Wo, yr, gr, false, scale);
        }
      }
      for (; ow < Wo; ow++) bwdPoint(xp, dxp, H, W, hs, he, hpad, ow, kw, sw, pw, type, countPad, load<f32>(addr(gr, ow)), load<f32>(addr(yr, ow)));
    }
  }
}

/** Backward of one output (any window): max to the first match, avg / sum / lp spread. */
function bwdPoint(xp: usize, dxp: usize, H: i32, W: i32, hs: i32, he: i32, hpad: i32, ow: i32, kw: i32, sw: i32, pw: i32,
  type: i32, countPad: i32, g: f32, yv: f32): void {
  let ws = ow * sw - pw, we = ws + kw;
  const wpad = (we < W + pw ? we : W + pw) - ws;
  if (ws < 0) ws = 0;
  if (we > W) we = W;
  if (type == 0) {
    for (let ih = hs; ih < he; ih++) {
      for (let iw = ws; iw < we; iw++) {
        const i = ih * W + iw;
        if (load<f32>(addr(xp, i)) == yv) { store<f32>(addr(dxp, i), load<f32>(addr(dxp, i)) + g); return; }
      }
    }
    return;
  }
  let s: f32 = g;
  if (type == 1) s = g / (countPad ? <f32>(hpad * wpad) : <f32>((he - hs) * (we - ws)));
  const r: f32 = type == 3 ? (yv != 0 ? g / yv : 0) : 0;
  for (let ih = hs; ih < he; ih++) {
    for (let iw = ws; iw < we; iw++) {
      const d = addr(dxp, ih * W + iw);
      store<f32>(d, load<f32>(d) + (type == 3 ? r * load<f32>(addr(xp, ih * W + iw)) : s));
    }
  }
}

/**
 * SIMD backward of one output row, stride 2, windows 2 or 3 wide over nr rows from x0 / d0 (column -pw), 4 outputs
 * at a time, read-modify-write (windows overlap). Max: lanes take the first window position (row-major) equal to y;
 * avg / sum: every position gets dy * scale. Returns the next ow.
 */
@inline function bwdS2(x0: usize, d0: usize, nr: i32, W: i32, kw: i32, ow: i32, vmax: i32, Wo: i32, yr: usize, gr: usize, isMax: bool, scale: f32): i32 {
  const rb = <usize>W << 2, z = f32x4.splat(0), sc = f32x4.splat(scale);
  for (; ow <= vmax && ow + 4 <= Wo; ow += 4) {
    const yv = v128.load(addr(yr, ow)), g = isMax ? v128.load(addr(gr, ow)) : f32x4.mul(v128.load(addr(gr, ow)), sc), o = <usize>ow << 3;
    let taken = z, xr = x0 + o, dr = d0 + o;
    for (let r = 0; r < nr; r++, xr += rb, dr += rb) {
      let g0 = g, g1 = g, e = z;
      if (isMax) {
        const a = v128.load(xr), b = v128.load(xr, 16);
        e = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
        const m0 = v128.andnot(f32x4.eq(e, yv), taken); taken = v128.or(taken, m0);
        const m1 = v128.andnot(f32x4.eq(v128.shuffle<f32>(a, b, 1, 3, 5, 7), yv), taken); taken = v128.or(taken, m1);
        g0 = v128.and(g, m0); g1 = v128.and(g, m1);
      }
      let lo = v128.shuffle<f32>(g0, g1, 0, 4, 1, 5), hi = v128.shuffle<f32>(g0, g1, 2, 6, 3, 7);
      if (kw == 3) {
        let g2 = g;
        if (isMax) {
          const e2 = v128.shuffle<f32>(e, v128.load32_zero(xr, 32), 1, 2, 3, 4);
          const m2 = v128.andnot(f32x4.eq(e2, yv), taken); taken = v128.or(taken, m2);
          g2 = v128.and(g, m2);
        }
        // Column 2l + 2 of lane l: lanes 0..2 land in cols 2, 4, 6; lane 3 in col 8.
        lo = f32x4.add(lo, v128.shuffle<f32>(z, g2, 0, 1, 4, 3));
        hi = f32x4.add(hi, v128.shuffle<f32>(g2, z, 1, 4, 2, 4));
        store<f32>(dr, load<f32>(dr, 32) + f32x4.extract_lane(g2, 3), 32);
      }
      v128.store(dr, f32x4.add(v128.load(dr), lo));
      v128.store(dr, f32x4.add(v128.load(dr, 16), hi), 16);
    }
  }
  return ow;
}

/** SIMD 2x2 stride-2 backward of one output row (rows r0 = x0, r1 = x0 + W): max picks the first window match. */
@inline function bwd2x2(x0: usize, d0: usize, W: i32, Wo: i32, yr: usize, gr: usize, type: i32): i32 {
  const rb = <usize>W << 2, q = f32x4.splat(0.25);
  let ow = 0;
  for (; ow + 4 <= Wo && 2 * ow + 8 <= W; ow += 4) {
    const o = <usize>ow << 3, g = v128.load(addr(gr, ow));
    let e0: v128, o0: v128, e1: v128, o1: v128;
    if (type == 0) {
      const yv = v128.load(addr(yr, ow));
      const a0 = v128.load(x0 + o), b0 = v128.load(x0 + o + 16), a1 = v128.load(x0 + rb + o), b1 = v128.load(x0 + rb + o + 16);
      const m00 = f32x4.eq(v128.shuffle<f32>(a0, b0, 0, 2, 4, 6), yv);
      let taken = m00;
      const m01 = v128.andnot(f32x4.eq(v128.shuffle<f32>(a0, b0, 1, 3, 5, 7), yv), taken); taken = v128.or(taken, m01);
      const m10 = v128.andnot(f32x4.eq(v128.shuffle<f32>(a1, b1, 0, 2, 4, 6), yv), taken); taken = v128.or(taken, m10);
      const m11 = v128.andnot(f32x4.eq(v128.shuffle<f32>(a1, b1, 1, 3, 5, 7), yv), taken);
      e0 = v128.and(g, m00); o0 = v128.and(g, m01); e1 = v128.and(g, m10); o1 = v128.and(g, m11);
    } else {
      e0 = f32x4.mul(g, q); o0 = e0; e1 = e0; o1 = e0;
    }
    v128.store(d0 + o, v128.shuffle<f32>(e0, o0, 0, 4, 1, 5)); v128.store(d0 + o + 16, v128.shuffle<f32>(e0, o0, 2, 6, 3, 7));
    v128.store(d0 + rb + o, v128.shuffle<f32>(e1, o1, 0, 4, 1, 5)); v128.store(d0 + rb + o + 16, v128.shuffle<f32>(e1, o1, 2, 6, 3, 7));
  }
  return ow;
}
