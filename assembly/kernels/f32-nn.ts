// Neural-network kernels: activations, softmax family, loss-head gradients, BatchNorm, row norms
// (LayerNorm / InstanceNorm), L2Normalization, Dropout / rrelu randomness, Embedding.
// Contract: byte offsets (usize), sizes; a pointer 0 means "absent" (no tensor lives below heapBase).
// Tensors with a reduced axis are viewed as (outer, n, inner): element (o, j, i) at ((o*n + j)*inner + i).
// Every loop handles its tail with lane loads/stores (`ld`/`st`), so each body exists once.
// Max error vs float64 (dense grids, test/kernels/nn.test.ts 'approximation error'): vexp rel 1.5e-7 (~1 ulp;
// 0 below ln(FLT_MIN), no denormals), sigmoid rel 1.4e-7 on [-80, 20], vtanh abs 7.1e-8 / rel 1.3e-7 on [-8, 8],
// verf abs 4.9e-7 on [-5.7, 5.7] (so gelu for x < -3, where 1 + erf cancels, has rel error up to 4e-4,
// abs < 5e-7 |x|), softrelu (vlog/vlog1p) rel 2.6e-7 on [-80, 30].
const NINF: f32 = -Infinity;

@inline function mask(r: usize): v128 { return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(<i32>min(r, 4))); }
@inline function ld(p: usize, r: usize): v128 {
  if (r >= 4) return v128.load(p);
  let w = v128.load32_zero(p);
  if (r > 1) w = v128.load32_lane(p, w, 1, 4);
  if (r > 2) w = v128.load32_lane(p, w, 2, 8);
  return w;
}
@inline function st(p: usize, v: v128, r: usize): void {
  if (r >= 4) { v128.store(p, v); return; }
  v128.store32_lane(p, v, 0);
  if (r > 1) v128.store32_lane(p, v, 1, 4);
  if (r > 2) v128.store32_lane(p, v, 2, 8);
}
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
@inline function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}
@inline function S(x: f32): v128 { return f32x4.splat(x); }
@inline function fma(a: v128, b: v128, c: v128): v128 { return f32x4.add(f32x4.mul(a, b), c); }

/** e^x: Cody-Waite reduction, degree-6 polynomial (Cephes expf), two-step 2^n scaling; 0 below ln(FLT_MIN). */
function vexp(x: v128): v128 {
  const xc = f32x4.max(f32x4.min(x, S(88.8)), S(-87.5));
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
function vlog(x: v128): v128 {
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

/** tanh: odd polynomial (Cephes tanhf) below 0.625, 1 - 2/(e^{2|x|}+1) above. */
function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x), z = f32x4.mul(x, x);
  let p = fma(S(-5.70498872745e-3), z, S(2.06390887954e-2));
  p = fma(p, z, S(-5.37397155531e-2));
  p = fma(p, z, S(1.33314422036e-1));
  p = fma(p, z, S(-3.33332819422e-1));
  const small = fma(f32x4.mul(ax, z), p, ax);
  const big = f32x4.sub(S(1), f32x4.div(S(2), f32x4.add(vexp(f32x4.add(ax, ax)), S(1))));
  const r = v128.bitselect(small, big, f32x4.lt(ax, S(0.625)));
  return v128.or(r, v128.and(x, i32x4.splat(<i32>0x80000000)));
}

@inline function vsigm(x: v128): v128 { return f32x4.div(S(1), f32x4.add(S(1), vexp(f32x4.neg(x)))); }

