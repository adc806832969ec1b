// Convolution kernels over NCHW f32 planes (one image per call; 1-D conv is H = 1): depthwise, bias and gradient
// helpers. im2col / col2im (blocks of images) are in f32-im2col.ts.
// Geometry args everywhere: C, H, W (input plane), kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo (output plane).
// Depthwise: one filter per channel, weight (C, kh, kw); 3x3 dilation-1 stride-1/2 rows run in SIMD.
import { rangeHi, rangeLo } from './f32-im2col';
import { S, addr, fma, hsum, ld, st } from './f32-math';
import { dwRowS1, dwRowS2 } from './f32-conv-dwrow';

/** One depthwise output value with full bounds checks (borders and the generic path). */
@inline function dwPoint(xc: usize, wc: usize, H: i32, W: i32, kh: i32, kw: i32, ih0: i32, iw0: i32, dh: i32, dw: i32): f32 {
  let s: f32 = 0;
  for (let ki = 0; ki < kh; ki++) {
    const ih = ih0 + ki * dh;
    if (ih < 0 || ih >= H) continue;
    for (let kj = 0; kj < kw; kj++) {
      const iw = iw0 + kj * dw;
      if (iw < 0 || iw >= W) continue;
      s += load<f32>(addr(wc, ki * kw + kj)) * load<f32>(addr(xc, ih * W + iw));
    }
  }
  return s;
}

/**
 * Depthwise convolution of one image: y[c] = act(bias[c] + sum w[c,ki,kj] * x[c, ...]). `b` = 0: no bias;
 * act 1 = relu. 3x3, dilation 1, stride 1 or 2 run the interior in SIMD (three rows fused); else scalar. With pad 1
 * (every MobileNet layer) whole rows, borders included, run in SIMD: MobileNet v1's depthwise layers at batch 8 took
 * 26.6 ms of CPU against 41.2 (1 thread, CPU time per step; 7x7 1024 ch 3.1 -> 1.2 ms, 14x14 s2 2.1 -> 1.0 ms).
 */
