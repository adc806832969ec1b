// 3-D (NCDHW) kernels: vol2col / col2vol for Convolution with 3-element kernels (src/ops/conv/conv3d.ts: vol2col then
// the GEMM), and 3-D pooling (src/ops/conv/pool3d.ts) with MXNet's nn/pool.h rules (as f32-pool.ts in 2-D).
// The column matrix of one volume is (C*kd*kh*kw) rows of Do*Ho*Wo floats, rows ordered (c, a, i, j) for kernel
// offsets (a, i, j) in (depth, height, width): the GEMM ABI's B, as f32_im2col__simd128's.
import { rangeHi, rangeLo } from './f32-im2col';
import { addr } from './f32-math';

const LOWEST: f32 = -3.4028234663852886e38;

@inline function zero(dst: usize, n: i32): void {
  let i = 0;
  const z = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) v128.store(addr(dst, i), z);
  for (; i < n; i++) store<f32>(addr(dst, i), 0);
}

/**
 * Unrolls one volume x (C, D, H, W) into `col` ((C*kd*kh*kw) x (Do*Ho*Wo)), zero padding. Stride-1 rows copy in SIMD.
 */
export function f32_vol2col__simd128(x: usize, col: usize, C: i32, D: i32, H: i32, W: i32, kd: i32, kh: i32, kw: i32,
  sd: i32, sh: i32, sw: i32, pd: i32, ph: i32, pw: i32, dd: i32, dh: i32, dw: i32, Do: i32, Ho: i32, Wo: i32): void {
  const L = Do * Ho * Wo;
  let row = col;
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < kd; a++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const off = j * dw - pw;
          let lo = rangeLo(off, sw), hi = rangeHi(off, sw, W, Wo);
          if (hi < lo) hi = lo;
          for (let od = 0; od < Do; od++) {
            const id = od * sd - pd + a * dd;
            for (let oh = 0; oh < Ho; oh++) {
              const ih = oh * sh - ph + i * dh, dst = addr(row, (od * Ho + oh) * Wo);
              if (id < 0 || id >= D || ih < 0 || ih >= H || hi == lo) { zero(dst, Wo); continue; }
              if (lo > 0) zero(dst, lo);
              if (hi < Wo) zero(addr(dst, hi), Wo - hi);
              const src = addr(x, ((c * D + id) * H + ih) * W + off);
              let ow = lo;
              if (sw == 1) for (; ow + 4 <= hi; ow += 4) v128.store(addr(dst, ow), v128.load(addr(src, ow)));
              for (; ow < hi; ow++) store<f32>(addr(dst, ow), load<f32>(addr(src, ow * sw)));
            }
          }
          row += <usize>L << 2;
        }
      }
    }
  }
}

/** Folds a column matrix (f32_vol2col__simd128's layout) back into one volume: x = 0, then x[c,d,h,w] += col[...]. */
export function f32_col2vol__simd128(col: usize, x: usize, C: i32, D: i32, H: i32, W: i32, kd: i32, kh: i32, kw: i32,
  sd: i32, sh: i32, sw: i32, pd: i32, ph: i32, pw: i32, dd: i32, dh: i32, dw: i32, Do: i32, Ho: i32, Wo: i32): void {
  const L = Do * Ho * Wo;
  memory.fill(x, 0, <usize>(C * D * H * W) << 2);
  let row = col;
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < kd; a++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const off = j * dw - pw, lo = rangeLo(off, sw), hi = rangeHi(off, sw, W, Wo);
          for (let od = 0; od < Do; od++) {
            const id = od * sd - pd + a * dd;
            if (id < 0 || id >= D || hi <= lo) continue;
            for (let oh = 0; oh < Ho; oh++) {
              const ih = oh * sh - ph + i * dh;
              if (ih < 0 || ih >= H) continue;
              const src = addr(row, (od * Ho + oh) * Wo), dst = addr(x, ((c * D + id) * H + ih) * W + off);
              let ow = lo;
              if (sw == 1) {
                for (; ow + 4 <= hi; ow += 4) {
                  const p = addr(dst, ow);
                  v128.store(p, f32x4.add(v128.load(p), v128.load(addr(src, ow))));
                }
              }
              for (; ow < hi; ow++) { const p = addr(dst, ow * sw); store<f32>(p, load<f32>(p) + load<f32>(addr(src, ow))); }
            }
          }
          row += <usize>L << 2;
        }
      }
    }
  }
}

