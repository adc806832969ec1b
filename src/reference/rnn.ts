/**
 * Scalar TypeScript references of the rnn / seq kernel families (assembly/kernels/f32-rnn.ts, x32-seq.ts) and
 * of the whole RNN operator: the test oracles. Plain loops, float64 math, no wasm memory. The operator
 * reference reads MXNet's packed parameter layout on its own (weights of every layer and direction, then biases).
 */
type Arr = ArrayLike<number>;
const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** Valid length of item b (lengths absent: T), clamped to [0, T]. */
const lenAt = (len: Arr | null, b: number, T: number) => (len ? Math.min(Math.max(Math.trunc(Number.isNaN(len[b]) ? 0 : len[b]), 0), T) : T);

/** SequenceMask over (t, b) blocks at t*st + b*sb. @example seqMask(x, null, 3, 2, 1, 2, 1, 0) */
export function seqMask(x: Arr, len: Arr | null, T: number, B: number, inner: number, st: number, sb: number, value: number): Float32Array {
  const y = Float32Array.from(x);
  for (let b = 0; b < B; b++) for (let t = lenAt(len, b, T); t < T; t++) y.fill(value, t * st + b * sb, t * st + b * sb + inner);
  return y;
}

/** SequenceLast: (B, inner). @example seqLast(x, [2, 1], 3, 2, 1, 2, 1) */
export function seqLast(x: Arr, len: Arr | null, T: number, B: number, inner: number, st: number, sb: number): Float32Array {
  const y = new Float32Array(B * inner);
  for (let b = 0; b < B; b++) { const t = Math.max(lenAt(len, b, T), 1) - 1; for (let i = 0; i < inner; i++) y[b * inner + i] = x[t * st + b * sb + i]; }
  return y;
}

/** SequenceReverse on (T, B, inner). @example seqReverse(x, [2, 3], 3, 2, 1) */
export function seqReverse(x: Arr, len: Arr | null, T: number, B: number, inner: number): Float32Array {
  const y = new Float32Array(T * B * inner);
  for (let b = 0; b < B; b++) {
    const L = lenAt(len, b, T);
    for (let t = 0; t < T; t++) { const s = t < L ? L - 1 - t : t; for (let i = 0; i < inner; i++) y[(t * B + b) * inner + i] = x[(s * B + b) * inner + i]; }
  }
  return y;
}

/** gather_nd of x with shape `shape` at idx (M, N): (N, inner); indices truncated, negatives wrapped, clamped. */
export function gatherNd(x: Arr, shape: number[], idx: Arr, M: number, N: number): Float32Array {
  const inner = shape.slice(M).reduce((p, q) => p * q, 1), y = new Float32Array(N * inner);
  for (let j = 0; j < N; j++) {
    let off = 0;
    for (let m = 0; m < M; m++) {
      let k = Math.trunc(idx[m * N + j]); if (k < 0) k += shape[m];
      off = off * shape[m] + Math.min(Math.max(k, 0), shape[m] - 1);
    }
    for (let i = 0; i < inner; i++) y[j * inner + i] = x[off * inner + i];
  }
  return y;
}

/** _backward_gather_nd: zeros of `shape` with v (N, inner) added at idx (M, N) in order (same index rule as gatherNd). */
export function scatterAddNd(shape: number[], v: Arr, idx: Arr, M: number, N: number): Float32Array {
  return scatterSetNd(new Float32Array(shape.reduce((p, q) => p * q, 1)), shape, v, idx, M, N, 'add');
}

/**
 * _scatter_set_nd (and _scatter_reduce_nd with `r`): a copy of x (shape `shape`) with blocks at idx (M, N) set to v
 * (N, inner) in order, or combined: add, mul, max (a < b ? b : a), min (b < a ? b : a) (same index rule as gatherNd).
 */