/** erf: rational approximation x*P(x^2)/Q(x^2) on [-4, 4] (saturates to +-1 outside). */
function verf(x0: v128): v128 {
  const x = f32x4.max(f32x4.min(x0, S(4)), S(-4)), z = f32x4.mul(x, x);
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
function vlog1p(u: v128): v128 {
  const w = f32x4.add(S(1), u), d = f32x4.sub(w, S(1));
  return v128.bitselect(u, f32x4.div(f32x4.mul(vlog(w), u), d), f32x4.eq(d, S(0)));
}

// Activation types shared by f32_act / f32_act_bwd.
// 0 relu, 1 sigmoid, 2 tanh, 3 softrelu, 4 softsign, 5 leaky(a), 6 elu(a), 7 selu, 8 gelu.
const SELU_A: f32 = 1.6732632423543772, SELU_L: f32 = 1.0507009873554805;

function actv(t: i32, x: v128, a: f32): v128 {
  const pos = f32x4.gt(x, S(0));
  if (t == 0) return v128.andnot(x, f32x4.lt(x, S(0))); // NaN passes
  if (t == 1) return vsigm(x);
  if (t == 2) return vtanh(x);
  if (t == 3) return f32x4.add(f32x4.max(x, S(0)), vlog1p(vexp(f32x4.neg(f32x4.abs(x)))));
  if (t == 4) return f32x4.div(x, f32x4.add(S(1), f32x4.abs(x)));
  if (t == 5) return v128.bitselect(x, f32x4.mul(x, S(a)), pos);
  const em1 = f32x4.sub(vexp(x), S(1));
  if (t == 6) return v128.bitselect(x, f32x4.mul(em1, S(a)), pos);
  if (t == 7) return f32x4.mul(S(SELU_L), v128.bitselect(x, f32x4.mul(em1, S(SELU_A)), pos));
  return f32x4.mul(f32x4.mul(S(0.5), x), f32x4.add(S(1), verf(f32x4.mul(x, S(0.7071067811865476)))));
}

/** y = act(x) elementwise; t as above, a = slope/alpha. */
export function f32_act__simd128(x: usize, y: usize, n: usize, t: i32, a: f32): void {
  for (let i: usize = 0; i < n; i += 4) {
    const o = i << 2, r = n - i;
    st(y + o, actv(t, ld(x + o, r), a), r);
  }
}

/** dx = dy * act'(.): from the output y (relu, sigmoid, tanh, softrelu, softsign, leaky, elu, selu) or input x (gelu). */
export function f32_act_bwd__simd128(x: usize, y: usize, dy: usize, dx: usize, n: usize, t: i32, a: f32): void {
  for (let i: usize = 0; i < n; i += 4) {
    const o = i << 2, r = n - i;
    const g = ld(dy + o, r);
    let d: v128;
    if (t == 8) {
      const xv = ld(x + o, r);
      const cdf = f32x4.mul(S(0.5), f32x4.add(S(1), verf(f32x4.mul(xv, S(0.7071067811865476)))));
      d = fma(f32x4.mul(xv, S(0.3989422804014327)), vexp(f32x4.mul(f32x4.mul(xv, xv), S(-0.5))), cdf);
    } else {
      const yv = ld(y + o, r), pos = f32x4.gt(yv, S(0));
      if (t == 0) d = v128.and(S(1), pos);
      else if (t == 1) d = f32x4.mul(yv, f32x4.sub(S(1), yv));
      else if (t == 2) d = f32x4.sub(S(1), f32x4.mul(yv, yv));
      else if (t == 3) d = f32x4.sub(S(1), vexp(f32x4.neg(yv)));
      else if (t == 4) { const s = f32x4.sub(S(1), f32x4.abs(yv)); d = f32x4.mul(s, s); }
      else if (t == 5) d = v128.bitselect(S(1), S(a), pos);
      else if (t == 6) d = v128.bitselect(S(1), f32x4.add(yv, S(a)), pos);
      else d = v128.bitselect(S(SELU_L), f32x4.add(yv, S(SELU_L * SELU_A)), pos);
    }
    st(dx + o, f32x4.mul(g, d), r);
  }
}

/** out = c > 0 ? v : g[ch] * v over (outer, C, inner): PReLU forward (c = v = x) and its data gradient (c = x, v = dy). */
export function f32_prelu__simd128(c: usize, v: usize, g: usize, out: usize, outer: usize, C: usize, inner: usize): void {
  for (let o: usize = 0; o < outer; o++) {
    for (let ch: usize = 0; ch < C; ch++) {
      const gs = S(load<f32>(g + (ch << 2))), base = ((o * C + ch) * inner) << 2;
      for (let i: usize = 0; i < inner; i += 4) {
        const p = base + (i << 2), r = inner - i, vv = ld(v + p, r);
        st(out + p, v128.bitselect(vv, f32x4.mul(vv, gs), f32x4.gt(ld(c + p, r), S(0))), r);
      }
    }
  }
}

/** dg[ch] = sum over x <= 0 of x * dy (PReLU gamma gradient; written, not accumulated). */
export function f32_prelu_gamma_grad__simd128(x: usize, dy: usize, dg: usize, outer: usize, C: usize, inner: usize): void {
  for (let ch: usize = 0; ch < C; ch++) {
    let s = S(0);
    for (let o: usize = 0; o < outer; o++) {
      const base = ((o * C + ch) * inner) << 2;
      for (let i: usize = 0; i < inner; i += 4) {
        const p = base + (i << 2), r = inner - i, xv = ld(x + p, r);
        s = f32x4.add(s, v128.andnot(f32x4.mul(xv, ld(dy + p, r)), f32x4.gt(xv, S(0))));
      }
    }
    store<f32>(dg + (ch << 2), hsum(s));
  }
}

/** out = c > 0 ? v : m * v elementwise (rrelu with per-element slopes m). */
export function f32_rrelu__simd128(c: usize, v: usize, m: usize, out: usize, n: usize): void {
  for (let i: usize = 0; i < n; i += 4) {
    const p = i << 2, r = n - i, vv = ld(v + p, r);
    st(out + p, v128.bitselect(vv, f32x4.mul(vv, ld(m + p, r)), f32x4.gt(ld(c + p, r), S(0))), r);
  }
}

/**
 * Counter-based random fill (lowbias32 hash of seed and index: reproducible, order free).
 * mode 0: m = u >= a ? b : 0 (Dropout keep mask, a = p, b = 1/(1-p)); mode 1: m = a + (b - a) * u.
 */
export function f32_rand_fill__simd128(m: usize, n: usize, seed: i32, mode: i32, a: f32, b: f32): void {
  for (let i: usize = 0; i < n; i += 4) {
    let h = i32x4.add(i32x4.mul(i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(<i32>i)), i32x4.splat(<i32>0x9e3779b9)), i32x4.splat(seed));
    h = v128.xor(h, i32x4.shr_u(h, 16)); h = i32x4.mul(h, i32x4.splat(<i32>0x7feb352d));
    h = v128.xor(h, i32x4.shr_u(h, 15)); h = i32x4.mul(h, i32x4.splat(<i32>0x846ca68b));
    h = v128.xor(h, i32x4.shr_u(h, 16));
    const u = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(h, 8)), S(5.9604644775390625e-8));
    const v = mode == 0 ? v128.and(S(b), f32x4.ge(u, S(a))) : fma(u, S(b - a), S(a));
    st(m + (i << 2), v, n - i);
  }
}

