// Reductions over an (outer, r, inner) row-major view of x: y[o, i] = reduce_k x[o, k, i].
// Grammar: f32_r<op>__simd128_u<unroll>. x, y are byte offsets; y holds outer*inner values.
// inner == 1 reduces contiguous rows (16 lanes of accumulators); inner > 1 reduces down columns
// (8 columns at a time, two independent chains). Sums are compensated: blocks of <= 64 terms per
// lane are added plainly, block sums are Kahan-added, so the error does not grow with r.

import { hsum2 } from './f32-math';

const BLK: usize = 64;

/** Lane j = the f32 at p + j*stride (4 rows read at once, for short rows). */
@inline function gather4(p: usize, stride: usize): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + stride, v, 1);
  v = v128.load32_lane(p + 2 * stride, v, 2);
  return v128.load32_lane(p + 3 * stride, v, 3);
}

// ---- sum family: mode 0 sum, 1 nansum (NaN -> 0), 2 sum |x|, 3 sqrt(sum x^2) ----
@inline function tv(v: v128, mode: i32): v128 {
  if (mode == 1) return v128.bitselect(v, f32x4.splat(0), f32x4.eq(v, v));
  if (mode == 2) return f32x4.abs(v);
  if (mode == 3) return f32x4.mul(v, v);
  return v;
}
@inline function ts(v: f32, mode: i32): f32 {
  if (mode == 1) return v != v ? 0 : v;
  if (mode == 2) return abs<f32>(v);
  if (mode == 3) return v * v;
  return v;
}
@inline function fin(s: f32, scale: f32, mode: i32): f32 { return (mode == 3 ? sqrt<f32>(s) : s) * scale; }