export function scatterSetNd(x: Arr, shape: number[], v: Arr, idx: Arr, M: number, N: number, r: 'set' | 'add' | 'mul' | 'max' | 'min' = 'set'): Float32Array {
  const inner = shape.slice(M).reduce((p, q) => p * q, 1), y = Float32Array.from(x);
  for (let j = 0; j < N; j++) {
    let off = 0;
    for (let m = 0; m < M; m++) {
      let k = Math.trunc(idx[m * N + j]); if (k < 0) k += shape[m];
      off = off * shape[m] + Math.min(Math.max(k, 0), shape[m] - 1);
    }
    for (let i = 0; i < inner; i++) {
      const a = y[off * inner + i], b = v[j * inner + i];
      y[off * inner + i] = r === 'set' ? b : r === 'add' ? a + b : r === 'mul' ? a * b : r === 'max' ? (a < b ? b : a) : b < a ? b : a;
    }
  }
  return y;
}

export interface RnnRefOpts { mode: 'rnn_relu' | 'rnn_tanh' | 'lstm' | 'gru'; H: number; L: number; D: number; P?: number; clip?: [number, number] }

/**
 * The RNN operator forward: data (T, N, I), packed params, hx (L*D, N, Ho), cx (L*D, N, H) ->
 * { out (T, N, D*Ho), hy, cy }. Gate orders: LSTM i f g o, GRU r z n.
 * @example rnnRef(x, w, h0, c0, 5, 2, 3, { mode: 'lstm', H: 4, L: 1, D: 1 })
 */
export function rnnRef(x: Arr, w: Arr, hx: Arr, cx: Arr | null, T: number, N: number, I: number, o: RnnRefOpts) {
  const { mode, H, L, D } = o, P = o.P ?? 0, Ho = P || H, G = mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1, GH = G * H;
  let wOff = 0;
  const wl: { wx: number; wh: number; wr: number; inS: number }[] = [];
  for (let l = 0; l < L; l++) for (let d = 0; d < D; d++) {
    const inS = l ? D * Ho : I;
    wl.push({ wx: wOff, wh: wOff + GH * inS, wr: wOff + GH * (inS + Ho), inS });
    wOff += GH * (inS + Ho) + (P ? P * H : 0);
  }
  const hy = new Float64Array(L * D * N * Ho), cy = new Float64Array(L * D * N * H);
  let input: Float64Array = Float64Array.from(x);
  for (let l = 0; l < L; l++) {
    const outL = new Float64Array(T * N * D * Ho);
    for (let d = 0; d < D; d++) {
      const k = l * D + d, { wx, wh, wr, inS } = wl[k], bx = wOff + k * 2 * GH, bh = bx + GH;
      const h = Float64Array.from({ length: N * Ho }, (_, i) => hx[k * N * Ho + i]);
      const c = Float64Array.from({ length: N * H }, (_, i) => (cx ? cx[k * N * H + i] : 0));
      for (let s = 0; s < T; s++) {
        const t = d === 0 ? s : T - 1 - s;
        const hNew = new Float64Array(N * Ho);
        for (let n = 0; n < N; n++) {
          const gx = new Float64Array(GH), gh = new Float64Array(GH);
          for (let j = 0; j < GH; j++) {
            let a = w[bx + j], b = w[bh + j];
            for (let i = 0; i < inS; i++) a += w[wx + j * inS + i] * input[(t * N + n) * inS + i];
            for (let i = 0; i < Ho; i++) b += w[wh + j * Ho + i] * h[n * Ho + i];
            gx[j] = a; gh[j] = b;
          }
          const rr = new Float64Array(H);
          for (let j = 0; j < H; j++) {
            if (mode === 'lstm') {
              const ig = sig(gx[j] + gh[j]), fg = sig(gx[H + j] + gh[H + j]), gg = Math.tanh(gx[2 * H + j] + gh[2 * H + j]), og = sig(gx[3 * H + j] + gh[3 * H + j]);
              let cv = fg * c[n * H + j] + ig * gg;
              if (o.clip) cv = Math.min(Math.max(cv, o.clip[0]), o.clip[1]);
              c[n * H + j] = cv; rr[j] = og * Math.tanh(cv);
            } else if (mode === 'gru') {
              const r = sig(gx[j] + gh[j]), z = sig(gx[H + j] + gh[H + j]), nn = Math.tanh(gx[2 * H + j] + r * gh[2 * H + j]);
              rr[j] = (1 - z) * nn + z * h[n * Ho + j];
            } else { const v = gx[j] + gh[j]; rr[j] = mode === 'rnn_tanh' ? Math.tanh(v) : Math.max(v, 0); }
          }
          for (let j = 0; j < Ho; j++) {
            let v = rr[j];
            if (P) { v = 0; for (let i = 0; i < H; i++) v += w[wr + j * H + i] * rr[i]; }
            hNew[n * Ho + j] = v; outL[(t * N + n) * D * Ho + d * Ho + j] = v;
          }
        }
        h.set(hNew);
      }
      hy.set(h, k * N * Ho); cy.set(c, k * N * H);
    }
    input = outL;
  }
  return { out: Float32Array.from(input), hy: Float32Array.from(hy), cy: Float32Array.from(cy), paramSize: wOff + L * D * 2 * GH };
}

