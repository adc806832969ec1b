import { MemoryError } from '../errors.js';
import { dropRowSet } from './row-sparse.js';

/** Allocation granule: every block starts on a 64-byte boundary (a cache line; any SIMD load is aligned). */
export const ALIGN = 64;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** What the allocator needs from the memory it manages. */
export interface Growable {
  /** Current size of the memory in bytes. */
  byteLength(): number;
  /** Grows to at least `bytes` in total; returns false when the maximum is reached. */
  growTo(bytes: number): boolean;
  /** Largest size the memory may reach. */
  maxBytes(): number;
}

/** Allocator statistics. */
export interface AllocStats { bytesInUse: number; peakBytes: number; liveBlocks: number; totalBytes: number; freeBytes: number }

/**
 * First-fit free-list allocator over a region of the wasm memory that TypeScript owns (above the
 * module's heap base). Free blocks are kept sorted by offset and coalesced on free; when nothing
 * fits, the memory grows by at least a quarter.
 *
 * @example
 * const a = new Allocator(mem, 1024); const off = a.alloc(4096); a.free(off);
 */
export class Allocator {
  private freeOff: number[] = [];
  private freeSize: number[] = [];
  private live = new Map<number, number>();
  private inUse = 0;
  private peak = 0;
  private end: number;

  constructor(private mem: Growable, private base: number) {
    this.base = align(base);
    this.end = this.base;
    const top = Math.floor(mem.byteLength() / ALIGN) * ALIGN;
    if (top > this.base) this.insertFree(this.base, top - this.base);
    this.end = Math.max(top, this.base);
  }

  /** Largest size the memory may reach, in bytes. @example rt().alloc.maxBytes() */
  maxBytes(): number { return this.mem.maxBytes(); }

  /** Allocates `bytes` (rounded up to 64), returns the byte offset. Throws MemoryError when the memory cannot grow. */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new MemoryError(`invalid allocation size ${bytes}`, { bytes });
    const size = align(Math.max(bytes, 1));
    let i = this.findFit(size);
    if (i < 0) { this.grow(size); i = this.findFit(size); }
    if (i < 0) throw new MemoryError(`out of memory: asked for ${size} bytes, ${this.largestFree()} available in one block`, { bytes: size });
    const off = this.freeOff[i];
    if (this.freeSize[i] === size) { this.freeOff.splice(i, 1); this.freeSize.splice(i, 1); }
    else { this.freeOff[i] += size; this.freeSize[i] -= size; }
    this.live.set(off, size);
    this.inUse += size;
    if (this.inUse > this.peak) this.peak = this.inUse;
    return off;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  free(off: number): void {
    const size = this.live.get(off);
    if (size === undefined) throw new MemoryError(`free of unknown block at byte ${off}`, { offset: off });
    this.live.delete(off);
    dropRowSet(off);
    this.inUse -= size;
    this.insertFree(off, size);
  }

  /** Size in bytes of a live block, or undefined. */
  sizeOf(off: number): number | undefined { return this.live.get(off); }

  stats(): AllocStats {
    let freeBytes = 0;
    for (const s of this.freeSize) freeBytes += s;
    return { bytesInUse: this.inUse, peakBytes: this.peak, liveBlocks: this.live.size, totalBytes: this.end - this.base, freeBytes };
  }

  /** Resets the peak counter to the current use (for measuring one phase). */
  resetPeak(): void { this.peak = this.inUse; }

  private findFit(size: number): number {
    for (let i = 0; i < this.freeSize.length; i++) if (this.freeSize[i] >= size) return i;
    return -1;
  }

  private largestFree(): number {
    let m = 0;
    for (const s of this.freeSize) m = Math.max(m, s);
    return m + Math.max(0, this.mem.maxBytes() - this.end);
  }

  private grow(size: number): void {
    // Reuse a free block that touches the end of memory, so the growth only covers the difference.
    const last = this.freeOff.length - 1;
    const tailFree = last >= 0 && this.freeOff[last] + this.freeSize[last] === this.end ? this.freeSize[last] : 0;
    const need = size - tailFree;
    const target = Math.min(this.mem.maxBytes(), this.end + Math.max(need, Math.floor(this.end / 4)));
    if (target - this.end < need) {
      throw new MemoryError(`out of memory: asked for ${size} bytes, ${this.largestFree()} available (maximum ${this.mem.maxBytes()} bytes)`, { bytes: size });
    }
    if (!this.mem.growTo(target)) throw new MemoryError(`out of memory: the engine refused to grow to ${target} bytes (asked for ${size})`, { bytes: size });
    const top = Math.floor(this.mem.byteLength() / ALIGN) * ALIGN;
    this.insertFree(this.end, top - this.end);
    this.end = top;
  }

  private insertFree(off: number, size: number): void {
    if (size <= 0) return;
    // Binary search for the insertion point, keeping blocks sorted by offset.
    let lo = 0, hi = this.freeOff.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.freeOff[mid] < off) lo = mid + 1; else hi = mid; }
    const prev = lo - 1;
    if (prev >= 0 && this.freeOff[prev] + this.freeSize[prev] > off) throw new MemoryError(`double free at byte ${off}`, { offset: off });
    if (lo < this.freeOff.length && off + size > this.freeOff[lo]) throw new MemoryError(`double free at byte ${off}`, { offset: off });
    const mergePrev = prev >= 0 && this.freeOff[prev] + this.freeSize[prev] === off;
    const mergeNext = lo < this.freeOff.length && off + size === this.freeOff[lo];
    if (mergePrev && mergeNext) {
      this.freeSize[prev] += size + this.freeSize[lo];
      this.freeOff.splice(lo, 1); this.freeSize.splice(lo, 1);
    } else if (mergePrev) this.freeSize[prev] += size;
    else if (mergeNext) { this.freeOff[lo] = off; this.freeSize[lo] += size; }
    else { this.freeOff.splice(lo, 0, off); this.freeSize.splice(lo, 0, size); }
  }
}
