// Arrays from another copy of mxwasm. Each copy owns its own WebAssembly.Memory, so an NDArray's byte
// offset means nothing to another copy: used there it would read whatever that memory holds. Two copies
// arise when one process loads two builds (two installed versions, or a bundle plus the package);
// the Node package itself keeps one runtime for `import` and `require` (dist/node/index.js re-exports
// index.cjs). Arrays are refused at the API edge rather than silently computed on.
import { ArgumentError } from '../errors.js';
import { NDArray } from './ndarray.js';

/** True for an object shaped like an NDArray that this copy of mxwasm did not create. */
export function isForeignNDArray(x: unknown): boolean {
  if (!x || typeof x !== 'object' || x instanceof NDArray) return false;
  const o = x as Record<string, unknown>;
  return Array.isArray(o.shape) && typeof o.dtype === 'string' && typeof o.offset === 'number' && 'storage' in o;
}

/**
 * Throws an ArgumentError naming `what` when `x` is an NDArray of another mxwasm runtime.
 * @example assertOwnNDArray(input, "Error in operator fc1: input 'data'")
 */
export function assertOwnNDArray(x: unknown, what: string): void {
  if (isForeignNDArray(x)) {
    throw new ArgumentError(`${what} is an NDArray of another mxwasm runtime (a second copy of mxwasm is loaded in this process, ` +
      'with its own memory); arrays cannot cross runtimes: load mxwasm once, or copy the values (mx.nd.array(x.toArray()))');
  }
}
