/**
 * ONNX TensorProto payloads as host arrays: float types become Float32Array (what the executor runs),
 * integer and bool types Float64Array (exact up to 2^53: shapes, indices, axes). Every element
 * count is checked against the bytes present before anything is allocated.
 */
import { FormatError, MxError } from '../errors.js';
import { nodeFs } from '../format/fs.js';
import type { OnnxTensor } from './proto.js';
import type { DType } from '../runtime/dtype.js';

/** TensorProto.DataType codes used here. */
export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16 } as const;
const WIDTH: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };
const NAMES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32',
  13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16' };

/** The dtype name of an ONNX data type code. @example dtypeName(1) === 'float32' */
export function dtypeName(t: number): string { return NAMES[t] ?? `type ${t}`; }
/** True for the float types (held as Float32Array). */
export const isFloatType = (t: number): boolean => t === DT.FLOAT || t === DT.FLOAT16 || t === DT.BFLOAT16 || t === DT.DOUBLE;

/**
 * The memory dtype that holds a graph input or output of ONNX type `t`: floats as float32, uint8 and bool as uint8
 * (bool as MXNet holds it), int8 as int8, every other integer type (int64 token ids, indices, shapes) as int32.
 * @example memDType(DT.INT64) === 'int32'
 */
export function memDType(t: number): 'float32' | 'int32' | 'uint8' | 'int8' {
  if (!t || isFloatType(t)) return 'float32';
  return t === DT.UINT8 || t === DT.BOOL ? 'uint8' : t === DT.INT8 ? 'int8' : 'int32';
}

/** ONNX TensorProto type codes of MXNet's dtypes (Cast's dtype attribute, exported inputs and outputs). */
export const ONNX_TYPE: Record<DType, number> = { float32: DT.FLOAT, float64: DT.DOUBLE, float16: DT.FLOAT16, uint8: DT.UINT8, int8: DT.INT8, int32: DT.INT32, int64: DT.INT64 };

/** A constant tensor at import time. */
export interface Const { dims: number[]; type: number; data: Float32Array | Float64Array }

/** The largest element count a folded or decoded tensor may have (1 GiB of float32). */
export const MAX_ELEMS = 2 ** 28;

/** Element count of dims, validated. @example countOf([2, 3], 'x') === 6 */
export function countOf(dims: number[], what: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new FormatError(`ONNX ${what}: bad dimension ${d} in [${dims.join(', ')}]`);
    n *= d;
  }
  if (n > MAX_ELEMS) throw new FormatError(`ONNX ${what}: ${n} elements is more than this reader accepts (${MAX_ELEMS})`);
  return n;
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
const bf16 = (h: number) => new Float32Array(new Uint32Array([(h & 0xffff) << 16]).buffer)[0];

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function fromRaw(raw: Uint8Array, type: number, n: number, what: string): Float32Array | Float64Array {
  const w = WIDTH[type];
  if (raw.length !== n * w) throw new FormatError(`ONNX ${what}: raw_data has ${raw.length} bytes, ${n} ${dtypeName(type)} values need ${n * w}`);
  if (type === DT.FLOAT && LITTLE_ENDIAN) { const f = new Float32Array(n); new Uint8Array(f.buffer).set(raw); return f; } // the common case: one copy
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = isFloatType(type) ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * w;
    switch (type) {
      case DT.FLOAT: out[i] = dv.getFloat32(o, true); break;
      case DT.DOUBLE: out[i] = dv.getFloat64(o, true); break;
      case DT.FLOAT16: out[i] = half(dv.getUint16(o, true)); break;
      case DT.BFLOAT16: out[i] = bf16(dv.getUint16(o, true)); break;
      case DT.UINT8: case DT.BOOL: out[i] = dv.getUint8(o); break;
      case DT.INT8: out[i] = dv.getInt8(o); break;
      case DT.UINT16: out[i] = dv.getUint16(o, true); break;
      case DT.INT16: out[i] = dv.getInt16(o, true); break;
      case DT.INT32: out[i] = dv.getInt32(o, true); break;
      case DT.UINT32: out[i] = dv.getUint32(o, true); break;
      case DT.INT64: out[i] = Number(dv.getBigInt64(o, true)); break;
      case DT.UINT64: out[i] = Number(dv.getBigUint64(o, true)); break;
    }
  }
  return out;
}

/** Reads external data (Node, with the model's directory known); elsewhere a clear error. */
function external(t: OnnxTensor, baseDir: string | undefined, what: string): Uint8Array {
  const loc = t.externalData.location;
  const fs = nodeFs();
  if (!fs || baseDir === undefined) {
    throw new MxError('unsupported', `ONNX ${what}: tensor data is stored outside the model file ('${loc}'); external data needs Node and a model path (pass the .onnx path, not bytes)`,
      { tensor: t.name });
  }
  if (!loc || loc.split(/[\\/]/).includes('..') || loc.startsWith('/')) throw new FormatError(`ONNX ${what}: external data location '${loc}' must be a relative path without '..'`);
  let b: Uint8Array;
  try { b = fs.readFileSync(`${baseDir}/${loc}`); } catch (e) { throw new FormatError(`ONNX ${what}: cannot read external data ${loc}: ${(e as Error).message}`); }
  const off = Number(t.externalData.offset ?? 0), len = t.externalData.length !== undefined ? Number(t.externalData.length) : b.length - off;
  if (!(off >= 0) || !(len >= 0) || off + len > b.length) throw new FormatError(`ONNX ${what}: external data range ${off}+${len} is outside ${loc} (${b.length} bytes)`);
  return b.subarray(off, off + len);
}

/**
 * Decodes a TensorProto's values.
 * @example tensorValues(init).data // Float32Array for float initializers
 */
export function tensorValues(t: OnnxTensor, baseDir?: string): Const {
  const what = `tensor '${t.name}'`;
  const n = countOf(t.dims, what), type = t.dataType;
  if (!(type in WIDTH)) throw new MxError('unsupported', `ONNX ${what}: data type ${dtypeName(type)} is not supported`, { tensor: t.name });
  const dims = [...t.dims];
  if (t.dataLocation === 1) return { dims, type, data: fromRaw(external(t, baseDir, what), type, n, what) };
  if (t.rawData) return { dims, type, data: fromRaw(t.rawData, type, n, what) };
  let src: number[];
  if (type === DT.FLOAT) src = t.floatData;
  else if (type === DT.DOUBLE) src = t.doubleData;
  else if (type === DT.INT64) src = t.int64Data;
  else if (type === DT.UINT32 || type === DT.UINT64) src = t.uint64Data;
  else src = t.int32Data;
  if (src.length !== n) throw new FormatError(`ONNX ${what}: ${src.length} values for shape [${dims.join(', ')}] (${n} expected)`);
  const out = isFloatType(type) ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    out[i] = type === DT.FLOAT16 ? half(v) : type === DT.BFLOAT16 ? bf16(v) : v;
  }
  return { dims, type, data: out };
}
