// Kernel-worker death where no supervisor watches (browsers, and any platform without one): run here in Node with
// the platform's `supervised` flag off, so the pool starts its workers directly as in a browser. A worker whose loop
// an error ends says so itself in shared memory, and a terminate() through the pool's handle is marked at once: the
// caller's wait fails that call with a KernelError naming the worker (not the 60 s bound), and the next call starts a
// fresh pool. The same paths run in Chromium in test/browser/pool-death.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { isMxError } from '../../src/errors.js';
import { setThreadPlatform, threadPlatform } from '../../src/parallel/pool.js';
import { poolForTests } from '../../src/parallel/threads.js';
import { rt } from '../../src/runtime/runtime.js';

const usable = () => rt().shared && rt().features.sharedPostable && !!threadPlatform();
const matrix = () => mx.nd.array(randArray(256 * 256, 7), { shape: [256, 256] });

/** Runs f with the platform unsupervised (a fresh pool started that way), then restores it. */
async function unsupervised(f: () => Promise<void>): Promise<void> {
  const p = threadPlatform()!, before = mx.getNumThreads();
  mx.setNumThreads(1);
  setThreadPlatform({ ...p, supervised: false });
  try { mx.setNumThreads(2); await mx.threadsReady(); await f(); } finally {
    mx.setNumThreads(1); setThreadPlatform(p); mx.setNumThreads(before); // the next files run as this one started
    if (before > 1) await mx.threadsReady();
  }
}

test('unsupervised pool: a worker that throws outside a kernel holding a part: the call fails naming it, the next runs', async () => {
  if (!usable()) return;
  await unsupervised(async () => {
    const a = matrix(), ref = mx.nd.dot(a, a), p = poolForTests()!;
    assert.is(mx.getNumThreads(), 2);
    p.killWorkerForTests(1, 'throw');
    let err: unknown;
    for (let i = 0; i < 200 && !err; i++) { try { mx.nd.dot(a, a).dispose(); } catch (e) { err = e; } } // until it takes a part
    assert.ok(isMxError(err), String(err));
    assert.match((err as Error).message, /worker 1 died/);
    assert.not.match((err as Error).message, /did not finish/, 'seen through word 8, not the 60 s bound');
    const b = mx.nd.dot(a, a);
    assert.equal(Array.from(b.data.subarray(0, 64)), Array.from(ref.data.subarray(0, 64)));
    await mx.threadsReady();
    assert.ok(poolForTests() !== p && mx.getNumThreads() === 2, 'a fresh pool');
    for (const x of [a, ref, b]) x.dispose();
  });
});

test('unsupervised pool: a worker terminated through its handle is reported at once; the next call starts a fresh pool', async () => {
  if (!usable()) return;
  await unsupervised(async () => {
    const a = matrix(), ref = mx.nd.dot(a, a), p = poolForTests()!;
    p.killWorkerForTests(1, 'terminate');
    assert.is(mx.getNumThreads(), 1, 'seen without an event turn');
    assert.match(mx.runtimeInfo().notes.join('\n'), /worker 1 died/);
    const b = mx.nd.dot(a, a);
    assert.equal(Array.from(b.data.subarray(0, 64)), Array.from(ref.data.subarray(0, 64)));
    await mx.threadsReady();
    assert.ok(poolForTests() !== p && mx.getNumThreads() === 2, 'a fresh pool');
    for (const x of [a, ref, b]) x.dispose();
  });
});

test.run();
