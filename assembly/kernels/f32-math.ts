// The one SIMD math library of the kernels: lane loads/stores for tails, splats, horizontal reductions,
// the polynomial transcendentals (exp, log, log1p, expm1, erf, sin/cos, tanh, sigmoid), the activation
// functions and the one elementwise loop over them. No wasm exports: assembly/index.ts does not re-export
// this file; its `export`s are for the kernel files only. Non-inlined forms are static members of `M`
// (v128 signatures stay internal: no AS112 warnings); the `@inline` forms are for the hot loops.
//
// Max error vs float64 (dense grids and strided walks of all f32 bit patterns; test/kernels/elementwise.test.ts
// and nn.test.ts 'approximation error' assert these bounds):
//   exp 1 ulp (rel 1.2e-7) on [-87.33, 88.72]; 0 below -87.3365 (no subnormal results), +inf above 88.7228
//   log 1 ulp (rel 1.2e-7) on [1e-37, 3e38]; 0 -> -inf, x < 0 -> NaN, subnormal inputs rescaled
//   log1p 2 ulp (rel 2.3e-7); expm1 2 ulp (rel 1.3e-7); softrelu 3 ulp (rel 2.4e-7; its own log1p of e^-|x|); softsign 1 ulp
//   tanh 5 ulp, rel and abs error <= 3.2e-7 (a 13/6 rational fit, no exp; 4 ulp for |x| < 0.625, worst near
//       |x| = 2..7 where x P / Q rounds ~10 times on values near 1); exact for +-0 and subnormals, +-1 for |x| >= 9
//   sigmoid 2 ulp, rel 1.8e-7, abs 7.1e-8 (0 below -87.33, where the true value is under FLT_MIN)
//   erf abs 4.9e-7 on [-5.7, 5.7] (so gelu for x < -3, where 1 + erf cancels, has rel error up to 4e-4,
//       abs < 5e-7 |x|)
//   sin, cos abs error <= 6e-8 for |x| <= 8192 (1 ulp on [-pi, pi]); the f32 Cody-Waite reduction
//       degrades beyond (abs error 1e-6 at |x| = 1e5)
// NaN propagates everywhere. No result is computed through a subnormal intermediate (no denormal slow paths).

export const NINF: f32 = -Infinity, EXP_LO: f32 = -87.3365, SIG_LO: f32 = -87.33;

// ---- lanes, splats, reductions
@inline export function S(v: f32): v128 { return f32x4.splat(v); }
@inline export function I(v: i32): v128 { return i32x4.splat(v); }
/** a * b + c (mul then add: two roundings, the same bits on every engine). */
@inline export function fma(a: v128, b: v128, c: v128): v128 { return f32x4.add(f32x4.mul(a, b), c); }
/**
 * c + a * b for the GEMM paths. T marks the flavour: f64 = relaxed (f32x4.relaxed_madd, relaxed build only),
 * f32 = mul + add; the branch is resolved at compile time.
 */
@inline export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    if (sizeof<T>() == 8) return f32x4.relaxed_madd(a, b, c);
  }
  return f32x4.add(c, f32x4.mul(a, b));
}
@inline export function sel(a: v128, b: v128, m: v128): v128 { return v128.bitselect(a, b, m); }
/** Lanes 0..r-1 set (r clamped to 4). */
@inline export function mask(r: usize): v128 { return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(<i32>min(r, 4))); }
/** Lanes 0..r-1 of p, the rest 0 (r >= 4: a full vector): tails that must not read past the end. */
@inline export function ld(p: usize, r: usize): v128 {
  if (r >= 4) return v128.load(p);
  let w = v128.load32_zero(p);
  if (r > 1) w = v128.load32_lane(p, w, 1, 4); if (r > 2) w = v128.load32_lane(p, w, 2, 8);
  return w;
}
/** Stores lanes 0..r-1 of v (r >= 4: the whole vector). */
@inline export function st(p: usize, v: v128, r: usize): void {
  if (r >= 4) { v128.store(p, v); return; }
  v128.store32_lane(p, v, 0); if (r > 1) v128.store32_lane(p, v, 1, 4); if (r > 2) v128.store32_lane(p, v, 2, 8);
}
/** Byte address of float i of an f32 array at `base`. */
@inline export function addr(base: usize, i: i32): usize { return base + (<usize>i << 2); }
/** ((v0 + v1) + v2) + v3. */
@inline export function hsum(v: v128): f32 { return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3); }
/** (v0 + v1) + (v2 + v3): the reductions' order (f32-reduce.ts, f32-vbinary.ts). */
@inline export function hsum2(v: v128): f32 { return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)); }
@inline export function hmax(v: v128): f32 { return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3))); }

