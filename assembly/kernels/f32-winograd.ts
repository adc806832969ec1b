// Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions (one image per call): Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A.
// The 16 element-wise products over channels are 16 GEMMs M[ξ] (F, T) = U[ξ] (F, C) · V[ξ] (C, T), done by f32_gemm.
// Tiles: rows of tW4 tiles of 2x2 outputs (tW4 = tiles per row rounded up to a multiple of 4, so 4 tiles form one
// vector). The transforms work on a chunk of nty tile rows from tile row ty0 (T = nty * tW4 tiles), so the buffers
// of one chunk stay in cache between the transforms and the GEMMs.
// Layouts: U[ξ][f][c], V[ξ][c][t], M[ξ][f][t] with ξ = 4i + j, t = ty * tW4 + tx.

import { addr } from './f32-math';

/**
 * U[ξ][f][c] = (G g Gᵀ)[ξ] for each 3x3 filter g = w[f][c], G = [[1,0,0],[½,½,½],[½,-½,½],[0,0,1]].
 * flip = 1 uses g = w[c][f] rotated 180° (w of shape (C, F, 3, 3)): the filters of the data gradient.
 * Ft: the filters of the whole call (U's ξ stride is Ft C, and w's row with flip): a thread's part transforms
 * filters f0 .. f0 + F with U and w advanced to them.
 */
export function f32_wino_w_f2k3__simd128(w: usize, U: usize, F: i32, C: i32, flip: i32, Ft: i32): void {
  const FC = Ft * C;
  // Four channels at a time (U[ξ][f][c .. c + 3] is one vector): the same operations in the same order as the scalar
  // tail below, lane by lane, so the results are the same bits. Lane j's filter sits `cs` bytes after lane j - 1's.
  const cs: usize = flip ? <usize>(Ft * 36) : 36, half = f32x4.splat(0.5);
  for (let f = 0; f < F; f++) {
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const g = addr(w, (flip ? c * Ft + f : f * C + c) * 9), o = f * C + c;
      let g0 = gat(g, cs, 0), g1 = gat(g, cs, 4), g2 = gat(g, cs, 8);
      let h0 = gat(g, cs, 12), h1 = gat(g, cs, 16), h2 = gat(g, cs, 20);
      let k0 = gat(g, cs, 24), k1 = gat(g, cs, 28), k2 = gat(g, cs, 32);
      if (flip) {
        let t = g0; g0 = k2; k2 = t; t = g1; g1 = k1; k1 = t; t = g2; g2 = k0; k0 = t; t = h0; h0 = h2; h2 = t;
      }
      for (let i = 0; i < 4; i++) {
        let a: v128, b: v128, e: v128;
        if (i == 0) { a = g0; b = g1; e = g2; }
        else if (i == 1) { a = f32x4.mul(half, f32x4.add(f32x4.add(g0, h0), k0)); b = f32x4.mul(half, f32x4.add(f32x4.add(g1, h1), k1)); e = f32x4.mul(half, f32x4.add(f32x4.add(g2, h2), k2)); }
        else if (i == 2) { a = f32x4.mul(half, f32x4.add(f32x4.sub(g0, h0), k0)); b = f32x4.mul(half, f32x4.add(f32x4.sub(g1, h1), k1)); e = f32x4.mul(half, f32x4.add(f32x4.sub(g2, h2), k2)); }
        else { a = k0; b = k1; e = k2; }
        v128.store(addr(U, (4 * i) * FC + o), a);
        v128.store(addr(U, (4 * i + 1) * FC + o), f32x4.mul(half, f32x4.add(f32x4.add(a, b), e)));
        v128.store(addr(U, (4 * i + 2) * FC + o), f32x4.mul(half, f32x4.add(f32x4.sub(a, b), e)));
        v128.store(addr(U, (4 * i + 3) * FC + o), e);
      }
    }
    for (; c < C; c++) {
      const g = addr(w, (flip ? c * Ft + f : f * C + c) * 9), o = f * C + c;
      let g0 = load<f32>(g), g1 = load<f32>(g, 4), g2 = load<f32>(g, 8);
      let h0 = load<f32>(g, 12), h1 = load<f32>(g, 16), h2 = load<f32>(g, 20);
      let k0 = load<f32>(g, 24), k1 = load<f32>(g, 28), k2 = load<f32>(g, 32);
      if (flip) {
        let t = g0; g0 = k2; k2 = t; t = g1; g1 = k1; k1 = t; t = g2; g2 = k0; k0 = t; t = h0; h0 = h2; h2 = t;
      }
      for (let i = 0; i < 4; i++) {
        // Row i of G·g (3 values), then times Gᵀ.
        let a: f32, b: f32, e: f32;
        if (i == 0) { a = g0; b = g1; e = g2; }
        else if (i == 1) { a = 0.5 * (g0 + h0 + k0); b = 0.5 * (g1 + h1 + k1); e = 0.5 * (g2 + h2 + k2); }
        else if (i == 2) { a = 0.5 * (g0 - h0 + k0); b = 0.5 * (g1 - h1 + k1); e = 0.5 * (g2 - h2 + k2); }
        else { a = k0; b = k1; e = k2; }
        store<f32>(addr(U, (4 * i) * FC + o), a);
        store<f32>(addr(U, (4 * i + 1) * FC + o), 0.5 * (a + b + e));
        store<f32>(addr(U, (4 * i + 2) * FC + o), 0.5 * (a - b + e));
        store<f32>(addr(U, (4 * i + 3) * FC + o), e);
      }
    }
  }
}

