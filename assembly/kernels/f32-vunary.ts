// Elementwise unary kernels (and their gradients, clip, where) over contiguous f32 buffers.
// Grammar: f32_v<op>__simd128 (x, z, n); gradients f32_v<op>_grad__simd128 (y or x, g, z, n).
// Pointers first, element count last; z may alias any input (in place). The hot ops (neg, abs,
// square, sqrt, rsqrt, recip, relu, exp, log, tanh, sigmoid, clip and the relu / sigmoid / tanh /
// clip gradients) have their own loops with the math inlined; the rest share one loop per kind
// (`uw`, `gw`, a jump table per vector), which also runs every tail: it reads a whole vector (at
// most 12 bytes past the end, inside the 64-byte-rounded block) and stores only the valid lanes.
//
// Transcendentals are SIMD polynomials (Cephes-style), no tables, no per-lane branches. Max error vs
// Math.* rounded to f32, measured over dense grids and strided walks of all f32 bit patterns
// (test/kernels/elementwise.test.ts asserts these bounds):
//   exp 1 ulp (rel 1.2e-7) on [-87.33, 88.72]; returns 0 below -87.3365 (Math.exp gives subnormals
//       there) and +inf above 88.7228
//   log 1 ulp (rel 1.2e-7) on [1e-37, 3e38]; 0 -> -inf, x < 0 -> NaN, subnormal inputs rescaled
//   log1p 2 ulp (rel 2.3e-7); expm1 2 ulp (rel 1.3e-7); tanh 1 ulp; sigmoid 2 ulp (0 below -87.33);
//   softrelu 3 ulp (rel 2.4e-7); softsign, rsqrt 1 ulp
//   sin, cos abs error <= 6e-8 for |x| <= 8192 (1 ulp on [-pi, pi]); the f32 Cody-Waite reduction
//       degrades beyond (abs error 1e-6 at |x| = 1e5)
// NaN propagates everywhere (sign, relu-grad and comparisons give 0/1 as MXNet does). No result is
// computed through a subnormal intermediate, so there are no denormal slow paths.

const NEG = 0, ABS = 1, SIGN = 2, SQUARE = 3, SQRT = 4, RSQRT = 5, RECIP = 6, EXP = 7, LOG = 8, LOG1P = 9, EXPM1 = 10;
const SIN = 11, COS = 12, TANH = 13, SIGMOID = 14, RELU = 15, SOFTSIGN = 16, SOFTRELU = 17, FLOOR = 18, CEIL = 19;
const ROUND = 20, RINT = 21, TRUNC = 22, SMOOTH_L1 = 23;
const G_RELU = 0, G_SIGMOID = 1, G_TANH = 2, G_SOFTSIGN = 3, G_SMOOTH_L1 = 4;

/** Stores lanes 0..r-1 (r in 1..3). */
function st(p: usize, v: v128, r: usize): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (r > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (r > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}
@inline function S(v: f32): v128 { return f32x4.splat(v); }
@inline function I(v: i32): v128 { return i32x4.splat(v); }
@inline function fma(a: v128, b: v128, c: f32): v128 { return f32x4.add(f32x4.mul(a, b), S(c)); }
@inline function sel(a: v128, b: v128, m: v128): v128 { return v128.bitselect(a, b, m); }
const EXP_LO: f32 = -87.3365, SIG_LO: f32 = -87.33;

/** e^x: Cody-Waite ln2 reduction, degree-6 polynomial, 2^n applied in two halves (no subnormal steps). */
@inline function vexpI(x: v128): v128 {
  // pmin / pmax are one instruction each and keep a NaN x (it is the first operand).
  const xc = f32x4.pmin(f32x4.pmax(x, S(EXP_LO)), S(88.7229));
  // Round to nearest by adding 1.5 * 2^23: the float is n, its low bits are n as an integer.
  const t = f32x4.add(f32x4.mul(xc, S(1.44269504088896341)), S(12582912));
  const fx = f32x4.sub(t, S(12582912)), n = i32x4.sub(t, I(0x4b400000));
  let r = f32x4.sub(xc, f32x4.mul(fx, S(0.693359375)));
  r = f32x4.add(r, f32x4.mul(fx, S(2.12194440e-4)));
  let p = fma(S(1.9875691500e-4), r, 1.3981999507e-3);
  p = fma(p, r, 8.3334519073e-3); p = fma(p, r, 4.1665795894e-2);
  p = fma(p, r, 1.6666665459e-1); p = fma(p, r, 5.0000001201e-1);
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), S(1));
  const n1 = i32x4.shr_s(n, 1);
  const s1 = i32x4.shl(i32x4.add(n1, I(127)), 23), s2 = i32x4.shl(i32x4.add(i32x4.sub(n, n1), I(127)), 23);
  return v128.andnot(f32x4.mul(f32x4.mul(y, s1), s2), f32x4.lt(x, S(EXP_LO)));
}
function vexp(x: v128): v128 { return vexpI(x); }

