// Workers asleep between imperative calls (src/parallel/wake.ts, worker-source.ts): an imperative
// call that split last time wakes sleeping workers before its set-up, and a pre-woken worker spins a fresh window (a
// wake without a job used to send it straight back to sleep); a worker that ran a whole job alone (woken on the
// caller's own core) sleeps at once; while jobs posted to sleeping workers get no help, calls that would wake them stay on the
// calling thread. Same bits on every path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { poolForTests, setThreadAdaptive, setThreadSpin } from '../../src/parallel/threads.js';
import { SPIN_US, type Pool } from '../../src/parallel/pool.js';
import { setThreadWake, threadWake } from '../../src/runtime/parts.js';

const nap = new Int32Array(new SharedArrayBuffer(4));
/** Polls `f` every ms for up to `ms`; whether it held. */
function until(f: () => boolean, ms = 3000): boolean {
  for (const t0 = Date.now(); Date.now() - t0 < ms;) { if (f()) return true; Atomics.wait(nap, 0, 0, 1); }
  return f();
}
async function pool(): Promise<Pool> {
  mx.setNumThreads(2);
  await mx.threadsReady();
  return poolForTests()!;
}
const a = () => mx.nd.array(randArray(256 * 256, 7), { shape: [256, 256] }); // 256^3: splits on 2 threads

test('an imperative call that split pre-wakes sleeping workers the next time; a pre-woken worker spins a fresh window', async () => {
  const p = await pool(), x = a();
  try {
    setThreadSpin(20); // workers sleep right after a job
    p.waker.shared = 0;
    const ref = mx.nd.dot(x, x).toTypedArray(), w0 = p.waker.prewakes;
    assert.ok(until(() => p.asleep), 'the workers fell asleep after the job');
    const y = mx.nd.dot(x, x);
    assert.equal(y.toTypedArray(), ref, 'same bits');
    y.dispose();
    assert.is(p.waker.prewakes - w0, 1, 'the second call found them asleep and woke them before its job');
    const w1 = p.waker.prewakes;
    assert.ok(until(() => p.asleep), 'asleep again');
    mx.nd.elemwise_add(mx.nd.ones([4]), mx.nd.ones([4])).dispose();
    assert.is(p.waker.prewakes, w1, 'a call that does not split wakes nobody');
    // A long window: a pre-woken worker spins it (a wake without a job used to go straight back to sleep). The
    // caller's acknowledgement can come late on a loaded machine (the worker then sleeps again): up to 20 tries.
    setThreadSpin(500_000);
    let awake = false;
    for (let i = 0; i < 20 && !awake; i++) {
      assert.ok(until(() => p.asleep), 'asleep before the pre-wake');
      p.prewake();
      awake = until(() => !p.asleep, 200) && !until(() => p.asleep, 100);
    }
    assert.ok(awake, 'the pre-woken worker spins its window instead of sleeping again');
  } finally { setThreadSpin(SPIN_US); x.dispose(); }
});

test('a worker that ran a whole job alone sleeps at once instead of spinning its window', async () => {
  const p = await pool(), x = a();
  try {
    const ref = mx.nd.dot(x, x).toTypedArray();
    assert.ok(until(() => p.asleep), 'asleep after the 200 µs window');
    setThreadSpin(500_000); // a window far longer than the wait below
    p.soloForTests = true; // the caller takes no part: the worker runs them all
    p.waker.shared = 0;
    const waker = threadWake();
    setThreadWake(undefined); // no pre-wake: the job itself wakes the worker
    const y = mx.nd.dot(x, x);
    setThreadWake(waker);
    p.soloForTests = false;
    assert.is(p.waker.shared, 0.25, 'a job posted to sleeping workers that the caller ran no part of counts as no help');
    assert.equal(y.toTypedArray(), ref, 'same bits from the worker alone');
    y.dispose();
    assert.ok(until(() => p.asleep, 200), 'asleep right after its solo job, not after the 500 ms window');
  } finally { p.soloForTests = false; setThreadSpin(SPIN_US); x.dispose(); }
});

test('while jobs that woke sleeping workers got no help, calls that would wake them stay home (one in 32 still wakes them)', async () => {
  const p = await pool(), x = a(), old = setThreadAdaptive(true), waker = threadWake();
  setThreadWake(undefined); // no pre-wakes (their probes would wake the workers before some of these calls)
  try {
    setThreadSpin(20);
    const ref = mx.nd.dot(x, x).toTypedArray();
    let jobs = 0;
    for (let i = 0; i < 32; i++) {
      assert.ok(until(() => p.asleep), 'asleep before the call');
      p.gains.fill(2); p.waker.shared = 1;
      const j0 = p.stats.jobs, y = mx.nd.dot(x, x);
      jobs += p.stats.jobs - j0;
      assert.equal(y.toTypedArray(), ref, 'same bits on the calling thread');
      y.dispose();
    }
    assert.is(jobs, 1, '32 calls with sleeping workers: one probe');
    assert.ok(until(() => p.asleep), 'asleep');
    p.gains.fill(2); p.waker.shared = 0;
    const j1 = p.stats.jobs;
    mx.nd.dot(x, x).dispose();
    assert.is(p.stats.jobs - j1, 1, 'wakes prompt again: the call splits');
  } finally { setThreadWake(waker); setThreadAdaptive(old); setThreadSpin(SPIN_US); x.dispose(); }
});

test.run();