export function f32_dwconv__simd128(x: usize, w: usize, b: usize, y: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, Ho: i32, Wo: i32, act: i32): void {
  const fast = kh == 3 && kw == 3 && dh == 1 && dw == 1 && (sw == 1 || sw == 2);
  // Pad 1 (MobileNets), stride 1 or 2: whole rows in SIMD, borders included (dwRowS1, dwRowS2).
  const whole = fast && pw == 1 && Wo == (sw == 1 ? W : (W + 1) >> 1);
  // Interior columns [lo, hi): every loaded lane inside the row. A vector at ow reads ow-pw .. ow-pw+5 (stride 1)
  // or 2ow-pw .. 2ow-pw+8 (stride 2).
  const lo = rangeLo(-pw, sw);
  let hi = sw == 1 ? W - 2 + pw : (W - 1 + pw) >> 1;
  if (hi > Wo) hi = Wo;
  const zero = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const xc = addr(x, c * H * W), wc = addr(w, c * kh * kw), yc = addr(y, c * Ho * Wo);
    const bias: f32 = b ? load<f32>(addr(b, c)) : 0;
    for (let oh = 0; oh < Ho; oh++) {
      const ih0 = oh * sh - ph, yr = addr(yc, oh * Wo);
      let ow = 0;
      if (fast && (whole || hi - lo >= 4)) {
        for (; !whole && ow < lo; ow++) {
          let v = bias + dwPoint(xc, wc, H, W, 3, 3, ih0, ow * sw - pw, 1, 1);
          if (act && v < 0) v = 0;
          store<f32>(addr(yr, ow), v);
        }
        // Rows outside the image get weight 0 and point at a valid row.
        let r0 = ih0, r1 = ih0 + 1, r2 = ih0 + 2;
        const v0 = r0 >= 0 && r0 < H, v1 = r1 >= 0 && r1 < H, v2 = r2 >= 0 && r2 < H;
        const safe = v1 ? r1 : v0 ? r0 : r2;
        const w00 = f32x4.splat(v0 ? load<f32>(wc) : 0), w01 = f32x4.splat(v0 ? load<f32>(wc, 4) : 0), w02 = f32x4.splat(v0 ? load<f32>(wc, 8) : 0);
        const w10 = f32x4.splat(v1 ? load<f32>(wc, 12) : 0), w11 = f32x4.splat(v1 ? load<f32>(wc, 16) : 0), w12 = f32x4.splat(v1 ? load<f32>(wc, 20) : 0);
        const w20 = f32x4.splat(v2 ? load<f32>(wc, 24) : 0), w21 = f32x4.splat(v2 ? load<f32>(wc, 28) : 0), w22 = f32x4.splat(v2 ? load<f32>(wc, 32) : 0);
        const p0 = addr(xc, (v0 ? r0 : safe) * W - pw), p1 = addr(xc, (v1 ? r1 : safe) * W - pw), p2 = addr(xc, (v2 ? r2 : safe) * W - pw);
        const vb = f32x4.splat(bias);
        if (whole) {
          if (sw == 1) dwRowS1(p0 + 4, p1 + 4, p2 + 4, yr, W, vb, act != 0, w00, w01, w02, w10, w11, w12, w20, w21, w22);
          else dwRowS2(p0 + 4, p1 + 4, p2 + 4, yr, W, Wo, vb, act != 0, w00, w01, w02, w10, w11, w12, w20, w21, w22);
          continue;
        }
        if (sw == 1) {
          for (; ow + 4 <= hi; ow += 4) {
            const o = <usize>ow << 2;
            let acc = f32x4.add(vb, f32x4.mul(w00, v128.load(p0 + o)));
            acc = f32x4.add(acc, f32x4.mul(w01, v128.load(p0 + o + 4)));
            acc = f32x4.add(acc, f32x4.mul(w02, v128.load(p0 + o + 8)));
            acc = f32x4.add(acc, f32x4.mul(w10, v128.load(p1 + o)));
            acc = f32x4.add(acc, f32x4.mul(w11, v128.load(p1 + o + 4)));
            acc = f32x4.add(acc, f32x4.mul(w12, v128.load(p1 + o + 8)));
            acc = f32x4.add(acc, f32x4.mul(w20, v128.load(p2 + o)));
            acc = f32x4.add(acc, f32x4.mul(w21, v128.load(p2 + o + 4)));
            acc = f32x4.add(acc, f32x4.mul(w22, v128.load(p2 + o + 8)));
            v128.store(yr + o, act ? f32x4.pmax(acc, zero) : acc);
          }
        } else {
          for (; ow + 4 <= hi; ow += 4) {
            const o = <usize>ow << 3;
            // Per row: evens e = x[0, 2, 4, 6], odds x[1, 3, 5, 7] (one shufps each) and x[2, 4, 6, 8] as e shifted by
            // one lane with x[8] (a concat: one palignr); a shuffle picking lanes (2, 4, 6, 0) compiled to the
            // generic byte-shuffle sequence.
            let a = v128.load(p0 + o), bb = v128.load(p0 + o + 16), c2 = v128.load32_zero(p0 + o + 32);
            let e = v128.shuffle<f32>(a, bb, 0, 2, 4, 6);
            let acc = f32x4.add(vb, f32x4.mul(w00, e));
            acc = f32x4.add(acc, f32x4.mul(w01, v128.shuffle<f32>(a, bb, 1, 3, 5, 7)));
            acc = f32x4.add(acc, f32x4.mul(w02, v128.shuffle<f32>(e, c2, 1, 2, 3, 4)));
            a = v128.load(p1 + o); bb = v128.load(p1 + o + 16); c2 = v128.load32_zero(p1 + o + 32);
            e = v128.shuffle<f32>(a, bb, 0, 2, 4, 6);
            acc = f32x4.add(acc, f32x4.mul(w10, e));
            acc = f32x4.add(acc, f32x4.mul(w11, v128.shuffle<f32>(a, bb, 1, 3, 5, 7)));
            acc = f32x4.add(acc, f32x4.mul(w12, v128.shuffle<f32>(e, c2, 1, 2, 3, 4)));
            a = v128.load(p2 + o); bb = v128.load(p2 + o + 16); c2 = v128.load32_zero(p2 + o + 32);
            e = v128.shuffle<f32>(a, bb, 0, 2, 4, 6);
            acc = f32x4.add(acc, f32x4.mul(w20, e));
            acc = f32x4.add(acc, f32x4.mul(w21, v128.shuffle<f32>(a, bb, 1, 3, 5, 7)));
            acc = f32x4.add(acc, f32x4.mul(w22, v128.shuffle<f32>(e, c2, 1, 2, 3, 4)));
            v128.store(yr + (<usize>ow << 2), act ? f32x4.pmax(acc, zero) : acc);
          }
        }
      }
      for (; ow < Wo; ow++) {
        let v = bias + dwPoint(xc, wc, H, W, kh, kw, ih0, ow * sw - pw, dh, dw);
        if (act && v < 0) v = 0;
        store<f32>(addr(yr, ow), v);
      }
    }
  }
}

