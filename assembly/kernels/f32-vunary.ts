// Elementwise unary kernels (and their gradients, clip, where) over contiguous f32 buffers.
// Grammar: f32_v<op>__simd128 (x, z, n); gradients f32_v<op>_grad__simd128 (y or x, g, z, n).
// Pointers first, element count last; z may alias any input (in place). The hot ops (neg, abs,
// square, sqrt, rsqrt, recip, relu, exp, log, clip and the relu / sigmoid / tanh / clip gradients) have
// their own loops with the math inlined; tanh and sigmoid run tanhSigmoidMap (f32-math.ts, shared with the
// Activation kernel f32_act: same bits). The rest share one loop per kind (`uw`, `gw`, a
// jump table per vector), which also runs every tail: it reads a whole vector (at most 12 bytes
// past the end, inside the 64-byte-rounded block) and stores only the valid lanes.
//
// Transcendentals are SIMD polynomials (Cephes-style), no tables, no per-lane branches. Max error vs
// Math.* rounded to f32, measured over dense grids and strided walks of all f32 bit patterns
// (test/kernels/elementwise.test.ts asserts these bounds):
//   exp 1 ulp (rel 1.2e-7) on [-87.33, 88.72]; returns 0 below -87.3365 (Math.exp gives subnormals
//       there) and +inf above 88.7228
//   log 1 ulp (rel 1.2e-7) on [1e-37, 3e38]; 0 -> -inf, x < 0 -> NaN, subnormal inputs rescaled
//   log1p 2 ulp (rel 2.3e-7); expm1 2 ulp (rel 1.3e-7);
//   tanh 5 ulp, rel and abs error <= 3.2e-7 (a 13/6 rational fit, no exp; 4 ulp for |x| < 0.625, worst near
//       |x| = 2..7 where x P / Q rounds ~10 times on values near 1); exact for +-0 and subnormals, +-1 for |x| >= 9
//   sigmoid 2 ulp, rel 1.8e-7, abs 7.1e-8 (0 below -87.33, where the true value is under FLT_MIN);
//   softrelu 3 ulp (rel 2.4e-7); softsign, rsqrt 1 ulp
//   sin, cos abs error <= 6e-8 for |x| <= 8192 (1 ulp on [-pi, pi]); the f32 Cody-Waite reduction
//       degrades beyond (abs error 1e-6 at |x| = 1e5)
// NaN propagates everywhere (sign, relu-grad and comparisons give 0/1 as MXNet does). No result is
// computed through a subnormal intermediate, so there are no denormal slow paths.

const NEG = 0, ABS = 1, SIGN = 2, SQUARE = 3, SQRT = 4, RSQRT = 5, RECIP = 6, EXP = 7, LOG = 8, LOG1P = 9, EXPM1 = 10;
const SIN = 11, COS = 12, TANH = 13, SIGMOID = 14, RELU = 15, SOFTSIGN = 16, SOFTRELU = 17, FLOOR = 18, CEIL = 19;
const ROUND = 20, RINT = 21, TRUNC = 22, SMOOTH_L1 = 23;
const G_RELU = 0, G_SIGMOID = 1, G_TANH = 2, G_SOFTSIGN = 3, G_SMOOTH_L1 = 4;

import { ACT_SIGMOID, ACT_TANH, I, M, Relu, S, Softrelu, Softsign, act, expI, logI, sel, tanhSigmoidMap, vround } from './f32-math';

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
      case EXP: v = M.exp(x4); break; case LOG: v = M.log(x4); break;
      case LOG1P: v = M.log1p(x4); break; case EXPM1: v = M.expm1(x4); break;
      case SIN: v = M.sincos(x4, 0); break; case COS: v = M.sincos(x4, 1); break;
      case RELU: v = act<Relu>(x4, 0); break;
      case SOFTSIGN: v = act<Softsign>(x4, 0); break;
      case SOFTRELU: v = act<Softrelu>(x4, 0); break;
      case FLOOR: v = f32x4.floor(x4); break; case CEIL: v = f32x4.ceil(x4); break;
      case ROUND: v = vround(x4); break; case RINT: v = f32x4.nearest(x4); break; case TRUNC: v = f32x4.trunc(x4); break;
      case SMOOTH_L1: { // MXNet smooth_l1_loss, sigma = a: |x| > 1/sigma^2 ? |x| - 0.5/sigma^2 : 0.5 sigma^2 x^2
        const q = a * a, ib = S(1 / q), ax = f32x4.abs(x4);
        v = sel(f32x4.sub(ax, f32x4.mul(ib, S(0.5))), f32x4.mul(f32x4.mul(x4, x4), S(0.5 * q)), f32x4.gt(ax, ib)); break;
      }
      // clip, MXNet order: x > hi ? hi : x < lo ? lo : x (NaN passes through)
      default: v = sel(S(b), sel(S(a), x4, f32x4.lt(x4, S(a))), f32x4.gt(x4, S(b)));
    }
    if (n - i >= 4) v128.store(z + o, v); else M.st(z + o, v, n - i);
  }
}

/** Specialised loop for the hot unary ops (op is a constant after inlining); the tail goes to uw. */
@inline function u1(op: i32, x: usize, z: usize, lo: f32, hi: f32, n: usize): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    const o = i << 2, v = v128.load(x + o);
    v128.store(z + o, op == NEG ? f32x4.neg(v) : op == ABS ? f32x4.abs(v) : op == SQUARE ? f32x4.mul(v, v)
      : op == SQRT ? f32x4.sqrt(v) : op == RSQRT ? f32x4.div(S(1), f32x4.sqrt(v)) : op == RECIP ? f32x4.div(S(1), v)
      : op == RELU ? act<Relu>(v, 0) : op == EXP ? expI(v) : op == LOG ? logI(v)
      : sel(S(hi), sel(S(lo), v, f32x4.lt(v, S(lo))), f32x4.gt(v, S(hi))));
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
/** z = tanh x (<= 5 ulp, rel 3.2e-7). */
export function f32_vtanh__simd128(x: usize, z: usize, n: usize): void { tanhSigmoidMap(ACT_TANH, x, z, n); }
/** z = 1 / (1 + e^-x) (<= 2 ulp; 0 below -87.33). */
export function f32_vsigmoid__simd128(x: usize, z: usize, n: usize): void { tanhSigmoidMap(ACT_SIGMOID, x, z, n); }
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
    if (n - i >= 4) v128.store(z + o, v); else M.st(z + o, v, n - i);
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
      if (n - i >= 4) v128.store(z + o, v); else M.st(z + o, v, n - i);
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
      if (gx) { if (r >= 4) v128.store(gx + o, v128.and(v, m)); else M.st(gx + o, v128.and(v, m), r); }
      if (gy) { if (r >= 4) v128.store(gy + o, v128.andnot(v, m)); else M.st(gy + o, v128.andnot(v, m), r); }
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