function rowSum(p: usize, r: usize, mode: i32): f32 {
  let s: f32 = 0, c: f32 = 0;
  const r16 = r & ~(<usize>15);
  let k: usize = 0;
  while (k < r16) {
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    const e = min<usize>(r16, k + BLK * 16);
    for (; k < e; k += 16) {
      const q = p + (k << 2);
      a0 = f32x4.add(a0, tv(v128.load(q), mode));
      a1 = f32x4.add(a1, tv(v128.load(q, 16), mode));
      a2 = f32x4.add(a2, tv(v128.load(q, 32), mode));
      a3 = f32x4.add(a3, tv(v128.load(q, 48), mode));
    }
    const b = hsum2(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
    const yk = b - c; const t = s + yk; c = (t - s) - yk; s = t;
  }
  let b: f32 = 0;
  for (; k < r; k++) b += ts(load<f32>(p + (k << 2)), mode);
  return s + (b - c);
}

/**
 * y[o,i] = scale * sum_k f(x[o,k,i]); f by mode (0 x, 1 NaN->0, 2 |x|, 3 x^2 then sqrt).
 * inner > 1 streams blocks of 64 rows (cache friendly for any inner) and needs `ws`: inner f32 of
 * scratch for the Kahan compensation terms.
 */
export function f32_rsum__simd128_u16(x: usize, y: usize, outer: usize, r: usize, inner: usize, scale: f32, mode: i32, ws: usize): void {
  if (inner == 1) {
    if (r < 16) { // short rows: 4 rows at a time, one per lane
      const rb = r << 2, o4 = outer & ~(<usize>3);
      let o: usize = 0;
      for (; o < o4; o += 4) {
        const p = x + o * rb;
        let a = f32x4.splat(0);
        for (let k: usize = 0; k < r; k++) a = f32x4.add(a, tv(gather4(p + (k << 2), rb), mode));
        for (let j: usize = 0; j < 4; j++) store<f32>(y + ((o + j) << 2), fin(f32x4.extract_lane(a, 0), scale, mode)), a = v128.shuffle<i32>(a, a, 1, 2, 3, 0);
      }
      for (; o < outer; o++) {
        const p = x + o * rb;
        let s: f32 = 0;
        for (let k: usize = 0; k < r; k++) s += ts(load<f32>(p + (k << 2)), mode);
        store<f32>(y + (o << 2), fin(s, scale, mode));
      }
      return;
    }
    for (let o: usize = 0; o < outer; o++) store<f32>(y + (o << 2), fin(rowSum(x + o * (r << 2), r, mode), scale, mode));
    return;
  }
  const st = inner << 2;
  for (let o: usize = 0; o < outer; o++) {
    const xo = x + o * r * st, yo = y + o * st;
    memory.fill(yo, 0, st); memory.fill(ws, 0, st);
    for (let kb: usize = 0; kb < r; kb += BLK) {
      const ke = min<usize>(r, kb + BLK);
      let i: usize = 0;
      for (; i + 8 <= inner; i += 8) {
        let a0 = f32x4.splat(0), a1 = a0;
        for (let k = kb; k < ke; k++) {
          const q = xo + k * st + (i << 2);
          a0 = f32x4.add(a0, tv(v128.load(q), mode));
          a1 = f32x4.add(a1, tv(v128.load(q, 16), mode));
        }
        const ys = yo + (i << 2), cs = ws + (i << 2);
        let s0 = v128.load(ys), c0 = v128.load(cs);
        let yk = f32x4.sub(a0, c0), t = f32x4.add(s0, yk);
        v128.store(cs, f32x4.sub(f32x4.sub(t, s0), yk)); v128.store(ys, t);
        s0 = v128.load(ys, 16); c0 = v128.load(cs, 16);
        yk = f32x4.sub(a1, c0); t = f32x4.add(s0, yk);
        v128.store(cs, f32x4.sub(f32x4.sub(t, s0), yk), 16); v128.store(ys, t, 16);
      }
      for (; i < inner; i++) {
        let a: f32 = 0;
        for (let k = kb; k < ke; k++) a += ts(load<f32>(xo + k * st + (i << 2)), mode);
        const ys = yo + (i << 2), cs = ws + (i << 2), s0 = load<f32>(ys);
        const yk = a - load<f32>(cs), t = s0 + yk;
        store<f32>(cs, (t - s0) - yk); store<f32>(ys, t);
      }
    }
    if (mode == 3 || scale != 1) for (let i: usize = 0; i < inner; i++) store<f32>(yo + (i << 2), fin(load<f32>(yo + (i << 2)), scale, mode));
  }
}

// ---- max / min / prod / nanprod (op 0..3) ----
@inline function vop(a: v128, b: v128, op: i32): v128 {
  if (op == 0) return f32x4.max(a, b);
  if (op == 1) return f32x4.min(a, b);
  if (op == 3) return f32x4.mul(a, v128.bitselect(b, f32x4.splat(1), f32x4.eq(b, b)));
  return f32x4.mul(a, b);
}
function sop(a: f32, b: f32, op: i32): f32 {
  if (op == 0) return max<f32>(a, b);
  if (op == 1) return min<f32>(a, b);
  if (op == 3) return b != b ? a : a * b;
  return a * b;
}
@inline function ident(op: i32): f32 { return op == 0 ? -Infinity : op == 1 ? Infinity : 1; }

// One shared body (op is a runtime, perfectly predictable branch): keeps the module small.
function reduceGeneric(x: usize, y: usize, outer: usize, r: usize, inner: usize, op: i32): void {
  const id = f32x4.splat(ident(op));
  if (inner == 1) {
    const r16 = r & ~(<usize>15);
    if (r < 64) { // short rows: 4 rows at a time, one per lane
      const rb = r << 2, o4 = outer & ~(<usize>3);
      let o: usize = 0;
      for (; o < o4; o += 4) {
        const p = x + o * rb;
        let a = id;
        for (let k: usize = 0; k < r; k++) a = vop(a, gather4(p + (k << 2), rb), op);
        v128.store(y + (o << 2), a);
      }
      for (; o < outer; o++) {
        const p = x + o * rb;
        let s = ident(op);
        for (let k: usize = 0; k < r; k++) s = sop(s, load<f32>(p + (k << 2)), op);
        store<f32>(y + (o << 2), s);
      }
      return;
    }
    for (let o: usize = 0; o < outer; o++) {
      const p = x + o * (r << 2);
      let a0 = id, a1 = id, a2 = id, a3 = id;
      let k: usize = 0;
      for (; k < r16; k += 16) {
        const q = p + (k << 2);
        a0 = vop(a0, v128.load(q), op); a1 = vop(a1, v128.load(q, 16), op);
        a2 = vop(a2, v128.load(q, 32), op); a3 = vop(a3, v128.load(q, 48), op);
      }
      const a = vop(vop(a0, a1, op), vop(a2, a3, op), op);
      let s = sop(sop(f32x4.extract_lane(a, 0), f32x4.extract_lane(a, 1), op), sop(f32x4.extract_lane(a, 2), f32x4.extract_lane(a, 3), op), op);
      for (; k < r; k++) s = sop(s, load<f32>(p + (k << 2)), op);
      store<f32>(y + (o << 2), s);
    }
    return;
  }
  const st = inner << 2, idf = ident(op);
  for (let o: usize = 0; o < outer; o++) {
    const xo = x + o * r * st, yo = y + o * st;
    for (let i: usize = 0; i < inner; i++) store<f32>(yo + (i << 2), idf);
    for (let kb: usize = 0; kb < r; kb += BLK) {
      const ke = min<usize>(r, kb + BLK);
      let i: usize = 0;
      for (; i + 8 <= inner; i += 8) {
        let a0 = id, a1 = id;
        for (let k = kb; k < ke; k++) {
          const q = xo + k * st + (i << 2);
          a0 = vop(a0, v128.load(q), op); a1 = vop(a1, v128.load(q, 16), op);
        }
        const q = yo + (i << 2);
        v128.store(q, vop(v128.load(q), a0, op)); v128.store(q, vop(v128.load(q, 16), a1, op), 16);
      }
      for (; i < inner; i++) {
        let a = load<f32>(yo + (i << 2));
        for (let k = kb; k < ke; k++) a = sop(a, load<f32>(xo + k * st + (i << 2)), op);
        store<f32>(yo + (i << 2), a);
      }
    }
  }
}

/** y[o,i] = max_k x[o,k,i] (NaN propagates; -inf when r == 0). */
export function f32_rmax__simd128_u16(x: usize, y: usize, outer: usize, r: usize, inner: usize): void { reduceGeneric(x, y, outer, r, inner, 0); }
/** y[o,i] = min_k x[o,k,i] (NaN propagates; +inf when r == 0). */
export function f32_rmin__simd128_u16(x: usize, y: usize, outer: usize, r: usize, inner: usize): void { reduceGeneric(x, y, outer, r, inner, 1); }
/** y[o,i] = prod_k x[o,k,i]; nan != 0 treats NaN as 1 (nanprod). */
export function f32_rprod__simd128_u16(x: usize, y: usize, outer: usize, r: usize, inner: usize, nan: i32): void {
  reduceGeneric(x, y, outer, r, inner, nan ? 3 : 2); // one instance: the NaN test is a runtime branch
}

/**
 * y[o,i] = index (as f32) of the first max (isMin: min) of x[o,:,i]; NaN never wins; 0 when r == 0.
 * inner > 1 needs `ws`: inner f32 of scratch (running best values).
 */
export function f32_rargmax__simd128(x: usize, y: usize, outer: usize, r: usize, inner: usize, isMin: i32, ws: usize): void {
  const sg = f32x4.splat(isMin ? -1 : 1); // compare sg*v > sg*best
  const sgs: f32 = isMin ? -1 : 1;
  if (inner == 1 && r < 64) { // short rows: 4 rows at a time, one per lane
    const rb = r << 2, o4 = outer & ~(<usize>3), one = i32x4.splat(1);
    let o: usize = 0;
    for (; o < o4; o += 4) {
      const p = x + o * rb;
      let best = f32x4.splat(-Infinity), bi = i32x4.splat(0), cur = bi;
      for (let k: usize = 0; k < r; k++) {
        const v = f32x4.mul(gather4(p + (k << 2), rb), sg);
        const m = f32x4.gt(v, best);
        best = v128.bitselect(v, best, m); bi = v128.bitselect(cur, bi, m); cur = i32x4.add(cur, one);
      }
      v128.store(y + (o << 2), f32x4.convert_i32x4_s(bi));
    }
    for (; o < outer; o++) {
      let bv: f32 = -Infinity, bk: i32 = 0;
      for (let k: usize = 0; k < r; k++) { const v = load<f32>(x + o * rb + (k << 2)) * sgs; if (v > bv) { bv = v; bk = <i32>k; } }
      store<f32>(y + (o << 2), <f32>bk);
    }
    return;
  }
  if (inner == 1) {
    const r4 = r & ~(<usize>3);
    for (let o: usize = 0; o < outer; o++) {
      const p = x + o * (r << 2);
      let best = f32x4.splat(-Infinity), bi = i32x4.splat(0), cur = i32x4(0, 1, 2, 3);
      const four = i32x4.splat(4);
      let k: usize = 0;
      for (; k < r4; k += 4) {
        const v = f32x4.mul(v128.load(p + (k << 2)), sg);
        const m = f32x4.gt(v, best);
        best = v128.bitselect(v, best, m); bi = v128.bitselect(cur, bi, m); cur = i32x4.add(cur, four);
      }
      let bv: f32 = f32x4.extract_lane(best, 0), bk: i32 = i32x4.extract_lane(bi, 0);
      let v = f32x4.extract_lane(best, 1), j = i32x4.extract_lane(bi, 1);
      if (v > bv || (v == bv && j < bk)) { bv = v; bk = j; }
      v = f32x4.extract_lane(best, 2); j = i32x4.extract_lane(bi, 2);
      if (v > bv || (v == bv && j < bk)) { bv = v; bk = j; }
      v = f32x4.extract_lane(best, 3); j = i32x4.extract_lane(bi, 3);
      if (v > bv || (v == bv && j < bk)) { bv = v; bk = j; }
      for (; k < r; k++) { const v = load<f32>(p + (k << 2)) * sgs; if (v > bv) { bv = v; bk = <i32>k; } }
      store<f32>(y + (o << 2), <f32>bk);
    }
    return;
  }
  // Columns: blocks of 64 rows streamed; running best values in ws (inner f32), indices in y as i32.
  const st = inner << 2, one = i32x4.splat(1);
  for (let o: usize = 0; o < outer; o++) {
    const xo = x + o * r * st, yo = y + o * st;
    memory.fill(yo, 0, st);
    for (let i: usize = 0; i < inner; i++) store<f32>(ws + (i << 2), -Infinity);
    for (let kb: usize = 0; kb < r; kb += BLK) {
      const ke = min<usize>(r, kb + BLK);
      let i: usize = 0;
      for (; i + 4 <= inner; i += 4) {
        let best = v128.load(ws + (i << 2)), bi = v128.load(yo + (i << 2)), cur = i32x4.splat(<i32>kb);
        for (let k = kb; k < ke; k++) {
          const v = f32x4.mul(v128.load(xo + k * st + (i << 2)), sg);
          const m = f32x4.gt(v, best);
          best = v128.bitselect(v, best, m); bi = v128.bitselect(cur, bi, m); cur = i32x4.add(cur, one);
        }
        v128.store(ws + (i << 2), best); v128.store(yo + (i << 2), bi);
      }
      for (; i < inner; i++) {
        let bv = load<f32>(ws + (i << 2)), bk = load<i32>(yo + (i << 2));
        for (let k = kb; k < ke; k++) { const v = load<f32>(xo + k * st + (i << 2)) * sgs; if (v > bv) { bv = v; bk = <i32>k; } }
        store<f32>(ws + (i << 2), bv); store<i32>(yo + (i << 2), bk);
      }
    }
    let i: usize = 0;
    for (; i + 4 <= inner; i += 4) v128.store(yo + (i << 2), f32x4.convert_i32x4_s(v128.load(yo + (i << 2))));
    for (; i < inner; i++) store<f32>(yo + (i << 2), <f32>load<i32>(yo + (i << 2)));
  }
}
