import { ArgumentError, MemoryError } from '../errors.js';
import { liveArrays } from './scope.js';
import { rt } from '../runtime/runtime.js';

/**
 * A block of wasm memory shared by an NDArray and its views (reshape, slice, at). It is freed when
 * the last holder is disposed, or garbage-collected (FinalizationRegistry safety net).
 */
export class Storage {
  refs = 0;
  freed = false;
  constructor(readonly off: number, readonly bytes: number) {}

  /**
   * Allocates a new block. Out of memory, the MemoryError also says how many NDArrays are alive and not disposed,
   * and how to free them: the garbage collector rarely runs the finalizers in time (the JavaScript heap stays small
   * while the wasm memory fills).
   * @example Storage.alloc(4096)
   */
  static alloc(bytes: number): Storage {
    const a = rt().alloc;
    try { return new Storage(a.alloc(bytes), bytes); } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      const n = liveArrays(), used = a.stats().bytesInUse;
      throw new MemoryError(`${e.message}. ${n} NDArrays are alive and not disposed (${(used / 2 ** 20).toFixed(1)} MiB in use): call dispose() on arrays you no longer need, or make them inside ` +
        `mx.tidy(() => ...), which disposes what the function made except what it returns`, { ...e.where, liveArrays: n, bytesInUse: used });
    }
  }

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