/** In place (outer, inner) -> (outer, rep, inner) broadcast of 32-bit values at p (Dropout `axes`). */
export function x32_expand_inplace(p: usize, outer: usize, rep: usize, inner: usize): void {
  const b = inner << 2;
  for (let o = <isize>outer - 1; o >= 0; o--) {
    for (let r = <isize>rep - 1; r >= 0; r--) memory.copy(p + (<usize>o * rep + <usize>r) * b, p + <usize>o * b, b);
  }
}

/** y = x * m elementwise. */
export function f32_mask_mul__simd128(x: usize, m: usize, y: usize, n: usize): void {
  for (let i: usize = 0; i < n; i += 4) { const p = i << 2, r = n - i; st(y + p, f32x4.mul(ld(x + p, r), ld(m + p, r)), r); }
}

// ---- softmax family over lines: row mode (inner == 1, SIMD along the line) or column mode (up to
// 4 adjacent lines as lanes, stride inner). `L` holds each lane's valid length (use_length; 0 = inactive lane).
@inline function okm(row: bool, j: usize, L: v128): v128 {
  return i32x4.lt_s(row ? i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(<i32>j)) : i32x4.splat(<i32>j), L);
}
@inline function lens(len: usize, idx: usize, w: usize, n: usize): v128 {
  let L = v128.and(i32x4.splat(<i32>n), mask(w));
  if (len) L = i32x4.min_s(L, i32x4.max_s(i32x4.trunc_sat_f32x4_s(ld(len + (idx << 2), w)), i32x4.splat(0)));
  return L;
}

function smGroup(x: usize, y: usize, n: usize, pst: usize, row: bool, w: usize, L: v128, sc: f32, lg: i32): void {
  const jinc: usize = row ? 4 : 1;
  let m = S(NINF), s = S(0);
  for (let j: usize = 0, p: usize = 0; j < n; j += jinc, p += pst) {
    m = f32x4.max(m, v128.bitselect(f32x4.mul(ld(x + p, row ? n - j : w), S(sc)), S(NINF), okm(row, j, L)));
  }
  if (row) m = S(hmax(m));
  for (let j: usize = 0, p: usize = 0; j < n; j += jinc, p += pst) {
    const r = row ? n - j : w;
    const e = v128.and(vexp(f32x4.sub(f32x4.mul(ld(x + p, r), S(sc)), m)), okm(row, j, L));
    s = f32x4.add(s, e);
    if (!lg) st(y + p, e, r);
  }
  if (row) s = S(hsum(s));
  const ls = vlog(s), inv = f32x4.div(S(1), s);
  for (let j: usize = 0, p: usize = 0; j < n; j += jinc, p += pst) {
    const r = row ? n - j : w;
    const v = lg ? f32x4.sub(f32x4.sub(f32x4.mul(ld(x + p, r), S(sc)), m), ls) : f32x4.mul(ld(y + p, r), inv);
    st(y + p, v128.and(v, okm(row, j, L)), r);
  }
}

