// Whole LSTM / GRU layer directions at batch 1 in one call (the RNN lowering, src/ops/seq/rnn-lower.ts): per step,
// the recurrent product h[t-1] W_h^T + b_h of all gates as a matrix-vector product straight from the packed
// parameters (8 rows of W_h at a time, 8 independent accumulators, one transposing reduction per 8 rows: no
// packing, no horizontal sum per row), then the cell math (f32-rnn-row.ts) on those units while they are in cache.
// f32_gemm's matrix-vector path plus the cell kernel took 6.4 us a step (H = 128), this 5.1; a relaxed_madd build
// was no faster (the loop is bound by its loads). Each step is cut into nch chunks of units that any thread running
// the same call may claim (threads would meet once per step, inside the kernel); the pool does not split these calls
// (two threads were slower on the 2-vCPU VM: src/runtime/manifest/rnn.ts), so the lowering passes nch = 1.
// Summation order per output: 4 lanes over k, then the lanes; the same on every thread.
import { S, fma, ld, st } from './f32-math';
import { gruUnits, lstmUnits } from './f32-rnn-row';

/** [sum(a), sum(b), sum(c), sum(d)]: two interleaves and two half-swaps, no extract_lane. */
@inline function sum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const u = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const v = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(u, v, 0, 1, 4, 5), v128.shuffle<f32>(u, v, 2, 3, 6, 7));
}

