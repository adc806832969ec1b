// Scalar references (direct loops, float64 accumulation) for Convolution, Deconvolution and Pooling in NCHW:
// the test oracle for assembly/kernels/f32-conv.ts, f32-pool.ts and src/ops/conv/*. 1-D data is H = 1.

/** 2-D geometry of one convolution (1-D: kh = 1, sh = 1, ph = 0, dh = 1, H = 1). */
export interface RefConvGeom {
  N: number; C: number; H: number; W: number; F: number; G: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
}

/** Output plane size of a convolution: floor((x + 2p - (d(k-1)+1)) / s) + 1. @example refConvOut(224, 3, 2, 1, 1) === 112 */
export const refConvOut = (x: number, k: number, s: number, p: number, d: number) => Math.floor((x + 2 * p - (d * (k - 1) + 1)) / s) + 1;

/**
 * Direct convolution (cross-correlation, groups): y (N, F, Ho, Wo) from x (N, C, H, W), w (F, C/G, kh, kw), b (F).
 * @example refConv(x, w, b, { N: 1, C: 3, H: 5, W: 5, F: 2, G: 1, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1 })
 */
export function refConv(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, g: RefConvGeom): Float32Array {
  const Ho = refConvOut(g.H, g.kh, g.sh, g.ph, g.dh), Wo = refConvOut(g.W, g.kw, g.sw, g.pw, g.dw);
  const Cg = g.C / g.G, Fg = g.F / g.G, y = new Float32Array(g.N * g.F * Ho * Wo);
  for (let n = 0; n < g.N; n++) for (let f = 0; f < g.F; f++) {
    const grp = Math.floor(f / Fg);
    for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
      let s = b ? b[f] : 0;
      for (let c = 0; c < Cg; c++) for (let ki = 0; ki < g.kh; ki++) for (let kj = 0; kj < g.kw; kj++) {
        const ih = oh * g.sh - g.ph + ki * g.dh, iw = ow * g.sw - g.pw + kj * g.dw;
        if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
        s += w[((f * Cg + c) * g.kh + ki) * g.kw + kj] * x[((n * g.C + grp * Cg + c) * g.H + ih) * g.W + iw];
      }
      y[((n * g.F + f) * Ho + oh) * Wo + ow] = s;
    }
  }
  return y;
}

/**
 * Gradients of refConv for an output gradient dy: dx, dw, db (sums over the batch).
 * @example const { dx, dw, db } = refConvBackward(x, w, dy, geom)
 */
export function refConvBackward(x: ArrayLike<number>, w: ArrayLike<number>, dy: ArrayLike<number>, g: RefConvGeom) {
  const Ho = refConvOut(g.H, g.kh, g.sh, g.ph, g.dh), Wo = refConvOut(g.W, g.kw, g.sw, g.pw, g.dw);
  const Cg = g.C / g.G, Fg = g.F / g.G;
  const dx = new Float64Array(g.N * g.C * g.H * g.W), dw = new Float64Array(g.F * Cg * g.kh * g.kw), db = new Float64Array(g.F);
  for (let n = 0; n < g.N; n++) for (let f = 0; f < g.F; f++) {
    const grp = Math.floor(f / Fg);
    for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
      const gy = dy[((n * g.F + f) * Ho + oh) * Wo + ow];
      db[f] += gy;
      for (let c = 0; c < Cg; c++) for (let ki = 0; ki < g.kh; ki++) for (let kj = 0; kj < g.kw; kj++) {
        const ih = oh * g.sh - g.ph + ki * g.dh, iw = ow * g.sw - g.pw + kj * g.dw;
        if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
        const wi = ((f * Cg + c) * g.kh + ki) * g.kw + kj, xi = ((n * g.C + grp * Cg + c) * g.H + ih) * g.W + iw;
        dw[wi] += gy * x[xi];
        dx[xi] += gy * w[wi];
      }
    }
  }
  return { dx: Float32Array.from(dx), dw: Float32Array.from(dw), db: Float32Array.from(db) };
}

/** Deconvolution geometry: x (N, C_in, H, W), weight (C_in, F/G, kh, kw), output (N, F, Ho, Wo) with adj. */
export interface RefDeconvGeom extends RefConvGeom { ah: number; aw: number }

/** Output size of a deconvolution: s(x-1) + d(k-1) + 1 - 2p + adj. @example refDeconvOut(28, 4, 2, 1, 1, 0) === 56 */
export const refDeconvOut = (x: number, k: number, s: number, p: number, d: number, adj: number) => s * (x - 1) + d * (k - 1) + 1 - 2 * p + adj;

