// The RNN op at batch 1 (whole-sequence kernels, input GEMMs split across threads) on 2 threads == 1 thread, bitwise,
// and vs the reference, at sizes the thread pool cuts. The sequence kernels themselves have no thread split (see
// src/runtime/manifest/rnn.ts); their chunked steps are tested on one thread in test/kernels/rnn-seq.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, invoke, assertClose } from '../helpers.js';
import { setKernelThreadsSuspended, setThreadAdaptive } from '../../src/parallel/threads.js';
import { rnnRef, type RnnRefOpts } from '../../src/reference/rnn.js';
import { rnnParamSize } from '../../src/ops/seq/rnn-layout.js';

const T = 32, H = 80;

function same(a: Float32Array, b: Float32Array, what: string): void {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: element ${i} ${a[i]} vs ${b[i]}`);
}

test('RNN op at batch 1 (2 layers, bidirectional) on 2 threads: the same bits as 1 thread, and the reference', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false);
  mx.setNumThreads(2);
  await mx.threadsReady();
  try {
    for (const mode of ['lstm', 'gru'] as const) {
      const o: RnnRefOpts = { mode, H, L: 2, D: 2 }, I = 16, lstm = mode === 'lstm';
      const x = mx.nd.array(randArray(T * I, 6)).reshape([T, 1, I]), w = mx.nd.array(randArray(rnnParamSize(mode, 2, I, H, 2, 0), 7, -0.15, 0.15));
      const hx = mx.nd.array(randArray(4 * H, 8)).reshape([4, 1, H]), cx = mx.nd.array(randArray(4 * H, 9)).reshape([4, 1, H]);
      const ins = lstm ? [x, w, hx, cx] : [x, w, hx], attrs = { mode, state_size: H, num_layers: 2, bidirectional: true, state_outputs: true };
      setKernelThreadsSuspended(true);
      const one = invoke('RNN', ins, attrs).map((a) => a.data.slice() as Float32Array);
      setKernelThreadsSuspended(false);
      const two = invoke('RNN', ins, attrs).map((a) => a.data.slice() as Float32Array);
      one.forEach((a, i) => same(a, two[i], `${mode} output ${i}`));
      const ref = rnnRef(x.data, w.data, hx.data, lstm ? cx.data : null, T, 1, I, o);
      assertClose(two[0], ref.out, 2e-5, 2e-6, `${mode} out`); assertClose(two[1], ref.hy, 2e-5, 2e-6, `${mode} hy`);
      if (lstm) assertClose(two[2], ref.cy, 2e-5, 2e-6, `${mode} cy`);
    }
  } finally { setKernelThreadsSuspended(false); setThreadAdaptive(adapt); mx.setNumThreads(before); }
});

test.run();
