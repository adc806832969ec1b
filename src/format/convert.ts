/**
 * Converting stored element bytes (every MXNet dtype code 0-12, little-endian) to the dtypes an
 * NDArray holds in memory (float32/int32/uint8/int8), and back. Conversions that can lose
 * information are reported as notes; the loader keeps the original bytes for those so that a
 * file saved again unchanged is byte-identical.
 */
import type { DType, TypedArray } from '../runtime/dtype.js';

/** Name, element bytes and in-memory dtype of each MXNet type code (mshadow TypeFlag). */
export const STORED: Record<number, { name: string; bytes: number; mem: DType; exact: boolean }> = {
  0: { name: 'float32', bytes: 4, mem: 'float32', exact: true },
  1: { name: 'float64', bytes: 8, mem: 'float32', exact: false },
  2: { name: 'float16', bytes: 2, mem: 'float32', exact: true },
  3: { name: 'uint8', bytes: 1, mem: 'uint8', exact: true },
  4: { name: 'int32', bytes: 4, mem: 'int32', exact: true },
  5: { name: 'int8', bytes: 1, mem: 'int8', exact: true },
  6: { name: 'int64', bytes: 8, mem: 'int32', exact: false },
  7: { name: 'bool', bytes: 1, mem: 'uint8', exact: true },
  8: { name: 'int16', bytes: 2, mem: 'int32', exact: true },
  9: { name: 'uint16', bytes: 2, mem: 'int32', exact: true },
  10: { name: 'uint32', bytes: 4, mem: 'int32', exact: false },
  11: { name: 'uint64', bytes: 8, mem: 'int32', exact: false },
  12: { name: 'bfloat16', bytes: 2, mem: 'float32', exact: true },
};

/** MXNet type code of each in-memory dtype. */
export const MEM_CODE: Record<string, number> = { float32: 0, uint8: 3, int32: 4, int8: 5 };

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** IEEE half bits to float32 bits (exact; NaN payloads and signalling bits kept). @example halfBitsToF32Bits(0x3c00) === 0x3f800000 */
export function halfBitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16, e = (h >> 10) & 0x1f;
  let m = h & 0x3ff;
  if (e === 31) return (sign | 0x7f800000 | (m << 13)) >>> 0;
  if (e !== 0) return (sign | ((e + 112) << 23) | (m << 13)) >>> 0;
  if (m === 0) return sign >>> 0;
  let ee = 113;
  while (!(m & 0x400)) { m <<= 1; ee--; }
  return (sign | (ee << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

/** float32 bits to IEEE half bits, round-to-nearest-even (NaN payloads kept). @example f32BitsToHalf(0x3f800000) === 0x3c00 */
export function f32BitsToHalf(b: number): number {
  const sign = (b >>> 16) & 0x8000, e = (b >>> 23) & 0xff, m = b & 0x7fffff;
  if (e === 0xff) return sign | 0x7c00 | (m ? Math.max(1, m >>> 13) : 0);
  const ue = e - 127 + 15;
  if (ue >= 31) return sign | 0x7c00;
  if (ue <= 0) {
    if (ue < -10) return sign;
    const mm = m | 0x800000, shift = 14 - ue;
    let r = mm >>> shift;
    const rem = mm & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rem > half || (rem === half && (r & 1))) r++;
    return sign | r;
  }
  let r = (ue << 10) | (m >>> 13);
  const rem = m & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1))) r++;
  return sign | r;
}

/** IEEE half bits to a number. @example halfToFloat(0x3c00) === 1 */
export function halfToFloat(h: number): number { u32buf[0] = halfBitsToF32Bits(h); return f32buf[0]; }
/** A number to IEEE half bits, round-to-nearest-even. @example floatToHalf(1) === 0x3c00 */
export function floatToHalf(x: number): number { f32buf[0] = x; return f32BitsToHalf(u32buf[0]); }

