import { simd, type KernelInfo } from './common.js';

/** Argument names of the 2-bit quantizer (checked against assembly/kernels/f32-compress.ts). */
export const QUANTIZE_2BIT_PARAMS = ['grad', 'residual', 'out', 'n', 'threshold'] as const;
/** Argument names of the 2-bit expander; add != 0 accumulates into dst. */
export const DEQUANTIZE_2BIT_PARAMS = ['src', 'dst', 'n', 'threshold', 'add'] as const;

export const COMPRESS_PARAMS = { f32_quantize_2bit__simd128: QUANTIZE_2BIT_PARAMS, f32_dequantize_2bit__simd128: DEQUANTIZE_2BIT_PARAMS } as const;

/** Kernels of the compress family: MXNet's 2-bit gradient compression for the distributed KVStore (src/kv/ps). */
export const KERNELS_COMPRESS: KernelInfo[] = [
  { name: 'f32_quantize_2bit__simd128', family: 'compress', dtype: 'f32', needs: simd, params: QUANTIZE_2BIT_PARAMS, warm: (p, q) => [p, p + 4096, q, 17, 0.5] },
  { name: 'f32_dequantize_2bit__simd128', family: 'compress', dtype: 'f32', needs: simd, params: DEQUANTIZE_2BIT_PARAMS, warm: (p, q) => [p, q, 17, 0.5, 0] },
];
