// Neural-network kernels: activations (one loop per type), PReLU / rrelu, Dropout randomness and masks.
// Contract: byte offsets (usize), sizes; a pointer 0 means "absent" (no tensor lives below heapBase).
// Helpers and the max error of the approximated functions: f32-nn-math.ts (tanh, sigmoid: f32-vmath.ts).
// Softmax family: f32-nn-softmax.ts; normalisation: f32-nn-norm.ts; L2Normalization, Embedding, LRN: f32-nn-misc.ts.
import { NM, S, fma, hsum, ld, mask, st } from './f32-nn-math';
import { tanhSigmoidLoop } from './f32-vmath'; // tanh, sigmoid: the unary kernels' loop (same bits)

// Activation types shared by f32_act / f32_act_bwd (src/reference/nn.ts ACT):
// 0 relu, 1 sigmoid, 2 tanh, 3 softrelu, 4 softsign, 5 leaky(a), 6 elu(a), 7 selu, 8 gelu, 9 erf.
const SELU_A: f32 = 1.6732632423543772, SELU_L: f32 = 1.0507009873554805;

// One loop function per type (textually separate bodies: the optimizer cannot fold them back into one
// loop with a per-vector dispatch). The derivative reads the output y, except gelu (input x).
@inline function fRelu(x: v128, a: f32): v128 { return v128.andnot(x, f32x4.lt(x, S(0))); } // NaN passes
@inline function fSoftrelu(x: v128, a: f32): v128 { return f32x4.add(f32x4.max(x, S(0)), NM.vlog1p(NM.vexp(f32x4.neg(f32x4.abs(x))))); }
@inline function fSoftsign(x: v128, a: f32): v128 { return f32x4.div(x, f32x4.add(S(1), f32x4.abs(x))); }
@inline function fLeaky(x: v128, a: f32): v128 { return v128.bitselect(x, f32x4.mul(x, S(a)), f32x4.gt(x, S(0))); }
@inline function fElu(x: v128, a: f32): v128 { return v128.bitselect(x, f32x4.mul(f32x4.sub(NM.vexp(x), S(1)), S(a)), f32x4.gt(x, S(0))); }
@inline function fSelu(x: v128, a: f32): v128 { return f32x4.mul(S(SELU_L), v128.bitselect(x, f32x4.mul(f32x4.sub(NM.vexp(x), S(1)), S(SELU_A)), f32x4.gt(x, S(0)))); }
@inline function fGelu(x: v128, a: f32): v128 { return f32x4.mul(f32x4.mul(S(0.5), x), f32x4.add(S(1), NM.verf(f32x4.mul(x, S(0.7071067811865476))))); }
@inline function fErf(x: v128, a: f32): v128 { return NM.verf(x); }
@inline function dErf(x: v128, a: f32): v128 { return f32x4.mul(S(1.1283791670955126), NM.vexp(f32x4.neg(f32x4.mul(x, x)))); }
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
function actSigmoid(x: usize, y: usize, n: usize, a: f32): void { tanhSigmoidLoop(1, x, y, n); }
function actbSigmoid(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dSigmoid(v128.load(y + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dSigmoid(ld(y + o, r), a)), r); }
}
function actTanh(x: usize, y: usize, n: usize, a: f32): void { tanhSigmoidLoop(0, x, y, n); }
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
function actErf(x: usize, y: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(y + o, fErf(v128.load(x + o), a)); }
  if (i < n) { const o = i << 2, r = n - i; st(y + o, fErf(ld(x + o, r), a), r); }
}
function actbErf(x: usize, y: usize, dy: usize, dx: usize, n: usize, a: f32): void {
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) { const o = i << 2; v128.store(dx + o, f32x4.mul(v128.load(dy + o), dErf(v128.load(x + o), a))); }
  if (i < n) { const o = i << 2, r = n - i; st(dx + o, f32x4.mul(ld(dy + o, r), dErf(ld(x + o, r), a)), r); }
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
    case 9: actErf(x, y, n, a); break;
  }
}

/** dx = dy * act'(.): from the output y (relu, sigmoid, tanh, softrelu, softsign, leaky, elu, selu) or input x (gelu, erf). */
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
    case 9: actbErf(x, y, dy, dx, n, a); break;
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
