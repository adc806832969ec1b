// Lowering of the RNN op to a flat kernel sequence: per layer and direction, one GEMM projects the inputs of
// all time steps (x W_x^T + b_x), then each step runs one recurrent GEMM of all gates (accumulated onto that
// step's pre-activations for LSTM / RNN) and one fused cell kernel (assembly/kernels/f32-rnn.ts); at batch 1 an
// LSTM / GRU runs all its steps in one whole-sequence kernel call instead (f32-rnn-seq.ts).
// Backward (BPTT) walks the steps in reverse with the cell backward kernels and one recurrent GEMM per step,
// then forms dW_x, dW_h, biases and the input gradient with whole-sequence GEMMs.
import type { KernelTable } from '../../runtime/manifest.js';
import { BIAS } from '../../runtime/manifest/linalg.js';
import { RNN_ACT } from '../../runtime/manifest/rnn.js';
import { RAND_MODE } from '../../runtime/manifest/nn.js';
import { gemmKernel, gemmStep, type GemmFn } from '../linalg/gemm.js';
import { seedOf } from '../nn/common.js';
import type { BackwardArgs, LowerCtx, Step, TensorRef } from '../registry.js';
import { kernelStep, kernelWith, seq } from '../helpers.js';
import type { Attrs } from '../attrs.js';
import { rnnBwdWorkspace, type RnnCellPlan, type RnnGeom } from './rnn-layout.js';

type Call = () => void;
const clipArgs = (a: Attrs): [number, number, number] => {
  const on = a.lstm_state_clip_min !== null || a.lstm_state_clip_max !== null;
  return [a.lstm_state_clip_min ?? -Infinity, a.lstm_state_clip_max ?? Infinity, on ? 1 : 0];
};
/** Time index of the s-th processed step of direction d. */
const tOf = (g: RnnGeom, d: number, s: number) => (d === 0 ? s : g.T - 1 - s);

/** Byte offset of the input (T*N, in) of layer l. */
const layerX = (g: RnnGeom, data: number, res: number, l: number) => (l === 0 ? data : res + g.layerIn[l - 1] * 4);
/** Byte offset of the output (T*N, D*Ho) of layer l. */
const layerY = (g: RnnGeom, out: number, res: number, l: number) => (l === g.L - 1 ? out : res + g.layerOut[l] * 4);

