import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Allocator, ALIGN, type Growable } from '../../src/runtime/allocator.js';
import { mulberry32 } from '../../src/util/random.js';
import { mx } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';

/** A fake growable memory: a byte length that grows in 64 KiB pages up to a maximum. */
function fakeMemory(initial: number, max: number): Growable & { grows: number } {
  let len = initial;
  const m = {
    grows: 0,
    byteLength: () => len,
    maxBytes: () => max,
    growTo: (bytes: number) => { if (bytes > max) return false; len = Math.ceil(bytes / 65536) * 65536; m.grows++; return true; },
  };
  return m;
}

test('allocator: 100k random alloc/free, 64-byte aligned, no overlap, no leak, grows on demand', () => {
  const mem = fakeMemory(1 << 20, 1 << 30);
  const a = new Allocator(mem, 1000);
  const r = mulberry32(99);
  const live = new Map<number, number>(); // offset -> requested bytes
  for (let i = 0; i < 100_000; i++) {
    if (live.size && (r() < 0.45 || live.size > 2000)) {
      const keys = [...live.keys()];
      const k = keys[Math.floor(r() * keys.length)];
      a.free(k); live.delete(k);
    } else {
      const bytes = r() < 0.05 ? Math.floor(r() * 300_000) : Math.floor(r() * 5000);
      const off = a.alloc(bytes);
      assert.is(off % ALIGN, 0);
      assert.ok(off >= 1000, 'above the base');
      live.set(off, bytes);
    }
    if (i % 5000 === 0) {
      // No two live blocks overlap.
      const spans = [...live.entries()].map(([o, b]) => [o, o + Math.max(1, b)] as const).sort((x, y) => x[0] - y[0]);
      for (let j = 1; j < spans.length; j++) assert.ok(spans[j][0] >= spans[j - 1][1], `overlap at ${spans[j][0]}`);
    }
  }
  assert.ok(mem.grows > 0, 'the memory grew');
  const s = a.stats();
  assert.is(s.liveBlocks, live.size);
  for (const k of live.keys()) a.free(k);
  const e = a.stats();
  assert.is(e.bytesInUse, 0, 'no leak');
  assert.is(e.liveBlocks, 0);
  assert.is(e.freeBytes, e.totalBytes, 'free blocks coalesce back into one region');
  assert.ok(e.peakBytes >= s.bytesInUse);
  const grows = mem.grows;
  a.alloc(e.totalBytes); // fits only if every freed block merged back into one
  assert.is(mem.grows, grows, 'no growth needed');
});

test('allocator: out of memory is a MemoryError with the bytes asked and available; double free is caught', () => {
  const a = new Allocator(fakeMemory(1 << 16, 1 << 20), 64);
  const x = a.alloc(1000);
  assert.throws(() => a.alloc(4 << 20), (e: Error) => e.name === 'MemoryError' && /asked for 4194304 bytes/.test(e.message) && /available/.test(e.message));
  a.free(x);
  assert.throws(() => a.free(x), /unknown block|double free/);
  assert.throws(() => a.alloc(-5), /invalid allocation size/);
});

test('runtime: growth while arrays are live keeps their data, and fresh views see the grown memory', () => {
  const keep = mx.nd.arange(0, 1000);
  const before = rt().memory.buffer.byteLength;
  const big: InstanceType<typeof mx.NDArray>[] = [];
  while (rt().memory.buffer.byteLength === before) big.push(mx.nd.zeros([1 << 20])); // 4 MiB each until the memory grows
  assert.ok(rt().memory.buffer.byteLength > before);
  assert.equal(Array.from(keep.data.subarray(0, 5)), [0, 1, 2, 3, 4]);
  assert.is(keep.data[999], 999);
  const last = big[big.length - 1];
  last.data[(1 << 20) - 1] = 7; // a view past the old end works: views are always made fresh
  assert.is(last.toArray()[(1 << 20) - 1], 7);
  const inUse = mx.memoryStats().bytesInUse;
  for (const b of big) b.dispose();
  assert.ok(mx.memoryStats().bytesInUse < inUse);
  keep.dispose();
});

test.run();