/** ln x: mantissa in [sqrt(1/2), sqrt(2)), degree-9 polynomial (Cephes logf). */
@inline function vlogI(x: v128): v128 {
  const sub = f32x4.lt(x, S(1.17549435e-38));
  const xs = sel(f32x4.mul(x, S(8388608)), x, sub);
  let e = i32x4.sub(i32x4.sub(i32x4.shr_u(xs, 23), I(126)), v128.and(sub, I(23)));
  let m = v128.or(v128.and(xs, I(0x007fffff)), I(0x3f000000));
  const lo = f32x4.lt(m, S(0.707106781186547524));
  e = i32x4.add(e, lo);
  m = f32x4.sub(f32x4.add(m, v128.and(m, lo)), S(1));
  const z = f32x4.mul(m, m);
  let p = fma(S(7.0376836292e-2), m, -1.1514610310e-1);
  p = fma(p, m, 1.1676998740e-1); p = fma(p, m, -1.2420140846e-1); p = fma(p, m, 1.4249322787e-1);
  p = fma(p, m, -1.6668057665e-1); p = fma(p, m, 2.0000714765e-1); p = fma(p, m, -2.4999993993e-1);
  p = fma(p, m, 3.3333331174e-1);
  const fe = f32x4.convert_i32x4_s(e);
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = f32x4.add(y, f32x4.mul(fe, S(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, S(0.5)));
  y = f32x4.add(f32x4.add(m, y), f32x4.mul(fe, S(0.693359375)));
  y = sel(x, y, f32x4.eq(x, S(Infinity)));
  y = sel(S(-Infinity), y, f32x4.eq(x, S(0)));
  return v128.or(y, v128.not(f32x4.ge(x, S(0)))); // NaN for x < 0 and NaN
}

function vlog(x: v128): v128 { return vlogI(x); }

/** log(1+x) = log(u) * x / (u - 1) with u = 1 + x (Goldberg), x where u == 1. */
function vlog1p(x: v128): v128 {
  const u = f32x4.add(x, S(1));
  const y = f32x4.mul(vlog(u), f32x4.div(x, f32x4.sub(u, S(1))));
  return sel(x, y, v128.or(f32x4.eq(u, S(1)), f32x4.eq(x, S(Infinity))));
}

/** e^x - 1: Taylor to x^11 for |x| < 1, else exp(x) - 1. */
function vexpm1(x: v128): v128 {
  let p = fma(S(2.505210838544172e-8), x, 2.755731922398589e-7);
  p = fma(p, x, 2.755731922398589e-6); p = fma(p, x, 2.48015873015873e-5); p = fma(p, x, 1.984126984126984e-4);
  p = fma(p, x, 1.388888888888889e-3); p = fma(p, x, 8.333333333333333e-3); p = fma(p, x, 4.1666666666666664e-2);
  p = fma(p, x, 1.6666666666666666e-1); p = fma(p, x, 0.5);
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, x), p));
  return sel(small, f32x4.sub(vexp(x), S(1)), f32x4.lt(f32x4.abs(x), S(1)));
}

/** tanh: odd polynomial for |x| < 0.625, else sign(x) * (1 - 2 / (e^{2|x|} + 1)). `inl` inlines exp. */
@inline function tanhCore(x: v128, inl: bool): v128 {
  const ax = f32x4.abs(x), z = f32x4.mul(x, x), e2 = f32x4.add(ax, ax);
  let p = fma(S(-5.70498872745e-3), z, 2.06390887954e-2);
  p = fma(p, z, -5.37397155531e-2); p = fma(p, z, 1.33314422036e-1); p = fma(p, z, -3.33332819422e-1);
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, z), p));
  const big = f32x4.sub(S(1), f32x4.div(S(2), f32x4.add(inl ? vexpI(e2) : vexp(e2), S(1))));
  return sel(small, v128.or(big, v128.and(x, I(<i32>0x80000000))), f32x4.lt(ax, S(0.625)));
}
function vtanh(x: v128): v128 { return tanhCore(x, false); }

