// Scalar references (direct loops, float64 accumulation) for 3-D (NCDHW) Convolution and Pooling: the test oracle
// for assembly/kernels/f32-vol.ts and src/ops/conv/conv3d.ts, pool3d.ts.

/** 3-D convolution geometry: x (N, C, D, H, W), w (F, C/G, kd, kh, kw); k, s, p, d are [depth, height, width]. */
export interface RefConv3Geom { N: number; C: number; D: number; H: number; W: number; F: number; G: number; k: number[]; s: number[]; p: number[]; d: number[] }

const out = (x: number, k: number, s: number, p: number, d: number) => Math.floor((x + 2 * p - (d * (k - 1) + 1)) / s) + 1;
/** Output extents [Do, Ho, Wo] of a 3-D convolution. @example refConv3Out({ ...g, D: 5, k: [3, 3, 3] }) */
export const refConv3Out = (g: RefConv3Geom) => [g.D, g.H, g.W].map((x, i) => out(x, g.k[i], g.s[i], g.p[i], g.d[i]));

/** Calls f(xi, wi, yi) for every (output, kernel offset) pair whose input lies inside the volume. */
function each(g: RefConv3Geom, f: (xi: number, wi: number, yi: number, fl: number) => void): void {
  const [Do, Ho, Wo] = refConv3Out(g), Cg = g.C / g.G, Fg = g.F / g.G, [kd, kh, kw] = g.k;
  for (let n = 0; n < g.N; n++) for (let fl = 0; fl < g.F; fl++) {
    const grp = Math.floor(fl / Fg);
    for (let od = 0; od < Do; od++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
      const yi = (((n * g.F + fl) * Do + od) * Ho + oh) * Wo + ow;
      for (let c = 0; c < Cg; c++) for (let a = 0; a < kd; a++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
        const id = od * g.s[0] - g.p[0] + a * g.d[0], ih = oh * g.s[1] - g.p[1] + i * g.d[1], iw = ow * g.s[2] - g.p[2] + j * g.d[2];
        if (id < 0 || id >= g.D || ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
        f(((((n * g.C + grp * Cg + c) * g.D + id) * g.H + ih) * g.W + iw), (((fl * Cg + c) * kd + a) * kh + i) * kw + j, yi, fl);
      }
    }
  }
}

/**
 * Direct 3-D convolution (cross-correlation, groups, dilation, zero padding): y (N, F, Do, Ho, Wo).
 * @example refConv3(x, w, b, { N: 1, C: 2, D: 4, H: 4, W: 4, F: 3, G: 1, k: [3, 3, 3], s: [1, 1, 1], p: [1, 1, 1], d: [1, 1, 1] })
 */
export function refConv3(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, g: RefConv3Geom): Float32Array {
  const [Do, Ho, Wo] = refConv3Out(g), L = Do * Ho * Wo, y = new Float64Array(g.N * g.F * L);
  if (b) for (let i = 0; i < y.length; i++) y[i] = b[Math.floor(i / L) % g.F];
  each(g, (xi, wi, yi) => { y[yi] += x[xi] * w[wi]; });
  return Float32Array.from(y);
}

/** Gradients of refConv3 for an output gradient dy: dx, dw, db. @example const { dx, dw, db } = refConv3Backward(x, w, dy, g) */
export function refConv3Backward(x: ArrayLike<number>, w: ArrayLike<number>, dy: ArrayLike<number>, g: RefConv3Geom) {
  const [Do, Ho, Wo] = refConv3Out(g), L = Do * Ho * Wo;
  const dx = new Float64Array(x.length), dw = new Float64Array(w.length), db = new Float64Array(g.F);
  for (let i = 0; i < dy.length; i++) db[Math.floor(i / L) % g.F] += dy[i];
  each(g, (xi, wi, yi) => { dw[wi] += dy[yi] * x[xi]; dx[xi] += dy[yi] * w[wi]; });
  return { dx: Float32Array.from(dx), dw: Float32Array.from(dw), db: Float32Array.from(db) };
}

/** 3-D pooling geometry over P = N*C volumes; k, s, p are [depth, height, width]. */
export interface RefPool3Geom { P: number; D: number; H: number; W: number; k: number[]; s: number[]; p: number[]; type: 'max' | 'avg' | 'sum'; full: boolean; countIncludePad: boolean }

/** Output extents [Do, Ho, Wo] (valid: floor, full: ceil). @example refPool3Out(g) */
export const refPool3Out = (g: RefPool3Geom) => [g.D, g.H, g.W].map((x, i) => 1 + (g.full ? Math.ceil : Math.floor)((x + 2 * g.p[i] - g.k[i]) / g.s[i]));

/** Visits every output: its index, the clipped window's input indexes (d, h, w order) and MXNet's pool_size. */
function windows(g: RefPool3Geom, f: (o: number, idx: number[], size: number) => void): void {
  const [Do, Ho, Wo] = refPool3Out(g), ext = [g.D, g.H, g.W];
  for (let p = 0; p < g.P; p++) for (let od = 0; od < Do; od++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
    const o = [od, oh, ow], s0 = o.map((v, i) => v * g.s[i] - g.p[i]);
    const padded = s0.map((s, i) => Math.min(s + g.k[i], ext[i] + g.p[i]) - s);
    const lo = s0.map((s) => Math.max(s, 0)), hi = s0.map((s, i) => Math.min(s + g.k[i], ext[i]));
    const idx: number[] = [];
    for (let d = lo[0]; d < hi[0]; d++) for (let h = lo[1]; h < hi[1]; h++) for (let w = lo[2]; w < hi[2]; w++) idx.push(((p * g.D + d) * g.H + h) * g.W + w);
    const size = g.countIncludePad ? padded[0] * padded[1] * padded[2] : idx.length;
    f(((p * Do + od) * Ho + oh) * Wo + ow, idx, size);
  }
}

/**
 * MXNet 3-D pooling (nn/pool.h pool_*_3d): max (lowest f32 for an empty window), avg with MXNet's pool_size, sum.
 * @example refPool3(x, { P: 1, D: 4, H: 4, W: 4, k: [2, 2, 2], s: [2, 2, 2], p: [0, 0, 0], type: 'max', full: false, countIncludePad: true })
 */
export function refPool3(x: ArrayLike<number>, g: RefPool3Geom): Float32Array {
  const [Do, Ho, Wo] = refPool3Out(g), y = new Float32Array(g.P * Do * Ho * Wo);
  windows(g, (o, idx, size) => {
    let acc = g.type === 'max' ? -3.4028234663852886e38 : 0;
    for (const i of idx) acc = g.type === 'max' ? Math.max(acc, x[i]) : acc + x[i];
    y[o] = g.type === 'avg' && size > 0 ? acc / size : acc;
  });
  return y;
}

/** 3-D pooling input gradient: max to the first window position equal to y; avg dy / pool_size; sum dy. @example refPool3Backward(x, y, dy, g) */
export function refPool3Backward(x: ArrayLike<number>, y: ArrayLike<number>, dy: ArrayLike<number>, g: RefPool3Geom): Float32Array {
  const dx = new Float64Array(g.P * g.D * g.H * g.W);
  windows(g, (o, idx, size) => {
    if (g.type === 'max') { const i = idx.find((j) => x[j] === y[o]); if (i !== undefined) dx[i] += dy[o]; return; }
    for (const i of idx) dx[i] += g.type === 'avg' && size > 0 ? dy[o] / size : dy[o];
  });
  return Float32Array.from(dx);
}

/** vol2col of one volume (C, D, H, W) into (C*kd*kh*kw, Do*Ho*Wo), zero padding: f32_vol2col__simd128's oracle. */
export function refVol2col(x: ArrayLike<number>, g: RefConv3Geom): Float32Array {
  const [Do, Ho, Wo] = refConv3Out(g), L = Do * Ho * Wo, [kd, kh, kw] = g.k, col = new Float32Array(g.C * kd * kh * kw * L);
  for (let c = 0; c < g.C; c++) for (let a = 0; a < kd; a++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    const r = ((c * kd + a) * kh + i) * kw + j;
    for (let od = 0; od < Do; od++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
      const id = od * g.s[0] - g.p[0] + a * g.d[0], ih = oh * g.s[1] - g.p[1] + i * g.d[1], iw = ow * g.s[2] - g.p[2] + j * g.d[2];
      if (id < 0 || id >= g.D || ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
      col[r * L + (od * Ho + oh) * Wo + ow] = x[((c * g.D + id) * g.H + ih) * g.W + iw];
    }
  }
  return col;
}

/** col2vol (the adjoint of refVol2col): sums a column matrix back into one volume. */
export function refCol2vol(col: ArrayLike<number>, g: RefConv3Geom): Float32Array {
  const [Do, Ho, Wo] = refConv3Out(g), L = Do * Ho * Wo, [kd, kh, kw] = g.k, x = new Float64Array(g.C * g.D * g.H * g.W);
  for (let c = 0; c < g.C; c++) for (let a = 0; a < kd; a++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    const r = ((c * kd + a) * kh + i) * kw + j;
    for (let od = 0; od < Do; od++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
      const id = od * g.s[0] - g.p[0] + a * g.d[0], ih = oh * g.s[1] - g.p[1] + i * g.d[1], iw = ow * g.s[2] - g.p[2] + j * g.d[2];
      if (id < 0 || id >= g.D || ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
      x[((c * g.D + id) * g.H + ih) * g.W + iw] += col[r * L + (od * Ho + oh) * Wo + ow];
    }
  }
  return Float32Array.from(x);
}