// ---- transcendentals (inlined forms; M below has the out-of-line ones)
/** e^x: Cody-Waite ln2 reduction, degree-6 polynomial (Cephes expf), 2^n applied in two halves (no subnormal steps). */
@inline export function expI(x: v128): v128 {
  // pmin / pmax are one instruction each and keep a NaN x (it is the first operand).
  const xc = f32x4.pmin(f32x4.pmax(x, S(EXP_LO)), S(88.7229));
  // Round to nearest by adding 1.5 * 2^23: the float is n, its low bits are n as an integer.
  const t = f32x4.add(f32x4.mul(xc, S(1.44269504088896341)), S(12582912));
  const fx = f32x4.sub(t, S(12582912)), n = i32x4.sub(t, I(0x4b400000));
  const r = f32x4.add(f32x4.sub(xc, f32x4.mul(fx, S(0.693359375))), f32x4.mul(fx, S(2.12194440e-4)));
  let p = fma(S(1.9875691500e-4), r, S(1.3981999507e-3));
  p = fma(p, r, S(8.3334519073e-3)); p = fma(p, r, S(4.1665795894e-2));
  p = fma(p, r, S(1.6666665459e-1)); p = fma(p, r, S(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), S(1));
  const n1 = i32x4.shr_s(n, 1);
  const s1 = i32x4.shl(i32x4.add(n1, I(127)), 23), s2 = i32x4.shl(i32x4.add(i32x4.sub(n, n1), I(127)), 23);
  return v128.andnot(f32x4.mul(f32x4.mul(y, s1), s2), f32x4.lt(x, S(EXP_LO)));
}

/** ln x: mantissa in [sqrt(1/2), sqrt(2)), degree-9 polynomial (Cephes logf). */
@inline export function logI(x: v128): v128 {
  const sub = f32x4.lt(x, S(1.17549435e-38));
  const xs = sel(f32x4.mul(x, S(8388608)), x, sub);
  let e = i32x4.sub(i32x4.sub(i32x4.shr_u(xs, 23), I(126)), v128.and(sub, I(23)));
  let m = v128.or(v128.and(xs, I(0x007fffff)), I(0x3f000000));
  const lo = f32x4.lt(m, S(0.707106781186547524));
  e = i32x4.add(e, lo);
  m = f32x4.sub(f32x4.add(m, v128.and(m, lo)), S(1));
  const z = f32x4.mul(m, m);
  let p = fma(S(7.0376836292e-2), m, S(-1.1514610310e-1));
  p = fma(p, m, S(1.1676998740e-1)); p = fma(p, m, S(-1.2420140846e-1)); p = fma(p, m, S(1.4249322787e-1));
  p = fma(p, m, S(-1.6668057665e-1)); p = fma(p, m, S(2.0000714765e-1)); p = fma(p, m, S(-2.4999993993e-1));
  p = fma(p, m, S(3.3333331174e-1));
  const fe = f32x4.convert_i32x4_s(e);
  let y = f32x4.add(f32x4.mul(f32x4.mul(p, m), z), f32x4.mul(fe, S(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, S(0.5)));
  y = f32x4.add(f32x4.add(m, y), f32x4.mul(fe, S(0.693359375)));
  y = sel(x, y, f32x4.eq(x, S(Infinity)));
  y = sel(S(-Infinity), y, f32x4.eq(x, S(0)));
  return v128.or(y, v128.not(f32x4.ge(x, S(0)))); // NaN for x < 0 and NaN
}

/**
 * tanh x = x P(x^2) / Q(x^2) with x clamped to [-9, 9] (tanh rounds to +-1 beyond 9.011): a degree 13/6
 * rational minimax fit of tanh(x)/x in relative error on [0, 9] (as Eigen / XNNPACK do, refitted here),
 * Horner in x^2, one division, no exp, no select. P(0) = Q(0) = 1 (fitted with that constraint): +-0 and
 * subnormals pass through exactly; NaN propagates (pmin / pmax keep it).
 */
@inline export function tanhI(x0: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(x0, S(9)), S(-9)), z = f32x4.mul(x, x);
  let p = fma(S(-6.542827396408338e-14), z, S(4.4286782574509687e-11));
  p = fma(p, z, S(-1.8256082867651457e-08)); p = fma(p, z, S(1.0621683031786233e-05));
  p = fma(p, z, S(0.0030499037820845842)); p = fma(p, z, S(0.13034570217132568)); p = fma(p, z, S(1));
  const q = fma(fma(fma(S(0.0002469368919264525), z, S(0.024276679381728172)), z, S(0.46367859840393066)), z, S(1));
  return f32x4.div(f32x4.mul(x, p), q);
}

