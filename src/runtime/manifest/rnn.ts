import { defs, kernelsOf, nameInfo, paramsOf, type KernelInfo } from './common.js';

/** x32_gathernd__simd128's `dir`: y = x[idx]; x[idx] += y (gather_nd's gradient); x[idx] = y (_scatter_set_nd); x[idx] = 0;
 * x[idx] = x[idx] * y, max(x[idx], y), min(x[idx], y) in order (_scatter_reduce_nd). */
export const GATHERND_DIR = { gather: 0, scatterAdd: 1, set: 2, zero: 3, mul: 4, max: 5, min: 6 } as const;
/** x32_seqlast__simd128's `dir`: y = the last step of x; its gradient (the step written back into a zeroed x). */
export const SEQLAST_DIR = { last: 0, grad: 1 } as const;
/** The `act` of f32_rnn_cell__simd128 and its backward. */
export const RNN_ACT = { relu: 0, tanh: 1 } as const;

// Warm-up args: p, q are 1 MiB zeroed areas; N = 2 rows of H = 5 (a SIMD body plus a tail).
const RNN = defs({
  f32_lstm_cell__simd128: [['g', 'cp', 'c', 'h', 'ldh', 'N', 'H', 'lo', 'hi', 'clip'],
    (p, q) => ({ g: p, cp: p + 4096, c: q, h: q + 4096, ldh: 5, N: 2, H: 5, lo: 0, hi: 0, clip: 0 })],
  f32_lstm_cell_bwd__simd128: [['g', 'cp', 'c', 'dy', 'ldy', 'dhr', 'dc', 'dg', 'N', 'H', 'lo', 'hi', 'clip'],
    (p, q) => ({ g: p, cp: p + 4096, c: p + 8192, dy: p + 12288, ldy: 5, dhr: 0, dc: q, dg: q + 4096, N: 2, H: 5, lo: 0, hi: 0, clip: 0 })],
  // 3 steps of H = 5; the step counters must start at zero: each warm-up call gets its own in p's last KiB (p is
  // zeroed and only read by the warm-up calls), else a step whose claims are used up waits for ever
  f32_lstm_seq__simd128: [['g', 'W', 'bh', 'hx', 'Y', 'ldy', 'c', 'cx', 'T', 'H', 'rev', 'lo', 'hi', 'clip', 'nch', 'sync'],
    (p, q) => ({ g: q, W: p, bh: p + 4096, hx: p + 8192, Y: q + 4096, ldy: 5, c: q + 8192, cx: p + 12288, T: 3, H: 5, rev: 0, lo: 0, hi: 0, clip: 0, nch: 2, sync: p + 1047552 })],
  f32_gru_seq__simd128: [['g', 'W', 'bh', 'hx', 'Y', 'ldy', 'hn', 'hg', 'T', 'H', 'rev', 'nch', 'sync'],
    (p, q) => ({ g: q, W: p, bh: p + 4096, hx: p + 8192, Y: q + 4096, ldy: 5, hn: q + 8192, hg: q + 12288, T: 3, H: 5, rev: 0, nch: 2, sync: p + 1047616 })],
  f32_gru_cell__simd128: [['g', 'hg', 'hp', 'ldhp', 'h', 'ldh', 'hn', 'N', 'H'],
    (p, q) => ({ g: q, hg: p, hp: p + 4096, ldhp: 5, h: q + 4096, ldh: 5, hn: q + 8192, N: 2, H: 5 })],
  f32_gru_cell_bwd__simd128: [['g', 'hn', 'hp', 'ldhp', 'dy', 'ldy', 'dhr', 'dgx', 'dgh', 'dhp', 'N', 'H'],
    (p, q) => ({ g: p, hn: p + 4096, hp: p + 8192, ldhp: 5, dy: p + 12288, ldy: 5, dhr: 0, dgx: q, dgh: q + 4096, dhp: q + 8192, N: 2, H: 5 })],
  f32_rnn_cell__simd128: [['g', 'h', 'ldh', 'N', 'H', 'act'], (_p, q) => ({ g: q, h: q + 4096, ldh: 5, N: 2, H: 5, act: RNN_ACT.tanh })],
  f32_rnn_cell_bwd__simd128: [['g', 'dy', 'ldy', 'dhr', 'dg', 'N', 'H', 'act'], (p, q) => ({ g: p, dy: p + 4096, ldy: 5, dhr: 0, dg: q, N: 2, H: 5, act: RNN_ACT.tanh })],
  f32_addrows__simd128: [['a', 'lda', 'b', 'ldb', 'y', 'ldy', 'N', 'H'], (p, q) => ({ a: p, lda: 5, b: p + 4096, ldb: 5, y: q, ldy: 5, N: 2, H: 5 })],
  x32_seqmask__simd128: [['x', 'y', 'len', 'li', 'T', 'B', 'inner', 'st', 'sb', 'value'],
    (p, q) => ({ x: p, y: q, len: 0, li: 0, T: 3, B: 2, inner: 5, st: 10, sb: 5, value: 0 })],
  x32_seqlast__simd128: [['x', 'y', 'len', 'li', 'T', 'B', 'inner', 'st', 'sb', 'dir'],
    (p, q) => ({ x: p, y: q, len: 0, li: 0, T: 3, B: 2, inner: 5, st: 10, sb: 5, dir: SEQLAST_DIR.last })],
  x32_seqreverse__simd128: [['x', 'y', 'len', 'li', 'T', 'B', 'inner'], (p, q) => ({ x: p, y: q, len: 0, li: 0, T: 3, B: 2, inner: 5 })],
  x32_gathernd__simd128: [['x', 'idx', 'y', 'M', 'N', 'inner', 'dir', 'd0', 'd1', 'd2', 'd3', 'd4'],
    (p, q) => ({ x: p, idx: p + 4096, y: q, M: 2, N: 3, inner: 5, dir: GATHERND_DIR.gather, d0: 2, d1: 2, d2: 1, d3: 1, d4: 1 })],
  f32_arangelike__scalar: [['y', 'n', 'start', 'step', 'repeat'], (_p, q) => ({ y: q, n: 17, start: 0, step: 1, repeat: 1 })],
});
/** Parameter names of the rnn and seq kernels, in order (checked against the kernels by test/kernels/abi.test.ts). */
export const RNN_PARAMS = paramsOf(RNN);

/**
 * Kernels of the rnn family (assembly/kernels/f32-rnn.ts: per-step gate math of the RNN op; f32-rnn-seq.ts: whole
 * layer directions at batch 1) and the seq family (assembly/kernels/x32-seq.ts: Sequence* ops, gather_nd,
 * arange_like); references in src/reference/rnn.ts.
 */
// No thread split for f32_lstm_seq / f32_gru_seq: the kernels can share a call's steps between threads (identical parts,
// each step's chunks claimed by atomic counters, nch = 2 per thread), but on this 2-vCPU VM two threads ran the ONNX
// LSTM row 19% slower than one even at real-time priority (0.574 vs 0.483 ms p10, interleaved): the per-step meeting
// costs more than half a 5 us step saves. The pool's gain measure did not see it (the caller's own part lasts the
// whole job), so the split is left out rather than left to the cost model.
export const kernelsRnn = (): KernelInfo[] => kernelsOf(RNN, (name) => nameInfo(/^(x32|f32_arange)/.test(name) ? 'seq' : 'rnn')(name));
