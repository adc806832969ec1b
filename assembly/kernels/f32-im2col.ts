// im2col / col2im over NCHW f32 images, one image or a block of images per call (the column matrix of a block is
// (C*kh*kw, ld) row-major, rows ordered (c, ki, kj), image i in columns [i*Ho*Wo, (i+1)*Ho*Wo): the GEMM ABI's B), and
// the row copy between a block's [F, Nb*Ho*Wo] GEMM product and NCHW. 1-D conv is H = 1. Only the three kernels are
// exported from assembly/index.ts; the helpers are shared with f32-conv.ts.
// Geometry args: C, H, W (input plane), kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo (output plane).
import { addr } from './f32-math';

/** Number of output positions o in [0, n) with 0 <= o*s + off < lim (they form one range [lo, hi)). */
@inline export function rangeLo(off: i32, s: i32): i32 { return off >= 0 ? 0 : (-off + s - 1) / s; }
@inline export function rangeHi(off: i32, s: i32, lim: i32, n: i32): i32 {
  if (lim - 1 - off < 0) return 0;
  const h = (lim - 1 - off) / s + 1;
  return h < n ? h : n;
}

/** Copies n floats; short rows (small planes) by SIMD, long ones by memory.copy (a call). */
@inline function copy(dst: usize, src: usize, n: i32): void {
  if (n > 32) { memory.copy(dst, src, <usize>n << 2); return; }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(addr(dst, i), v128.load(addr(src, i)));
  for (; i < n; i++) store<f32>(addr(dst, i), load<f32>(addr(src, i)));
}

/** Zeroes n floats (SIMD for short runs). */
@inline function zero(dst: usize, n: i32): void {
  if (n > 32) { memory.fill(dst, 0, <usize>n << 2); return; }
  let i = 0;
  const z = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) v128.store(addr(dst, i), z);
  for (; i < n; i++) store<f32>(addr(dst, i), 0);
}

/**
 * Unrolls `nimg` images (image i at x + i*xs floats) into the column matrix `col`: C*kh*kw rows of `ld` floats,
 * image i filling columns [i*Ho*Wo, (i+1)*Ho*Wo) of every row. Zero padding. ld 0 means Ho*Wo, nimg 0 means 1.
 */
export function f32_im2col__simd128(x: usize, col: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32,
  ph: i32, pw: i32, dh: i32, dw: i32, Ho: i32, Wo: i32, ld: i32, nimg: i32, xs: i32): void {
  const rowBytes = <usize>(ld > 0 ? ld : Ho * Wo) << 2;
  for (let img = 0; img < max(nimg, 1); img++) {
    let row = addr(col, img * Ho * Wo);
    const xi = addr(x, img * xs);
    for (let c = 0; c < C; c++) {
      const xc = addr(xi, c * H * W);
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const off = kj * dw - pw;
          let lo = rangeLo(off, sw), hi = rangeHi(off, sw, W, Wo);
          if (hi < lo) hi = lo;
          for (let oh = 0; oh < Ho; oh++) {
            const ih = oh * sh - ph + ki * dh;
            const dst = addr(row, oh * Wo);
            if (ih < 0 || ih >= H || hi == lo) { zero(dst, Wo); continue; }
            if (lo > 0) zero(dst, lo);
            if (hi < Wo) zero(addr(dst, hi), Wo - hi);
            const src = addr(xc, ih * W + off);
            if (sw == 1) { copy(addr(dst, lo), addr(src, lo), hi - lo); continue; }
            let ow = lo;
            if (sw == 2) {
              // Even lanes of 8 consecutive inputs; only while all 8 loaded lanes lie inside the row.
              for (; ow + 4 <= hi && 2 * ow + off + 7 < W; ow += 4) {
                const a = v128.load(addr(src, 2 * ow)), b = v128.load(addr(src, 2 * ow + 4));
                v128.store(addr(dst, ow), v128.shuffle<f32>(a, b, 0, 2, 4, 6));
              }
            }
            for (; ow < hi; ow++) store<f32>(addr(dst, ow), load<f32>(addr(src, ow * sw)));
          }
          row += rowBytes;
        }
      }
    }
  }
}

/**
 * Folds a column matrix back into `nimg` images (the layout of f32_im2col__simd128: rows of `ld` floats, image i
 * at x + i*xs floats): x = 0, then x[c, ih, iw] += col[(c,ki,kj), (oh,ow)]. ld 0 means Ho*Wo, nimg 0 means 1.
 */
export function f32_col2im__simd128(col: usize, x: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32,
  ph: i32, pw: i32, dh: i32, dw: i32, Ho: i32, Wo: i32, ld: i32, nimg: i32, xs: i32): void {
  const rowBytes = <usize>(ld > 0 ? ld : Ho * Wo) << 2;
  for (let img = 0; img < max(nimg, 1); img++) {
    const xi = addr(x, img * xs);
    memory.fill(xi, 0, <usize>(C * H * W) << 2);
    let row = addr(col, img * Ho * Wo);
    for (let c = 0; c < C; c++) {
      const xc = addr(xi, c * H * W);
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const off = kj * dw - pw;
          const lo = rangeLo(off, sw), hi = rangeHi(off, sw, W, Wo);
          for (let oh = 0; oh < Ho; oh++) {
            const ih = oh * sh - ph + ki * dh;
            if (ih < 0 || ih >= H || hi <= lo) continue;
            const src = addr(row, oh * Wo), dst = addr(xc, ih * W + off);
            let ow = lo;
            if (sw == 1) {
              for (; ow + 4 <= hi; ow += 4) {
                const d = addr(dst, ow);
                v128.store(d, f32x4.add(v128.load(d), v128.load(addr(src, ow))));
              }
            } else if (sw == 2) {
              // 4 values go to the even lanes of 8 floats at 2ow (all inside the row).
              const z = f32x4.splat(0);
              for (; ow + 4 <= hi && 2 * ow + off + 8 <= W; ow += 4) {
                const d = addr(dst, 2 * ow), v = v128.load(addr(src, ow));
                v128.store(d, f32x4.add(v128.load(d), v128.shuffle<f32>(v, z, 0, 4, 1, 5)));
                v128.store(d, f32x4.add(v128.load(d, 16), v128.shuffle<f32>(v, z, 2, 6, 3, 7)), 16);
              }
            }
            for (; ow < hi; ow++) { const d = addr(dst, ow * sw); store<f32>(d, load<f32>(d) + load<f32>(addr(src, ow))); }
          }
          row += rowBytes;
        }
      }
    }
  }
}

/**
 * Copies R x Nb rows of P floats: row (r, n) from src + r*sr + n*sn to dst + r*dr + n*dn (strides in floats).
 * Blocked conv: [F, Nb*P] GEMM output <-> Nb NCHW images (sr = Nb*P, sn = P, dr = P, dn = F*P, or the converse).
 */
export function f32_copyrows__simd128(src: usize, dst: usize, R: i32, Nb: i32, P: i32, sr: i32, sn: i32, dr: i32, dn: i32): void {
  for (let r = 0; r < R; r++) {
    for (let n = 0; n < Nb; n++) copy(addr(dst, r * dr + n * dn), addr(src, r * sr + n * sn), P);
  }
}