/** 1 / (1 + e^-x); 0 below -87.33 (the true value is under 1.19e-38 there). `inl` inlines exp. */
@inline function sigmoidCore(x: v128, inl: bool): v128 {
  const m = f32x4.neg(f32x4.pmax(x, S(SIG_LO)));
  const y = f32x4.div(S(1), f32x4.add(S(1), inl ? vexpI(m) : vexp(m)));
  return v128.andnot(y, f32x4.lt(x, S(SIG_LO)));
}
function vsigmoid(x: v128): v128 { return sigmoidCore(x, false); }

/** sin (c = 0) or cos (c = 1): q = round(|x| 2/pi), r = |x| - q pi/2 in three parts, both polynomials. */
function vsincos(x: v128, c: i32): v128 {
  const ax = f32x4.abs(x);
  const t = f32x4.add(f32x4.mul(ax, S(0.636619772367581343)), S(12582912)); // round to nearest, as in vexp
  const q = f32x4.sub(t, S(12582912));
  let r = f32x4.sub(ax, f32x4.mul(q, S(1.5703125)));
  r = f32x4.sub(r, f32x4.mul(q, S(4.837512969970703125e-4)));
  r = f32x4.sub(r, f32x4.mul(q, S(7.54978995489188216e-8)));
  const z = f32x4.mul(r, r);
  let ps = fma(S(-1.9515295891e-4), z, 8.3321608736e-3);
  ps = fma(ps, z, -1.6666654611e-1);
  ps = f32x4.add(f32x4.mul(f32x4.mul(ps, z), r), r);
  let pc = fma(S(2.443315711809948e-5), z, -1.388731625493765e-3);
  pc = fma(pc, z, 4.166664568298827e-2);
  pc = f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(pc, z), z), f32x4.mul(z, S(0.5))), S(1));
  const qi = i32x4.add(i32x4.sub(t, I(0x4b400000)), I(c));
  const odd = i32x4.eq(v128.and(qi, I(1)), I(1));
  const y = v128.xor(sel(pc, ps, odd), i32x4.shl(v128.and(qi, I(2)), 30));
  return c ? y : v128.xor(y, v128.and(x, I(<i32>0x80000000)));
}

/** Round half away from zero (C round). */
@inline function vround(x: v128): v128 {
  const t = f32x4.trunc(x);
  const up = f32x4.ge(f32x4.abs(f32x4.sub(x, t)), S(0.5));
  return f32x4.add(t, v128.and(up, v128.or(S(1), v128.and(x, I(<i32>0x80000000)))));
}

/**
 * The one unary loop (a jump table per vector keeps the module small). Tails read a whole vector
 * (at most 12 bytes past the end, inside the 64-byte-rounded block) and store only valid lanes.
 */
function uw(op: i32, x: usize, z: usize, a: f32, b: f32, n: usize): void {
  for (let i: usize = 0; i < n; i += 4) {
    const o = i << 2;
    const x4 = v128.load(x + o);
    let v: v128;
    switch (op) {
      case NEG: v = f32x4.neg(x4); break; case ABS: v = f32x4.abs(x4); break;
      case SIGN: v = f32x4.sub(v128.and(f32x4.gt(x4, S(0)), S(1)), v128.and(f32x4.lt(x4, S(0)), S(1))); break;
      case SQUARE: v = f32x4.mul(x4, x4); break; case SQRT: v = f32x4.sqrt(x4); break;
      case RSQRT: v = f32x4.div(S(1), f32x4.sqrt(x4)); break;
      case RECIP: v = f32x4.div(S(1), x4); break;
      case EXP: v = vexp(x4); break; case LOG: v = vlog(x4); break;
      case LOG1P: v = vlog1p(x4); break; case EXPM1: v = vexpm1(x4); break;
      case SIN: v = vsincos(x4, 0); break; case COS: v = vsincos(x4, 1); break;
      case TANH: v = vtanh(x4); break; case SIGMOID: v = vsigmoid(x4); break;
      case RELU: v = f32x4.pmax(x4, S(0)); break;
      case SOFTSIGN: v = f32x4.div(x4, f32x4.add(S(1), f32x4.abs(x4))); break;
      case SOFTRELU: v = f32x4.add(f32x4.max(x4, S(0)), vlog1p(vexp(f32x4.neg(f32x4.abs(x4))))); break;
      case FLOOR: v = f32x4.floor(x4); break; case CEIL: v = f32x4.ceil(x4); break;
      case ROUND: v = vround(x4); break; case RINT: v = f32x4.nearest(x4); break; case TRUNC: v = f32x4.trunc(x4); break;
      case SMOOTH_L1: { // MXNet smooth_l1_loss, sigma = a: |x| > 1/sigma^2 ? |x| - 0.5/sigma^2 : 0.5 sigma^2 x^2
        const q = a * a, ib = S(1 / q), ax = f32x4.abs(x4);
        v = sel(f32x4.sub(ax, f32x4.mul(ib, S(0.5))), f32x4.mul(f32x4.mul(x4, x4), S(0.5 * q)), f32x4.gt(ax, ib)); break;
      }
      // clip, MXNet order: x > hi ? hi : x < lo ? lo : x (NaN passes through)
      default: v = sel(S(b), sel(S(a), x4, f32x4.lt(x4, S(a))), f32x4.gt(x4, S(b)));
    }
    if (n - i >= 4) v128.store(z + o, v); else st(z + o, v, n - i);
  }
}

