import { arrayCtor, type DType, type TypedArray } from './dtype.js';
import { rt } from './runtime.js';

/**
 * The one way to look at wasm memory from TypeScript: a typed-array view created fresh from
 * `memory.buffer` on every call, so a memory growth never leaves a stale (detached or short) view.
 * Never keep the result across an allocation.
 *
 * @example view('float32', arr.offset, arr.size).fill(1)
 */
export function view(dtype: DType, byteOffset: number, length: number): TypedArray {
  const C = arrayCtor(dtype);
  return new C(rt().memory.buffer, byteOffset, length);
}

/** Float32 view (the common case). @example f32(off, n)[0] = 1 */
export function f32(byteOffset: number, length: number): Float32Array {
  return new Float32Array(rt().memory.buffer, byteOffset, length);
}

/** Int32 view. @example i32(off, n) */
export function i32(byteOffset: number, length: number): Int32Array {
  return new Int32Array(rt().memory.buffer, byteOffset, length);
}

/** Byte view. @example u8(off, n) */
export function u8(byteOffset: number, length: number): Uint8Array {
  return new Uint8Array(rt().memory.buffer, byteOffset, length);
}
