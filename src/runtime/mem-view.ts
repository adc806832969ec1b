// The primitive under the one view helper (view.ts): a typed-array view made fresh from a memory's buffer, never kept
// across a growth. view.ts applies it to the runtime's memory; runtime.ts (which view.ts imports) and worker code that
// holds a memory before or beside its runtime use it directly.

type Ctor<T> = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T;

/** A view of `memory` (any typed-array class). @example viewOf(m.memory, Uint8Array, off, n).slice() */
export const viewOf = <T>(memory: WebAssembly.Memory, C: Ctor<T>, byteOffset: number, length: number): T => new C(memory.buffer, byteOffset, length);

/**
 * The Int32 words of a control block (the data-parallel mailboxes and control blocks, the watchdog table): Atomics
 * need an Int32Array. Fresh per use like any view (the thread pool's hot loop keeps one until `memory.buffer` changes).
 * @example Atomics.notify(words(r.memory, mailbox, 4), 0)
 */
export const words = (memory: WebAssembly.Memory, byteOffset: number, n: number): Int32Array => new Int32Array(memory.buffer, byteOffset, n);