/** Specialised loop for the hot unary ops (op is a constant after inlining); the tail goes to uw. */
@inline function u1(op: i32, x: usize, z: usize, lo: f32, hi: f32, n: usize): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    const o = i << 2, v = v128.load(x + o);
    v128.store(z + o, op == NEG ? f32x4.neg(v) : op == ABS ? f32x4.abs(v) : op == SQUARE ? f32x4.mul(v, v)
      : op == SQRT ? f32x4.sqrt(v) : op == RSQRT ? f32x4.div(S(1), f32x4.sqrt(v)) : op == RECIP ? f32x4.div(S(1), v)
      : op == RELU ? f32x4.pmax(v, S(0)) : op == EXP ? vexpI(v) : op == LOG ? vlogI(v) : op == TANH ? tanhCore(v, true)
      : op == SIGMOID ? sigmoidCore(v, true) : sel(S(hi), sel(S(lo), v, f32x4.lt(v, S(lo))), f32x4.gt(v, S(hi))));
  }
  if (i < n) uw(op, x + (i << 2), z + (i << 2), lo, hi, n - i);
}

/** z = -x. */
export function f32_vneg__simd128(x: usize, z: usize, n: usize): void { u1(NEG, x, z, 0, 0, n); }
/** z = |x|. */
export function f32_vabs__simd128(x: usize, z: usize, n: usize): void { u1(ABS, x, z, 0, 0, n); }
/** z = sign(x) in {-1, 0, 1} (0 for NaN, as MXNet). */
export function f32_vsign__simd128(x: usize, z: usize, n: usize): void { uw(SIGN, x, z, 0, 0, n); }
/** z = x * x. */
export function f32_vsquare__simd128(x: usize, z: usize, n: usize): void { u1(SQUARE, x, z, 0, 0, n); }
/** z = sqrt(x). */
export function f32_vsqrt__simd128(x: usize, z: usize, n: usize): void { u1(SQRT, x, z, 0, 0, n); }
/** z = 1 / sqrt(x) (exact sqrt, then divide: <= 1 ulp). */
export function f32_vrsqrt__simd128(x: usize, z: usize, n: usize): void { u1(RSQRT, x, z, 0, 0, n); }
/** z = 1 / x. */
export function f32_vrecip__simd128(x: usize, z: usize, n: usize): void { u1(RECIP, x, z, 0, 0, n); }
/** z = e^x (<= 1 ulp; 0 below -87.3365). */
export function f32_vexp__simd128(x: usize, z: usize, n: usize): void { u1(EXP, x, z, 0, 0, n); }
/** z = ln x (<= 1 ulp). */
export function f32_vlog__simd128(x: usize, z: usize, n: usize): void { u1(LOG, x, z, 0, 0, n); }
/** z = ln(1 + x) (<= 2 ulp). */
export function f32_vlog1p__simd128(x: usize, z: usize, n: usize): void { uw(LOG1P, x, z, 0, 0, n); }
/** z = e^x - 1 (<= 2 ulp). */
export function f32_vexpm1__simd128(x: usize, z: usize, n: usize): void { uw(EXPM1, x, z, 0, 0, n); }
/** z = sin x (abs error <= 1.2e-7 for |x| <= 8192). */
export function f32_vsin__simd128(x: usize, z: usize, n: usize): void { uw(SIN, x, z, 0, 0, n); }
/** z = cos x (abs error <= 1.2e-7 for |x| <= 8192). */
export function f32_vcos__simd128(x: usize, z: usize, n: usize): void { uw(COS, x, z, 0, 0, n); }
/** z = tanh x (<= 2 ulp). */
export function f32_vtanh__simd128(x: usize, z: usize, n: usize): void { u1(TANH, x, z, 0, 0, n); }
/** z = 1 / (1 + e^-x) (<= 2 ulp). */
export function f32_vsigmoid__simd128(x: usize, z: usize, n: usize): void { u1(SIGMOID, x, z, 0, 0, n); }
/** z = max(x, 0) (NaN propagates; -0 stays -0). */
export function f32_vrelu__simd128(x: usize, z: usize, n: usize): void { u1(RELU, x, z, 0, 0, n); }
/** z = x / (1 + |x|). */
export function f32_vsoftsign__simd128(x: usize, z: usize, n: usize): void { uw(SOFTSIGN, x, z, 0, 0, n); }
/** z = log(1 + e^x), as max(x, 0) + log1p(e^-|x|) (no overflow). */
export function f32_vsoftrelu__simd128(x: usize, z: usize, n: usize): void { uw(SOFTRELU, x, z, 0, 0, n); }
/** z = floor(x). */
export function f32_vfloor__simd128(x: usize, z: usize, n: usize): void { uw(FLOOR, x, z, 0, 0, n); }
/** z = ceil(x). */
export function f32_vceil__simd128(x: usize, z: usize, n: usize): void { uw(CEIL, x, z, 0, 0, n); }
/** z = round(x), halves away from zero. */
export function f32_vround__simd128(x: usize, z: usize, n: usize): void { uw(ROUND, x, z, 0, 0, n); }
/** z = rint(x), halves to even. */
export function f32_vrint__simd128(x: usize, z: usize, n: usize): void { uw(RINT, x, z, 0, 0, n); }
/** z = trunc(x) (MXNet fix). */
export function f32_vtrunc__simd128(x: usize, z: usize, n: usize): void { uw(TRUNC, x, z, 0, 0, n); }
/** z = clip(x, lo, hi) in MXNet's order: x > hi ? hi : x < lo ? lo : x. */
export function f32_vclip__simd128(x: usize, z: usize, lo: f32, hi: f32, n: usize): void { u1(-1, x, z, lo, hi, n); }