function smbGroup(y: usize, dy: usize, dx: usize, n: usize, pst: usize, row: bool, w: usize, L: v128, sc: f32, lg: i32): void {
  const jinc: usize = row ? 4 : 1;
  let s = S(0);
  for (let j: usize = 0, p: usize = 0; j < n; j += jinc, p += pst) {
    const r = row ? n - j : w, d = v128.and(ld(dy + p, r), okm(row, j, L));
    s = f32x4.add(s, lg ? d : f32x4.mul(d, ld(y + p, r)));
  }
  if (row) s = S(hsum(s));
  for (let j: usize = 0, p: usize = 0; j < n; j += jinc, p += pst) {
    const r = row ? n - j : w, yv = ld(y + p, r), d = ld(dy + p, r);
    const g = lg ? f32x4.sub(d, f32x4.mul(vexp(yv), s)) : f32x4.mul(yv, f32x4.sub(d, s));
    st(dx + p, v128.and(f32x4.mul(g, S(sc)), okm(row, j, L)), r);
  }
}

/**
 * softmax / log_softmax (lg = 1) of sc * x over the middle axis of (outer, n, inner); sc = 1/T, or
 * -1/T for softmin. len != 0: per-line valid lengths (f32, shape (outer, inner)); positions beyond give 0.
 */
export function f32_softmax__simd128(x: usize, y: usize, len: usize, outer: usize, n: usize, inner: usize, sc: f32, lg: i32): void {
  for (let o: usize = 0; o < outer; o++) {
    if (inner == 1) {
      const off = (o * n) << 2;
      smGroup(x + off, y + off, n, 16, true, 4, i32x4.splat(i32x4.extract_lane(lens(len, o, 1, n), 0)), sc, lg);
    } else {
      for (let c: usize = 0; c < inner; c += 4) {
        const w = min(inner - c, 4), off = (o * n * inner + c) << 2;
        smGroup(x + off, y + off, n, inner << 2, false, w, lens(len, o * inner + c, w, n), sc, lg);
      }
    }
  }
}

/** Backward of f32_softmax from its output y: softmax dx = sc*y*(dy - sum(dy*y)); log dx = sc*(dy - e^y*sum(dy)). */
export function f32_softmax_bwd__simd128(y: usize, dy: usize, dx: usize, len: usize, outer: usize, n: usize, inner: usize, sc: f32, lg: i32): void {
  for (let o: usize = 0; o < outer; o++) {
    if (inner == 1) {
      const off = (o * n) << 2;
      smbGroup(y + off, dy + off, dx + off, n, 16, true, 4, i32x4.splat(i32x4.extract_lane(lens(len, o, 1, n), 0)), sc, lg);
    } else {
      for (let c: usize = 0; c < inner; c += 4) {
        const w = min(inner - c, 4), off = (o * n * inner + c) << 2;
        smbGroup(y + off, dy + off, dx + off, n, inner << 2, false, w, lens(len, o * inner + c, w, n), sc, lg);
      }
    }
  }
}

/**
 * SoftmaxOutput gradient over (outer, K, inner) with labels (outer, inner): dx = (y - onehot) * scale,
 * label smoothing alpha (label: -1 + alpha, others: -alpha/(K-1)). flags: 1 use_ignore (zero lines whose
 * label == ignore), 2 valid normalization (scale /= max(1, #labels != ignore)).
 */
export function f32_softmax_ce_bwd__simd128(y: usize, label: usize, dx: usize, outer: usize, K: usize, inner: usize, ignore: f32, flags: i32, scale: f32, alpha: f32): void {
  const nl = outer * inner, ig = <i32>ignore;
  let s = scale;
  if (flags & 2) {
    let cnt: usize = 0;
    for (let l: usize = 0; l < nl; l++) if (<i32>load<f32>(label + (l << 2)) != ig) cnt++;
    s = scale / <f32>max(cnt, 1);
  }
  const sm: f32 = K > 1 ? alpha / <f32>(K - 1) : 0, n = nl * K;
  for (let i: usize = 0; i < n; i += 4) { const p = i << 2; st(dx + p, f32x4.mul(f32x4.sub(ld(y + p, n - i), S(sm)), S(s)), n - i); }
  for (let o: usize = 0; o < outer; o++) {
    for (let i: usize = 0; i < inner; i++) {
      const k = <i32>load<f32>(label + ((o * inner + i) << 2)), base = dx + ((o * K * inner + i) << 2);
      if ((flags & 1) && k == ig) { for (let j: usize = 0; j < K; j++) store<f32>(base + ((j * inner) << 2), 0); }
      else if (k >= 0 && <usize>k < K) { const q = base + ((<usize>k * inner) << 2); store<f32>(q, load<f32>(q) + (alpha - 1 + sm) * s); }
    }
  }
}

/** Loss-head gradients: mode 0 dx = (out - label) * s; 1 dx = sign(out - label) * s; 2 dx = s. */
export function f32_loss_grad__simd128(out: usize, label: usize, dx: usize, n: usize, s: f32, mode: i32): void {
  for (let i: usize = 0; i < n; i += 4) {
    const p = i << 2, r = n - i;
    let d = S(1);
    if (mode < 2) {
      d = f32x4.sub(ld(out + p, r), ld(label + p, r));
      if (mode == 1) d = f32x4.sub(v128.and(S(1), f32x4.gt(d, S(0))), v128.and(S(1), f32x4.lt(d, S(0))));
    }
    st(dx + p, f32x4.mul(d, S(s)), r);
  }
}