/** Forward of all layers and directions; writes out, hy, cy (when given) and the reserve. */
export function rnnForward(ctx: LowerCtx, a: Attrs, g: RnnGeom, ins: TensorRef[], outs: TensorRef[]): Step {
  const K = ctx.K, gemm = gemmKernel(K), sc = ctx.scratch, { T, N, H, D, G, P, Ho } = g, GH = G * H, TN = T * N, DH = D * Ho;
  const [data, par, hx0] = ins, cx0 = g.mode === 'lstm' ? ins[3] : undefined;
  const out = outs[0], hy = outs[1], cy = g.mode === 'lstm' ? outs[2] : undefined, res = outs[outs.length - 1].off;
  const W = (f: number) => par.off + f * 4, R = (f: number) => res + f * 4, hg = ctx.workspace;
  const [lo, hi, clip] = clipArgs(a), act = g.mode === 'rnn_tanh' ? RNN_ACT.tanh : RNN_ACT.relu, calls: Call[] = [];
  // Batch 1 LSTM / GRU: each layer direction's recurrence in one call of a whole-sequence kernel
  // (assembly/kernels/f32-rnn-seq.ts: 5.1 us a step at H = 128 against 6.4 for the GEMM + cell kernel pair), whole
  // steps on the calling thread (nch 1; its thread split is off: src/runtime/manifest/rnn.ts).
  const seqK = N === 1 && !P && (g.mode === 'lstm' || g.mode === 'gru');
  for (const c of g.cells) {
    const { l, d, inSize } = c, X = layerX(g, data.off, res, l), Y = layerY(g, out.off, res, l) + d * Ho * 4;
    const hx = hx0.off + (l * D + d) * N * Ho * 4, cx = cx0 ? cx0.off + (l * D + d) * N * H * 4 : 0;
    calls.push(gemmStep(gemm, { transB: 1, M: TN, N: GH, K: inSize, A: X, lda: inSize, B: W(c.wx), ldb: inSize, C: R(c.gates), ldc: GH, bias: W(c.bx), biasMode: BIAS.perColumn, scratch: sc }));
    if (seqK) {
      // the step counters (2 x T i32 after GRU's product scratch) start at zero: a used-up step would wait for ever
      const sync = ctx.workspace + (g.mode === 'gru' ? GH * 4 : 0), rev = d ? 1 : 0, base = { g: R(c.gates), W: W(c.wh), bh: W(c.bh), hx, Y, ldy: DH, T, H, rev, nch: 1, sync };
      calls.push(kernelStep(K, 'x8_zero', { dst: sync, n: 8 * T }), g.mode === 'gru'
        ? kernelStep(K, 'f32_gru_seq__simd128', { ...base, hn: R(c.hn), hg: ctx.workspace })
        : kernelStep(K, 'f32_lstm_seq__simd128', { ...base, c: R(c.cell), cx, lo, hi, clip }));
    }
    for (let s = 0; s < (seqK ? 0 : T); s++) {
      const t = tOf(g, d, s), tp = tOf(g, d, s - 1), gt = R(c.gates) + t * N * GH * 4, yt = Y + t * N * DH * 4;
      const hp = s ? Y + tp * N * DH * 4 : hx, ldhp = s ? DH : Ho;
      if (g.mode === 'gru') {
        const rec = gemmStep(gemm, { transB: 1, M: N, N: GH, K: H, A: hp, lda: ldhp, B: W(c.wh), ldb: H, C: hg, ldc: GH, bias: W(c.bh), biasMode: BIAS.perColumn, scratch: sc });
        calls.push(rec, kernelStep(K, 'f32_gru_cell__simd128', { g: gt, hg, hp, ldhp, h: yt, ldh: DH, hn: R(c.hn) + t * N * H * 4, N, H }));
        continue;
      }
      const rec = gemmStep(gemm, { transB: 1, M: N, N: GH, K: Ho, A: hp, lda: ldhp, B: W(c.wh), ldb: Ho, beta: 1, C: gt, ldc: GH, bias: W(c.bh), biasMode: BIAS.perColumn, scratch: sc });
      if (g.mode !== 'lstm') { calls.push(rec, kernelStep(K, 'f32_rnn_cell__simd128', { g: gt, h: yt, ldh: DH, N, H, act })); continue; }
      const cp = s ? R(c.cell) + tp * N * H * 4 : cx, ct = R(c.cell) + t * N * H * 4;
      if (!P) { calls.push(rec, kernelStep(K, 'f32_lstm_cell__simd128', { g: gt, cp, c: ct, h: yt, ldh: DH, N, H, lo, hi, clip })); continue; }
      const rt = R(c.r) + t * N * H * 4;
      const proj = gemmStep(gemm, { transB: 1, M: N, N: P, K: H, A: rt, lda: H, B: W(c.wr), ldb: H, C: yt, ldc: DH, scratch: sc });
      calls.push(rec, kernelStep(K, 'f32_lstm_cell__simd128', { g: gt, cp, c: ct, h: rt, ldh: H, N, H, lo, hi, clip }), proj);
    }
    const last = Y + tOf(g, d, T - 1) * N * DH * 4;
    if (hy) calls.push(kernelStep(K, 'f32_addrows__simd128', { a: last, lda: DH, b: 0, ldb: 0, y: hy.off + (l * D + d) * N * Ho * 4, ldy: Ho, N, H: Ho }));
    if (cy) calls.push(kernelStep(K, 'x8_copy', { src: R(c.cell) + tOf(g, d, T - 1) * N * H * 4, dst: cy.off + (l * D + d) * N * H * 4, n: N * H * 4 }));
    if (d === D - 1 && l < g.L - 1 && a.p > 0) {
      const n = TN * DH, m = R(g.mask[l]), yl = R(g.layerOut[l]), xl = R(g.layerIn[l]), p: number = a.p;
      // The seed is drawn per call (a fresh mask each forward).
      const fill = kernelWith(K, 'f32_rand_fill__simd128', { m, n, mode: RAND_MODE.bernoulli, a: p, b: 1 / (1 - p) }, 'seed');
      if (ctx.isTrain) calls.push(() => { fill(seedOf(ctx.random)); }, kernelStep(K, 'f32_mask_mul__simd128', { x: yl, m, y: xl, n }));
      else calls.push(kernelStep(K, 'x8_copy', { src: yl, dst: xl, n: n * 4 }));
    }
  }
  return seq(calls);
}

