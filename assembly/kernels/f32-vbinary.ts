// Elementwise binary kernels over contiguous f32 buffers, plus NumPy broadcasting by rows.
// Grammar: f32_v<op>__simd128[_u<unroll>] (vector-vector: x, y, z, n), f32_v<op>c__simd128 (vector-scalar:
// x, z, s, n computes x op s), f32_vr<op>c__simd128 (reversed: s op x). Pointers come first and the
// element count last, so a call splits across threads by cutting n (src/parallel/splits.ts).
// z may alias x or y (in place). Comparisons give 1.0 / 0.0. x - s is vaddc(x, -s) (exact);
// x < y is vgt(y, x) and x <= y is vge(y, x). pow and mod run lane by lane (Mathf.pow, fmod).
// The hot ops (add, sub, mul, div, max, min and their scalar forms) have their own loops; the rest
// share one loop (`bw`, a jump table per vector) that also runs every tail, to keep the module small.

import { M, hsum2 } from './f32-math';

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4, MIN = 5, HYPOT = 6, EQ = 7, NE = 8, GT = 9, GE = 10, LT = 11, LE = 12;
const POW = 13, MOD = 14, FIRST = 15;

@inline function one(m: v128): v128 { return v128.and(m, f32x4.splat(1)); }

/** sqrt(a^2 + b^2) in f64 (no overflow, one final rounding), two lanes at a time. */
function vhypot(a: v128, b: v128): v128 {
  const a0 = f64x2.promote_low_f32x4(a), b0 = f64x2.promote_low_f32x4(b);
  const a1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3));
  const b1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 2, 3));
  const r0 = f32x4.demote_f64x2_zero(f64x2.sqrt(f64x2.add(f64x2.mul(a0, a0), f64x2.mul(b0, b0))));
  const r1 = f32x4.demote_f64x2_zero(f64x2.sqrt(f64x2.add(f64x2.mul(a1, a1), f64x2.mul(b1, b1))));
  return v128.shuffle<f32>(r0, r1, 0, 1, 4, 5);
}

/** MXNet's mod: the result takes the divisor's sign (Python %); 0 where b == 0. */
function fmodp(a: f32, b: f32): f32 {
  if (b == 0) return 0;
  let r = a % b;
  if (r != 0 && (r < 0) != (b < 0)) r += b;
  return r;
}
/** pow (C powf semantics) or mod, lane by lane. */
function lanes(op: i32, a: v128, b: v128): v128 {
  let v = a;
  for (let k = 0; k < 4; k++) {
    const x = f32x4.extract_lane(a, 0), y = f32x4.extract_lane(b, 0);
    v = f32x4.replace_lane(v128.shuffle<f32>(v, v, 1, 2, 3, 0), 3, op == POW ? Mathf.pow(x, y) : fmodp(x, y));
    a = v128.shuffle<f32>(a, a, 1, 2, 3, 0); b = v128.shuffle<f32>(b, b, 1, 2, 3, 0);
  }
  return v;
}

/**
 * The one binary loop. mode 0: z = x op y; 1: z = x op s; 2: z = s op x (y unused).
 * Tails read a whole vector (at most 12 bytes past the end, inside the 64-byte-rounded block the
 * allocator hands out) and store only the valid lanes.
 */
function bw(op: i32, x: usize, y: usize, z: usize, s: f32, mode: i32, n: usize): void {
  const sv = f32x4.splat(s);
  for (let i: usize = 0; i < n; i += 4) {
    const o = i << 2;
    let a = v128.load(x + o), b = mode == 0 ? v128.load(y + o) : sv;
    if (mode == 2) { const t = a; a = b; b = t; }
    let v: v128;
    switch (op) {
      case ADD: v = f32x4.add(a, b); break;
      case SUB: v = f32x4.sub(a, b); break;
      case MUL: v = f32x4.mul(a, b); break;
      case DIV: v = f32x4.div(a, b); break;
      case MAX: v = f32x4.max(a, b); break;
      case MIN: v = f32x4.min(a, b); break;
      case HYPOT: v = vhypot(a, b); break;
      case EQ: v = one(f32x4.eq(a, b)); break;
      case NE: v = one(f32x4.ne(a, b)); break;
      case GT: v = one(f32x4.gt(a, b)); break;
      case GE: v = one(f32x4.ge(a, b)); break;
      case LT: v = one(f32x4.lt(a, b)); break;
      case LE: v = one(f32x4.le(a, b)); break;
      case FIRST: v = a; break;
      default: v = lanes(op, a, b);
    }
    if (n - i >= 4) v128.store(z + o, v); else M.st(z + o, v, n - i);
  }
}