/** Depthwise backward for one image: dx = 0 then dx += w * dy (scatter), and dwt (+)= dy * x (acc = 1 accumulates). */
export function f32_dwconv_bwd__simd128(x: usize, w: usize, dy: usize, dx: usize, dwt: usize, C: i32, H: i32, W: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, Ho: i32, Wo: i32, acc: i32): void {
  if (dx) memory.fill(dx, 0, <usize>(C * H * W) << 2);
  if (dwt && !acc) memory.fill(dwt, 0, <usize>(C * kh * kw) << 2);
  for (let c = 0; c < C; c++) {
    const xc = addr(x, c * H * W), dxc = addr(dx, c * H * W), dyc = addr(dy, c * Ho * Wo);
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const off = kj * dw - pw, lo = rangeLo(off, sw), hi = rangeHi(off, sw, W, Wo);
        const wp = addr(w, (c * kh + ki) * kw + kj), gp = addr(dwt, (c * kh + ki) * kw + kj);
        const wv: f32 = load<f32>(wp), wvv = f32x4.splat(wv);
        let gs = f32x4.splat(0), g: f32 = 0;
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * sh - ph + ki * dh;
          if (ih < 0 || ih >= H || hi <= lo) continue;
          const gr = addr(dyc, oh * Wo), xr = addr(xc, ih * W + off), dr = addr(dxc, ih * W + off);
          let ow = lo;
          if (sw == 1) {
            for (; ow + 4 <= hi; ow += 4) {
              const o = <usize>ow << 2, gv = v128.load(gr + o);
              if (dwt) gs = f32x4.add(gs, f32x4.mul(gv, v128.load(xr + o)));
              if (dx) v128.store(dr + o, f32x4.add(v128.load(dr + o), f32x4.mul(wvv, gv)));
            }
          } else if (sw == 2) {
            // Inputs of 4 outputs are the even lanes of 8 floats at 2ow (all inside the row: 2ow + off + 7 < W).
            for (; ow + 4 <= hi && 2 * ow + off + 8 <= W; ow += 4) {
              const gv = v128.load(addr(gr, ow)), o = <usize>ow << 3;
              if (dwt) gs = f32x4.add(gs, f32x4.mul(gv, v128.shuffle<f32>(v128.load(xr + o), v128.load(xr + o + 16), 0, 2, 4, 6)));
              if (dx) {
                const v = f32x4.mul(wvv, gv), z = f32x4.splat(0);
                v128.store(dr + o, f32x4.add(v128.load(dr + o), v128.shuffle<f32>(v, z, 0, 4, 1, 5)));
                v128.store(dr + o + 16, f32x4.add(v128.load(dr + o + 16), v128.shuffle<f32>(v, z, 2, 6, 3, 7)));
              }
            }
          }
          for (; ow < hi; ow++) {
            const gv = load<f32>(addr(gr, ow)), o = <usize>(ow * sw) << 2;
            if (dwt) g += gv * load<f32>(xr + o);
            if (dx) store<f32>(dr + o, load<f32>(dr + o) + wv * gv);
          }
        }
        if (dwt) store<f32>(gp, load<f32>(gp) + g + f32x4.extract_lane(gs, 0) + f32x4.extract_lane(gs, 1) + f32x4.extract_lane(gs, 2) + f32x4.extract_lane(gs, 3));
      }
    }
  }
}