// ---- BatchNorm over (outer, C, inner), per channel; var output holds invstd as MXNet's CPU kernel does.
/**
 * BatchNorm forward. flags: 1 batch statistics (training, writes mean and invstd of the batch, biased
 * variance), else moving statistics rm/rv; 2 fix_gamma (gamma taken as 1). y = (x - mean) * invstd * g + b.
 */
export function f32_bn_fwd__simd128(x: usize, y: usize, g: usize, b: usize, mean: usize, vr: usize, rm: usize, rv: usize, outer: usize, C: usize, inner: usize, eps: f32, flags: i32): void {
  const M = <f32>(outer * inner);
  for (let ch: usize = 0; ch < C; ch++) {
    const co = ch << 2;
    let mu: f32, is: f32;
    if (flags & 1) {
      let s = S(0), q = S(0);
      for (let o: usize = 0; o < outer; o++) {
        const base = (o * C + ch) * inner;
        for (let i: usize = 0; i < inner; i += 4) s = f32x4.add(s, ld(x + ((base + i) << 2), inner - i));
      }
      mu = hsum(s) / M;
      for (let o: usize = 0; o < outer; o++) {
        const base = (o * C + ch) * inner;
        for (let i: usize = 0; i < inner; i += 4) {
          const d = v128.and(f32x4.sub(ld(x + ((base + i) << 2), inner - i), S(mu)), mask(inner - i));
          q = fma(d, d, q);
        }
      }
      const v = hsum(q);
      is = v == 0 && eps == 0 ? 0 : 1 / sqrt<f32>(v / M + eps);
    } else {
      mu = load<f32>(rm + co); is = 1 / sqrt<f32>(load<f32>(rv + co) + eps);
    }
    store<f32>(mean + co, mu); store<f32>(vr + co, is);
    const a = S(flags & 2 ? is : is * load<f32>(g + co)), bb = S(load<f32>(b + co));
    for (let o: usize = 0; o < outer; o++) {
      const base = (o * C + ch) * inner;
      for (let i: usize = 0; i < inner; i += 4) {
        const p = (base + i) << 2, r = inner - i;
        st(y + p, fma(f32x4.sub(ld(x + p, r), S(mu)), a, bb), r);
      }
    }
  }
}

/**
 * BatchNorm backward (MXNet's BatchNormBackwardImpl). flags: 1 training with batch statistics (uses saved
 * mean/invstd and updates the moving statistics rm/rv with `mom`), else moving statistics; 2 fix_gamma.
 * dx, dg, db may be 0 (not wanted).
 */
export function f32_bn_bwd__simd128(x: usize, dy: usize, dx: usize, g: usize, mean: usize, vr: usize, rm: usize, rv: usize, dg: usize, db: usize, outer: usize, C: usize, inner: usize, eps: f32, mom: f32, flags: i32): void {
  const M = <f32>(outer * inner), train = flags & 1;
  for (let ch: usize = 0; ch < C; ch++) {
    const co = ch << 2, w: f32 = flags & 2 ? 1 : load<f32>(g + co);
    let mu: f32, is: f32;
    if (train) {
      mu = load<f32>(mean + co); is = load<f32>(vr + co);
      const variance: f32 = <f32>1 / (is * is) - eps;
      store<f32>(rm + co, load<f32>(rm + co) * mom + mu * (<f32>1 - mom));
      store<f32>(rv + co, load<f32>(rv + co) * mom + variance * (<f32>1 - mom));
    } else {
      mu = load<f32>(rm + co); is = 1 / sqrt<f32>(load<f32>(rv + co) + eps);
    }
    let s1 = S(0), s2 = S(0);
    for (let o: usize = 0; o < outer; o++) {
      const base = (o * C + ch) * inner;
      for (let i: usize = 0; i < inner; i += 4) {
        const p = (base + i) << 2, r = inner - i, d = ld(dy + p, r);
        s1 = f32x4.add(s1, d);
        s2 = fma(v128.and(f32x4.sub(ld(x + p, r), S(mu)), mask(r)), d, s2);
      }
    }
    const sdy = hsum(s1), dot = hsum(s2);
    if (dx) {
      const k = S(train ? dot * is * is / M : 0), gm = S(train ? sdy / M : 0), iw = S(is * w);
      for (let o: usize = 0; o < outer; o++) {
        const base = (o * C + ch) * inner;
        for (let i: usize = 0; i < inner; i += 4) {
          const p = (base + i) << 2, r = inner - i;
          const t = f32x4.sub(f32x4.sub(ld(dy + p, r), gm), f32x4.mul(f32x4.sub(ld(x + p, r), S(mu)), k));
          st(dx + p, f32x4.mul(t, iw), r);
        }
      }
    }
    if (dg) store<f32>(dg + co, flags & 2 ? 0 : dot * is);
    if (db) store<f32>(db + co, sdy);
  }
}