/** Specialised vector-vector loop for the hot ops (op is a constant after inlining); the tail goes to bw. */
@inline function vv(op: i32, x: usize, y: usize, z: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    const o = i << 2, a = v128.load(x + o), b = v128.load(y + o);
    v128.store(z + o, op == ADD ? f32x4.add(a, b) : op == SUB ? f32x4.sub(a, b) : op == MUL ? f32x4.mul(a, b)
      : op == DIV ? f32x4.div(a, b) : op == MAX ? f32x4.max(a, b) : f32x4.min(a, b));
  }
  if (i < n) bw(op, x + (i << 2), y + (i << 2), z + (i << 2), 0, 0, n - i);
}
/** Specialised vector-scalar loop: z = x op s (rev false) or s op x (rev true). */
@inline function vc(op: i32, rev: bool, x: usize, z: usize, s: f32, n: usize): void {
  const b = f32x4.splat(s);
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    const o = i << 2, a = v128.load(x + o);
    v128.store(z + o, op == ADD ? f32x4.add(a, b) : op == SUB ? f32x4.sub(b, a) : op == MUL ? f32x4.mul(a, b)
      : op == DIV ? (rev ? f32x4.div(b, a) : f32x4.div(a, b)) : op == MAX ? f32x4.max(a, b) : f32x4.min(a, b));
  }
  if (i < n) bw(op, x + (i << 2), 0, z + (i << 2), s, rev ? 2 : 1, n - i);
}

/** z = x + y, 8 lanes per iteration. */
export function f32_vadd__simd128_u8(x: usize, y: usize, z: usize, n: usize): void {
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    const o = i << 2;
    v128.store(z + o, f32x4.add(v128.load(x + o), v128.load(y + o)));
    v128.store(z + o, f32x4.add(v128.load(x + o, 16), v128.load(y + o, 16)), 16);
  }
  if (i < n) vv(ADD, x + (i << 2), y + (i << 2), z + (i << 2), n - i);
}
/** z = x * y, 8 lanes per iteration. */
export function f32_vmul__simd128_u8(x: usize, y: usize, z: usize, n: usize): void {
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    const o = i << 2;
    v128.store(z + o, f32x4.mul(v128.load(x + o), v128.load(y + o)));
    v128.store(z + o, f32x4.mul(v128.load(x + o, 16), v128.load(y + o, 16)), 16);
  }
  if (i < n) vv(MUL, x + (i << 2), y + (i << 2), z + (i << 2), n - i);
}
/** z = x - y. */
export function f32_vsub__simd128(x: usize, y: usize, z: usize, n: usize): void { vv(SUB, x, y, z, n); }
/** z = x / y. */
export function f32_vdiv__simd128(x: usize, y: usize, z: usize, n: usize): void { vv(DIV, x, y, z, n); }
/** z = max(x, y) (NaN propagates). */
export function f32_vmax__simd128(x: usize, y: usize, z: usize, n: usize): void { vv(MAX, x, y, z, n); }
/** z = min(x, y) (NaN propagates). */
export function f32_vmin__simd128(x: usize, y: usize, z: usize, n: usize): void { vv(MIN, x, y, z, n); }
/** z = hypot(x, y), computed in f64 (no overflow; error <= 0.5 ulp + double rounding). */
export function f32_vhypot__simd128(x: usize, y: usize, z: usize, n: usize): void { bw(HYPOT, x, y, z, 0, 0, n); }
/** z = x == y ? 1 : 0. */
export function f32_veq__simd128(x: usize, y: usize, z: usize, n: usize): void { bw(EQ, x, y, z, 0, 0, n); }
/** z = x != y ? 1 : 0. */
export function f32_vne__simd128(x: usize, y: usize, z: usize, n: usize): void { bw(NE, x, y, z, 0, 0, n); }
/** z = x > y ? 1 : 0 (x < y: swap the inputs). */
export function f32_vgt__simd128(x: usize, y: usize, z: usize, n: usize): void { bw(GT, x, y, z, 0, 0, n); }
/** z = x >= y ? 1 : 0 (x <= y: swap the inputs). */
export function f32_vge__simd128(x: usize, y: usize, z: usize, n: usize): void { bw(GE, x, y, z, 0, 0, n); }
/** z = pow(x, y), C powf semantics (pow(1, NaN) = pow(x, 0) = 1), lane by lane. */
export function f32_vpow__simd128(x: usize, y: usize, z: usize, n: usize): void { bw(POW, x, y, z, 0, 0, n); }

