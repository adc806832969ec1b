// Checks of input values given to forward / backward / Predictor.forward as plain or typed arrays.
import { ArgumentError } from '../errors.js';

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