/**
 * Direct deconvolution (transposed convolution): every input pixel scatters w * x into the output.
 * @example refDeconv(x, w, undefined, { N: 1, C: 2, H: 3, W: 3, F: 4, G: 1, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1, ah: 1, aw: 1 })
 */
export function refDeconv(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, g: RefDeconvGeom): Float32Array {
  const Ho = refDeconvOut(g.H, g.kh, g.sh, g.ph, g.dh, g.ah), Wo = refDeconvOut(g.W, g.kw, g.sw, g.pw, g.dw, g.aw);
  const Cg = g.C / g.G, Fg = g.F / g.G, y = new Float64Array(g.N * g.F * Ho * Wo);
  for (let n = 0; n < g.N; n++) for (let c = 0; c < g.C; c++) {
    const grp = Math.floor(c / Cg);
    for (let ih = 0; ih < g.H; ih++) for (let iw = 0; iw < g.W; iw++) {
      const xv = x[((n * g.C + c) * g.H + ih) * g.W + iw];
      for (let f = 0; f < Fg; f++) for (let ki = 0; ki < g.kh; ki++) for (let kj = 0; kj < g.kw; kj++) {
        const oh = ih * g.sh - g.ph + ki * g.dh, ow = iw * g.sw - g.pw + kj * g.dw;
        if (oh < 0 || oh >= Ho || ow < 0 || ow >= Wo) continue;
        y[((n * g.F + grp * Fg + f) * Ho + oh) * Wo + ow] += xv * w[((c * Fg + f) * g.kh + ki) * g.kw + kj];
      }
    }
  }
  if (b) for (let i = 0; i < y.length; i++) y[i] += b[Math.floor(i / (Ho * Wo)) % g.F];
  return Float32Array.from(y);
}

/** Pooling parameters for refPool (2-D; 1-D is kh = 1, sh = 1, ph = 0). */
export interface RefPoolGeom {
  P: number; H: number; W: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number;
  type: 'max' | 'avg' | 'sum' | 'lp'; full: boolean; countIncludePad: boolean; p?: number;
}

/** Pooled size: valid 1 + floor((x + 2p - k)/s), full 1 + ceil(...). @example refPoolOut(10, 4, 3, 1, true) === 4 */
export const refPoolOut = (x: number, k: number, s: number, p: number, full: boolean) =>
  1 + (full ? Math.ceil((x + 2 * p - k) / s) : Math.floor((x + 2 * p - k) / s));

function windows(g: RefPoolGeom, oh: number, ow: number) {
  const hs0 = oh * g.sh - g.ph, ws0 = ow * g.sw - g.pw;
  const heP = Math.min(hs0 + g.kh, g.H + g.ph), weP = Math.min(ws0 + g.kw, g.W + g.pw);
  const hs = Math.max(hs0, 0), ws = Math.max(ws0, 0), he = Math.min(hs0 + g.kh, g.H), we = Math.min(ws0 + g.kw, g.W);
  const size = g.countIncludePad ? (heP - hs0) * (weP - ws0) : Math.max(he - hs, 0) * Math.max(we - ws, 0);
  return { hs, he, ws, we, size };
}

/**
 * MXNet pooling (nn/pool.h) over P planes: max (lowest f32 when the window is empty), avg with MXNet's
 * pool_size rule, sum, lp (p = 1 or 2).
 * @example refPool(x, { P: 1, H: 4, W: 4, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, type: 'max', full: false, countIncludePad: true })
 */
export function refPool(x: ArrayLike<number>, g: RefPoolGeom): Float32Array {
  const Ho = refPoolOut(g.H, g.kh, g.sh, g.ph, g.full), Wo = refPoolOut(g.W, g.kw, g.sw, g.pw, g.full);
  const y = new Float32Array(g.P * Ho * Wo);
  for (let p = 0; p < g.P; p++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
    const { hs, he, ws, we, size } = windows(g, oh, ow);
    let acc = g.type === 'max' ? -3.4028234663852886e38 : 0;
    for (let ih = hs; ih < he; ih++) for (let iw = ws; iw < we; iw++) {
      const v = x[(p * g.H + ih) * g.W + iw];
      if (g.type === 'max') acc = Math.max(acc, v);
      else if (g.type === 'avg') acc += v / size;
      else if (g.type === 'lp') acc += g.p === 1 ? v : v * v;
      else acc += v;
    }
    y[(p * Ho + oh) * Wo + ow] = g.type === 'lp' && g.p !== 1 ? Math.sqrt(acc) : acc;
  }
  return y;
}

