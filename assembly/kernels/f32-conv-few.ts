// Direct convolution for few input channels, stride 1 or 2 (network stems: MobileNet's 3x3 s2 3->32, ResNet's 7x7 s2
// 3->64, VGG's 3x3 s1 3->64), one image, output rows [oy0, oy0 + noy): no im2col. Per output row the C*kh input rows
// it reads are copied to the thread's scratch `P` with zeros for the padding, at stride 2 split into their even and
// odd columns (SIMD shuffles), so each tap of an output row is one contiguous run; 2 filters x 16 output columns
// (8 accumulators) then sum over the C*kh*kw taps in order, with the bias and relu (act 1) fused into the stores. A
// row is computed the same way whatever range it is called with, so splitting rows across threads gives the same bits.
// f32_convfew_2x16__simd128 (mul + add) and f32_convfew_2x16__relaxedsimd (relaxed_madd, in the relaxed add-on) share
// the code.
import { madd } from './f32-math'; // madd<f64>: relaxed_madd in the relaxed build, mul + add otherwise

/** Zero floats in front of each row copy: a tap reaches up to FP columns left of the image (pad <= 4, or 8 at stride 2). */
const FP = 4;

/** Floats of one row copy: FP zeros, the columns, and room for a 16-column block's overrun, a multiple of 4. */
@inline function rowLen(W: i32, Wo: i32, kw: i32): i32 { return (FP + max(W, Wo + kw) + 24) & ~3; }

/** Zeros `n` floats from `p` (may write up to 3 floats past: into the next half-row's zero front, or slack). */
@inline function zero(p: usize, n: i32): void {
  const z = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) v128.store(p + (<usize>i << 2), z);
}

/** Even columns of row `src` (W floats) to e[FP..], odd ones to o[FP..], zeros elsewhere (L floats each). */
function splitRow(src: usize, W: i32, e: usize, o: usize, L: i32): void {
  zero(e, FP); zero(o, FP);
  const pe = e + (FP << 2), po = o + (FP << 2);
  let i = 0;
  for (; 2 * i + 8 <= W; i += 4) {
    const a = v128.load(src + (<usize>i << 3)), b = v128.load(src + (<usize>i << 3), 16);
    v128.store(pe + (<usize>i << 2), i8x16.shuffle(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27));
    v128.store(po + (<usize>i << 2), i8x16.shuffle(a, b, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31));
  }
  for (; 2 * i < W; i++) {
    store<f32>(pe + (<usize>i << 2), load<f32>(src + (<usize>i << 3)));
    store<f32>(po + (<usize>i << 2), 2 * i + 1 < W ? load<f32>(src + (<usize>i << 3), 4) : 0);
  }
  const ne = (W + 1) >> 1, no = W >> 1;
  zero(pe + (<usize>ne << 2), L - FP - ne); zero(po + (<usize>no << 2), L - FP - no);
}