/** Float `p` bytes into each of 4 filters `cs` bytes apart, as one vector (lane j: the filter at g + j cs). */
@inline function gat(g: usize, cs: usize, p: usize): v128 {
  let v = f32x4.splat(load<f32>(g + p));
  v = f32x4.replace_lane(v, 1, load<f32>(g + cs + p));
  v = f32x4.replace_lane(v, 2, load<f32>(g + 2 * cs + p));
  return f32x4.replace_lane(v, 3, load<f32>(g + 3 * cs + p));
}

/**
 * V[ξ][c][t] = (Bᵀ d B)[ξ] for every 4x4 input patch d of every channel (tile rows ty0 .. ty0 + nty). P is a scratch
 * plane of (2 nty + 2) x (2 tW4 + 2) floats: each channel's rows are copied there zero-padded, then transformed
 * 4 tiles at a time. Ct is the channel count of V's ξ stride (Ct * T): a call may cover channels of a larger V.
 */
export function f32_wino_in_f2k3__simd128(x: usize, P: usize, V: usize, C: i32, H: i32, W: i32, ph: i32, pw: i32, ty0: i32, nty: i32, tW4: i32, Ct: i32): void {
  const Hp = 2 * nty + 2, Wp = 2 * tW4 + 2, T = nty * tW4, CT = <usize>(Ct * T) << 2;
  const rowB = <usize>Wp << 2;
  let nCopy = W;
  if (pw + nCopy > Wp) nCopy = Wp - pw;
  for (let c = 0; c < C; c++) {
    memory.fill(P, 0, <usize>(Hp * Wp) << 2);
    const xc = addr(x, c * H * W);
    for (let r = 0; r < Hp; r++) {
      const ih = 2 * ty0 + r - ph;
      if (ih >= 0 && ih < H && nCopy > 0) memory.copy(addr(P, r * Wp + pw), addr(xc, ih * W), <usize>nCopy << 2);
    }
    let vt = addr(V, c * T);
    for (let ty = 0; ty < nty; ty++) {
      const prow = addr(P, 2 * ty * Wp);
      for (let tx = 0; tx < tW4; tx += 4, vt += 16) {
        // Column transform of each of the 4 patch rows (4 tiles in the lanes): cols 0..3 of the tiles are
        // even/odd lanes of the 10 floats at 2tx.
        let p = prow + (<usize>(2 * tx) << 2);
        let a = v128.load(p), b = v128.load(p, 16), a2 = v128.load(p, 8), b2 = v128.load(p, 24);
        let d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        let d2 = v128.shuffle<f32>(a2, b2, 0, 2, 4, 6), d3 = v128.shuffle<f32>(a2, b2, 1, 3, 5, 7);
        const r00 = f32x4.sub(d0, d2), r01 = f32x4.add(d1, d2), r02 = f32x4.sub(d2, d1), r03 = f32x4.sub(d1, d3);
        p += rowB; a = v128.load(p); b = v128.load(p, 16); a2 = v128.load(p, 8); b2 = v128.load(p, 24);
        d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        d2 = v128.shuffle<f32>(a2, b2, 0, 2, 4, 6); d3 = v128.shuffle<f32>(a2, b2, 1, 3, 5, 7);
        const r10 = f32x4.sub(d0, d2), r11 = f32x4.add(d1, d2), r12 = f32x4.sub(d2, d1), r13 = f32x4.sub(d1, d3);
        p += rowB; a = v128.load(p); b = v128.load(p, 16); a2 = v128.load(p, 8); b2 = v128.load(p, 24);
        d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        d2 = v128.shuffle<f32>(a2, b2, 0, 2, 4, 6); d3 = v128.shuffle<f32>(a2, b2, 1, 3, 5, 7);
        const r20 = f32x4.sub(d0, d2), r21 = f32x4.add(d1, d2), r22 = f32x4.sub(d2, d1), r23 = f32x4.sub(d1, d3);
        p += rowB; a = v128.load(p); b = v128.load(p, 16); a2 = v128.load(p, 8); b2 = v128.load(p, 24);
        d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        d2 = v128.shuffle<f32>(a2, b2, 0, 2, 4, 6); d3 = v128.shuffle<f32>(a2, b2, 1, 3, 5, 7);
        const r30 = f32x4.sub(d0, d2), r31 = f32x4.add(d1, d2), r32 = f32x4.sub(d2, d1), r33 = f32x4.sub(d1, d3);
        // Row transform, stored at ξ = 4i + j.
        let q = vt;
        v128.store(q, f32x4.sub(r00, r20)); q += CT; v128.store(q, f32x4.sub(r01, r21)); q += CT;
        v128.store(q, f32x4.sub(r02, r22)); q += CT; v128.store(q, f32x4.sub(r03, r23)); q += CT;
        v128.store(q, f32x4.add(r10, r20)); q += CT; v128.store(q, f32x4.add(r11, r21)); q += CT;
        v128.store(q, f32x4.add(r12, r22)); q += CT; v128.store(q, f32x4.add(r13, r23)); q += CT;
        v128.store(q, f32x4.sub(r20, r10)); q += CT; v128.store(q, f32x4.sub(r21, r11)); q += CT;
        v128.store(q, f32x4.sub(r22, r12)); q += CT; v128.store(q, f32x4.sub(r23, r13)); q += CT;
        v128.store(q, f32x4.sub(r10, r30)); q += CT; v128.store(q, f32x4.sub(r11, r31)); q += CT;
        v128.store(q, f32x4.sub(r12, r32)); q += CT; v128.store(q, f32x4.sub(r13, r33));
      }
    }
  }
}