/**
 * 1 / (1 + e^-x) from e = e^{-|x|} = 2^n e^r (n >= -126: s = 2^n is one shift, no two-step scaling):
 * f = e / (1 + e) is sigmoid(-|x|), 1 - f is sigmoid(|x|). One division. 0 below -87.33 (the true value
 * is under 1.2e-38 there: no subnormal results). NaN propagates.
 */
@inline export function sigmoidI(x: v128): v128 {
  const u = f32x4.pmax(v128.or(x, I(<i32>0x80000000)), S(SIG_LO)); // -|x| clamped; NaN stays
  const t = f32x4.add(f32x4.mul(u, S(1.44269504088896341)), S(12583039)); // 1.5 * 2^23 + 127: low bits n + 127
  const fn = f32x4.sub(t, S(12583039)), s = i32x4.shl(t, 23);
  const r = f32x4.add(f32x4.sub(u, f32x4.mul(fn, S(0.693359375))), f32x4.mul(fn, S(2.12194440e-4)));
  // e^r = 1 + r + r^2 P(r) (Cephes expf), P by Estrin (shorter dependency chain than Horner)
  const r2 = f32x4.mul(r, r);
  const pa = fma(S(1.9875691500e-4), r, S(1.3981999507e-3)), pb = fma(S(8.3334519073e-3), r, S(4.1665795894e-2));
  const pc = fma(S(1.6666665459e-1), r, S(5.0000001201e-1));
  const p = f32x4.add(f32x4.mul(f32x4.add(f32x4.mul(pa, r2), pb), r2), pc);
  const e = f32x4.mul(f32x4.add(f32x4.add(f32x4.mul(p, r2), r), S(1)), s);
  const f = f32x4.div(e, f32x4.add(e, S(1)));
  const y = sel(f, f32x4.sub(S(1), f), f32x4.lt(x, S(0)));
  return v128.andnot(y, f32x4.lt(x, S(SIG_LO)));
}

/** log(1 + t) for t in [0, 1] (softrelu's log1p(e^-|x|)): t P(t), P a degree-9 minimax fit (1.8 ulp in f32; no division or exponent split). */
@inline export function log1pUnitI(t: v128): v128 {
  let p = fma(S(-3.2439890783280134e-3), t, S(1.9851235672831535e-2)); p = fma(p, t, S(-5.6958965957164764e-2)); p = fma(p, t, S(1.0603580623865128e-1));
  p = fma(p, t, S(-1.530553698539734e-1)); p = fma(p, t, S(1.9675913453102112e-1)); p = fma(p, t, S(-2.495412677526474e-1));
  return f32x4.mul(t, fma(fma(fma(p, t, S(3.332996070384979e-1)), t, S(-4.999990165233612e-1)), t, S(1)));
}

/** Round half away from zero (C round). */
@inline export function vround(x: v128): v128 {
  const t = f32x4.trunc(x);
  const up = f32x4.ge(f32x4.abs(f32x4.sub(x, t)), S(0.5));
  return f32x4.add(t, v128.and(up, v128.or(S(1), v128.and(x, I(<i32>0x80000000)))));
}