/** y[r] = sum_j x[r, j] (acc = 1: y[r] += ...). The conv bias gradient. */
export function f32_rowsum__simd128(x: usize, y: usize, rows: i32, cols: i32, acc: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = addr(x, r * cols);
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
    let j = 0;
    for (; j + 8 <= cols; j += 8) { s0 = f32x4.add(s0, v128.load(addr(xr, j))); s1 = f32x4.add(s1, v128.load(addr(xr, j + 4))); }
    for (; j + 4 <= cols; j += 4) s0 = f32x4.add(s0, v128.load(addr(xr, j)));
    s0 = f32x4.add(s0, s1);
    let s: f32 = hsum(s0);
    for (; j < cols; j++) s += load<f32>(addr(xr, j));
    const d = addr(y, r);
    store<f32>(d, acc ? load<f32>(d) + s : s);
  }
}

/** x[r, :] = act(x[r, :] + b[r]) in place (`b` = 0: no bias; act 1 = relu). */
export function f32_bias_rows__simd128(x: usize, b: usize, rows: i32, cols: i32, act: i32): void {
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const xr = addr(x, r * cols);
    const bv: f32 = b ? load<f32>(addr(b, r)) : 0, bb = f32x4.splat(bv);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const p = addr(xr, j), v = f32x4.add(v128.load(p), bb);
      v128.store(p, act ? f32x4.pmax(v, zero) : v);
    }
    for (; j < cols; j++) { const p = addr(xr, j); let v = load<f32>(p) + bv; if (act && v < 0) v = 0; store<f32>(p, v); }
  }
}

/** out = y > 0 ? dy : 0 (gradient through a fused relu, from the relu's output y). */
export function f32_relu_mask__simd128(y: usize, dy: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < n; i++) { const o = <usize>i << 2; store<f32>(out + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0); }
}

/** out[c][i] = w[c][n - 1 - i] for C filters of n taps (rotated 180°: the depthwise data gradient's filters). */
export function f32_rot180__simd128(w: usize, out: usize, C: i32, n: i32): void {
  for (let c = 0; c < C; c++) {
    const s = addr(w, c * n), d = addr(out, c * n);
    for (let i = 0; i < n; i++) store<f32>(addr(d, i), load<f32>(addr(s, n - 1 - i)));
  }
}

/**
 * Inference BatchNorm folded onto a conv output, with the following relu / clip as a clamp, in one pass in place
 * over C planes of `inner` floats: y = min(max((y - mean[c]) * a + beta[c], lo), hi), a = gamma[c] / sqrt(var[c] + eps)
 * (fixGamma: 1 / sqrt(...)). The BatchNorm arithmetic is f32_bn_fwd's inference path op for op (same bits).
 */
export function f32_bn_act__simd128(y: usize, g: usize, b: usize, mean: usize, vr: usize, C: i32, inner: i32, eps: f32,
  fixGamma: i32, lo: f32, hi: f32): void {
  const vlo = S(lo), vhi = S(hi), n = <usize>inner;
  for (let c = 0; c < C; c++) {
    const mu: f32 = load<f32>(addr(mean, c)), is: f32 = 1 / sqrt<f32>(load<f32>(addr(vr, c)) + eps);
    const a = S(fixGamma ? is : is * load<f32>(addr(g, c))), bb = S(load<f32>(addr(b, c))), vm = S(mu);
    const yc = addr(y, c * inner);
    let i: usize = 0;
    for (; i + 4 <= n; i += 4) {
      const p = yc + (i << 2);
      v128.store(p, f32x4.pmin(f32x4.pmax(fma(f32x4.sub(v128.load(p), vm), a, bb), vlo), vhi));
    }
    if (i < n) {
      const p = yc + (i << 2), r = n - i;
      st(p, f32x4.pmin(f32x4.pmax(fma(f32x4.sub(ld(p, r), vm), a, bb), vlo), vhi), r);
    }
  }
}