/** Backward through time of all layers (top first); writes every requested input gradient. */
export function rnnBackward(ctx: LowerCtx, a: Attrs, g: RnnGeom, b: BackwardArgs): Step {
  const K: KernelTable = ctx.K, gemm = gemmKernel(K), sc = ctx.scratch, { T, N, H, D, G, P, Ho, L } = g, GH = G * H, TN = T * N, DH = D * Ho;
  const [data, par, hx0] = b.ins, lstm = g.mode === 'lstm', cx0 = lstm ? b.ins[3] : undefined;
  const out = b.outs[0], res = b.outs[b.outs.length - 1].off;
  const dOut = b.outGrads[0], dHy = b.outGrads[1], dCy = lstm ? b.outGrads[2] : undefined;
  const want = (k: number) => (b.req[k] && b.req[k] !== 'null' ? b.inGrads[k] : undefined);
  const dData = want(0), dPar = want(1), dHx = want(2), dCx = lstm ? want(3) : undefined;
  const ws = rnnBwdWorkspace(g), B = (f: number) => ctx.workspace + f * 4, W = (f: number) => par.off + f * 4, R = (f: number) => res + f * 4;
  const dW = (f: number) => (dPar ? dPar.off + f * 4 : 0);
  const [lo, hi, clip] = clipArgs(a), act = g.mode === 'rnn_tanh' ? RNN_ACT.tanh : RNN_ACT.relu, calls: Call[] = [];
  const dgx = B(ws.dgx), dgh = B(ws.dgh), dhr = B(ws.dhr), dc = B(ws.dc);
  for (let l = L - 1; l >= 0; l--) {
    const dYl = l === L - 1 ? dOut.off : B(ws.dy[l % 2]), dXl = l === 0 ? dData?.off ?? 0 : B(ws.dy[(l - 1) % 2]);
    if (l < L - 1 && a.p > 0) { const m = R(g.mask[l]), n = TN * DH; calls.push(kernelStep(K, 'f32_mask_mul__simd128', { x: dYl, m, y: dYl, n })); }
    for (let d = D - 1; d >= 0; d--) {
      const c = g.cells[l * D + d], X = layerX(g, data.off, res, l), Y = layerY(g, out.off, res, l) + d * Ho * 4;
      const sIdx = l * D + d, hx = hx0.off + sIdx * N * Ho * 4, cx = cx0 ? cx0.off + sIdx * N * H * 4 : 0;
      calls.push(dHy ? kernelStep(K, 'x8_copy', { src: dHy.off + sIdx * N * Ho * 4, dst: dhr, n: N * Ho * 4 }) : kernelStep(K, 'x8_zero', { dst: dhr, n: N * Ho * 4 }));
      if (lstm) calls.push(dCy ? kernelStep(K, 'x8_copy', { src: dCy.off + sIdx * N * H * 4, dst: dc, n: N * H * 4 }) : kernelStep(K, 'x8_zero', { dst: dc, n: N * H * 4 }));
      const bufs: StepBufs = { Y, dY: dYl + d * Ho * 4, hx, cx, R, W, dgx, dgh, dhr, dc, dhAll: B(ws.dhAll), dr: B(ws.dr), lo, hi, clip, act };
      for (let s = T - 1; s >= 0; s--) calls.push(stepBackward(K, gemm, sc, g, c, s, bufs));
      if (dHx) calls.push(kernelStep(K, 'x8_copy', { src: dhr, dst: dHx.off + sIdx * N * Ho * 4, n: N * Ho * 4 }));
      if (dCx) calls.push(kernelStep(K, 'x8_copy', { src: dc, dst: dCx.off + sIdx * N * H * 4, n: N * H * 4 }));
      if (dPar) {
        const [first, rest] = d === 0 ? [0, N] : [(T - 1) * N, 0];
        calls.push(gemmStep(gemm, { transA: 1, M: GH, N: c.inSize, K: TN, A: dgx, lda: GH, B: X, ldb: c.inSize, C: dW(c.wx), ldc: c.inSize, scratch: sc }));
        // dW_h = sum_t dG_h(t)^T h(t-1): steps after the first against the output shifted by one, the first against hx.
        if (T > 1) {
          calls.push(gemmStep(gemm, {
            transA: 1, M: GH, N: Ho, K: (T - 1) * N, A: dgh + rest * GH * 4, lda: GH, B: Y + (N - rest) * DH * 4, ldb: DH, C: dW(c.wh), ldc: Ho, scratch: sc,
          }));
        }
        calls.push(gemmStep(gemm, { transA: 1, M: GH, N: Ho, K: N, A: dgh + first * GH * 4, lda: GH, B: hx, ldb: Ho, beta: T > 1 ? 1 : 0, C: dW(c.wh), ldc: Ho, scratch: sc }));
        calls.push(kernelStep(K, 'f32_colsum__simd128', { X: dgx, M: TN, N: GH, ldx: GH, y: dW(c.bx) }),
          kernelStep(K, 'f32_colsum__simd128', { X: dgh, M: TN, N: GH, ldx: GH, y: dW(c.bh) }));
        if (P) calls.push(gemmStep(gemm, { transA: 1, M: P, N: H, K: TN, A: B(ws.dhAll), lda: P, B: R(c.r), ldb: H, C: dW(c.wr), ldc: H, scratch: sc }));
      }
      if (dXl) calls.push(gemmStep(gemm, { M: TN, N: c.inSize, K: GH, A: dgx, lda: GH, B: W(c.wx), ldb: c.inSize, beta: d === D - 1 ? 0 : 1, C: dXl, ldc: c.inSize, scratch: sc }));
    }
  }
  return seq(calls);
}

