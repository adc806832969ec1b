import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';

test('threads: runtimeInfo reports mode, variant and threads', () => {
  const info = mx.runtimeInfo();
  assert.ok(['shared', 'plain'].includes(info.mode));
  assert.ok(info.threads >= 1);
});

test('threads: a parallel elementwise call equals the single-thread result', async () => {
  mx.setNumThreads(2);
  await mx.threadsReady();
  const n = 300_001;
  const a = mx.nd.array(randArray(n, 1)), b = mx.nd.array(randArray(n, 2));
  const two = mx.nd.elemwise_add(a, b).toTypedArray();
  mx.setNumThreads(1);
  const one = mx.nd.elemwise_add(a, b).toTypedArray();
  assert.equal(Array.from(two.subarray(0, 5)), Array.from(one.subarray(0, 5)));
  let same = true; for (let i = 0; i < n; i++) if (two[i] !== one[i]) { same = false; break; }
  assert.ok(same, 'bitwise identical');
  mx.setNumThreads(2);
  await mx.threadsReady();
});

test('threads: threadStats counts parallel jobs and the parts the workers ran', async () => {
  mx.setNumThreads(2);
  await mx.threadsReady();
  const before = mx.threadStats()!;
  assert.is(before.threads, 2);
  const a = mx.nd.array(randArray(256 * 256, 1), { shape: [256, 256] });
  for (let i = 0; i < 5; i++) mx.nd.dot(a, a).dispose();
  const after = mx.threadStats()!;
  assert.is(after.jobs - before.jobs, 5, 'one job per 256^3 product');
  assert.ok(after.parts - before.parts >= 10, 'at least one part per thread each');
  assert.ok(after.workerShare >= 0 && after.workerShare <= 1);
  a.dispose();
});

test('threads: a large byte copy split across threads copies every byte, unaligned ends included', async () => {
  mx.setNumThreads(2);
  await mx.threadsReady();
  const K = rt().K, al = rt().alloc, n = 800_003, src = al.alloc(n + 64), dst = al.alloc(n + 64); // over 2 x 384 KB: x8_copy splits
  const u8 = () => new Uint8Array(rt().memory.buffer);
  for (let i = 0; i < n; i++) u8()[src + 1 + i] = (i * 7 + 3) & 255;
  u8().fill(0, dst, dst + n + 64);
  const before = mx.threadStats()!.jobs;
  kernelCall(K, 'x8_copy', { src: src + 1, dst: dst + 3, n });
  assert.ok(mx.threadStats()!.jobs > before, 'the copy ran as a parallel job');
  const m = u8();
  let same = true; for (let i = 0; i < n; i++) if (m[dst + 3 + i] !== m[src + 1 + i]) { same = false; break; }
  assert.ok(same, 'every byte copied');
  assert.is(m[dst + 2], 0, 'nothing written before'); assert.is(m[dst + 3 + n], 0, 'nothing written after');
  al.free(src); al.free(dst);
});

test('threads: optimizer updates split across threads equal the single-thread update, bitwise', async () => {
  const n = 300_001, K = rt().K, al = rt().alloc;
  const w0 = randArray(n, 3), g0 = randArray(n, 4), m0 = randArray(n, 5);
  const run = (threads: number) => {
    mx.setNumThreads(threads);
    const [w, g, m] = [w0, g0, m0].map((a) => { const o = al.alloc(n * 4); new Float32Array(rt().memory.buffer, o, n).set(a); return o; });
    for (let s = 0; s < 3; s++) kernelCall(K, 'f32_sgd_mom__simd128_u8', { w, g, m, n, lr: 0.1, wd: 1e-4, rescale: 1 / 64, clip: -1, momentum: 0.9 });
    const out = [w, m].map((o) => new Float32Array(rt().memory.buffer, o, n).slice());
    [w, g, m].forEach((o) => al.free(o));
    return out;
  };
  const one = run(1);
  mx.setNumThreads(2);
  await mx.threadsReady();
  const two = run(2);
  for (let k = 0; k < 2; k++) for (let i = 0; i < n; i++) if (!Object.is(one[k][i], two[k][i])) assert.unreachable(`array ${k} differs at ${i}`);
});

test('threads: a trap on a worker becomes a KernelError naming the kernel, and the pool goes on', async () => {
  mx.setNumThreads(2);
  await mx.threadsReady();
  const K = rt().K;
  const top = rt().memory.buffer.byteLength;
  const n = 1 << 18;
  // Thread 0 gets the first half (in bounds), the worker the second half (out of bounds).
  const x = top - (n / 2) * 4;
  assert.throws(() => kernelCall(K, 'f32_vadd__simd128_u8', { x, y: x, z: x, n }), (e: Error) => e.name === 'KernelError' && /f32_vadd__simd128_u8/.test(e.message));
  const a = mx.nd.ones([n]);
  assert.is(mx.nd.elemwise_add(a, a).data[n - 1], 2);
});

test('threads: setNumThreads validates, shutdown ends workers', () => {
  const before = mx.getNumThreads();
  for (const n of [0, -1, 1e9, 65, 1.5, NaN, '2']) assert.throws(() => mx.setNumThreads(n as number), (e: Error) => e.name === 'ArgumentError' && /from 1 to 64/.test(e.message), String(n));
  assert.is(mx.getNumThreads(), before, 'a refused count changes nothing');
  mx.shutdown();
  const a = mx.nd.ones([1 << 17]);
  assert.is(mx.nd.elemwise_add(a, a).data[5], 2);
});

test.run();