// ---- Row norms: `rows` contiguous rows of n. C == 0: gamma/beta per position (LayerNorm, length n);
// C > 0: per row channel row % C (InstanceNorm). g/b may be 0 (1 / 0).
/** y = (x - mean) / sd * G + B with sd = sqrt(biased var + eps); writes mean and sd per row. */
export function f32_rownorm__simd128(x: usize, y: usize, g: usize, b: usize, mean: usize, sd: usize, rows: usize, n: usize, C: usize, eps: f32): void {
  for (let row: usize = 0; row < rows; row++) {
    const base = (row * n) << 2;
    let s = S(0), q = S(0);
    for (let j: usize = 0; j < n; j += 4) s = f32x4.add(s, ld(x + base + (j << 2), n - j));
    const mu = hsum(s) / <f32>n;
    for (let j: usize = 0; j < n; j += 4) {
      const d = v128.and(f32x4.sub(ld(x + base + (j << 2), n - j), S(mu)), mask(n - j));
      q = fma(d, d, q);
    }
    const sdv = sqrt<f32>(hsum(q) / <f32>n + eps), inv = S(1 / sdv), cc = C ? (row % C) << 2 : 0;
    store<f32>(mean + (row << 2), mu); store<f32>(sd + (row << 2), sdv);
    const gr = S(C && g ? load<f32>(g + cc) : 1), br = S(C && b ? load<f32>(b + cc) : 0);
    for (let j: usize = 0; j < n; j += 4) {
      const p = j << 2, r = n - j;
      const G = C || !g ? gr : ld(g + p, r), B = C || !b ? br : ld(b + p, r);
      st(y + base + p, fma(f32x4.mul(f32x4.sub(ld(x + base + p, r), S(mu)), inv), G, B), r);
    }
  }
}

/** Backward of f32_rownorm: dx = (dy*G - mean(dy*G) - xhat*mean(dy*G*xhat)) / sd; dg, db summed (written). */
export function f32_rownorm_bwd__simd128(x: usize, dy: usize, g: usize, mean: usize, sd: usize, dx: usize, dg: usize, db: usize, rows: usize, n: usize, C: usize): void {
  const P = C ? C : n;
  if (dg) memory.fill(dg, 0, P << 2);
  if (db) memory.fill(db, 0, P << 2);
  for (let row: usize = 0; row < rows; row++) {
    const base = (row * n) << 2, mu = S(load<f32>(mean + (row << 2))), inv = S(1 / load<f32>(sd + (row << 2)));
    const cc = C ? (row % C) << 2 : 0, gr = S(C && g ? load<f32>(g + cc) : 1);
    let a = S(0), bs = S(0), rg = S(0), rb = S(0);
    for (let j: usize = 0; j < n; j += 4) {
      const p = j << 2, r = n - j, d = ld(dy + base + p, r);
      const xh = v128.and(f32x4.mul(f32x4.sub(ld(x + base + p, r), mu), inv), mask(r));
      const dG = f32x4.mul(d, C || !g ? gr : ld(g + p, r));
      a = f32x4.add(a, dG); bs = fma(dG, xh, bs);
      if (C) { rg = fma(d, xh, rg); rb = f32x4.add(rb, d); } else {
        if (dg) st(dg + p, fma(d, xh, ld(dg + p, r)), r);
        if (db) st(db + p, f32x4.add(d, ld(db + p, r)), r);
      }
    }
    if (C && dg) store<f32>(dg + cc, load<f32>(dg + cc) + hsum(rg));
    if (C && db) store<f32>(db + cc, load<f32>(db + cc) + hsum(rb));
    if (!dx) continue;
    const am = S(hsum(a) / <f32>n), bm = S(hsum(bs) / <f32>n);
    for (let j: usize = 0; j < n; j += 4) {
      const p = j << 2, r = n - j, d = ld(dy + base + p, r);
      const xh = f32x4.mul(f32x4.sub(ld(x + base + p, r), mu), inv);
      const dG = f32x4.mul(d, C || !g ? gr : ld(g + p, r));
      st(dx + base + p, f32x4.mul(f32x4.sub(f32x4.sub(dG, am), f32x4.mul(xh, bm)), inv), r);
    }
  }
}

