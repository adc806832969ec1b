/**
 * Input values copied into an argument array with its dtype checked: a float32 argument takes any numbers; an
 * integer one (int32, uint8, int8: token ids, images, ONNX int64/bool inputs) takes integer typed arrays,
 * BigInt64Array or plain numbers whose values fit, and refuses float typed arrays, naming the input.
 */
import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import type { DType } from '../runtime/dtype.js';
import { view } from '../runtime/view.js';
import { fmtShape } from '../util/shape.js';

const RANGE: Partial<Record<DType, [number, number]>> = { int32: [-(2 ** 31), 2 ** 31 - 1], uint8: [0, 255], int8: [-128, 127] };
const NAME: Partial<Record<DType, string>> = { int32: 'Int32Array', uint8: 'Uint8Array', int8: 'Int8Array', float32: 'Float32Array' };

/** The destination of a copy: an argument array (NDArray-like: byte offset, size, shape, dtype). */
export interface ValuesDst { byteOffset: number; size: number; shape: readonly number[]; dtype: DType }

/**
 * Input values given as a typed array or a flat array of numbers; anything else (a number, a string, an array holding
 * 'x', null or true) is an ArgumentError naming the argument, never NaN or 0 copied in silently.
 * @example checkValues([1, 2], "forward: 'data'", 'data')
 */
export function checkValues(v: unknown, what: string, arg: string | number): ArrayLike<number> {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    if (typeof (v as unknown as ArrayLike<unknown>)[0] === 'bigint') throw new ArgumentError(`${what}: BigInt arrays are not accepted, give numbers`, { arg });
    return v as unknown as ArrayLike<number>;
  }
  if (!Array.isArray(v)) throw new ArgumentError(`${what} must be an NDArray, a typed array or an array of numbers, got ${v === null ? 'null' : typeof v}`, { arg });
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number') throw new ArgumentError(`${what}: element ${i} is ${JSON.stringify(v[i]) ?? String(v[i])}, not a number (nested arrays: flatten them or use mx.nd.array)`, { arg });
  }
  return v;
}

const isBig = (v: unknown): v is BigInt64Array | BigUint64Array => v instanceof BigInt64Array || v instanceof BigUint64Array;
const isFloatArray = (v: unknown) => v instanceof Float32Array || v instanceof Float64Array;

/**
 * Copies `v` (a typed array, BigInt64Array, numbers, or a typed view of another array) into `dst`, checking its
 * count and dtype. `srcDType` names the dtype of an NDArray source.
 * @example copyValuesIn(exe.argDict.ids, new BigInt64Array([101n, 2023n]), "forward: 'ids'", 'ids')
 */
export function copyValuesIn(dst: ValuesDst, v: unknown, what: string, arg: string, srcDType?: DType): void {
  const dt = dst.dtype, range = RANGE[dt];
  const src: ArrayLike<number | bigint> = isBig(v) ? v : checkValues(v, what, arg);
  if (src.length !== dst.size) throw new ShapeError(`${what} has ${src.length} values, expected ${dst.size} (the input shape ${fmtShape(dst.shape)} needs ${dst.size})`, { arg });
  const out = view(dt, dst.byteOffset, dst.size);
  const got = srcDType ? `a ${srcDType} NDArray` : `a ${(v as object).constructor?.name ?? 'value'}`;
  if (!range) { // float32
    if (isBig(src)) throw new DTypeError(`${what}: input '${arg}' is float32; got ${got} (give a Float32Array or numbers)`, { arg, dtype: dt });
    out.set(src as ArrayLike<number>);
    return;
  }
  if (srcDType === 'float32' || (!srcDType && isFloatArray(v))) {
    throw new DTypeError(`${what}: input '${arg}' is ${dt}; got ${got} (give a ${NAME[dt]}, a BigInt64Array or plain numbers)`, { arg, dtype: dt });
  }
  if (srcDType === dt || (dt === 'int32' && v instanceof Int32Array) || (dt === 'uint8' && v instanceof Uint8Array) || (dt === 'int8' && v instanceof Int8Array)) {
    out.set(src as ArrayLike<number>);
    return;
  }
  const [lo, hi] = range;
  for (let i = 0; i < src.length; i++) {
    const x = Number(src[i]);
    if (!(Number.isInteger(x) && x >= lo && x <= hi)) {
      throw new DTypeError(`${what}: input '${arg}' is ${dt}; element ${i} = ${String(src[i])} is not an integer in [${lo}, ${hi}]`, { arg, dtype: dt });
    }
    out[i] = x;
  }
}