/** The out-of-line transcendentals (one copy each in the module). */
export class M {
  /** Stores lanes 0..r-1 (r in 1..3): the tails of the jump-table loops (f32-vunary.ts, f32-vbinary.ts), out of line. */
  static st(p: usize, v: v128, r: usize): void {
    store<f32>(p, f32x4.extract_lane(v, 0)); if (r > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4); if (r > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
  }
  /** e^x (expI), ln x (logI). */
  static exp(x: v128): v128 { return expI(x); }
  static log(x: v128): v128 { return logI(x); }
  /** softrelu x = max(x, 0) + log1p(e^-|x|) (no overflow), out of line: one copy of its exp and log1p. */
  static softrelu(x: v128): v128 { return f32x4.add(f32x4.max(x, S(0)), log1pUnitI(expI(f32x4.neg(f32x4.abs(x))))); }
  /** log(1+x) = log(u) * x / (u - 1) with u = 1 + x (Goldberg), x where u == 1. */
  static log1p(x: v128): v128 {
    const u = f32x4.add(x, S(1));
    const y = f32x4.mul(M.log(u), f32x4.div(x, f32x4.sub(u, S(1))));
    return sel(x, y, v128.or(f32x4.eq(u, S(1)), f32x4.eq(x, S(Infinity))));
  }
  /** e^x - 1: Taylor to x^11 for |x| < 1, else exp(x) - 1. */
  static expm1(x: v128): v128 {
    let p = fma(S(2.505210838544172e-8), x, S(2.755731922398589e-7));
    p = fma(p, x, S(2.755731922398589e-6)); p = fma(p, x, S(2.48015873015873e-5)); p = fma(p, x, S(1.984126984126984e-4));
    p = fma(p, x, S(1.388888888888889e-3)); p = fma(p, x, S(8.333333333333333e-3)); p = fma(p, x, S(4.1666666666666664e-2));
    p = fma(p, x, S(1.6666666666666666e-1)); p = fma(p, x, S(0.5));
    const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, x), p));
    return sel(small, f32x4.sub(M.exp(x), S(1)), f32x4.lt(f32x4.abs(x), S(1)));
  }
  /** erf: rational approximation x*P(x^2)/Q(x^2) on [-4, 4] (saturates to +-1 outside). */
  static erf(x0: v128): v128 {
    const x = f32x4.pmax(f32x4.pmin(x0, S(4)), S(-4)), z = f32x4.mul(x, x);
    let p = fma(S(-2.72614225801306e-10), z, S(2.77068142495902e-08));
    p = fma(p, z, S(-2.10102402082508e-06)); p = fma(p, z, S(-5.69250639462346e-05)); p = fma(p, z, S(-7.34990630326855e-04));
    p = fma(p, z, S(-2.95459980854025e-03)); p = fma(p, z, S(-1.60960333262415e-02));
    let q = fma(S(-1.45660718464996e-05), z, S(-2.13374055278905e-04));
    q = fma(q, z, S(-1.68282697438203e-03)); q = fma(q, z, S(-7.37332916720468e-03)); q = fma(q, z, S(-1.42647390514189e-02));
    return f32x4.div(f32x4.mul(x, p), q);
  }
  /** sin (c = 0) or cos (c = 1): q = round(|x| 2/pi), r = |x| - q pi/2 in three parts, both polynomials. */
  static sincos(x: v128, c: i32): v128 {
    const ax = f32x4.abs(x);
    const t = f32x4.add(f32x4.mul(ax, S(0.636619772367581343)), S(12582912)); // round to nearest, as in expI
    const q = f32x4.sub(t, S(12582912));
    let r = f32x4.sub(ax, f32x4.mul(q, S(1.5703125)));
    r = f32x4.sub(r, f32x4.mul(q, S(4.837512969970703125e-4))); r = f32x4.sub(r, f32x4.mul(q, S(7.54978995489188216e-8)));
    const z = f32x4.mul(r, r);
    let ps = fma(S(-1.9515295891e-4), z, S(8.3321608736e-3));
    ps = fma(ps, z, S(-1.6666654611e-1)); ps = f32x4.add(f32x4.mul(f32x4.mul(ps, z), r), r);
    let pc = fma(S(2.443315711809948e-5), z, S(-1.388731625493765e-3)); pc = fma(pc, z, S(4.166664568298827e-2));
    pc = f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(pc, z), z), f32x4.mul(z, S(0.5))), S(1));
    const qi = i32x4.add(i32x4.sub(t, I(0x4b400000)), I(c));
    const odd = i32x4.eq(v128.and(qi, I(1)), I(1));
    const y = v128.xor(sel(pc, ps, odd), i32x4.shl(v128.and(qi, I(2)), 30));
    return c ? y : v128.xor(y, v128.and(x, I(<i32>0x80000000)));
  }
}