/** LayerNorm over the middle axis of (outer, n, inner), inner > 1: 4 adjacent lines per step as lanes. */
export function f32_layernorm_cols__simd128(x: usize, y: usize, g: usize, b: usize, mean: usize, sd: usize, outer: usize, n: usize, inner: usize, eps: f32): void {
  const pst = inner << 2, fn = S(<f32>n);
  for (let o: usize = 0; o < outer; o++) {
    for (let c: usize = 0; c < inner; c += 4) {
      const w = min(inner - c, 4), base = (o * n * inner + c) << 2, mo = (o * inner + c) << 2;
      let s = S(0), q = S(0);
      for (let j: usize = 0; j < n; j++) s = f32x4.add(s, ld(x + base + j * pst, w));
      const mu = f32x4.div(s, fn);
      for (let j: usize = 0; j < n; j++) { const d = f32x4.sub(ld(x + base + j * pst, w), mu); q = fma(d, d, q); }
      const sdv = f32x4.sqrt(f32x4.add(f32x4.div(q, fn), S(eps))), inv = f32x4.div(S(1), sdv);
      st(mean + mo, mu, w); st(sd + mo, sdv, w);
      for (let j: usize = 0; j < n; j++) {
        const p = base + j * pst, xh = f32x4.mul(f32x4.sub(ld(x + p, w), mu), inv);
        st(y + p, fma(xh, S(load<f32>(g + (j << 2))), S(load<f32>(b + (j << 2)))), w);
      }
    }
  }
}

/** Backward of f32_layernorm_cols; dg, db (length n) written; dx, dg, db may be 0. */
export function f32_layernorm_cols_bwd__simd128(x: usize, dy: usize, g: usize, mean: usize, sd: usize, dx: usize, dg: usize, db: usize, outer: usize, n: usize, inner: usize): void {
  const pst = inner << 2, fn = S(<f32>n);
  if (dg) memory.fill(dg, 0, n << 2);
  if (db) memory.fill(db, 0, n << 2);
  for (let o: usize = 0; o < outer; o++) {
    for (let c: usize = 0; c < inner; c += 4) {
      const w = min(inner - c, 4), base = (o * n * inner + c) << 2, mo = (o * inner + c) << 2;
      const mu = ld(mean + mo, w), inv = f32x4.div(S(1), v128.or(ld(sd + mo, w), v128.andnot(S(1), mask(w))));
      let a = S(0), bs = S(0);
      for (let j: usize = 0; j < n; j++) {
        const p = base + j * pst, d = ld(dy + p, w), xh = f32x4.mul(f32x4.sub(ld(x + p, w), mu), inv);
        const dG = f32x4.mul(d, S(load<f32>(g + (j << 2))));
        a = f32x4.add(a, dG); bs = fma(dG, xh, bs);
        if (dg) store<f32>(dg + (j << 2), load<f32>(dg + (j << 2)) + hsum(f32x4.mul(d, xh)));
        if (db) store<f32>(db + (j << 2), load<f32>(db + (j << 2)) + hsum(d));
      }
      if (!dx) continue;
      const am = f32x4.div(a, fn), bm = f32x4.div(bs, fn);
      for (let j: usize = 0; j < n; j++) {
        const p = base + j * pst, xh = f32x4.mul(f32x4.sub(ld(x + p, w), mu), inv);
        const dG = f32x4.mul(ld(dy + p, w), S(load<f32>(g + (j << 2))));
        st(dx + p, f32x4.mul(f32x4.sub(f32x4.sub(dG, am), f32x4.mul(xh, bm)), inv), w);
      }
    }
  }
}

// ---- L2Normalization over lines of (outer, n, inner): y = x / nrm, nrm = sqrt(sum x^2 + eps) per line.
function l2Group(x: usize, y: usize, nrm: usize, dy: usize, dx: usize, n: usize, pst: usize, row: bool, w: usize, eps: f32): void {
  const jinc: usize = row ? 4 : 1;
  let s = S(0);
  for (let j: usize = 0, p: usize = 0; j < n; j += jinc, p += pst) {
    const r = row ? n - j : w, v = ld(y + p, r);
    s = fma(dx ? ld(dy + p, r) : v, v, s);
  }
  if (row) s = S(hsum(s));
  let nv: v128;
  if (dx) nv = row ? S(load<f32>(nrm)) : ld(nrm, w);
  else { nv = f32x4.sqrt(f32x4.add(s, S(eps))); st(nrm, nv, row ? 1 : w); }
  const inv = f32x4.div(S(1), nv);
  for (let j: usize = 0, p: usize = 0; j < n; j += jinc, p += pst) {
    const r = row ? n - j : w;
    if (dx) st(dx + p, f32x4.mul(f32x4.sub(ld(dy + p, r), f32x4.mul(ld(y + p, r), s)), inv), r);
    else st(x + p, f32x4.mul(ld(y + p, r), inv), r);
  }
}

/**
 * L2Normalization forward (dy = dx = 0: reads y as the input x, writes x as the output) or backward
 * (dx != 0: y is the forward output, dx = (dy - y*sum(dy*y)) / nrm). Lines of (outer, n, inner); nrm (outer, inner).
 */