/** y[i] = (acc ? y[i] : 0) + b[i] + sum_k W[i*K + k] x[k] for i < L (rows of W contiguous). */
function gemvRows(W: usize, L: i32, K: i32, x: usize, b: usize, y: usize, acc: bool): void {
  const row = <usize>K << 2, kt = <usize>(K & ~3) << 2, rk = <usize>(K & 3);
  let i = 0;
  for (; i + 8 <= L; i += 8) {
    const r0 = W + <usize>i * row, r1 = r0 + row, r2 = r1 + row, r3 = r2 + row, r4 = r3 + row, r5 = r4 + row, r6 = r5 + row, r7 = r6 + row;
    let s0 = S(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (let o: usize = 0; o < kt; o += 16) {
      const xv = v128.load(x + o);
      s0 = fma(v128.load(r0 + o), xv, s0); s1 = fma(v128.load(r1 + o), xv, s1);
      s2 = fma(v128.load(r2 + o), xv, s2); s3 = fma(v128.load(r3 + o), xv, s3);
      s4 = fma(v128.load(r4 + o), xv, s4); s5 = fma(v128.load(r5 + o), xv, s5);
      s6 = fma(v128.load(r6 + o), xv, s6); s7 = fma(v128.load(r7 + o), xv, s7);
    }
    if (rk) {
      const xv = ld(x + kt, rk);
      s0 = fma(ld(r0 + kt, rk), xv, s0); s1 = fma(ld(r1 + kt, rk), xv, s1); s2 = fma(ld(r2 + kt, rk), xv, s2); s3 = fma(ld(r3 + kt, rk), xv, s3);
      s4 = fma(ld(r4 + kt, rk), xv, s4); s5 = fma(ld(r5 + kt, rk), xv, s5); s6 = fma(ld(r6 + kt, rk), xv, s6); s7 = fma(ld(r7 + kt, rk), xv, s7);
    }
    const q = y + (<usize>i << 2), bq = b + (<usize>i << 2);
    let v0 = f32x4.add(sum4(s0, s1, s2, s3), v128.load(bq)), v1 = f32x4.add(sum4(s4, s5, s6, s7), v128.load(bq, 16));
    if (acc) { v0 = f32x4.add(v0, v128.load(q)); v1 = f32x4.add(v1, v128.load(q, 16)); }
    v128.store(q, v0); v128.store(q, v1, 16);
  }
  // 4 rows at a time (the last block repeats its last real row and stores only the real ones: L = 3H may be odd)
  for (; i < L; i += 4) {
    const rr = <usize>min(4, L - i), r0 = W + <usize>i * row, r1 = rr > 1 ? r0 + row : r0, r2 = rr > 2 ? r1 + row : r1, r3 = rr > 3 ? r2 + row : r2;
    let s0 = S(0), s1 = s0, s2 = s0, s3 = s0;
    for (let o: usize = 0; o < kt; o += 16) {
      const xv = v128.load(x + o);
      s0 = fma(v128.load(r0 + o), xv, s0); s1 = fma(v128.load(r1 + o), xv, s1);
      s2 = fma(v128.load(r2 + o), xv, s2); s3 = fma(v128.load(r3 + o), xv, s3);
    }
    if (rk) {
      const xv = ld(x + kt, rk);
      s0 = fma(ld(r0 + kt, rk), xv, s0); s1 = fma(ld(r1 + kt, rk), xv, s1); s2 = fma(ld(r2 + kt, rk), xv, s2); s3 = fma(ld(r3 + kt, rk), xv, s3);
    }
    const q = y + (<usize>i << 2);
    let v0 = f32x4.add(sum4(s0, s1, s2, s3), ld(b + (<usize>i << 2), rr));
    if (acc) v0 = f32x4.add(v0, ld(q, rr));
    st(q, v0, rr);
  }
}

/** Units per chunk when a step is cut in nch chunks: a multiple of 8 (whole 8-row blocks of the product), at least 8. */
@inline function chunkUnits(H: i32, nch: i32): i32 { return max(8, ((H + 8 * nch - 1) / (8 * nch)) << 3); }

@inline function lstmSeq(g: usize, W: usize, bh: usize, hx: usize, Y: usize, ldy: i32, c: usize, cx: usize, Tn: i32, H: i32, rev: i32,
  lo: f32, hi: f32, clip: i32, nch: i32, sync: usize): void {
  const hb = <usize>H << 2, yb = <usize>ldy << 2, cu = chunkUnits(H, nch), nc = (H + cu - 1) / cu;
  for (let s = 0; s < Tn; s++) {
    const t = rev ? Tn - 1 - s : s, tp = rev ? t + 1 : t - 1, q = sync + (<usize>s << 3);
    const hp = s ? Y + <usize>tp * yb : hx, cp = s ? c + <usize>tp * hb : cx, gt = g + <usize>t * 4 * hb, ct = c + <usize>t * hb, ht = Y + <usize>t * yb;
    for (let k = atomic.add<i32>(q, 1); k < nc; k = atomic.add<i32>(q, 1)) {
      const j0 = k * cu, n = min(cu, H - j0), jo = <usize>j0 << 2;
      for (let b = 0; b < 4; b++) gemvRows(W + <usize>(b * H + j0) * hb, n, H, hp, bh + <usize>b * hb + jo, gt + <usize>b * hb + jo, true);
      lstmUnits(gt + jo, cp + jo, ct + jo, ht + jo, n, hb, lo, hi, clip);
      atomic.add<i32>(q + 4, 1);
    }
    while (atomic.load<i32>(q + 4) < nc) {}
  }
}

/**
 * A whole LSTM layer direction at batch 1: for each of T steps (time order, or reversed when rev) g[t] (4H: x W_x^T +
 * b_x) gets h[t-1] W^T + bh and becomes the activations, the cell c[t] (T, H; c[-1] = cx) and h[t] = row t of Y (row
 * stride ldy; h[-1] = hx) are written. Any number of threads may run the same call at once: each step is cut in
 * nch chunks of units (1 on one thread: the whole step), which go to whichever thread claims them (counters at
 * sync, 2 x T zeroed i32s), and every thread waits for the step's last chunk before the next step. Per unit the
 * same arithmetic on any thread and any nch: the same bits.
 */
export function f32_lstm_seq__simd128(g: usize, W: usize, bh: usize, hx: usize, Y: usize, ldy: i32, c: usize, cx: usize, T: i32, H: i32, rev: i32,
  lo: f32, hi: f32, clip: i32, nch: i32, sync: usize): void {
  lstmSeq(g, W, bh, hx, Y, ldy, c, cx, T, H, rev, lo, hi, clip, nch, sync);
}

@inline function gruSeq(g: usize, W: usize, bh: usize, hx: usize, Y: usize, ldy: i32, hn: usize, hg: usize, Tn: i32, H: i32, rev: i32, nch: i32, sync: usize): void {
  const hb = <usize>H << 2, yb = <usize>ldy << 2, cu = chunkUnits(H, nch), nc = (H + cu - 1) / cu;
  for (let s = 0; s < Tn; s++) {
    const t = rev ? Tn - 1 - s : s, tp = rev ? t + 1 : t - 1, q = sync + (<usize>s << 3);
    const hp = s ? Y + <usize>tp * yb : hx, gt = g + <usize>t * 3 * hb, ht = Y + <usize>t * yb, nt = hn + <usize>t * hb;
    for (let k = atomic.add<i32>(q, 1); k < nc; k = atomic.add<i32>(q, 1)) {
      const j0 = k * cu, n = min(cu, H - j0), jo = <usize>j0 << 2;
      for (let b = 0; b < 3; b++) gemvRows(W + <usize>(b * H + j0) * hb, n, H, hp, bh + <usize>b * hb + jo, hg + <usize>b * hb + jo, false);
      gruUnits(gt + jo, hg + jo, hp + jo, ht + jo, nt + jo, n, hb);
      atomic.add<i32>(q + 4, 1);
    }
    while (atomic.load<i32>(q + 4) < nc) {}
  }
}

/**
 * A whole GRU layer direction at batch 1 (as f32_lstm_seq): g[t] (3H) → [r, z, n], h[t] = row t of Y, hn[t] (T, H) ←
 * hg_n; hg (3H floats) is the product's scratch (each chunk writes its own units of it).
 */
export function f32_gru_seq__simd128(g: usize, W: usize, bh: usize, hx: usize, Y: usize, ldy: i32, hn: usize, hg: usize, T: i32, H: i32, rev: i32, nch: i32, sync: usize): void {
  gruSeq(g, W, bh, hx, Y, ldy, hn, hg, T, H, rev, nch, sync);
}
