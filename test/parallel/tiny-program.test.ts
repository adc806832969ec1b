// A tiny program (under MXWASM_TINY_MS a run, src/executor/program.ts) is measured both ways: its first runs alternate
// between the threads and the calling thread alone (then it takes the faster, probing the other), with the same bits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { setThreadAdaptive } from '../../src/parallel/threads.js';
import { setTinyProgramMs } from '../../src/executor/program.js';

test('a tiny program alternates its first runs between 2 threads and 1, same bits every run', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false), tiny = setTinyProgramMs(1e6); // tiny however loaded the machine
  mx.setNumThreads(2);
  await mx.threadsReady();
  try {
    const exe = mx.models.lenet().simpleBind({ shapes: { data: [1, 1, 28, 28] }, gradReq: 'null' });
    for (const [n, a] of Object.entries(exe.argDict)) if (n !== 'data') a.set(randArray(a.size, n.length));
    const x = randArray(784, 3);
    let first: Float32Array | undefined;
    const split: boolean[] = [];
    for (let r = 0; r < 16; r++) {
      const jobs = mx.threadStats()!.jobs;
      const y = exe.forward({ data: x })[0].toTypedArray() as Float32Array;
      split.push(mx.threadStats()!.jobs > jobs);
      first ??= y;
      for (let j = 0; j < y.length; j++) if (!Object.is(y[j], first[j])) assert.unreachable(`run ${r}: element ${j} ${y[j]} vs ${first[j]}`);
    }
    // Even runs on the threads (LeNet's conv2 GEMM and FC1 GEMV split), odd ones on this thread alone.
    assert.equal(split, Array.from({ length: 16 }, (_, r) => r % 2 === 0));
    exe.dispose();
  } finally { setThreadAdaptive(adapt); setTinyProgramMs(tiny); mx.setNumThreads(before); }
});

test.run();