export function f32_l2norm__simd128(x: usize, y: usize, nrm: usize, dy: usize, dx: usize, outer: usize, n: usize, inner: usize, eps: f32): void {
  for (let o: usize = 0; o < outer; o++) {
    for (let c: usize = 0; c < inner; c += 4) {
      const w = min(inner - c, 4), off = (o * n * inner + c) << 2, no = nrm + ((o * inner + c) << 2);
      if (inner == 1) l2Group(x + off, y + off, no, dy + off, dx ? dx + off : 0, n, 16, true, 4, eps);
      else l2Group(x + off, y + off, no, dy + off, dx ? dx + off : 0, n, inner << 2, false, w, eps);
    }
  }
}

// ---- Embedding: index = trunc(data) clipped to [0, V-1].
@inline function clampIdx(f: f32, V: usize): usize { return !(f > 0) ? 0 : f >= <f32>(V - 1) ? V - 1 : <usize>f; }

/** y[i, :] = w[clip(idx[i]), :] for n indices, rows of D. */
export function f32_embedding__simd128(idx: usize, w: usize, y: usize, n: usize, D: usize, V: usize): void {
  const rb = D << 2;
  for (let i: usize = 0; i < n; i++) memory.copy(y + i * rb, w + clampIdx(load<f32>(idx + (i << 2)), V) * rb, rb);
}

/** dw = 0, then dw[clip(idx[i]), :] += dy[i, :]. */
export function f32_embedding_bwd__simd128(idx: usize, dy: usize, dw: usize, n: usize, D: usize, V: usize): void {
  const rb = D << 2;
  memory.fill(dw, 0, V * rb);
  for (let i: usize = 0; i < n; i++) {
    const q = dw + clampIdx(load<f32>(idx + (i << 2)), V) * rb, s = dy + i * rb;
    for (let j: usize = 0; j < D; j += 4) { const p = j << 2; st(q + p, f32x4.add(ld(q + p, D - j), ld(s + p, D - j)), D - j); }
  }
}

// ---- LRN across channels of (N, C, S): s = k + alpha/nsize * sum_{|c'-c| <= nsize/2} x^2, y = x * s^-beta.
/** LRN forward; writes s (MXNet's tmp_norm) and y. */
export function f32_lrn__simd128(x: usize, y: usize, s: usize, N: usize, C: usize, sp: usize, nsize: usize, alpha: f32, beta: f32, k: f32): void {
  const half = <isize>(nsize >> 1), an = S(alpha / <f32>nsize);
  for (let n: usize = 0; n < N; n++) {
    for (let c: usize = 0; c < C; c++) {
      const c0 = <usize>max(<isize>c - half, 0), c1 = <usize>min(<isize>c + half, <isize>C - 1), base = ((n * C + c) * sp) << 2;
      for (let i: usize = 0; i < sp; i += 4) {
        const r = sp - i;
        let acc = S(0);
        for (let q = c0; q <= c1; q++) { const v = ld(x + (((n * C + q) * sp + i) << 2), r); acc = fma(v, v, acc); }
        const sc = fma(an, acc, S(k)), p = base + (i << 2);
        st(s + p, sc, r);
        st(y + p, f32x4.mul(ld(x + p, r), vexp(f32x4.mul(S(-beta), vlog(sc)))), r);
      }
    }
  }
}

/** LRN backward: dx = dy * s^-beta - 2*beta*alpha/nsize * x * sum_window(dy * y / s). */
export function f32_lrn_bwd__simd128(x: usize, y: usize, s: usize, dy: usize, dx: usize, N: usize, C: usize, sp: usize, nsize: usize, alpha: f32, beta: f32): void {
  const half = <isize>(nsize >> 1), f = S(-2 * beta * alpha / <f32>nsize);
  for (let n: usize = 0; n < N; n++) {
    for (let c: usize = 0; c < C; c++) {
      const c0 = <usize>max(<isize>c - half, 0), c1 = <usize>min(<isize>c + half, <isize>C - 1), base = ((n * C + c) * sp) << 2;
      for (let i: usize = 0; i < sp; i += 4) {
        const r = sp - i;
        let acc = S(0);
        for (let q = c0; q <= c1; q++) {
          const o = ((n * C + q) * sp + i) << 2;
          acc = f32x4.add(acc, v128.and(f32x4.div(f32x4.mul(ld(dy + o, r), ld(y + o, r)), ld(s + o, r)), mask(r)));
        }
        const p = base + (i << 2), pw = vexp(f32x4.mul(S(-beta), vlog(ld(s + p, r))));
        st(dx + p, fma(f32x4.mul(f, ld(x + p, r)), acc, f32x4.mul(ld(dy + p, r), pw)), r);
      }
    }
  }
}
