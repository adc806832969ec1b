import { withParams, type KernelInfo } from './common.js';

// Warm-up args: p, q are 1 MiB zeroed areas; N = 2 rows of H = 5 (a SIMD body plus a tail).
const k = (name: string, family: string, warm: KernelInfo['warm']): KernelInfo =>
  ({ name, family, dtype: name.startsWith('x32') ? 'x32' : 'f32', needs: name.endsWith('__scalar') ? [] : ['simd128'], warm });

/**
 * Kernels of the rnn family (assembly/kernels/f32-rnn.ts: per-step gate math of the RNN op) and the seq family
 * (assembly/kernels/x32-seq.ts: Sequence* ops, gather_nd, arange_like); references in src/reference/rnn.ts.
 */
export const KERNELS_RNN: KernelInfo[] = withParams([
  k('f32_lstm_cell__simd128', 'rnn', (p, q) => [p, p + 4096, q, q + 4096, 5, 2, 5, 0, 0, 0]),
  k('f32_lstm_cell_bwd__simd128', 'rnn', (p, q) => [p, p + 4096, p + 8192, p + 12288, 5, 0, q, q + 4096, 2, 5, 0, 0, 0]),
  k('f32_gru_cell__simd128', 'rnn', (p, q) => [q, p, p + 4096, 5, q + 4096, 5, q + 8192, 2, 5]),
  k('f32_gru_cell_bwd__simd128', 'rnn', (p, q) => [p, p + 4096, p + 8192, 5, p + 12288, 5, 0, q, q + 4096, q + 8192, 2, 5]),
  k('f32_rnn_cell__simd128', 'rnn', (_p, q) => [q, q + 4096, 5, 2, 5, 1]),
  k('f32_rnn_cell_bwd__simd128', 'rnn', (p, q) => [p, p + 4096, 5, 0, q, 2, 5, 1]),
  k('f32_addrows__simd128', 'rnn', (p, q) => [p, 5, p + 4096, 5, q, 5, 2, 5]),
  k('x32_seqmask__simd128', 'seq', (p, q) => [p, q, 0, 0, 3, 2, 5, 10, 5, 0]),
  k('x32_seqlast__simd128', 'seq', (p, q) => [p, q, 0, 0, 3, 2, 5, 10, 5, 0]),
  k('x32_seqreverse__simd128', 'seq', (p, q) => [p, q, 0, 0, 3, 2, 5]),
  k('x32_gathernd__simd128', 'seq', (p, q) => [p, p + 4096, q, 2, 3, 5, 0, 2, 2, 1, 1, 1]),
  k('f32_arangelike__scalar', 'seq', (_p, q) => [q, 17, 0, 1, 1]),
], {
  f32_lstm_cell__simd128: ['g', 'cp', 'c', 'h', 'ldh', 'N', 'H', 'lo', 'hi', 'clip'],
  f32_lstm_cell_bwd__simd128: ['g', 'cp', 'c', 'dy', 'ldy', 'dhr', 'dc', 'dg', 'N', 'H', 'lo', 'hi', 'clip'],
  f32_gru_cell__simd128: ['g', 'hg', 'hp', 'ldhp', 'h', 'ldh', 'hn', 'N', 'H'],
  f32_gru_cell_bwd__simd128: ['g', 'hn', 'hp', 'ldhp', 'dy', 'ldy', 'dhr', 'dgx', 'dgh', 'dhp', 'N', 'H'],
  f32_rnn_cell__simd128: ['g', 'h', 'ldh', 'N', 'H', 'act'], f32_rnn_cell_bwd__simd128: ['g', 'dy', 'ldy', 'dhr', 'dg', 'N', 'H', 'act'],
  f32_addrows__simd128: ['a', 'lda', 'b', 'ldb', 'y', 'ldy', 'N', 'H'],
  x32_seqmask__simd128: ['x', 'y', 'len', 'li', 'T', 'B', 'inner', 'st', 'sb', 'value'],
  x32_seqlast__simd128: ['x', 'y', 'len', 'li', 'T', 'B', 'inner', 'st', 'sb', 'dir'],
  x32_seqreverse__simd128: ['x', 'y', 'len', 'li', 'T', 'B', 'inner'],
  x32_gathernd__simd128: ['x', 'idx', 'y', 'M', 'N', 'inner', 'dir', 'd0', 'd1', 'd2', 'd3', 'd4'],
  f32_arangelike__scalar: ['y', 'n', 'start', 'step', 'repeat'],
});
