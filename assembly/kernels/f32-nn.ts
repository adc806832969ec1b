// Neural-network kernels: activations, PReLU / rrelu, Dropout randomness, softmax family, loss-head gradients.
// Contract: byte offsets (usize), sizes; a pointer 0 means "absent" (no tensor lives below heapBase).
// Lines of a reduced axis are viewed as (outer, n, inner): element (o, j, i) at ((o*n + j)*inner + i).
// Helpers and the max error of the approximated functions: f32-nn-math.ts.
import { NINF, NM, S, fma, hmax, hsum, ld, mask, st, vsigm } from './f32-nn-math';

// Activation types shared by f32_act / f32_act_bwd (src/reference/nn.ts ACT):
// 0 relu, 1 sigmoid, 2 tanh, 3 softrelu, 4 softsign, 5 leaky(a), 6 elu(a), 7 selu, 8 gelu.
const SELU_A: f32 = 1.6732632423543772, SELU_L: f32 = 1.0507009873554805;

// One loop function per type (textually separate bodies: the optimizer cannot fold them back into one
// loop with a per-vector dispatch). The derivative reads the output y, except gelu (input x).
@inline function fRelu(x: v128, a: f32): v128 { return v128.andnot(x, f32x4.lt(x, S(0))); } // NaN passes
@inline function fSigmoid(x: v128, a: f32): v128 { return vsigm(x); }
@inline function fTanh(x: v128, a: f32): v128 { return NM.vtanh(x); }
@inline function fSoftrelu(x: v128, a: f32): v128 { return f32x4.add(f32x4.max(x, S(0)), NM.vlog1p(NM.vexp(f32x4.neg(f32x4.abs(x))))); }
@inline function fSoftsign(x: v128, a: f32): v128 { return f32x4.div(x, f32x4.add(S(1), f32x4.abs(x))); }
@inline function fLeaky(x: v128, a: f32): v128 { return v128.bitselect(x, f32x4.mul(x, S(a)), f32x4.gt(x, S(0))); }
@inline function fElu(x: v128, a: f32): v128 { return v128.bitselect(x, f32x4.mul(f32x4.sub(NM.vexp(x), S(1)), S(a)), f32x4.gt(x, S(0))); }
@inline function fSelu(x: v128, a: f32): v128 { return f32x4.mul(S(SELU_L), v128.bitselect(x, f32x4.mul(f32x4.sub(NM.vexp(x), S(1)), S(SELU_A)), f32x4.gt(x, S(0)))); }
@inline function fGelu(x: v128, a: f32): v128 { return f32x4.mul(f32x4.mul(S(0.5), x), f32x4.add(S(1), NM.verf(f32x4.mul(x, S(0.7071067811865476))))); }
@inline function dRelu(y: v128, a: f32): v128 { return v128.and(S(1), f32x4.gt(y, S(0))); }
@inline function dSigmoid(y: v128, a: f32): v128 { return f32x4.mul(y, f32x4.sub(S(1), y)); }
@inline function dTanh(y: v128, a: f32): v128 { return f32x4.sub(S(1), f32x4.mul(y, y)); }
@inline function dSoftrelu(y: v128, a: f32): v128 { return f32x4.sub(S(1), NM.vexp(f32x4.neg(y))); }
@inline function dSoftsign(y: v128, a: f32): v128 { const s = f32x4.sub(S(1), f32x4.abs(y)); return f32x4.mul(s, s); }
@inline function dLeaky(y: v128, a: f32): v128 { return v128.bitselect(S(1), S(a), f32x4.gt(y, S(0))); }
@inline function dElu(y: v128, a: f32): v128 { return v128.bitselect(S(1), f32x4.add(y, S(a)), f32x4.gt(y, S(0))); }
@inline function dSelu(y: v128, a: f32): v128 { return v128.bitselect(S(SELU_L), f32x4.add(y, S(SELU_L * SELU_A)), f32x4.gt(y, S(0))); }
@inline function dGelu(x: v128, a: f32): v128 { const cdf = f32x4.mul(S(0.5), f32x4.add(S(1), NM.verf(f32x4.mul(x, S(0.7071067811865476)))));
  return fma(f32x4.mul(x, S(0.3989422804014327)), NM.vexp(f32x4.mul(f32x4.mul(x, x), S(-0.5))), cdf); }
