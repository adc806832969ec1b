// The relaxed-SIMD add-on: only the kernels that relaxed_madd makes faster. It is compiled with
// --enable relaxed-simd and instantiated on the same shared memory beside the main module
// (assembly/index.ts), whose exports it adds to; loaded only where the engine validates it.

export { f32_gemm__relaxedsimd } from './kernels/f32-gemm';
export { f32_peak__relaxedsimd } from './kernels/f32-peak';
export { f32_convfew_2x16__relaxedsimd } from './kernels/f32-conv-few';
export { f32_wino_lane_f2k3__relaxedsimd, f32_i2c_lane__relaxedsimd } from './kernels/f32-winograd-lane';