interface StepBufs {
  Y: number; dY: number; hx: number; cx: number; R: (f: number) => number; W: (f: number) => number;
  dgx: number; dgh: number; dhr: number; dc: number; dhAll: number; dr: number; lo: number; hi: number; clip: number; act: number;
}

/** One step of BPTT (the s-th processed step of cell c): cell backward, then dh of the previous step via W_h. */
function stepBackward(K: KernelTable, gemm: GemmFn, sc: number, g: RnnGeom, c: RnnCellPlan, s: number, o: StepBufs): Call {
  const { N, H, D, G, P, Ho } = g, GH = G * H, DH = D * Ho, t = tOf(g, c.d, s), tp = tOf(g, c.d, s - 1);
  const gt = o.R(c.gates) + t * N * GH * 4, dyt = o.dY + t * N * DH * 4, dgt = o.dgx + t * N * GH * 4, dght = o.dgh + t * N * GH * 4;
  const recBack = [0, 1].map((beta) => gemmStep(gemm, { M: N, N: Ho, K: GH, A: dght, lda: GH, B: o.W(c.wh), ldb: Ho, beta, C: o.dhr, ldc: Ho, scratch: sc }));
  if (g.mode === 'gru') {
    const hp = s ? o.Y + tp * N * DH * 4 : o.hx, ldhp = s ? DH : Ho, hn = o.R(c.hn) + t * N * H * 4;
    return seq([kernelStep(K, 'f32_gru_cell_bwd__simd128', { g: gt, hn, hp, ldhp, dy: dyt, ldy: DH, dhr: o.dhr, dgx: dgt, dgh: dght, dhp: o.dhr, N, H }), recBack[1]]);
  }
  if (g.mode !== 'lstm') return seq([kernelStep(K, 'f32_rnn_cell_bwd__simd128', { g: gt, dy: dyt, ldy: DH, dhr: o.dhr, dg: dgt, N, H, act: o.act }), recBack[0]]);
  const cp = s ? o.R(c.cell) + tp * N * H * 4 : o.cx, ct = o.R(c.cell) + t * N * H * 4, { lo, hi, clip } = o;
  if (!P) return seq([kernelStep(K, 'f32_lstm_cell_bwd__simd128', { g: gt, cp, c: ct, dy: dyt, ldy: DH, dhr: o.dhr, dc: o.dc, dg: dgt, N, H, lo, hi, clip }), recBack[0]]);
  const dht = o.dhAll + t * N * P * 4;
  return seq([
    kernelStep(K, 'f32_addrows__simd128', { a: dyt, lda: DH, b: o.dhr, ldb: P, y: dht, ldy: P, N, H: P }),
    gemmStep(gemm, { M: N, N: H, K: P, A: dht, lda: P, B: o.W(c.wr), ldb: H, C: o.dr, ldc: H, scratch: sc }),
    kernelStep(K, 'f32_lstm_cell_bwd__simd128', { g: gt, cp, c: ct, dy: o.dr, ldy: H, dhr: 0, dc: o.dc, dg: dgt, N, H, lo, hi, clip }),
    recBack[0],
  ]);
}
