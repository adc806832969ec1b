// Scalar references of the compress family (assembly/kernels/f32-compress.ts): MXNet's 2-bit
// gradient compression (gradient_compression-inl.h). The worker adds the gradient to a per-key
// residual; residual >= t sends 11 (+t) and subtracts t, <= -t sends 10 (-t) and adds t, else 00.
// 16 values per float32 word, 4 per byte, value j of a byte in bits 7-6, 5-4, 3-2, 1-0. The server
// expands 11 -> +t, 10 -> -t, else 0.

const POS = [0xc0, 0x30, 0x0c, 0x03];
const NEG = [0x80, 0x20, 0x08, 0x02];

/** Bytes of the compressed form of n values: ceil(n/16) float32 words. @example compressedBytes(17) // 8 */
export const compressedBytes = (n: number): number => Math.ceil(n / 16) * 4;

/** Quantizes grad (n values) into `out` (compressedBytes(n) bytes), updating residual. @example quantize2bit(g, r, out, 0.5) */
export function quantize2bit(grad: Float32Array, residual: Float32Array, out: Uint8Array, threshold: number): void {
  const t = Math.fround(threshold), nt = -t;
  out.fill(0, 0, compressedBytes(grad.length));
  for (let i = 0; i < grad.length; i++) {
    residual[i] += grad[i];
    const r = residual[i];
    if (r >= t) { out[i >> 2] |= POS[i & 3]; residual[i] -= t; } else if (r <= nt) { out[i >> 2] |= NEG[i & 3]; residual[i] -= nt; }
  }
}

/** Expands out.length values from the compressed bytes into out (add: adds them to out). @example dequantize2bit(bytes, out, 0.5) */
export function dequantize2bit(bytes: Uint8Array, out: Float32Array, threshold: number, add = false): void {
  const t = Math.fround(threshold);
  for (let i = 0; i < out.length; i++) {
    const b = bytes[i >> 2] & POS[i & 3];
    const v = b === POS[i & 3] ? t : b === NEG[i & 3] ? -t : 0;
    out[i] = add ? out[i] + v : v;
  }
}