/**
 * One LSTM step as each step of f32_lstm_seq computes it (the kernel's oracle): g (N, 4H) holds x W_x^T + b_x; adds
 * hp W^T + bh (W (4H, H), hp row stride ldhp), then i f g o, c = f cp + i g (clipped when clip), h = o tanh(c).
 * Returns the activations (N, 4H), c (N, H) and h (N, H).
 * @example lstmStepRef(g, W, bh, hp, 128, cp, 1, 128)
 */
export function lstmStepRef(g: Arr, W: Arr, bh: Arr, hp: Arr, ldhp: number, cp: Arr, N: number, H: number, clip?: [number, number]) {
  const act = new Float64Array(N * 4 * H), c = new Float64Array(N * H), h = new Float64Array(N * H);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < 4 * H; j++) {
      let v = g[n * 4 * H + j] + bh[j];
      for (let k = 0; k < H; k++) v += W[j * H + k] * hp[n * ldhp + k];
      act[n * 4 * H + j] = Math.floor(j / H) === 2 ? Math.tanh(v) : sig(v);
    }
    for (let j = 0; j < H; j++) {
      const a = (q: number) => act[n * 4 * H + q * H + j];
      let cv = a(1) * cp[n * H + j] + a(0) * a(2);
      if (clip) cv = Math.min(Math.max(cv, clip[0]), clip[1]);
      c[n * H + j] = cv; h[n * H + j] = a(3) * Math.tanh(cv);
    }
  }
  return { act, c, h };
}

/**
 * One GRU step as each step of f32_gru_seq computes it: hg = hp W^T + bh (W (3H, H)); r, z = sig(g + hg), n = tanh(g_n + r hg_n),
 * h = (1 - z) n + z hp. Returns the activations [r, z, n] (N, 3H), hg_n (N, H) and h (N, H).
 * @example gruStepRef(g, W, bh, hp, 5, 1, 5)
 */
export function gruStepRef(g: Arr, W: Arr, bh: Arr, hp: Arr, ldhp: number, N: number, H: number) {
  const act = new Float64Array(N * 3 * H), hn = new Float64Array(N * H), h = new Float64Array(N * H);
  for (let n = 0; n < N; n++) {
    const hg = Array.from({ length: 3 * H }, (_, j) => { let v = bh[j]; for (let k = 0; k < H; k++) v += W[j * H + k] * hp[n * ldhp + k]; return v; });
    for (let j = 0; j < H; j++) {
      const r = sig(g[n * 3 * H + j] + hg[j]), z = sig(g[n * 3 * H + H + j] + hg[H + j]), nn = Math.tanh(g[n * 3 * H + 2 * H + j] + r * hg[2 * H + j]);
      act[n * 3 * H + j] = r; act[n * 3 * H + H + j] = z; act[n * 3 * H + 2 * H + j] = nn;
      hn[n * H + j] = hg[2 * H + j]; h[n * H + j] = (1 - z) * nn + z * hp[n * ldhp + j];
    }
  }
  return { act, hn, h };
}
