/**
 * Feature detection by doing, not by `typeof`: validate a tiny relaxed-SIMD module, create a
 * shared memory, and try to post it through a MessageChannel (which is what threads need).
 */

// (module (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd))
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2,
  253, 133, 2, 11,
]);
// (module (func (result v128) v128.const i32x4 0 0 0 0))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 11,
]);

export interface Features {
  simd: boolean;
  relaxedSimd: boolean;
  /** A shared WebAssembly.Memory can be created. */
  sharedMemory: boolean;
  /** A shared memory can be posted to another thread (cross-origin isolation in browsers). */
  sharedPostable: boolean;
  /** Why a feature is off, for runtimeInfo(). */
  notes: string[];
}

let cached: Features | undefined;
const extra: string[] = [];

let scope: <T>(f: () => T) => T = (f) => f();
/**
 * Runs `f` (a validation or compile of relaxed-SIMD bytes) with relaxed SIMD on: Node 20's entry turns its engine
 * flag on only around these (src/entry/node-flags.ts says why). @example withRelaxedSimd(() => new WebAssembly.Module(b))
 */
export function withRelaxedSimd<T>(f: () => T): T { return scope(f); }
/** For an entry whose engine needs a flag for relaxed SIMD: how to run code with it on. @example setRelaxedScope(s) */
export function setRelaxedScope(s: <T>(f: () => T) => T): void { scope = s; }

/** Whether this engine validates relaxed SIMD (not cached). @example relaxedValidates() */
export function relaxedValidates(): boolean { return safe(() => withRelaxedSimd(() => WebAssembly.validate(RELAXED_PROBE))); }

/** Adds a line to runtimeInfo().notes (how an entry changed the engine's settings). @example noteFeature('...') */
export function noteFeature(line: string): void { extra.push(line); cached?.notes.push(line); }

let postableKnown: boolean | undefined;
/**
 * For an entry that knows whether its platform posts a shared memory to workers (Node's worker_threads always
 * can): skips the MessageChannel probe, ~5 ms of a Node cold start (the first MessageChannel loads Node's
 * messaging internals). @example knowSharedPostable(true)
 */
export function knowSharedPostable(v: boolean): void { postableKnown = v; }

/** Probes the engine once. @example const f = detectFeatures(); if (!f.simd) throw ... */
export function detectFeatures(): Features {
  if (cached) return cached;
  const notes: string[] = [...extra];
  const simd = safe(() => WebAssembly.validate(SIMD_PROBE));
  if (!simd) notes.push('WebAssembly SIMD is not supported by this engine');
  const relaxedSimd = simd && relaxedValidates();
  if (!relaxedSimd) notes.push('relaxed SIMD does not validate here (plain SIMD kernels)');
  let mem: WebAssembly.Memory | undefined;
  const sharedMemory = safe(() => { mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }); return true; });
  if (!sharedMemory) notes.push('shared WebAssembly.Memory cannot be created');
  let sharedPostable = false;
  if (mem && postableKnown !== undefined) sharedPostable = postableKnown;
  else if (mem && typeof MessageChannel !== 'undefined') {
    const ch = new MessageChannel();
    sharedPostable = safe(() => { ch.port1.postMessage(mem); return true; });
    ch.port1.close(); ch.port2.close();
    if (!sharedPostable) notes.push('shared memory cannot be posted to a worker (no cross-origin isolation)');
  } else if (mem) notes.push('no MessageChannel: threads unavailable');
  cached = { simd, relaxedSimd, sharedMemory, sharedPostable, notes };
  return cached;
}

function safe(f: () => boolean): boolean {
  try { return f(); } catch { return false; }
}