// ---- activations: each function once. The codes of f32_act / f32_act_bwd (src/runtime/manifest/nn.ts ACT) and,
// for the loops, one tag class per function: `act<Tanh>` is resolved at compile time (a branch on the code
// would be folded by the optimizer into one loop with a per-vector dispatch).
export const ACT_RELU = 0, ACT_SIGMOID = 1, ACT_TANH = 2, ACT_SOFTRELU = 3, ACT_SOFTSIGN = 4, ACT_LEAKY = 5, ACT_ELU = 6, ACT_SELU = 7;
export const ACT_GELU = 8, ACT_ERF = 9;
export class Relu {} export class Sigmoid {} export class Tanh {} export class Softrelu {} export class Softsign {}
export class Leaky {} export class Elu {} export class Selu {} export class Gelu {} export class Erf {}
const SELU_A: f32 = 1.6732632423543772, SELU_L: f32 = 1.0507009873554805;

/** y = T(x) (a: leaky slope / elu alpha). */
@inline export function act<T>(x: v128, a: f32): v128 {
  if (idof<T>() == idof<Relu>()) return f32x4.pmax(x, S(0)); // NaN passes, -0 stays -0
  if (idof<T>() == idof<Sigmoid>()) return sigmoidI(x);
  if (idof<T>() == idof<Tanh>()) return tanhI(x);
  if (idof<T>() == idof<Softrelu>()) return M.softrelu(x);
  if (idof<T>() == idof<Softsign>()) return f32x4.div(x, f32x4.add(S(1), f32x4.abs(x)));
  if (idof<T>() == idof<Leaky>()) return sel(x, f32x4.mul(x, S(a)), f32x4.gt(x, S(0)));
  if (idof<T>() == idof<Elu>()) return sel(x, f32x4.mul(f32x4.sub(M.exp(x), S(1)), S(a)), f32x4.gt(x, S(0)));
  if (idof<T>() == idof<Selu>()) return f32x4.mul(S(SELU_L), sel(x, f32x4.mul(f32x4.sub(M.exp(x), S(1)), S(SELU_A)), f32x4.gt(x, S(0))));
  if (idof<T>() == idof<Gelu>()) return f32x4.mul(f32x4.mul(S(0.5), x), f32x4.add(S(1), M.erf(f32x4.mul(x, S(0.7071067811865476)))));
  return M.erf(x);
}
/** T'(.) from the output y, or from the input x for gelu and erf (`actGradFromX`). */
@inline export function actGrad<T>(v: v128, a: f32): v128 {
  if (idof<T>() == idof<Relu>()) return v128.and(S(1), f32x4.gt(v, S(0)));
  if (idof<T>() == idof<Sigmoid>()) return f32x4.mul(v, f32x4.sub(S(1), v));
  if (idof<T>() == idof<Tanh>()) return f32x4.sub(S(1), f32x4.mul(v, v));
  if (idof<T>() == idof<Softrelu>()) return f32x4.sub(S(1), M.exp(f32x4.neg(v)));
  if (idof<T>() == idof<Softsign>()) { const s = f32x4.sub(S(1), f32x4.abs(v)); return f32x4.mul(s, s); }
  if (idof<T>() == idof<Leaky>()) return sel(S(1), S(a), f32x4.gt(v, S(0)));
  if (idof<T>() == idof<Elu>()) return sel(S(1), f32x4.add(v, S(a)), f32x4.gt(v, S(0)));
  if (idof<T>() == idof<Selu>()) return sel(S(SELU_L), f32x4.add(v, S(SELU_L * SELU_A)), f32x4.gt(v, S(0)));
  if (idof<T>() == idof<Gelu>()) {
    const cdf = f32x4.mul(S(0.5), f32x4.add(S(1), M.erf(f32x4.mul(v, S(0.7071067811865476)))));
    return fma(f32x4.mul(v, S(0.3989422804014327)), M.exp(f32x4.mul(f32x4.mul(v, v), S(-0.5))), cdf);
  }
  return f32x4.mul(S(1.1283791670955126), M.exp(f32x4.neg(f32x4.mul(v, v))));
}