function actRelu(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fRelu(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fRelu(ld(x + o, r), a), r); }
}
function actbRelu(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dRelu(v128.load(y + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dRelu(ld(y + o, r), a)), r); }
}
function actSigmoid(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fSigmoid(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fSigmoid(ld(x + o, r), a), r); }
}
function actbSigmoid(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dSigmoid(v128.load(y + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dSigmoid(ld(y + o, r), a)), r); }
}
function actTanh(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fTanh(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fTanh(ld(x + o, r), a), r); }
}
function actbTanh(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dTanh(v128.load(y + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dTanh(ld(y + o, r), a)), r); }
}
function actSoftrelu(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fSoftrelu(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fSoftrelu(ld(x + o, r), a), r); }
}
function actbSoftrelu(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dSoftrelu(v128.load(y + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dSoftrelu(ld(y + o, r), a)), r); }
}
function actSoftsign(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fSoftsign(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fSoftsign(ld(x + o, r), a), r); }
}
function actbSoftsign(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dSoftsign(v128.load(y + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dSoftsign(ld(y + o, r), a)), r); }
}
function actLeaky(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fLeaky(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fLeaky(ld(x + o, r), a), r); }
}
function actbLeaky(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dLeaky(v128.load(y + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dLeaky(ld(y + o, r), a)), r); }
}
function actElu(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fElu(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fElu(ld(x + o, r), a), r); }
}
function actbElu(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dElu(v128.load(y + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dElu(ld(y + o, r), a)), r); }
}
function actSelu(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fSelu(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fSelu(ld(x + o, r), a), r); }
}
function actbSelu(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dSelu(v128.load(y + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dSelu(ld(y + o, r), a)), r); }
}
function actGelu(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fGelu(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fGelu(ld(x + o, r), a), r); }
}
function actbGelu(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dGelu(v128.load(x + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dGelu(ld(x + o, r), a)), r); }
}

/** y = act(x) elementwise; t as above, a = slope/alpha. */
export function f32_act__simd128(x: usize, y: usize, n: usize, t: i32, a: f32): void {
  switch (t) {
    case 0: actRelu(x, y, n, a); break;
    case 1: actSigmoid(x, y, n, a); break;
    case 2: actTanh(x, y, n, a); break;
    case 3: actSoftrelu(x, y, n, a); break;
    case 4: actSoftsign(x, y, n, a); break;
    case 5: actLeaky(x, y, n, a); break;
    case 6: actElu(x, y, n, a); break;
    case 7: actSelu(x, y, n, a); break;
    case 8: actGelu(x, y, n, a); break;
  }
}

/** dx = dy * act'(.): from the output y (relu, sigmoid, tanh, softrelu, softsign, leaky, elu, selu) or input x (gelu). */
export function f32_act_bwd__simd128(x: usize, y: usize, dy: usize, dx: usize, n: usize, t: i32, a: f32): void {
  switch (t) {
    case 0: actbRelu(x, y, dy, dx, n, a); break;
    case 1: actbSigmoid(x, y, dy, dx, n, a); break;
    case 2: actbTanh(x, y, dy, dx, n, a); break;
    case 3: actbSoftrelu(x, y, dy, dx, n, a); break;
    case 4: actbSoftsign(x, y, dy, dx, n, a); break;
    case 5: actbLeaky(x, y, dy, dx, n, a); break;
    case 6: actbElu(x, y, dy, dx, n, a); break;
    case 7: actbSelu(x, y, dy, dx, n, a); break;
    case 8: actbGelu(x, y, dy, dx, n, a); break;
  }
}