/** The one gradient loop: y (an output or input) and g in, z out; lo / hi for clip. */
function gw(op: i32, y: usize, g: usize, z: usize, lo: f32, hi: f32, n: usize): void {
  for (let i: usize = 0; i < n; i += 4) {
    const o = i << 2;
    const y4 = v128.load(y + o), g4 = v128.load(g + o);
    let v: v128;
    switch (op) {
      case G_RELU: v = v128.and(g4, f32x4.gt(y4, S(0))); break;
      case G_SIGMOID: v = f32x4.mul(g4, f32x4.mul(y4, f32x4.sub(S(1), y4))); break;
      case G_TANH: v = f32x4.mul(g4, f32x4.sub(S(1), f32x4.mul(y4, y4))); break;
      case G_SOFTSIGN: { const d = f32x4.add(S(1), f32x4.abs(y4)); v = f32x4.div(g4, f32x4.mul(d, d)); break; }
      case G_SMOOTH_L1: { // x > 1/sigma^2 ? g : x < -1/sigma^2 ? -g : sigma^2 x g (sigma = lo)
        const q = lo * lo, ib = S(1 / q), sg = v128.or(S(1), v128.and(y4, I(<i32>0x80000000)));
        v = f32x4.mul(g4, sel(sg, f32x4.mul(y4, S(q)), f32x4.gt(f32x4.abs(y4), ib))); break;
      }
      default: v = v128.andnot(g4, v128.or(f32x4.lt(y4, S(lo)), f32x4.gt(y4, S(hi))));
    }
    if (n - i >= 4) v128.store(z + o, v); else st(z + o, v, n - i);
  }
}
/** Specialised gradient loop for relu, sigmoid, tanh and clip; the tail goes to gw. */
@inline function g1(op: i32, y: usize, g: usize, z: usize, lo: f32, hi: f32, n: usize): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    const o = i << 2, v = v128.load(y + o), w = v128.load(g + o);
    v128.store(z + o, op == G_RELU ? v128.and(w, f32x4.gt(v, S(0))) : op == G_SIGMOID ? f32x4.mul(w, f32x4.mul(v, f32x4.sub(S(1), v)))
      : op == G_TANH ? f32x4.mul(w, f32x4.sub(S(1), f32x4.mul(v, v))) : v128.andnot(w, v128.or(f32x4.lt(v, S(lo)), f32x4.gt(v, S(hi)))));
  }
  if (i < n) gw(op, y + (i << 2), g + (i << 2), z + (i << 2), lo, hi, n - i);
}
/** z = y > 0 ? g : 0 (y: relu output or input). */
export function f32_vrelu_grad__simd128(y: usize, g: usize, z: usize, n: usize): void { g1(G_RELU, y, g, z, 0, 0, n); }
/** z = g * y * (1 - y) (y: sigmoid output). */
export function f32_vsigmoid_grad__simd128(y: usize, g: usize, z: usize, n: usize): void { g1(G_SIGMOID, y, g, z, 0, 0, n); }
/** z = g * (1 - y^2) (y: tanh output). */
export function f32_vtanh_grad__simd128(y: usize, g: usize, z: usize, n: usize): void { g1(G_TANH, y, g, z, 0, 0, n); }
/** z = g / (1 + |x|)^2 (x: softsign input). */
export function f32_vsoftsign_grad__simd128(x: usize, g: usize, z: usize, n: usize): void { gw(G_SOFTSIGN, x, g, z, 0, 0, n); }