/** Row `src` (W floats) to e[FP..], zeros before and after (L floats). */
function copyRow(src: usize, W: i32, e: usize, L: i32): void {
  zero(e, FP);
  const pe = e + (FP << 2);
  let i = 0;
  for (; i + 4 <= W; i += 4) v128.store(pe + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < W; i++) store<f32>(pe + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
  zero(pe + (<usize>W << 2), L - FP - W);
}

/** act(v + bias) stored: relu when act == 1. */
@inline function out(p: usize, v: v128, bv: v128, act: i32): void {
  v = f32x4.add(v, bv);
  if (act == 1) v = f32x4.max(v, f32x4.splat(0));
  v128.store(p, v);
}

@inline function convFew<T>(x: usize, w: usize, b: usize, y: usize, P: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32,
  st: i32, ph: i32, pw: i32, Ho: i32, Wo: i32, F: i32, oy0: i32, noy: i32, act: i32): void {
  const L = rowLen(W, Wo, kw), S = C * kh, CK = S * kw, plane = <usize>(Ho * Wo) << 2;
  // Scratch: tap table (CK byte offsets into the row copies), an edge tile of 2 x 16 floats, 2*S row copies.
  const tab = P, tile = P + ((<usize>CK * 4 + 63) & ~63), rows = tile + 128;
  // Tap (s, kx) with s = c*kh + ky reads input column st*ox + q, q = kx - pw: at stride 1 row copy s at column ox + q,
  // at stride 2 half-row (s, parity of q) at column ox + floor(q / 2).
  for (let s = 0; s < S; s++) for (let kx = 0; kx < kw; kx++) {
    const q = kx - pw;
    store<i32>(tab + (<usize>(s * kw + kx) << 2), (st == 2 ? (s * 2 + (q & 1)) * L + FP + (q >> 1) : s * 2 * L + FP + q) << 2);
  }
  for (let oy = oy0; oy < oy0 + noy; oy++) {
    for (let s = 0; s < S; s++) {
      const c = s / kh, iy = st * oy - ph + s - c * kh;
      const e = rows + (<usize>(s * 2 * L) << 2), src = x + (<usize>((c * H + iy) * W) << 2);
      if (iy < 0 || iy >= H) zero(e, 2 * L);
      else if (st == 2) splitRow(src, W, e, e + (<usize>L << 2), L);
      else copyRow(src, W, e, L);
    }
    const yr = y + (<usize>(oy * Wo) << 2);
    for (let f = 0; f < F; f += 2) {
      const two = f + 1 < F, f1 = two ? f + 1 : f;
      const w0 = w + (<usize>(f * CK) << 2), w1 = w + (<usize>(f1 * CK) << 2);
      const bv0 = b ? v128.load32_splat(b + (<usize>f << 2)) : f32x4.splat(0), bv1 = b ? v128.load32_splat(b + (<usize>f1 << 2)) : bv0;
      const y0 = yr + <usize>f * plane, y1 = yr + <usize>f1 * plane;
      for (let ox = 0; ox < Wo; ox += 16) {
        let c00 = f32x4.splat(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        const base = rows + (<usize>ox << 2);
        for (let t = 0; t < CK; t++) {
          const p = base + <usize>load<i32>(tab + (<usize>t << 2));
          const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
          const a0 = v128.load32_splat(w0 + (<usize>t << 2)), a1 = v128.load32_splat(w1 + (<usize>t << 2));
          c00 = madd<T>(a0, v0, c00); c01 = madd<T>(a0, v1, c01); c02 = madd<T>(a0, v2, c02); c03 = madd<T>(a0, v3, c03);
          c10 = madd<T>(a1, v0, c10); c11 = madd<T>(a1, v1, c11); c12 = madd<T>(a1, v2, c12); c13 = madd<T>(a1, v3, c13);
        }
        const nb = min(16, Wo - ox), o0 = y0 + (<usize>ox << 2), o1 = y1 + (<usize>ox << 2);
        if (nb == 16) {
          out(o0, c00, bv0, act); out(o0 + 16, c01, bv0, act); out(o0 + 32, c02, bv0, act); out(o0 + 48, c03, bv0, act);
          if (two) { out(o1, c10, bv1, act); out(o1 + 16, c11, bv1, act); out(o1 + 32, c12, bv1, act); out(o1 + 48, c13, bv1, act); }
        } else {
          // The last columns of a row: through the tile, then the nb wanted ones.
          out(tile, c00, bv0, act); out(tile + 16, c01, bv0, act); out(tile + 32, c02, bv0, act); out(tile + 48, c03, bv0, act);
          out(tile + 64, c10, bv1, act); out(tile + 80, c11, bv1, act); out(tile + 96, c12, bv1, act); out(tile + 112, c13, bv1, act);
          for (let j = 0; j < nb; j++) {
            store<f32>(o0 + (<usize>j << 2), load<f32>(tile + (<usize>j << 2)));
            if (two) store<f32>(o1 + (<usize>j << 2), load<f32>(tile + 64 + (<usize>j << 2)));
          }
        }
      }
    }
  }
}

/**
 * y[f, oy, ox] = act(b[f] + sum_{c,ky,kx} w[f,c,ky,kx] * x[c, st*oy+ky-ph, st*ox+kx-pw]) for oy in [oy0, oy0+noy),
 * stride st 1 or 2 (both axes), dilation 1, pw <= 4 (8 at stride 2); `b` = 0: no bias; act 1 = relu. P: the
 * thread's scratch (see convFew).
 */
export function f32_convfew_2x16__simd128(x: usize, w: usize, b: usize, y: usize, P: usize, C: i32, H: i32, W: i32, kh: i32,
  kw: i32, st: i32, ph: i32, pw: i32, Ho: i32, Wo: i32, F: i32, oy0: i32, noy: i32, act: i32): void {
  convFew<f32>(x, w, b, y, P, C, H, W, kh, kw, st, ph, pw, Ho, Wo, F, oy0, noy, act);
}

/** f32_convfew_2x16__simd128 with f32x4.relaxed_madd (relaxed build only). */
export function f32_convfew_2x16__relaxedsimd(x: usize, w: usize, b: usize, y: usize, P: usize, C: i32, H: i32, W: i32, kh: i32,
  kw: i32, st: i32, ph: i32, pw: i32, Ho: i32, Wo: i32, F: i32, oy0: i32, noy: i32, act: i32): void {
  convFew<f64>(x, w, b, y, P, C, H, W, kh, kw, st, ph, pw, Ho, Wo, F, oy0, noy, act);
}