/**
 * The one elementwise loop: y = T(x) over n values. Two independent vectors per iteration (the
 * transcendentals are latency bound); the tail reads and writes only its lanes.
 */
@inline function mapLoop<T>(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) {
    const o = i << 2, v0 = act<T>(v128.load(x + o), a), v1 = act<T>(v128.load(x + o, 16), a);
    v128.store(y + o, v0); v128.store(y + o, v1, 16);
  }
  for (; i < n; i += 4) {
    const o = i << 2, r = n - i, v = act<T>(ld(x + o, r), a);
    if (r >= 4) v128.store(y + o, v); else M.st(y + o, v, r);
  }
}
/** dx = dy * T'(y, or x for gelu and erf) over n values (one vector per iteration: the derivatives are cheap). */
@inline function mapGradLoop<T>(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  const v = idof<T>() == idof<Gelu>() || idof<T>() == idof<Erf>() ? x : y;
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), actGrad<T>(v128.load(v + o), a))); }
  for (; i < n; i += 4) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), actGrad<T>(ld(v + o, r), a)), r); }
}

/**
 * y = act_t(x) over n values (t: an ACT code): f32_act and the unary kernels run this one function, GEMM's
 * fused tanh / sigmoid and the RNN cells its tanhSigmoidMap, so they give identical bits.
 */
export function actMap(t: i32, x: usize, y: usize, n: usize, a: f32): void {
  switch (t) {
    case ACT_RELU: mapLoop<Relu>(x, y, n, a); break;
    case ACT_SIGMOID: case ACT_TANH: tanhSigmoidMap(t, x, y, n); break;
    case ACT_SOFTRELU: mapLoop<Softrelu>(x, y, n, a); break;
    case ACT_SOFTSIGN: mapLoop<Softsign>(x, y, n, a); break;
    case ACT_LEAKY: mapLoop<Leaky>(x, y, n, a); break;
    case ACT_ELU: mapLoop<Elu>(x, y, n, a); break;
    case ACT_SELU: mapLoop<Selu>(x, y, n, a); break;
    case ACT_GELU: mapLoop<Gelu>(x, y, n, a); break;
    case ACT_ERF: mapLoop<Erf>(x, y, n, a); break;
  }
}
/** y = tanh x (t = ACT_TANH) or sigmoid x (ACT_SIGMOID): apart, so that GEMM (also in the relaxed module) and RNN need no more. */
export function tanhSigmoidMap(t: i32, x: usize, y: usize, n: usize): void {
  if (t == ACT_TANH) mapLoop<Tanh>(x, y, n, 0); else mapLoop<Sigmoid>(x, y, n, 0);
}
/** dx = dy * act_t'(y, or x for gelu / erf) over n values (f32_act_bwd). */
export function actGradMap(t: i32, x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  switch (t) {
    case ACT_RELU: mapGradLoop<Relu>(x, y, dy, dx, n, a); break;
    case ACT_SIGMOID: mapGradLoop<Sigmoid>(x, y, dy, dx, n, a); break;
    case ACT_TANH: mapGradLoop<Tanh>(x, y, dy, dx, n, a); break;
    case ACT_SOFTRELU: mapGradLoop<Softrelu>(x, y, dy, dx, n, a); break;
    case ACT_SOFTSIGN: mapGradLoop<Softsign>(x, y, dy, dx, n, a); break;
    case ACT_LEAKY: mapGradLoop<Leaky>(x, y, dy, dx, n, a); break;
    case ACT_ELU: mapGradLoop<Elu>(x, y, dy, dx, n, a); break;
    case ACT_SELU: mapGradLoop<Selu>(x, y, dy, dx, n, a); break;
    case ACT_GELU: mapGradLoop<Gelu>(x, y, dy, dx, n, a); break;
    case ACT_ERF: mapGradLoop<Erf>(x, y, dy, dx, n, a); break;
  }
}
