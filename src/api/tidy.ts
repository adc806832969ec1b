// mx.tidy / mx.keep / mx.memory, as TensorFlow.js users know them: arrays made inside tidy(fn) are disposed
// when fn returns, except what it returns (NDArrays found in the result: arrays, objects, Maps, Sets).
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { closeScope, liveArrays, openScope, untrack } from '../ndarray/scope.js';
import { isReady, rt } from '../runtime/runtime.js';

function collect(x: unknown, out: Set<NDArray>, seen: Set<unknown>): void {
  if (!x || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (x instanceof NDArray) { out.add(x); return; }
  if (ArrayBuffer.isView(x)) return;
  const values = x instanceof Map ? x.values() : x instanceof Set ? x.values() : Array.isArray(x) ? x : Object.values(x);
  for (const v of values) collect(v, out, seen);
}

/**
 * Runs `fn` and disposes every NDArray created meanwhile, except those in its result (which move to the
 * enclosing tidy, if any) and those passed to `mx.keep`. On a throw, everything created is disposed.
 * `fn` must be synchronous (an async function's arrays outlive the scope: dispose those yourself).
 * @example const y = mx.tidy(() => x.mul(2).add(1).relu()); // the two temporaries are freed, y is kept
 */
export function tidy<T>(fn: () => T): T;
export function tidy<T>(name: string, fn: () => T): T;
export function tidy<T>(a: string | (() => T), b?: () => T): T {
  const fn = typeof a === 'function' ? a : b;
  if (typeof fn !== 'function') throw new ArgumentError('mx.tidy: expects a function (or a name and a function)');
  const scope = openScope();
  let result: T, ok = false;
  try { result = fn(); ok = true; } finally {
    const keep = new Set<NDArray>();
    if (ok) collect(result!, keep, new Set());
    for (const x of closeScope(scope, keep)) x.dispose();
  }
  if (result! && typeof (result as { then?: unknown }).then === 'function') {
    throw new ArgumentError('mx.tidy: fn returned a Promise; tidy works on synchronous functions only (arrays made after an await are not tracked)');
  }
  return result!;
}

/**
 * Keeps `a` alive past the enclosing tidy (it is then yours to dispose).
 * @example mx.tidy(() => { state = mx.keep(x.mul(2)); });
 */
export function keep<T extends NDArray>(a: T): T { untrack(a); return a; }

/** What mx.memory() reports. */
export interface MemoryInfo {
  /** NDArrays created and not yet disposed. */
  numArrays: number;
  /** Bytes allocated in the wasm memory (arrays, executors' arenas, optimizer states). */
  numBytes: number;
  /** Most bytes ever allocated at once. */
  peakBytes: number;
  /** Size of the WebAssembly.Memory (it grows, never shrinks). */
  memoryBytes: number;
}

/**
 * Memory in use, as tf.memory() reports it.
 * @example const before = mx.memory().numBytes; mx.tidy(() => work()); console.log(mx.memory().numBytes - before) // 0
 */
export function memory(): MemoryInfo {
  if (!isReady()) return { numArrays: liveArrays(), numBytes: 0, peakBytes: 0, memoryBytes: 0 };
  const r = rt(), s = r.alloc.stats();
  return { numArrays: liveArrays(), numBytes: s.bytesInUse, peakBytes: s.peakBytes, memoryBytes: r.memory.buffer.byteLength };
}
