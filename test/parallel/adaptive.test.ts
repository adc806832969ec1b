// The cost model (src/parallel/threads.ts): while the pool's measured gain on small calls is under 1.1, small calls
// run on the calling thread (one in 16 still goes to the workers, as a probe); large calls split unless their own
// gain is under 1 (then one in 8 splits); with the gains above, every call splits. Idle workers poll after a job only
// while both gains say the cores are there. Results are the same bits on either path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { poolForTests, setThreadAdaptive } from '../../src/parallel/threads.js';
import { SPIN_US } from '../../src/parallel/pool.js';
import { kernels } from '../../src/runtime/manifest.js';

const jobs = () => mx.threadStats()!.jobs;
/** Sets every kernel's measured gain on small (even entries) or large (odd entries) calls, and the pool-wide one. */
function setGain(pool: NonNullable<ReturnType<typeof poolForTests>>, which: 'small' | 'big', v: number): void {
  for (let i = which === 'small' ? 0 : 1; i < pool.gains.length; i += 2) pool.gains[i] = v;
  if (which === 'small') pool.gain = v; else pool.gainBig = v;
  pool.waker.shared = 0; // wakes have not taken the caller's core (else calls finding the workers asleep stay home)
}

test('small calls stay on the calling thread while parallel calls do not pay; large ones still split', async () => {
  const old = setThreadAdaptive(true);
  mx.setNumThreads(2);
  await mx.threadsReady();
  const pool = poolForTests()!;
  const a = mx.nd.array(randArray(96 * 96, 1), { shape: [96, 96] }); // 96^3: small (under 32 * 64^3 per thread)
  const big = mx.nd.array(randArray(288 * 288, 2), { shape: [288, 288] }); // 288^3: not small
  try {
    const ref = mx.nd.dot(a, a).toTypedArray();
    // The gain is set before every call (a probe's own measurement would move it).
    const j0 = jobs();
    for (let i = 0; i < 16; i++) {
      setGain(pool, 'small', 0.9);
      const y = mx.nd.dot(a, a);
      assert.equal(y.toTypedArray(), ref, 'same bits on the calling thread');
      y.dispose();
    }
    assert.is(jobs() - j0, 1, '16 small products: 15 on the calling thread, 1 probe to the workers');
    const jp = jobs();
    for (let i = 0; i < 4; i++) { setGain(pool, 'small', 0.9); mx.nd.dot(a, a).dispose(); }
    assert.is(jobs() - jp, 3, 'a probe (gain 0.7-1.1) is a burst: the next 3 small calls go to the workers too, then home');
    const jr = jobs();
    for (let i = 0; i < 64; i++) { setGain(pool, 'small', 0.5); mx.nd.dot(a, a).dispose(); }
    assert.is(jobs() - jr, 1, 'gain under 0.7: one probe in 64');
    const j1 = jobs();
    setGain(pool, 'small', 0.5);
    mx.nd.dot(big, big).dispose();
    assert.is(jobs() - j1, 1, 'a large product splits whatever the small calls\' gain');
    assert.is(pool.spinWindow, 0, 'small calls losing: idle workers sleep at once');
    const bigRef = mx.nd.dot(big, big).toTypedArray();
    const jb = jobs();
    for (let i = 0; i < 16; i++) {
      setGain(pool, 'big', 0.7);
      const y = mx.nd.dot(big, big);
      assert.equal(y.toTypedArray(), bigRef, 'a large product: same bits on the calling thread');
      y.dispose();
    }
    assert.is(jobs() - jb, 2, 'large products losing (gain under 1): one in 8 still splits');
    setGain(pool, 'big', 2);
    const k = pool.gains.findIndex((g, i) => i % 2 === 1 && g !== 2), jk = jobs();
    assert.is(k, -1, 'every large-call gain reset');
    pool.gains.fill(0.5); pool.gain = pool.gainBig = 0.5; // every kernel losing (and the pool-wide measures) but the GEMMs
    for (const name of ['f32_gemm__simd128', 'f32_gemm__relaxedsimd']) { const i = kernels().findIndex((x) => x.name === name); pool.gains[2 * i] = pool.gains[2 * i + 1] = 2; }
    for (let i = 0; i < 4; i++) { pool.waker.shared = 0; mx.nd.dot(a, a).dispose(); }
    assert.is(jobs() - jk, 4, 'per kernel: other kernels losing do not keep a GEMM home');
    pool.gains.fill(2); pool.gain = pool.gainBig = 2;
    setGain(pool, 'small', 2);
    const j2 = jobs();
    for (let i = 0; i < 4; i++) { pool.waker.shared = 0; mx.nd.dot(a, a).dispose(); }
    assert.is(jobs() - j2, 4, 'with the workers paying, every small product splits');
    assert.ok(pool.gain > 0 && pool.gain <= 4, `gain ${pool.gain} measured and bounded`);
    assert.ok(pool.gainBig > 0 && pool.gainBig <= 4, `gainBig ${pool.gainBig} measured and bounded`);
    if (pool.gain >= 0.6 && pool.gainBig >= 0.8) assert.is(pool.spinWindow, SPIN_US, 'both gains fine: idle workers poll for the window');
    setThreadAdaptive(false);
    setGain(pool, 'small', 0.5);
    const j3 = jobs();
    for (let i = 0; i < 4; i++) mx.nd.dot(a, a).dispose();
    assert.is(jobs() - j3, 4, 'turned off: every small product splits');
  } finally {
    setThreadAdaptive(old);
    a.dispose(); big.dispose();
  }
});

test.run();
