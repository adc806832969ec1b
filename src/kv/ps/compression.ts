// MXNet's 2-bit gradient compression (gradient_compression-inl.h). The kernels
// (assembly/kernels/f32-compress.ts: f32_quantize_2bit__simd128, f32_dequantize_2bit__simd128)
// do the work on the wasm memory; the scalar forms are their references (src/reference/compress.ts).
export { compressedBytes, quantize2bit, dequantize2bit } from '../../reference/compress.js';
