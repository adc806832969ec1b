import { ArgumentError } from '../errors.js';
import { rt } from '../runtime/runtime.js';

/**
 * A block of wasm memory shared by an NDArray and its views (reshape, slice, at). It is freed when
 * the last holder is disposed, or garbage-collected (FinalizationRegistry safety net).
 */
export class Storage {
  refs = 0;
  freed = false;
  constructor(readonly off: number, readonly bytes: number) {}

  /** Allocates a new block. @example Storage.alloc(4096) */
  static alloc(bytes: number): Storage { return new Storage(rt().alloc.alloc(bytes), bytes); }

  retain(): this {
    if (this.freed) throw new ArgumentError('use of a disposed NDArray: its memory was freed');
    this.refs++; return this;
  }

  release(): void {
    if (this.freed) return;
    if (--this.refs <= 0) { this.freed = true; rt().alloc.free(this.off); }
  }
}

/**
 * Releases storage of NDArrays that were never disposed, when they are collected. Some runtimes
 * (Cloudflare Workers) have no FinalizationRegistry: there only dispose() frees memory.
 */
export function storageRegistry(): Pick<FinalizationRegistry<Storage>, 'register' | 'unregister'> {
  return typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Storage>((s) => { try { s.release(); } catch { /* runtime gone */ } })
    : { register: () => undefined, unregister: () => false };
}
export const registry = storageRegistry();