/** A window's clipped range [s, e) along one axis and its padded extent (MXNet's pool_size factor). */
@inline function winStart(o: i32, s: i32, p: i32): i32 { return o * s - p; }

/**
 * 3-D pooling of P volumes: y (P, Do, Ho, Wo) from x (P, D, H, W). type 0 max (padding never wins, an empty window
 * gives the lowest f32), 1 avg (pool_size counts padding up to D+pd etc., or only the volume when countPad = 0),
 * 2 sum. Stride-1 interior columns run 4 outputs per SIMD vector (sum then divide).
 */
export function f32_pool3d__simd128(x: usize, y: usize, P: i32, D: i32, H: i32, W: i32, Do: i32, Ho: i32, Wo: i32,
  kd: i32, kh: i32, kw: i32, sd: i32, sh: i32, sw: i32, pd: i32, ph: i32, pw: i32, type: i32, countPad: i32): void {
  // Vector start ow: all 4 windows inside [0, W): ow >= pw and ow + 3 - pw + kw <= W.
  const vlo = pw, vhi = W - kw - 3 + pw, simd = sw == 1 && type <= 2;
  for (let p = 0; p < P; p++) {
    const xp = addr(x, p * D * H * W);
    for (let od = 0; od < Do; od++) {
      const d0 = winStart(od, sd, pd), dP = min(d0 + kd, D + pd) - d0, ds = max(d0, 0), de = min(d0 + kd, D);
      for (let oh = 0; oh < Ho; oh++) {
        const h0 = winStart(oh, sh, ph), hP = min(h0 + kh, H + ph) - h0, hs = max(h0, 0), he = min(h0 + kh, H);
        const yr = addr(y, ((p * Do + od) * Ho + oh) * Wo);
        let ow = 0;
        if (simd) {
          for (; ow < Wo && (ow < vlo || ow > vhi); ow++) store<f32>(addr(yr, ow), point(xp, H, W, ds, de, hs, he, dP * hP, ow, kw, sw, pw, type, countPad));
          const size = <f32>((countPad ? dP * hP : (de - ds) * (he - hs)) * kw);
          for (; ow + 4 <= Wo && ow <= vhi; ow += 4) {
            let acc = type == 0 ? f32x4.splat(LOWEST) : f32x4.splat(0);
            for (let d = ds; d < de; d++) {
              for (let h = hs; h < he; h++) {
                const r = addr(xp, (d * H + h) * W + ow - pw);
                for (let j = 0; j < kw; j++) {
                  const v = v128.load(addr(r, j));
                  acc = type == 0 ? f32x4.pmax(acc, v) : f32x4.add(acc, v);
                }
              }
            }
            if (type == 1 && size > 0) acc = f32x4.div(acc, f32x4.splat(size));
            v128.store(addr(yr, ow), acc);
          }
        }
        for (; ow < Wo; ow++) store<f32>(addr(yr, ow), point(xp, H, W, ds, de, hs, he, dP * hP, ow, kw, sw, pw, type, countPad));
      }
    }
  }
}

/** One output of f32_pool3d__simd128 (any window); dhP: the padded depth x height extent. */
@inline function point(xp: usize, H: i32, W: i32, ds: i32, de: i32, hs: i32, he: i32, dhP: i32, ow: i32, kw: i32, sw: i32, pw: i32, type: i32, countPad: i32): f32 {
  const w0 = ow * sw - pw, wP = min(w0 + kw, W + pw) - w0, ws = max(w0, 0), we = min(w0 + kw, W);
  let acc: f32 = type == 0 ? LOWEST : 0;
  for (let d = ds; d < de; d++) {
    for (let h = hs; h < he; h++) {
      const r = addr(xp, (d * H + h) * W);
      for (let w = ws; w < we; w++) { const v = load<f32>(addr(r, w)); if (type == 0) { if (v > acc) acc = v; } else acc += v; }
    }
  }
  if (type != 1) return acc;
  const size = countPad ? dhP * wP : (de - ds) * (he - hs) * (we - ws);
  return size > 0 ? acc / <f32>size : acc;
}

