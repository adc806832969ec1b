import { defs, kernelsOf, nameInfo, paramsOf, type KernelInfo } from './common.js';

// Warm-up args: p, q are 1 MiB zeroed areas; N = 2 rows of H = 5 (a SIMD body plus a tail).
const RNN = defs({
  f32_lstm_cell__simd128: [['g', 'cp', 'c', 'h', 'ldh', 'N', 'H', 'lo', 'hi', 'clip'], (p, q) => [p, p + 4096, q, q + 4096, 5, 2, 5, 0, 0, 0]],
  f32_lstm_cell_bwd__simd128: [['g', 'cp', 'c', 'dy', 'ldy', 'dhr', 'dc', 'dg', 'N', 'H', 'lo', 'hi', 'clip'], (p, q) => [p, p + 4096, p + 8192, p + 12288, 5, 0, q, q + 4096, 2, 5, 0, 0, 0]],
  f32_gru_cell__simd128: [['g', 'hg', 'hp', 'ldhp', 'h', 'ldh', 'hn', 'N', 'H'], (p, q) => [q, p, p + 4096, 5, q + 4096, 5, q + 8192, 2, 5]],
  f32_gru_cell_bwd__simd128: [['g', 'hn', 'hp', 'ldhp', 'dy', 'ldy', 'dhr', 'dgx', 'dgh', 'dhp', 'N', 'H'], (p, q) => [p, p + 4096, p + 8192, 5, p + 12288, 5, 0, q, q + 4096, q + 8192, 2, 5]],
  f32_rnn_cell__simd128: [['g', 'h', 'ldh', 'N', 'H', 'act'], (_p, q) => [q, q + 4096, 5, 2, 5, 1]],
  f32_rnn_cell_bwd__simd128: [['g', 'dy', 'ldy', 'dhr', 'dg', 'N', 'H', 'act'], (p, q) => [p, p + 4096, 5, 0, q, 2, 5, 1]],
  f32_addrows__simd128: [['a', 'lda', 'b', 'ldb', 'y', 'ldy', 'N', 'H'], (p, q) => [p, 5, p + 4096, 5, q, 5, 2, 5]],
  x32_seqmask__simd128: [['x', 'y', 'len', 'li', 'T', 'B', 'inner', 'st', 'sb', 'value'], (p, q) => [p, q, 0, 0, 3, 2, 5, 10, 5, 0]],
  x32_seqlast__simd128: [['x', 'y', 'len', 'li', 'T', 'B', 'inner', 'st', 'sb', 'dir'], (p, q) => [p, q, 0, 0, 3, 2, 5, 10, 5, 0]],
  x32_seqreverse__simd128: [['x', 'y', 'len', 'li', 'T', 'B', 'inner'], (p, q) => [p, q, 0, 0, 3, 2, 5]],
  x32_gathernd__simd128: [['x', 'idx', 'y', 'M', 'N', 'inner', 'dir', 'd0', 'd1', 'd2', 'd3', 'd4'], (p, q) => [p, p + 4096, q, 2, 3, 5, 0, 2, 2, 1, 1, 1]],
  f32_arangelike__scalar: [['y', 'n', 'start', 'step', 'repeat'], (_p, q) => [q, 17, 0, 1, 1]],
});
/** Parameter names of the rnn and seq kernels, in order (checked against the kernels by test/kernels/abi.test.ts). */
export const RNN_PARAMS = paramsOf(RNN);

/**
 * Kernels of the rnn family (assembly/kernels/f32-rnn.ts: per-step gate math of the RNN op) and the seq family
 * (assembly/kernels/x32-seq.ts: Sequence* ops, gather_nd, arange_like); references in src/reference/rnn.ts.
 */
export const KERNELS_RNN: KernelInfo[] = kernelsOf(RNN, (name) => nameInfo(/^(x32|f32_arange)/.test(name) ? 'seq' : 'rnn')(name));