/**
 * Pooling input gradient: max sends dy to the first window position equal to the output; avg spreads dy/pool_size;
 * sum spreads dy; lp(2) gives dy*x/y.
 * @example const dx = refPoolBackward(x, y, dy, geom)
 */
export function refPoolBackward(x: ArrayLike<number>, y: ArrayLike<number>, dy: ArrayLike<number>, g: RefPoolGeom): Float32Array {
  const Ho = refPoolOut(g.H, g.kh, g.sh, g.ph, g.full), Wo = refPoolOut(g.W, g.kw, g.sw, g.pw, g.full);
  const dx = new Float64Array(g.P * g.H * g.W);
  for (let p = 0; p < g.P; p++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
    const { hs, he, ws, we, size } = windows(g, oh, ow);
    const o = (p * Ho + oh) * Wo + ow, gy = dy[o];
    let done = false;
    for (let ih = hs; ih < he && !done; ih++) for (let iw = ws; iw < we; iw++) {
      const i = (p * g.H + ih) * g.W + iw;
      if (g.type === 'max') { if (x[i] === y[o]) { dx[i] += gy; done = true; break; } }
      else if (g.type === 'avg') dx[i] += gy / size;
      else if (g.type === 'lp' && g.p !== 1) dx[i] += y[o] !== 0 ? gy * x[i] / y[o] : 0;
      else dx[i] += gy;
    }
  }
  return Float32Array.from(dx);
}

/**
 * Inference BatchNorm then a clamp over C planes of `inner` values (f32_bn_act's oracle): (y - mean) * a + beta with
 * a = gamma / sqrt(var + eps) (fixGamma: gamma = 1), clamped to [lo, hi].
 * @example refBnAct(y, g, b, m, v, 2, 9, 1e-5, false, 0, 6)
 */
export function refBnAct(y: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>, mean: ArrayLike<number>, vr: ArrayLike<number>,
  C: number, inner: number, eps: number, fixGamma: boolean, lo: number, hi: number): Float32Array {
  const out = new Float32Array(C * inner);
  for (let c = 0; c < C; c++) {
    const a = (fixGamma ? 1 : g[c]) / Math.sqrt(vr[c] + eps);
    for (let i = 0; i < inner; i++) out[c * inner + i] = Math.min(Math.max((y[c * inner + i] - mean[c]) * a + b[c], lo), hi);
  }
  return out;
}

/**
 * Winograd F(2x2,3x3) weight transform (f32_wino_w_f2k3's oracle): U[ξ][f][c] = (G g Gᵀ)[ξ], ξ = 4i + j, for each
 * 3x3 filter g = w[f][c] (flip: w has shape (C, F, 3, 3) and g = w[c][f] rotated 180°), G = [[1,0,0],[½,½,½],[½,-½,½],
 * [0,0,1]]; every operation rounded to f32 in the kernel's order, so the kernel must match it bit for bit.
 * @example refWinoWeights(w, 2, 3, false) // 16 * 2 * 3 floats
 */
export function refWinoWeights(w: ArrayLike<number>, F: number, C: number, flip: boolean): Float32Array {
  const r = Math.fround, U = new Float32Array(16 * F * C);
  for (let f = 0; f < F; f++) for (let c = 0; c < C; c++) {
    const o = (flip ? c * F + f : f * C + c) * 9;
    let g = Array.from({ length: 9 }, (_, k) => w[o + k]);
    if (flip) g = g.reverse();
    for (let i = 0; i < 4; i++) {
      const row = [0, 1, 2].map((k) => i === 0 ? g[k] : i === 3 ? g[6 + k] : r(0.5 * r(r(i === 1 ? g[k] + g[3 + k] : g[k] - g[3 + k]) + g[6 + k])));
      const [a, b, e] = row, q = f * C + c;
      U[(4 * i) * F * C + q] = a;
      U[(4 * i + 1) * F * C + q] = r(0.5 * r(r(a + b) + e));
      U[(4 * i + 2) * F * C + q] = r(0.5 * r(r(a - b) + e));
      U[(4 * i + 3) * F * C + q] = e;
    }
  }
  return U;
}
