// Neural-network kernels: activations (one loop per type), PReLU / rrelu, Dropout randomness and masks.
// Contract: byte offsets (usize), sizes; a pointer 0 means "absent" (no tensor lives below heapBase).
// Helpers, the activation functions and the max error of the approximated functions: f32-math.ts.
// Softmax family: f32-nn-softmax.ts; normalisation: f32-nn-norm.ts; L2Normalization, Embedding, LRN: f32-nn-misc.ts.
import { S, actGradMap, actMap, fma, hsum, ld, st } from './f32-math';

// Activation types shared by f32_act / f32_act_bwd (src/runtime/manifest/nn.ts ACT; the functions and their
// one loop: f32-math.ts `act`, `actMap`): 0 relu, 1 sigmoid, 2 tanh, 3 softrelu, 4 softsign, 5 leaky(a),
// 6 elu(a), 7 selu, 8 gelu, 9 erf.

/** y = act(x) elementwise; t as above, a = slope/alpha. */
export function f32_act__simd128(x: usize, y: usize, n: usize, t: i32, a: f32): void { actMap(t, x, y, n, a); }

/** dx = dy * act'(.): from the output y (relu, sigmoid, tanh, softrelu, softsign, leaky, elu, selu) or input x (gelu, erf). */
export function f32_act_bwd__simd128(x: usize, y: usize, dy: usize, dx: usize, n: usize, t: i32, a: f32): void {
  actGradMap(t, x, y, dy, dx, n, a);
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