/**
 * y[f] = act(Aᵀ M A + bias[f]) per 2x2 output tile, Aᵀ = [[1,1,1,0],[0,1,-1,-1]]; `b` = 0: no bias; act 1 = relu.
 * Ft is the filter count of M's ξ stride (Ft * T).
 */
export function f32_wino_out_f2k3__simd128(M: usize, y: usize, b: usize, F: i32, Ho: i32, Wo: i32, ty0: i32, nty: i32, tW4: i32, act: i32, Ft: i32): void {
  const T = nty * tW4, FT = <usize>(Ft * T) << 2, zero = f32x4.splat(0);
  for (let f = 0; f < F; f++) {
    const bias = f32x4.splat(b ? load<f32>(addr(b, f)) : 0), yf = addr(y, f * Ho * Wo);
    let mt = addr(M, f * T);
    for (let ty = ty0; ty < ty0 + nty; ty++) {
      for (let tx = 0; tx < tW4; tx += 4, mt += 16) {
        // Column pass: s_i0 = m_i0 + m_i1 + m_i2, s_i1 = m_i1 - m_i2 - m_i3 for each row i.
        let q = mt;
        let m0 = v128.load(q); q += FT; let m1 = v128.load(q); q += FT; let m2 = v128.load(q); q += FT; let m3 = v128.load(q); q += FT;
        const s00 = f32x4.add(f32x4.add(m0, m1), m2), s01 = f32x4.sub(f32x4.sub(m1, m2), m3);
        m0 = v128.load(q); q += FT; m1 = v128.load(q); q += FT; m2 = v128.load(q); q += FT; m3 = v128.load(q); q += FT;
        const s10 = f32x4.add(f32x4.add(m0, m1), m2), s11 = f32x4.sub(f32x4.sub(m1, m2), m3);
        m0 = v128.load(q); q += FT; m1 = v128.load(q); q += FT; m2 = v128.load(q); q += FT; m3 = v128.load(q); q += FT;
        const s20 = f32x4.add(f32x4.add(m0, m1), m2), s21 = f32x4.sub(f32x4.sub(m1, m2), m3);
        m0 = v128.load(q); q += FT; m1 = v128.load(q); q += FT; m2 = v128.load(q); q += FT; m3 = v128.load(q);
        const s30 = f32x4.add(f32x4.add(m0, m1), m2), s31 = f32x4.sub(f32x4.sub(m1, m2), m3);
        let y00 = f32x4.add(f32x4.add(f32x4.add(s00, s10), s20), bias), y01 = f32x4.add(f32x4.add(f32x4.add(s01, s11), s21), bias);
        let y10 = f32x4.add(f32x4.sub(f32x4.sub(s10, s20), s30), bias), y11 = f32x4.add(f32x4.sub(f32x4.sub(s11, s21), s31), bias);
        if (act) { y00 = f32x4.pmax(y00, zero); y01 = f32x4.pmax(y01, zero); y10 = f32x4.pmax(y10, zero); y11 = f32x4.pmax(y11, zero); }
        // Interleave the tiles' two columns: row a of 4 tiles = 8 consecutive outputs from column 2tx.
        const oh = 2 * ty, ow = 2 * tx;
        storeRow(yf, oh, ow, Ho, Wo, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5), v128.shuffle<f32>(y00, y01, 2, 6, 3, 7));
        storeRow(yf, oh + 1, ow, Ho, Wo, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5), v128.shuffle<f32>(y10, y11, 2, 6, 3, 7));
      }
    }
  }
}