/** bfloat16 bits to a number. @example bf16ToFloat(0x3f80) === 1 */
export function bf16ToFloat(h: number): number { u32buf[0] = h << 16; return f32buf[0]; }
/** A number to bfloat16 bits, round-to-nearest-even. @example floatToBf16(1) === 0x3f80 */
export function floatToBf16(x: number): number {
  f32buf[0] = x;
  const b = u32buf[0];
  if ((b & 0x7fffffff) > 0x7f800000) return (b >>> 16) | 0x40;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Result of decoding stored bytes. */
export interface Decoded { dtype: DType; values: TypedArray; exact: boolean }

function memArray(dtype: DType, n: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : dtype === 'uint8' ? new Uint8Array(n) : new Int8Array(n);
}

/**
 * Decodes `n` stored elements of a type code into a memory-dtype array. `exact` is false when some
 * value could not be represented (float64 rounding, int64 beyond int32, which then become float32).
 * @example decode(2, new Uint8Array([0, 0x3c]), 1).values[0] === 1
 */
export function decode(code: number, raw: Uint8Array, n: number): Decoded {
  const info = STORED[code];
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (code === 0 || code === 3 || code === 4 || code === 5 || code === 7) {
    const out = memArray(info.mem, n);
    new Uint8Array(out.buffer).set(raw.subarray(0, n * info.bytes));
    return { dtype: info.mem, values: out, exact: true };
  }
  if (code === 1) {
    const out = new Float32Array(n); let exact = true;
    for (let i = 0; i < n; i++) { const v = dv.getFloat64(i * 8, true); out[i] = v; if (out[i] !== v && !Number.isNaN(v)) exact = false; }
    return { dtype: 'float32', values: out, exact };
  }
  if (code === 2 || code === 12) {
    const out = new Float32Array(n), bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) { const h = dv.getUint16(i * 2, true); bits[i] = code === 2 ? halfBitsToF32Bits(h) : h << 16; }
    return { dtype: 'float32', values: out, exact: true };
  }
  if (code === 8 || code === 9) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = code === 8 ? dv.getInt16(i * 2, true) : dv.getUint16(i * 2, true);
    return { dtype: 'int32', values: out, exact: true };
  }
  // int64, uint64, uint32: int32 when every value fits, else float32 (rounded).
  const get = code === 10 ? (i: number) => dv.getUint32(i * 4, true)
    : code === 6 ? (i: number) => Number(dv.getBigInt64(i * 8, true)) : (i: number) => Number(dv.getBigUint64(i * 8, true));
  let fits = true;
  for (let i = 0; i < n && fits; i++) { const v = get(i); if (v < -2147483648 || v > 2147483647) fits = false; }
  if (fits) { const out = new Int32Array(n); for (let i = 0; i < n; i++) out[i] = get(i); return { dtype: 'int32', values: out, exact: true }; }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = get(i);
  return { dtype: 'float32', values: out, exact: false };
}

/**
 * Encodes memory values as a stored type code (the inverse of `decode`; floats to integers
 * truncate, out-of-range values saturate).
 * @example encode(2, new Float32Array([1])) // Uint8Array [0, 0x3c]
 */
export function encode(code: number, values: ArrayLike<number>): Uint8Array {
  const info = STORED[code], n = values.length;
  const out = new Uint8Array(n * info.bytes);
  const dv = new DataView(out.buffer);
  if ((code === 2 || code === 12) && values instanceof Float32Array) {
    const bits = new Uint32Array(values.buffer, values.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const b = bits[i];
      dv.setUint16(i * 2, code === 2 ? f32BitsToHalf(b) : (b & 0x7fffffff) > 0x7f800000 ? b >>> 16 : ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff, true);
    }
    return out;
  }
  const int = (v: number, lo: number, hi: number) => (Number.isNaN(v) ? 0 : Math.min(hi, Math.max(lo, Math.trunc(v))));
  for (let i = 0; i < n; i++) {
    const v = values[i];
    switch (code) {
      case 0: dv.setFloat32(i * 4, v, true); break;
      case 1: dv.setFloat64(i * 8, v, true); break;
      case 2: dv.setUint16(i * 2, floatToHalf(v), true); break;
      case 12: dv.setUint16(i * 2, floatToBf16(v), true); break;
      case 3: out[i] = int(v, 0, 255); break;
      case 7: out[i] = v ? 1 : 0; break;
      case 5: dv.setInt8(i, int(v, -128, 127)); break;
      case 4: dv.setInt32(i * 4, int(v, -2147483648, 2147483647), true); break;
      case 8: dv.setInt16(i * 2, int(v, -32768, 32767), true); break;
      case 9: dv.setUint16(i * 2, int(v, 0, 65535), true); break;
      case 10: dv.setUint32(i * 4, int(v, 0, 4294967295), true); break;
      case 6: dv.setBigInt64(i * 8, BigInt(int(v, -(2 ** 63), 2 ** 63 - 1024)), true); break;
      case 11: dv.setBigUint64(i * 8, BigInt(int(v, 0, 2 ** 64 - 2048)), true); break;
    }
  }
  return out;
}

/** Bitwise equality of two same-dtype arrays (NaN payloads included). @example sameBits(a, a) */
export function sameBits(a: TypedArray, b: TypedArray): boolean {
  if (a.length !== b.length || a.BYTES_PER_ELEMENT !== b.BYTES_PER_ELEMENT) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