/** out = c > 0 ? v : g[ch] * v over (outer, C, inner): PReLU forward (c = v = x) and its data gradient (c = x, v = dy). */
export function f32_prelu__simd128(c: usize, v: usize, g: usize, out: usize, outer: usize, C: usize, inner: usize): void {
  for (let o: usize = 0; o < outer; o++) {
    for (let ch: usize = 0; ch < C; ch++) {
      const gs = S(load<f32>(g + (ch << 2))), base = ((o * C + ch) * inner) << 2;
      {
        let i: usize = 0;
        for (; i + 4 <= inner; i += 4) {
          const p = base + (i << 2), r = 4, vv = ld(v + p, r);
          st(out + p, v128.bitselect(vv, f32x4.mul(vv, gs), f32x4.gt(ld(c + p, r), S(0))), r);
        }
        if (i < inner) {
          const p = base + (i << 2), r = inner - i, vv = ld(v + p, r);
          st(out + p, v128.bitselect(vv, f32x4.mul(vv, gs), f32x4.gt(ld(c + p, r), S(0))), r);
        }
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
      {
        let i: usize = 0;
        for (; i + 4 <= inner; i += 4) {
          const p = base + (i << 2), r = 4, xv = ld(x + p, r);
          s = f32x4.add(s, v128.andnot(f32x4.mul(xv, ld(dy + p, r)), f32x4.gt(xv, S(0))));
        }
        if (i < inner) {
          const p = base + (i << 2), r = inner - i, xv = ld(x + p, r);
          s = f32x4.add(s, v128.andnot(f32x4.mul(xv, ld(dy + p, r)), f32x4.gt(xv, S(0))));
        }
      }
    }
    store<f32>(dg + (ch << 2), hsum(s));
  }
}

/** out = c > 0 ? v : m * v elementwise (rrelu with per-element slopes m). */
export function f32_rrelu__simd128(c: usize, v: usize, m: usize, out: usize, n: usize): void {
  {
    let i: usize = 0;
    for (; i + 4 <= n; i += 4) {
      const p = i << 2, r = 4, vv = ld(v + p, r);
      st(out + p, v128.bitselect(vv, f32x4.mul(vv, ld(m + p, r)), f32x4.gt(ld(c + p, r), S(0))), r);
    }
    if (i < n) {
      const p = i << 2, r = n - i, vv = ld(v + p, r);
      st(out + p, v128.bitselect(vv, f32x4.mul(vv, ld(m + p, r)), f32x4.gt(ld(c + p, r), S(0))), r);
    }
  }
}

/**
 * Counter-based random fill (lowbias32 hash of seed and index: reproducible, order free).
 * mode 0: m = u >= a ? b : 0 (Dropout keep mask, a = p, b = 1/(1-p)); mode 1: m = a + (b - a) * u.
 */
export function f32_rand_fill__simd128(m: usize, n: usize, seed: i32, mode: i32, a: f32, b: f32): void {
  {
    let i: usize = 0;
    for (; i + 4 <= n; i += 4) {
      let h = i32x4.add(i32x4.mul(i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(<i32>i)), i32x4.splat(<i32>0x9e3779b9)), i32x4.splat(seed));
      h = v128.xor(h, i32x4.shr_u(h, 16)); h = i32x4.mul(h, i32x4.splat(<i32>0x7feb352d));
      h = v128.xor(h, i32x4.shr_u(h, 15)); h = i32x4.mul(h, i32x4.splat(<i32>0x846ca68b));
      h = v128.xor(h, i32x4.shr_u(h, 16));
      const u = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(h, 8)), S(5.9604644775390625e-8));
      const v = mode == 0 ? v128.and(S(b), f32x4.ge(u, S(a))) : fma(u, S(b - a), S(a));
      st(m + (i << 2), v, 4);
    }
    if (i < n) {
      let h = i32x4.add(i32x4.mul(i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(<i32>i)), i32x4.splat(<i32>0x9e3779b9)), i32x4.splat(seed));
      h = v128.xor(h, i32x4.shr_u(h, 16)); h = i32x4.mul(h, i32x4.splat(<i32>0x7feb352d));
      h = v128.xor(h, i32x4.shr_u(h, 15)); h = i32x4.mul(h, i32x4.splat(<i32>0x846ca68b));
      h = v128.xor(h, i32x4.shr_u(h, 16));
      const u = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(h, 8)), S(5.9604644775390625e-8));
      const v = mode == 0 ? v128.and(S(b), f32x4.ge(u, S(a))) : fma(u, S(b - a), S(a));
      st(m + (i << 2), v, n - i);
    }
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
  {
    let i: usize = 0;
    for (; i + 4 <= n; i += 4) { const p = i << 2, r = 4; st(y + p, f32x4.mul(ld(x + p, r), ld(m + p, r)), r); }
    if (i < n) { const p = i << 2, r = n - i; st(y + p, f32x4.mul(ld(x + p, r), ld(m + p, r)), r); }
  }
}

// ---- softmax family over lines: row mode (inner == 1, SIMD along the line) or column mode (up to
// 4 adjacent lines as lanes, stride inner). `L` holds each lane's valid length (use_length; 0 = inactive lane).
@inline function okm(row: bool, j: usize, L: v128): v128 {
  return i32x4.lt_s(row ? i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(<i32>j)) : i32x4.splat(<i32>j), L);
}
/** Valid lengths of w lanes (n when len == 0); lengths are f32, or i32 when li != 0. */
@inline function lens(len: usize, li: i32, idx: usize, w: usize, n: usize): v128 {
  let L = v128.and(i32x4.splat(<i32>n), mask(w));
  if (len) {
    const raw = ld(len + (idx << 2), w);
    L = i32x4.min_s(L, i32x4.max_s(li ? raw : i32x4.trunc_sat_f32x4_s(raw), i32x4.splat(0)));
  }
  return L;
}