/** Stores 8 outputs of row oh from column ow, clipped to the plane. */
@inline function storeRow(yf: usize, oh: i32, ow: i32, Ho: i32, Wo: i32, lo: v128, hi: v128): void {
  if (oh >= Ho) return;
  const p = addr(yf, oh * Wo + ow);
  if (ow + 8 <= Wo) { v128.store(p, lo); v128.store(p, hi, 16); return; }
  const n = Wo - ow;
  if (n > 0) store<f32>(p, f32x4.extract_lane(lo, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(lo, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(lo, 2), 8);
  if (n > 3) store<f32>(p, f32x4.extract_lane(lo, 3), 12);
  if (n > 4) store<f32>(p, f32x4.extract_lane(hi, 0), 16);
  if (n > 5) store<f32>(p, f32x4.extract_lane(hi, 1), 20);
  if (n > 6) store<f32>(p, f32x4.extract_lane(hi, 2), 24);
}

/** 8 floats of row `oh` from column `ow` (zero outside the Ho x Wo plane) as two vectors. */
@inline function loadRow8(yf: usize, oh: i32, ow: i32, Ho: i32, Wo: i32, hi: bool): v128 {
  const c = hi ? ow + 4 : ow;
  if (oh >= Ho) return f32x4.splat(0);
  const p = addr(yf, oh * Wo + c);
  if (c + 4 <= Wo) return v128.load(p);
  let v = f32x4.splat(0);
  if (c < Wo) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (c + 1 < Wo) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (c + 2 < Wo) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** dM[ξ][f][t] = (A dY_t Aᵀ)[ξ] per 2x2 output-gradient tile (zero beyond the plane); ξ stride Ft * T. */
export function f32_wino_dy_f2k3__simd128(dy: usize, M: usize, F: i32, Ho: i32, Wo: i32, ty0: i32, nty: i32, tW4: i32, Ft: i32): void {
  const T = nty * tW4, FT = <usize>(Ft * T) << 2;
  for (let f = 0; f < F; f++) {
    const yf = addr(dy, f * Ho * Wo);
    let mt = addr(M, f * T);
    for (let ty = ty0; ty < ty0 + nty; ty++) {
      const oh = 2 * ty;
      for (let tx = 0; tx < tW4; tx += 4, mt += 16) {
        const ow = 2 * tx;
        const a0 = loadRow8(yf, oh, ow, Ho, Wo, false), b0 = loadRow8(yf, oh, ow, Ho, Wo, true);
        const a1 = loadRow8(yf, oh + 1, ow, Ho, Wo, false), b1 = loadRow8(yf, oh + 1, ow, Ho, Wo, true);
        const y00 = v128.shuffle<f32>(a0, b0, 0, 2, 4, 6), y01 = v128.shuffle<f32>(a0, b0, 1, 3, 5, 7);
        const y10 = v128.shuffle<f32>(a1, b1, 0, 2, 4, 6), y11 = v128.shuffle<f32>(a1, b1, 1, 3, 5, 7);
        // Rows of A·Y: (Y0, Y0 + Y1, Y0 - Y1, -Y1); then columns the same way.
        let q = mt;
        q = dyRow(q, FT, y00, y01);
        q = dyRow(q, FT, f32x4.add(y00, y10), f32x4.add(y01, y11));
        q = dyRow(q, FT, f32x4.sub(y00, y10), f32x4.sub(y01, y11));
        dyRow(q, FT, f32x4.neg(y10), f32x4.neg(y11));
      }
    }
  }
}

@inline function dyRow(q: usize, FT: usize, x0: v128, x1: v128): usize {
  v128.store(q, x0); q += FT;
  v128.store(q, f32x4.add(x0, x1)); q += FT;
  v128.store(q, f32x4.sub(x0, x1)); q += FT;
  v128.store(q, f32x4.neg(x1)); q += FT;
  return q;
}

/** dw[f][c] = Gᵀ dU[·][f][c] G (3x3 from the 4x4 gradient of U = G g Gᵀ). Overwrites dw. */
export function f32_wino_dw_f2k3__simd128(dU: usize, dw: usize, F: i32, C: i32): void {
  const FC = F * C;
  for (let o = 0; o < FC; o++) {
    const d = addr(dw, o * 9);
    for (let a = 0; a < 3; a++) {
      // R[a][j] = Σ_i G[i][a] dU[i][j] for j = 0..3, then dg[a][b] = Σ_j R[a][j] G[j][b].
      let r0: f32 = 0, r1: f32 = 0, r2: f32 = 0, r3: f32 = 0;
      for (let j = 0; j < 4; j++) {
        const u0 = load<f32>(addr(dU, j * FC + o)), u1 = load<f32>(addr(dU, (4 + j) * FC + o));
        const u2 = load<f32>(addr(dU, (8 + j) * FC + o)), u3 = load<f32>(addr(dU, (12 + j) * FC + o));
        const r: f32 = a == 0 ? u0 + 0.5 * (u1 + u2) : a == 1 ? 0.5 * (u1 - u2) : 0.5 * (u1 + u2) + u3;
        if (j == 0) r0 = r; else if (j == 1) r1 = r; else if (j == 2) r2 = r; else r3 = r;
      }
      const da = addr(d, a * 3);
      store<f32>(da, r0 + 0.5 * (r1 + r2));
      store<f32>(da, 0.5 * (r1 - r2), 4);
      store<f32>(da, 0.5 * (r1 + r2) + r3, 8);
    }
  }
}