/** z = x + s (x - s: pass -s, which is exact). */
export function f32_vaddc__simd128(x: usize, z: usize, s: f32, n: usize): void { vc(ADD, false, x, z, s, n); }
/** z = s - x. */
export function f32_vrsubc__simd128(x: usize, z: usize, s: f32, n: usize): void { vc(SUB, true, x, z, s, n); }
/** z = x * s. */
export function f32_vmulc__simd128(x: usize, z: usize, s: f32, n: usize): void { vc(MUL, false, x, z, s, n); }
/** z = x / s. */
export function f32_vdivc__simd128(x: usize, z: usize, s: f32, n: usize): void { vc(DIV, false, x, z, s, n); }
/** z = s / x. */
export function f32_vrdivc__simd128(x: usize, z: usize, s: f32, n: usize): void { vc(DIV, true, x, z, s, n); }
/** z = max(x, s). */
export function f32_vmaxc__simd128(x: usize, z: usize, s: f32, n: usize): void { vc(MAX, false, x, z, s, n); }
/** z = min(x, s). */
export function f32_vminc__simd128(x: usize, z: usize, s: f32, n: usize): void { vc(MIN, false, x, z, s, n); }
/** z = hypot(x, s). */
export function f32_vhypotc__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(HYPOT, x, 0, z, s, 1, n); }
/** z = x == s ? 1 : 0. */
export function f32_veqc__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(EQ, x, 0, z, s, 1, n); }
/** z = x != s ? 1 : 0. */
export function f32_vnec__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(NE, x, 0, z, s, 1, n); }
/** z = x > s ? 1 : 0. */
export function f32_vgtc__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(GT, x, 0, z, s, 1, n); }
/** z = x >= s ? 1 : 0. */
export function f32_vgec__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(GE, x, 0, z, s, 1, n); }
/** z = x < s ? 1 : 0. */
export function f32_vltc__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(LT, x, 0, z, s, 1, n); }
/** z = x <= s ? 1 : 0. */
export function f32_vlec__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(LE, x, 0, z, s, 1, n); }
/** z = pow(x, s), lane by lane. */
export function f32_vpowc__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(POW, x, 0, z, s, 1, n); }
/** z = pow(s, x), lane by lane. */
export function f32_vrpowc__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(POW, x, 0, z, s, 2, n); }
/** z = x mod s (MXNet/Python sign convention: the result has the sign of s; 0 where s == 0). */
export function f32_vmodc__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(MOD, x, 0, z, s, 1, n); }
/** z = s mod x. */
export function f32_vrmodc__simd128(x: usize, z: usize, s: f32, n: usize): void { bw(MOD, x, 0, z, s, 2, n); }

// ---- broadcasting: out dims n0..n5 (collapsed, padded with leading 1s), bit d of mx / my set where
// x / y has size 1 along dim d. Byte strides come from the dims; the innermost dim is a row. ----

@inline function sbit(m: i32, d: i32): bool { return ((m >> d) & 1) != 0; }

/** One output row: mode 0 both rows, 1 y is one value (x op s), 2 x is one value (s op y). */
function brow(op: i32, mode: i32, x: usize, y: usize, z: usize, n: usize): void {
  if (mode == 0) {
    if (op == ADD) f32_vadd__simd128_u8(x, y, z, n); else if (op == SUB) f32_vsub__simd128(x, y, z, n);
    else if (op == MUL) f32_vmul__simd128_u8(x, y, z, n); else if (op == DIV) f32_vdiv__simd128(x, y, z, n);
    else bw(op, x, y, z, 0, 0, n);
    return;
  }
  const s = load<f32>(mode == 1 ? y : x), v = mode == 1 ? x : y, rev = mode == 2;
  if (op == ADD) f32_vaddc__simd128(v, z, s, n); else if (op == SUB) { if (rev) f32_vrsubc__simd128(v, z, s, n); else f32_vaddc__simd128(v, z, -s, n); }
  else if (op == MUL) f32_vmulc__simd128(v, z, s, n); else if (op == DIV) { if (rev) f32_vrdivc__simd128(v, z, s, n); else f32_vdivc__simd128(v, z, s, n); }
  else bw(op, v, 0, z, s, mode, n);
}

/**
 * Broadcast binary op: z (dims n0..n5, contiguous) = x op y, where x / y have size 1 along the dims
 * whose bit is set in mx / my. op: 0 add, 1 sub, 2 mul, 3 div, 4 max, 5 min,
 * 6 hypot, 7 eq, 8 ne, 9 gt, 10 ge, 11 lt, 12 le, 13 pow, 14 mod, 15 first (z = broadcast x; y unused). The innermost dim should
 * not be broadcast in both x and y (collapse dims first: src/ops/elementwise/common.ts).
 */
