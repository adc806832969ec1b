// Cast between the memory dtypes (float32, int32, uint8, int8). float -> int truncates toward zero, saturating at the
// int32 range (NaN -> 0); to 8 bits keeps the low byte of that int32 (wraps, as C's static_cast and onnxruntime);
// int -> float rounds to nearest even. Modes (src_dst): see CAST in src/runtime/manifest/copy.ts.

// @ts-ignore: decorator
@inline function tf(v: f32): i32 { return i32x4.extract_lane(i32x4.trunc_sat_f32x4_s(f32x4.splat(v)), 0); }

/** 4-byte lanes (f32 or i32) to bytes: 16 per step. */
function narrow(x: usize, y: usize, n: usize, float: bool): void {
  const m = i32x4.splat(255);
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (i << 2);
    let a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), d = v128.load(p, 48);
    if (float) { a = i32x4.trunc_sat_f32x4_s(a); b = i32x4.trunc_sat_f32x4_s(b); c = i32x4.trunc_sat_f32x4_s(c); d = i32x4.trunc_sat_f32x4_s(d); }
    const ab = i16x8.narrow_i32x4_u(v128.and(a, m), v128.and(b, m)), cd = i16x8.narrow_i32x4_u(v128.and(c, m), v128.and(d, m));
    v128.store(y + i, i8x16.narrow_i16x8_u(ab, cd));
  }
  for (; i < n; i++) store<u8>(y + i, <u8>(float ? tf(load<f32>(x + (i << 2))) : load<i32>(x + (i << 2))));
}

/** Bytes (u8 or i8) to 4-byte lanes (i32, or f32 when `float`): 16 per step. */
function widen(x: usize, y: usize, n: usize, signed: bool, float: bool): void {
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(x + i);
    const lo = signed ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v), hi = signed ? i16x8.extend_high_i8x16_s(v) : i16x8.extend_high_i8x16_u(v);
    let a = i32x4.extend_low_i16x8_s(lo), b = i32x4.extend_high_i16x8_s(lo), c = i32x4.extend_low_i16x8_s(hi), d = i32x4.extend_high_i16x8_s(hi);
    if (float) { a = f32x4.convert_i32x4_s(a); b = f32x4.convert_i32x4_s(b); c = f32x4.convert_i32x4_s(c); d = f32x4.convert_i32x4_s(d); }
    const q = y + (i << 2);
    v128.store(q, a); v128.store(q, b, 16); v128.store(q, c, 32); v128.store(q, d, 48);
  }
  for (; i < n; i++) {
    const s: i32 = signed ? <i32>load<i8>(x + i) : <i32>load<u8>(x + i);
    if (float) store<f32>(y + (i << 2), <f32>s); else store<i32>(y + (i << 2), s);
  }
}

/** f32 <-> i32, 4 per step. */
function same(x: usize, y: usize, n: usize, toFloat: bool): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (i << 2));
    v128.store(y + (i << 2), toFloat ? f32x4.convert_i32x4_s(v) : i32x4.trunc_sat_f32x4_s(v));
  }
  for (; i < n; i++) {
    if (toFloat) store<f32>(y + (i << 2), <f32>load<i32>(x + (i << 2))); else store<i32>(y + (i << 2), tf(load<f32>(x + (i << 2))));
  }
}

/**
 * y[i] = cast(x[i]) for n elements, `mode` the (source, destination) pair: 0 f32->i32, 1 i32->f32, 2 f32->u8/i8,
 * 3 i32->u8/i8, 4 u8->f32, 5 i8->f32, 6 u8->i32, 7 i8->i32 (same-dtype and u8<->i8 casts are byte copies).
 */
export function x32_cast__simd128(x: usize, y: usize, n: usize, mode: i32): void {
  switch (mode) {
    case 0: same(x, y, n, false); break;
    case 1: same(x, y, n, true); break;
    case 2: narrow(x, y, n, true); break;
    case 3: narrow(x, y, n, false); break;
    case 4: widen(x, y, n, false, true); break;
    case 5: widen(x, y, n, true, true); break;
    case 6: widen(x, y, n, false, false); break;
    default: widen(x, y, n, true, false);
  }
}
