import { defs, kernelsOf, nameInfo, paramsOf, type KernelInfo } from './common.js';

/** Argument names of the 2-bit quantizer (checked against assembly/kernels/f32-compress.ts). */
export const QUANTIZE_2BIT_PARAMS = ['grad', 'residual', 'out', 'n', 'threshold'] as const;
/** Argument names of the 2-bit expander; add != 0 accumulates into dst. */
export const DEQUANTIZE_2BIT_PARAMS = ['src', 'dst', 'n', 'threshold', 'add'] as const;

const COMPRESS = defs({
  f32_quantize_2bit__simd128: [QUANTIZE_2BIT_PARAMS, (p, q) => ({ grad: p, residual: p + 4096, out: q, n: 17, threshold: 0.5 })],
  f32_dequantize_2bit__simd128: [DEQUANTIZE_2BIT_PARAMS, (p, q) => ({ src: p, dst: q, n: 17, threshold: 0.5, add: 0 })],
});
export const COMPRESS_PARAMS = paramsOf(COMPRESS);

/** Kernels of the compress family: MXNet's 2-bit gradient compression for the distributed KVStore (src/kv/ps). */
export const kernelsCompress = (): KernelInfo[] => kernelsOf(COMPRESS, nameInfo('compress'));