/**
 * 3-D pooling backward: dx = 0, then max sends each dy to the first window position (d, h, w order) whose input
 * equals y; avg spreads dy / pool_size, sum dy (stride-1 interior columns: 4 outputs per SIMD read-modify-write).
 */
export function f32_pool3d_bwd__simd128(x: usize, y: usize, dy: usize, dx: usize, P: i32, D: i32, H: i32, W: i32, Do: i32, Ho: i32, Wo: i32,
  kd: i32, kh: i32, kw: i32, sd: i32, sh: i32, sw: i32, pd: i32, ph: i32, pw: i32, type: i32, countPad: i32): void {
  memory.fill(dx, 0, <usize>(P * D * H * W) << 2);
  const vlo = pw, vhi = W - kw - 3 + pw, simd = sw == 1 && (type == 1 || type == 2);
  for (let p = 0; p < P; p++) {
    const xp = addr(x, p * D * H * W), dxp = addr(dx, p * D * H * W);
    for (let od = 0; od < Do; od++) {
      const d0 = winStart(od, sd, pd), dP = min(d0 + kd, D + pd) - d0, ds = max(d0, 0), de = min(d0 + kd, D);
      for (let oh = 0; oh < Ho; oh++) {
        const h0 = winStart(oh, sh, ph), hP = min(h0 + kh, H + ph) - h0, hs = max(h0, 0), he = min(h0 + kh, H);
        const o = ((p * Do + od) * Ho + oh) * Wo, yr = addr(y, o), gr = addr(dy, o);
        let ow = 0;
        if (simd) {
          for (; ow < Wo && (ow < vlo || ow > vhi); ow++) bwdPoint(xp, dxp, H, W, ds, de, hs, he, dP * hP, ow, kw, sw, pw, type, countPad, gr, yr);
          const size = <f32>((countPad ? dP * hP : (de - ds) * (he - hs)) * kw);
          for (; ow + 4 <= Wo && ow <= vhi; ow += 4) {
            const g = type == 1 ? f32x4.div(v128.load(addr(gr, ow)), f32x4.splat(size)) : v128.load(addr(gr, ow));
            for (let d = ds; d < de; d++) {
              for (let h = hs; h < he; h++) {
                const r = addr(dxp, (d * H + h) * W + ow - pw);
                for (let j = 0; j < kw; j++) { const q = addr(r, j); v128.store(q, f32x4.add(v128.load(q), g)); }
              }
            }
          }
        }
        for (; ow < Wo; ow++) bwdPoint(xp, dxp, H, W, ds, de, hs, he, dP * hP, ow, kw, sw, pw, type, countPad, gr, yr);
      }
    }
  }
}

/** Backward of one output of f32_pool3d_bwd__simd128 (any window). */
@inline function bwdPoint(xp: usize, dxp: usize, H: i32, W: i32, ds: i32, de: i32, hs: i32, he: i32, dhP: i32, ow: i32, kw: i32, sw: i32,
  pw: i32, type: i32, countPad: i32, gr: usize, yr: usize): void {
  const w0 = ow * sw - pw, wP = min(w0 + kw, W + pw) - w0, ws = max(w0, 0), we = min(w0 + kw, W);
  const g = load<f32>(addr(gr, ow));
  if (type == 0) {
    const yv = load<f32>(addr(yr, ow));
    for (let d = ds; d < de; d++) {
      for (let h = hs; h < he; h++) {
        for (let w = ws; w < we; w++) {
          const i = (d * H + h) * W + w;
          if (load<f32>(addr(xp, i)) == yv) { const q = addr(dxp, i); store<f32>(q, load<f32>(q) + g); return; }
        }
      }
    }
    return;
  }
  const size = countPad ? dhP * wP : (de - ds) * (he - hs) * (we - ws);
  const s: f32 = type == 1 && size > 0 ? g / <f32>size : g;
  for (let d = ds; d < de; d++) {
    for (let h = hs; h < he; h++) {
      for (let w = ws; w < we; w++) { const q = addr(dxp, (d * H + h) * W + w); store<f32>(q, load<f32>(q) + s); }
    }
  }
}
