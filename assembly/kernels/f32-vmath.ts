// Shared SIMD math of the elementwise kernels (f32-vunary.ts, f32-vbinary.ts): lane stores for
// tails, splat helpers and the polynomial transcendentals. No wasm exports: assembly/index.ts does
// not re-export this file; its `export`s are for the kernel files only. Error bounds: f32-vunary.ts.

/** Stores lanes 0..r-1 (r in 1..3). */
function stp(p: usize, v: v128, r: usize): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (r > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (r > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}
@inline export function S(v: f32): v128 { return f32x4.splat(v); }
@inline export function I(v: i32): v128 { return i32x4.splat(v); }
@inline export function fma(a: v128, b: v128, c: f32): v128 { return f32x4.add(f32x4.mul(a, b), S(c)); }
@inline export function sel(a: v128, b: v128, m: v128): v128 { return v128.bitselect(a, b, m); }
export const EXP_LO: f32 = -87.3365, SIG_LO: f32 = -87.33;

/** e^x: Cody-Waite ln2 reduction, degree-6 polynomial, 2^n applied in two halves (no subnormal steps). */
@inline export function vexpI(x: v128): v128 {
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
@inline export function vlogI(x: v128): v128 {
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
function log1p(x: v128): v128 {
  const u = f32x4.add(x, S(1));
  const y = f32x4.mul(vlog(u), f32x4.div(x, f32x4.sub(u, S(1))));
  return sel(x, y, v128.or(f32x4.eq(u, S(1)), f32x4.eq(x, S(Infinity))));
}

/** e^x - 1: Taylor to x^11 for |x| < 1, else exp(x) - 1. */
function expm1(x: v128): v128 {
  let p = fma(S(2.505210838544172e-8), x, 2.755731922398589e-7);
  p = fma(p, x, 2.755731922398589e-6); p = fma(p, x, 2.48015873015873e-5); p = fma(p, x, 1.984126984126984e-4);
  p = fma(p, x, 1.388888888888889e-3); p = fma(p, x, 8.333333333333333e-3); p = fma(p, x, 4.1666666666666664e-2);
  p = fma(p, x, 1.6666666666666666e-1); p = fma(p, x, 0.5);
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, x), p));
  return sel(small, f32x4.sub(vexp(x), S(1)), f32x4.lt(f32x4.abs(x), S(1)));
}

/**
 * tanh x = x P(x^2) / Q(x^2) with x clamped to [-9, 9] (tanh rounds to +-1 beyond 9.011): a degree 13/6
 * rational minimax fit of tanh(x)/x in relative error on [0, 9] (as Eigen / XNNPACK do, refitted here),
 * Horner in x^2, one division, no exp, no select. Max error (f32 evaluation included) in f32-vunary.ts.
 * P(0) = Q(0) = 1 (fitted with that constraint): +-0 and subnormals pass through exactly; NaN propagates
 * (pmin / pmax keep it).
 */
@inline export function tanhCore(x0: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(x0, S(9)), S(-9)), z = f32x4.mul(x, x);
  let p = fma(S(-6.542827396408338e-14), z, 4.4286782574509687e-11);
  p = fma(p, z, -1.8256082867651457e-08); p = fma(p, z, 1.0621683031786233e-05); p = fma(p, z, 0.0030499037820845842);
  p = fma(p, z, 0.13034570217132568); p = fma(p, z, 1);
  let q = fma(S(0.0002469368919264525), z, 0.024276679381728172);
  q = fma(q, z, 0.46367859840393066); q = fma(q, z, 1);
  return f32x4.div(f32x4.mul(x, p), q);
}

/**
 * 1 / (1 + e^-x) from e = e^{-|x|} = 2^n e^r (n >= -126: s = 2^n is one shift, no two-step scaling):
 * f = e / (1 + e) is sigmoid(-|x|), 1 - f is sigmoid(|x|). One division. 0 below -87.33 (the true value
 * is under 1.2e-38 there: no subnormal results). NaN propagates.
 */