// Each pass runs full vectors first (row mode: r = 4, plain loads) and then the remainder (row tail, or
// column groups: r = w lanes, a literal 4 for full groups).
@inline function smGroup(x: usize, y: usize, n: usize, pst: usize, row: bool, w: usize, L: v128, sc: f32, lg: i32): void {
  const jinc: usize = row ? 4 : 1;
  let m = S(NINF), s = S(0), j: usize = 0, p: usize = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) m = smMax(m, x + p, 4, sc, okm(row, j, L));
  for (; j < n; j += jinc, p += pst) m = smMax(m, x + p, row ? n - j : w, sc, okm(row, j, L));
  if (row) m = S(hmax(m));
  j = 0; p = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) s = smExp(s, x + p, y + p, 4, sc, m, okm(row, j, L), lg);
  for (; j < n; j += jinc, p += pst) s = smExp(s, x + p, y + p, row ? n - j : w, sc, m, okm(row, j, L), lg);
  if (row) s = S(hsum(s));
  const ls = lg ? NM.vlog(s) : s, inv = f32x4.div(S(1), s);
  j = 0; p = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) smOut(x + p, y + p, 4, sc, m, ls, inv, okm(row, j, L), lg);
  for (; j < n; j += jinc, p += pst) smOut(x + p, y + p, row ? n - j : w, sc, m, ls, inv, okm(row, j, L), lg);
}
@inline function smMax(m: v128, p: usize, r: usize, sc: f32, ok: v128): v128 {
  return f32x4.max(m, v128.bitselect(f32x4.mul(ld(p, r), S(sc)), S(NINF), ok));
}
@inline function smExp(s: v128, p: usize, q: usize, r: usize, sc: f32, m: v128, ok: v128, lg: i32): v128 {
  const e = v128.and(NM.vexp(f32x4.sub(f32x4.mul(ld(p, r), S(sc)), m)), ok);
  if (!lg) st(q, e, r);
  return f32x4.add(s, e);
}
@inline function smOut(p: usize, q: usize, r: usize, sc: f32, m: v128, ls: v128, inv: v128, ok: v128, lg: i32): void {
  const v = lg ? f32x4.sub(f32x4.sub(f32x4.mul(ld(p, r), S(sc)), m), ls) : f32x4.mul(ld(q, r), inv);
  st(q, v128.and(v, ok), r);
}

@inline function smbGroup(y: usize, dy: usize, dx: usize, n: usize, pst: usize, row: bool, w: usize, L: v128, sc: f32, lg: i32): void {
  const jinc: usize = row ? 4 : 1;
  let s = S(0), j: usize = 0, p: usize = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) s = smbSum(s, y + p, dy + p, 4, okm(row, j, L), lg);
  for (; j < n; j += jinc, p += pst) s = smbSum(s, y + p, dy + p, row ? n - j : w, okm(row, j, L), lg);
  if (row) s = S(hsum(s));
  j = 0; p = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) smbOut(y + p, dy + p, dx + p, 4, s, sc, okm(row, j, L), lg);
  for (; j < n; j += jinc, p += pst) smbOut(y + p, dy + p, dx + p, row ? n - j : w, s, sc, okm(row, j, L), lg);
}
@inline function smbSum(s: v128, y: usize, dy: usize, r: usize, ok: v128, lg: i32): v128 {
  const d = v128.and(ld(dy, r), ok);
  return f32x4.add(s, lg ? d : f32x4.mul(d, ld(y, r)));
}
@inline function smbOut(y: usize, dy: usize, dx: usize, r: usize, s: v128, sc: f32, ok: v128, lg: i32): void {
  const yv = ld(y, r), d = ld(dy, r);
  const g = lg ? f32x4.sub(d, f32x4.mul(NM.vexp(yv), s)) : f32x4.mul(yv, f32x4.sub(d, s));
  st(dx, v128.and(f32x4.mul(g, S(sc)), ok), r);
}

/**
 * softmax / log_softmax (lg = 1) of sc * x over the middle axis of (outer, n, inner); sc = 1/T, or
 * -1/T for softmin. len != 0: per-line valid lengths, shape (outer, inner), f32 (li = 0) or i32 (li = 1);
 * positions beyond a line's length give 0.
 */