export function f32_vbcast__simd128(op: i32, x: usize, y: usize, z: usize,
  n0: usize, n1: usize, n2: usize, n3: usize, n4: usize, n5: usize, mx: i32, my: i32): void {
  let ax: usize = 4, ay: usize = 4;
  const x5 = sbit(mx, 5) ? <usize>0 : ax; if (!sbit(mx, 5)) ax *= n5;
  const y5 = sbit(my, 5) ? <usize>0 : ay; if (!sbit(my, 5)) ay *= n5;
  const x4 = sbit(mx, 4) ? <usize>0 : ax; if (!sbit(mx, 4)) ax *= n4;
  const y4 = sbit(my, 4) ? <usize>0 : ay; if (!sbit(my, 4)) ay *= n4;
  const x3 = sbit(mx, 3) ? <usize>0 : ax; if (!sbit(mx, 3)) ax *= n3;
  const y3 = sbit(my, 3) ? <usize>0 : ay; if (!sbit(my, 3)) ay *= n3;
  const x2 = sbit(mx, 2) ? <usize>0 : ax; if (!sbit(mx, 2)) ax *= n2;
  const y2 = sbit(my, 2) ? <usize>0 : ay; if (!sbit(my, 2)) ay *= n2;
  const x1 = sbit(mx, 1) ? <usize>0 : ax; if (!sbit(mx, 1)) ax *= n1;
  const y1 = sbit(my, 1) ? <usize>0 : ay; if (!sbit(my, 1)) ay *= n1;
  const x0 = sbit(mx, 0) ? <usize>0 : ax, y0 = sbit(my, 0) ? <usize>0 : ay;
  const mode = x5 == 0 ? 2 : y5 == 0 ? 1 : 0;
  const row = n5 << 2;
  let zo = z;
  for (let i0: usize = 0; i0 < n0; i0++) for (let i1: usize = 0; i1 < n1; i1++) for (let i2: usize = 0; i2 < n2; i2++)
    for (let i3: usize = 0; i3 < n3; i3++) for (let i4: usize = 0; i4 < n4; i4++) {
      const px = x + i0 * x0 + i1 * x1 + i2 * x2 + i3 * x3 + i4 * x4;
      const py = y + i0 * y0 + i1 * y1 + i2 * y2 + i3 * y3 + i4 * y4;
      brow(op, mode, px, py, zo, n5);
      zo += row;
    }
}

function rowsum(g: usize, n: usize): f32 {
  let a = f32x4.splat(0), b = a;
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) { a = f32x4.add(a, v128.load(g + (i << 2))); b = f32x4.add(b, v128.load(g + (i << 2), 16)); }
  if (n - i >= 4) { a = f32x4.add(a, v128.load(g + (i << 2))); i += 4; }
  if (i < n) b = f32x4.add(b, v128.and(v128.load(g + (i << 2)), i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(<i32>(n - i)))));
  return hsum2(f32x4.add(a, b));
}

/**
 * Gradient of a broadcast: d (the input's shape, zeroed here) = sum of g (dims n0..n5, contiguous)
 * over the dims whose bit is set in m (where the input had size 1).
 */
export function f32_vbcast_sum__simd128(g: usize, d: usize, n0: usize, n1: usize, n2: usize, n3: usize, n4: usize, n5: usize, m: i32): void {
  let a: usize = 4;
  const s5 = sbit(m, 5) ? <usize>0 : a; if (!sbit(m, 5)) a *= n5;
  const s4 = sbit(m, 4) ? <usize>0 : a; if (!sbit(m, 4)) a *= n4;
  const s3 = sbit(m, 3) ? <usize>0 : a; if (!sbit(m, 3)) a *= n3;
  const s2 = sbit(m, 2) ? <usize>0 : a; if (!sbit(m, 2)) a *= n2;
  const s1 = sbit(m, 1) ? <usize>0 : a; if (!sbit(m, 1)) a *= n1;
  const s0 = sbit(m, 0) ? <usize>0 : a; if (!sbit(m, 0)) a *= n0;
  memory.fill(d, 0, a);
  if (n0 * n1 * n2 * n3 * n4 * n5 == 0) return;
  const row = n5 << 2;
  let go = g;
  for (let i0: usize = 0; i0 < n0; i0++) for (let i1: usize = 0; i1 < n1; i1++) for (let i2: usize = 0; i2 < n2; i2++)
    for (let i3: usize = 0; i3 < n3; i3++) for (let i4: usize = 0; i4 < n4; i4++) {
      const pd = d + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3 + i4 * s4;
      if (s5 == 0) store<f32>(pd, load<f32>(pd) + rowsum(go, n5));
      else f32_vadd__simd128_u8(pd, go, pd, n5);
      go += row;
    }
}