@inline export function sigmoidCore(x: v128): v128 {
  const u = f32x4.pmax(v128.or(x, I(<i32>0x80000000)), S(SIG_LO)); // -|x| clamped; NaN stays
  const t = f32x4.add(f32x4.mul(u, S(1.44269504088896341)), S(12583039)); // 1.5 * 2^23 + 127: low bits n + 127
  const fn = f32x4.sub(t, S(12583039)), s = i32x4.shl(t, 23);
  let r = f32x4.sub(u, f32x4.mul(fn, S(0.693359375)));
  r = f32x4.add(r, f32x4.mul(fn, S(2.12194440e-4)));
  // e^r = 1 + r + r^2 P(r) (Cephes expf), P by Estrin (shorter dependency chain than Horner)
  const r2 = f32x4.mul(r, r);
  const pa = fma(S(1.9875691500e-4), r, 1.3981999507e-3), pb = fma(S(8.3334519073e-3), r, 4.1665795894e-2);
  const pc = fma(S(1.6666665459e-1), r, 5.0000001201e-1);
  const p = f32x4.add(f32x4.mul(f32x4.add(f32x4.mul(pa, r2), pb), r2), pc);
  const e = f32x4.mul(f32x4.add(f32x4.add(f32x4.mul(p, r2), r), S(1)), s);
  const f = f32x4.div(e, f32x4.add(e, S(1)));
  const y = sel(f, f32x4.sub(S(1), f), f32x4.lt(x, S(0)));
  return v128.andnot(y, f32x4.lt(x, S(SIG_LO)));
}

/** Lanes 0..r-1 of p (r in 1..3), the rest 0: tails that must not read past the end. */
@inline function ldp(p: usize, r: usize): v128 {
  let w = v128.load32_zero(p);
  if (r > 1) w = v128.load32_lane(p, w, 1, 4);
  if (r > 2) w = v128.load32_lane(p, w, 2, 8);
  return w;
}
/**
 * y = tanh x (t = 0) or sigmoid x (t = 1) over n values: the one loop of f32_vtanh / f32_vsigmoid and of the
 * Activation kernel (f32_act), so both give identical bits. Two independent vectors per iteration (the
 * math is latency bound); the tail reads and writes only its lanes.
 */
export function tanhSigmoidLoop(t: i32, x: usize, y: usize, n: usize): void {
  let i: usize = 0;
  if (t == 0) {
    for (; i + 8 <= n; i += 8) {
      const o = i << 2, v0 = tanhCore(v128.load(x + o)), v1 = tanhCore(v128.load(x + o, 16));
      v128.store(y + o, v0); v128.store(y + o, v1, 16);
    }
  } else {
    for (; i + 8 <= n; i += 8) {
      const o = i << 2, v0 = sigmoidCore(v128.load(x + o)), v1 = sigmoidCore(v128.load(x + o, 16));
      v128.store(y + o, v0); v128.store(y + o, v1, 16);
    }
  }
  for (; i < n; i += 4) {
    const o = i << 2, r = n - i, v = r >= 4 ? v128.load(x + o) : ldp(x + o, r);
    const w = t == 0 ? tanhCore(v) : sigmoidCore(v);
    if (r >= 4) v128.store(y + o, w); else stp(y + o, w, r);
  }
}

/** sin (c = 0) or cos (c = 1): q = round(|x| 2/pi), r = |x| - q pi/2 in three parts, both polynomials. */
function sincos(x: v128, c: i32): v128 {
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
@inline export function vround(x: v128): v128 {
  const t = f32x4.trunc(x);
  const up = f32x4.ge(f32x4.abs(f32x4.sub(x, t)), S(0.5));
  return f32x4.add(t, v128.and(up, v128.or(S(1), v128.and(x, I(<i32>0x80000000)))));
}


// Out-of-line forms for the shared jump-table loops (one copy each; the private functions above are
// not exported, so they never become wasm exports or AS112 warnings).
/** Stores lanes 0..r-1 (r in 1..3). */
@inline export function st(p: usize, v: v128, r: usize): void { stp(p, v, r); }
/** e^x, out of line. */
@inline export function vexp1(x: v128): v128 { return vexp(x); }
/** ln x, out of line. */
@inline export function vlog1(x: v128): v128 { return vlog(x); }
/** ln(1 + x), out of line. */
@inline export function vlog1p(x: v128): v128 { return log1p(x); }
/** e^x - 1, out of line. */
@inline export function vexpm1(x: v128): v128 { return expm1(x); }
/** sin (c = 0) or cos (c = 1), out of line. */
@inline export function vsincos(x: v128, c: i32): v128 { return sincos(x, c); }