/** MXNet smooth_l1 with sigma s: |x| > 1/s^2 ? |x| - 0.5/s^2 : 0.5 (s x)^2. */
export function f32_vsmooth_l1__simd128(x: usize, z: usize, s: f32, n: usize): void { uw(SMOOTH_L1, x, z, s, 0, n); }
/** Gradient of smooth_l1: g * (|x| > 1/s^2 ? sign(x) : s^2 x). */
export function f32_vsmooth_l1_grad__simd128(x: usize, g: usize, z: usize, s: f32, n: usize): void { gw(G_SMOOTH_L1, x, g, z, s, 0, n); }

/** z = (x < lo || x > hi) ? 0 : g: the clip gradient passes at the bounds themselves. */
export function f32_vclip_grad__simd128(x: usize, g: usize, z: usize, lo: f32, hi: f32, n: usize): void { g1(-1, x, g, z, lo, hi, n); }

/**
 * where: z = c != 0 ? x : y. inner == 1: c has one value per element; inner > 1: c has one value
 * per row of `inner` elements (MXNet's 1-D condition selecting rows). n counts elements of z.
 */
export function f32_vwhere__simd128(c: usize, x: usize, y: usize, z: usize, inner: usize, n: usize): void {
  if (inner == 1) {
    for (let i: usize = 0; i < n; i += 4) {
      const o = i << 2;
      const v = sel(v128.load(x + o), v128.load(y + o), f32x4.ne(v128.load(c + o), S(0)));
      if (n - i >= 4) v128.store(z + o, v); else st(z + o, v, n - i);
    }
    return;
  }
  const rb = inner << 2;
  for (let j: usize = 0, o: usize = 0; o < (n << 2); j++, o += rb) memory.copy(z + o, (load<f32>(c + (j << 2)) != 0 ? x : y) + o, rb);
}

/** Gradient of where: gx = c != 0 ? g : 0, gy = c != 0 ? 0 : g (a 0 pointer skips that output). */
export function f32_vwhere_grad__simd128(c: usize, g: usize, gx: usize, gy: usize, inner: usize, n: usize): void {
  if (inner == 1) {
    for (let i: usize = 0; i < n; i += 4) {
      const o = i << 2, r = n - i;
      const m = f32x4.ne(v128.load(c + o), S(0)), v = v128.load(g + o);
      if (gx) { if (r >= 4) v128.store(gx + o, v128.and(v, m)); else st(gx + o, v128.and(v, m), r); }
      if (gy) { if (r >= 4) v128.store(gy + o, v128.andnot(v, m)); else st(gy + o, v128.andnot(v, m), r); }
    }
    return;
  }
  const rb = inner << 2;
  for (let j: usize = 0, o: usize = 0; o < (n << 2); j++, o += rb) {
    const on = load<f32>(c + (j << 2)) != 0;
    if (gx) { if (on) memory.copy(gx + o, g + o, rb); else memory.fill(gx + o, 0, rb); }
    if (gy) { if (on) memory.fill(gy + o, 0, rb); else memory.copy(gy + o, g + o, rb); }
  }
}
