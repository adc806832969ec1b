// The wasm export ABI: one `export *` per kernel family file. Kernels take byte offsets
// (usize) and sizes, allocate nothing, and never touch the AssemblyScript runtime, because
// several instances (one per thread) share one memory (see HACKING.md, ../shared/reference/wasm-build.md).

/** First byte TypeScript may allocate from (everything below belongs to the module). */
export function heapBase(): usize {
  return __heap_base;
}

// The relaxed-SIMD kernels live in a small add-on module (assembly/relaxed.ts, dist/kernels.relaxed.wasm)
// instantiated on the same memory next to this one, so no kernel is compiled twice.

export * from './kernels/x8-copy';
export * from './kernels/f32-vbinary';
export * from './kernels/f32-vunary';
export * from './kernels/f32-reduce';
export * from './kernels/f32-reduce-grad';
export * from './kernels/x32-layout';
export { f32_gemm__simd128, f32_colsum__simd128 } from './kernels/f32-gemm';
export * from './kernels/f32-conv';
export { f32_convfew_2x16__simd128 } from './kernels/f32-conv-few';
export { f32_im2col__simd128, f32_col2im__simd128, f32_copyrows__simd128 } from './kernels/f32-im2col';
export * from './kernels/f32-winograd';
export { f32_wino_lane_f2k3__simd128, f32_i2c_lane__simd128 } from './kernels/f32-winograd-lane';
export * from './kernels/f32-pool';
export * from './kernels/f32-pool-bwd';
export * from './kernels/f32-vol';
export * from './kernels/f32-nn';
export * from './kernels/f32-nn-norm';
export * from './kernels/f32-nn-softmax';
export * from './kernels/f32-nn-misc';
export * from './kernels/f32-nn-bn';
export * from './kernels/f32-optim';
export * from './kernels/f32-optim-adaptive';
export { f32_peak__simd128, x32_noop } from './kernels/f32-peak';
export * from './kernels/f32-rnn';
export * from './kernels/x32-seq';
export * from './kernels/f32-sort';
export * from './kernels/f32-nms';
export * from './kernels/f32-compress';
export { f32_lstm_seq__simd128, f32_gru_seq__simd128 } from './kernels/f32-rnn-seq';
export * from './kernels/x32-cast';
