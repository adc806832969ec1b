// Shared SIMD helpers of the nn kernels (f32-nn.ts, f32-nn-norm.ts): tail lane loads/stores, horizontal
// reductions, exp / log / erf. Not re-exported by assembly/index.ts (no wasm exports here).
// Every loop handles its tail with lane loads/stores (`ld`/`st`), so each body exists once.
// Max error vs float64 (dense grids, test/kernels/nn.test.ts 'approximation error'): vexp rel 1.5e-7 (~1 ulp;
// 0 below ln(FLT_MIN), no denormals), verf abs 4.9e-7 on [-5.7, 5.7] (so gelu for x < -3, where 1 + erf
// cancels, has rel error up to 4e-4, abs < 5e-7 |x|), softrelu (vlog/vlog1p) rel 2.6e-7 on [-80, 30].
// tanh and sigmoid (the Activation kernels) share tanhCore / sigmoidCore with the unary kernels (f32-vmath.ts,
// bounds in f32-vunary.ts): tanh rel / abs 3.2e-7 (5 ulp), sigmoid rel 1.8e-7 (2 ulp) over all f32.
export const NINF: f32 = -Infinity;

@inline export function mask(r: usize): v128 { return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(<i32>min(r, 4))); }
@inline export function ld(p: usize, r: usize): v128 {
  if (r >= 4) return v128.load(p);
  let w = v128.load32_zero(p);
  if (r > 1) w = v128.load32_lane(p, w, 1, 4);
  if (r > 2) w = v128.load32_lane(p, w, 2, 8);
  return w;
}
@inline export function st(p: usize, v: v128, r: usize): void {
  if (r >= 4) { v128.store(p, v); return; }
  v128.store32_lane(p, v, 0);
  if (r > 1) v128.store32_lane(p, v, 1, 4);
  if (r > 2) v128.store32_lane(p, v, 2, 8);
}
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
@inline export function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}
@inline export function S(x: f32): v128 { return f32x4.splat(x); }
@inline export function fma(a: v128, b: v128, c: v128): v128 { return f32x4.add(f32x4.mul(a, b), c); }

/** The non-inlined approximations (static members: v128 signatures stay internal, no AS112 warnings). */
export class NM {
  /** e^x: Cody-Waite reduction, degree-6 polynomial (Cephes expf), two-step 2^n scaling; 0 below ln(FLT_MIN). */
  static vexp(x: v128): v128 {
    const xc = f32x4.pmax(f32x4.pmin(x, S(88.8)), S(-87.5)); // pmin/pmax: one instruction each, NaN still propagates
    const n = f32x4.nearest(f32x4.mul(xc, S(1.44269504088896341)));
    let r = f32x4.sub(xc, f32x4.mul(n, S(0.693359375)));
    r = f32x4.sub(r, f32x4.mul(n, S(-2.12194440e-4)));
    let p = fma(S(1.9875691500e-4), r, S(1.3981999507e-3));
    p = fma(p, r, S(8.3334519073e-3));
    p = fma(p, r, S(4.1665795894e-2));
    p = fma(p, r, S(1.6666665459e-1));
    p = fma(p, r, S(5.0000001201e-1));
    p = f32x4.add(fma(f32x4.mul(p, r), r, r), S(1));
    const ni = i32x4.trunc_sat_f32x4_s(n);
    const h = i32x4.shr_s(ni, 1);
    const s1 = i32x4.shl(i32x4.add(h, i32x4.splat(127)), 23);
    const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, h), i32x4.splat(127)), 23);
    return v128.andnot(f32x4.mul(f32x4.mul(p, s1), s2), f32x4.lt(x, S(-87.33654)));
  }
  /** ln(x) for positive normal x: exponent split, mantissa in [sqrt(1/2), sqrt(2)), atanh series. */
  static vlog(x: v128): v128 {
    let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(127));
    let m = v128.or(v128.and(x, i32x4.splat(0x7fffff)), i32x4.splat(0x3f800000));
    const big = f32x4.gt(m, S(1.41421356));
    m = v128.bitselect(f32x4.mul(m, S(0.5)), m, big);
    e = i32x4.sub(e, big); // mask lanes are -1: adds 1
    const s = f32x4.div(f32x4.sub(m, S(1)), f32x4.add(m, S(1)));
    const z = f32x4.mul(s, s);
    let p = fma(S(1.0 / 9.0), z, S(1.0 / 7.0));
    p = fma(p, z, S(0.2));
    p = fma(p, z, S(1.0 / 3.0));
    p = fma(p, z, S(1));
    const lm = f32x4.mul(f32x4.add(s, s), p);
    return fma(f32x4.convert_i32x4_s(e), S(0.693147180559945), lm);
  }
  /** erf: rational approximation x*P(x^2)/Q(x^2) on [-4, 4] (saturates to +-1 outside). */
  static verf(x0: v128): v128 {
    const x = f32x4.pmax(f32x4.pmin(x0, S(4)), S(-4)), z = f32x4.mul(x, x);
    let p = fma(S(-2.72614225801306e-10), z, S(2.77068142495902e-08));
    p = fma(p, z, S(-2.10102402082508e-06));
    p = fma(p, z, S(-5.69250639462346e-05));
    p = fma(p, z, S(-7.34990630326855e-04));
    p = fma(p, z, S(-2.95459980854025e-03));
    p = fma(p, z, S(-1.60960333262415e-02));
    let q = fma(S(-1.45660718464996e-05), z, S(-2.13374055278905e-04));
    q = fma(q, z, S(-1.68282697438203e-03));
    q = fma(q, z, S(-7.37332916720468e-03));
    q = fma(q, z, S(-1.42647390514189e-02));
    return f32x4.div(f32x4.mul(x, p), q);
  }
  /** log(1+u) for u >= 0 without cancellation: log(w) * u / (w - 1), w = 1 + u. */
  static vlog1p(u: v128): v128 {
    const w = f32x4.add(S(1), u), d = f32x4.sub(w, S(1));
    return v128.bitselect(u, f32x4.div(f32x4.mul(NM.vlog(w), u), d), f32x4.eq(d, S(0)));
  }
}