export function f32_softmax__simd128(x: usize, y: usize, len: usize, li: i32, outer: usize, n: usize, inner: usize, sc: f32, lg: i32): void {
  const pst = inner << 2;
  for (let o: usize = 0; o < outer; o++) {
    if (inner == 1) {
      const off = (o * n) << 2;
      smGroup(x + off, y + off, n, 16, true, 4, i32x4.splat(i32x4.extract_lane(lens(len, li, o, 1, n), 0)), sc, lg);
      continue;
    }
    let c: usize = 0;
    for (; c + 4 <= inner; c += 4) { const off = (o * n * inner + c) << 2; smGroup(x + off, y + off, n, pst, false, 4, lens(len, li, o * inner + c, 4, n), sc, lg); }
    if (c < inner) { const off = (o * n * inner + c) << 2, w = inner - c; smGroup(x + off, y + off, n, pst, false, w, lens(len, li, o * inner + c, w, n), sc, lg); }
  }
}

/** Backward of f32_softmax from its output y: softmax dx = sc*y*(dy - sum(dy*y)); log dx = sc*(dy - e^y*sum(dy)). */
export function f32_softmax_bwd__simd128(y: usize, dy: usize, dx: usize, len: usize, li: i32, outer: usize, n: usize, inner: usize, sc: f32, lg: i32): void {
  const pst = inner << 2;
  for (let o: usize = 0; o < outer; o++) {
    if (inner == 1) {
      const off = (o * n) << 2;
      smbGroup(y + off, dy + off, dx + off, n, 16, true, 4, i32x4.splat(i32x4.extract_lane(lens(len, li, o, 1, n), 0)), sc, lg);
      continue;
    }
    let c: usize = 0;
    for (; c + 4 <= inner; c += 4) { const off = (o * n * inner + c) << 2; smbGroup(y + off, dy + off, dx + off, n, pst, false, 4, lens(len, li, o * inner + c, 4, n), sc, lg); }
    if (c < inner) { const off = (o * n * inner + c) << 2, w = inner - c; smbGroup(y + off, dy + off, dx + off, n, pst, false, w, lens(len, li, o * inner + c, w, n), sc, lg); }
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
  {
    let i: usize = 0;
    for (; i + 4 <= n; i += 4) { const p = i << 2; st(dx + p, f32x4.mul(f32x4.sub(ld(y + p, 4), S(sm)), S(s)), 4); }
    if (i < n) { const p = i << 2; st(dx + p, f32x4.mul(f32x4.sub(ld(y + p, n - i), S(sm)), S(s)), n - i); }
  }
  for (let o: usize = 0; o < outer; o++) {
    for (let i: usize = 0; i < inner; i++) {
      const k = <i32>load<f32>(label + ((o * inner + i) << 2)), base = dx + ((o * K * inner + i) << 2);
      if ((flags & 1) && k == ig) { for (let j: usize = 0; j < K; j++) store<f32>(base + ((j * inner) << 2), 0); }
      else if (k >= 0 && <usize>k < K) { const q = base + ((<usize>k * inner) << 2); store<f32>(q, load<f32>(q) + (alpha - 1 + sm) * s); }
    }
  }
}

@inline function lossAt(out: usize, label: usize, dx: usize, p: usize, r: usize, s: f32, mode: i32): void {
  let d = S(1);
  if (mode < 2) {
    d = f32x4.sub(ld(out + p, r), ld(label + p, r));
    if (mode == 1) d = f32x4.sub(v128.and(S(1), f32x4.gt(d, S(0))), v128.and(S(1), f32x4.lt(d, S(0))));
  }
  st(dx + p, f32x4.mul(d, S(s)), r);
}

/**
 * Loss-head gradients: mode 0 dx = (out - label) * s; 1 dx = sign(out - label) * s; 2 dx = s;
 * 3 dx = s / max(1, #(out > th)) (MakeLoss 'valid'; label unused).
 */
export function f32_loss_grad__simd128(out: usize, label: usize, dx: usize, n: usize, s: f32, mode: i32, th: f32): void {
  if (mode == 3) {
    let cnt: usize = 0;
    for (let i: usize = 0; i < n; i++) if (load<f32>(out + (i << 2)) > th) cnt++;
    s = s / <f32>max(cnt, 1); mode = 2;
  }
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) lossAt(out, label, dx, i << 2, 4, s, mode);
  if (i < n) lossAt(out, label, dx, i << 2, n - i, s, mode);
}
