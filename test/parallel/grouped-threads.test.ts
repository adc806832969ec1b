// A grouped convolution's per-group GEMMs run as the parts of one parallel job (src/runtime/parts.ts): the same bits
// as on one thread, per image and per block of images, with bias and fused relu; more groups than a job holds go
// as several jobs. (The first case, 4 channels a group on 28² planes, runs the direct few-channel kernel per group.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { setKernelThreadsSuspended } from '../../src/parallel/threads.js';

// [N, C, H, W, F, groups, kernel, stride, pad]
const CASES: number[][] = [[1, 128, 28, 28, 128, 32, 3, 1, 1], [3, 64, 15, 13, 32, 4, 3, 2, 1], [2, 64, 24, 24, 128, 2, 1, 1, 0], [1, 140, 12, 12, 140, 70, 3, 1, 1]];

function conv([N, C, H, W, F, G, k, s, p]: number[], seed: number, act: boolean) {
  const x = mx.nd.array(randArray(N * C * H * W, seed), { shape: [N, C, H, W] });
  const w = mx.nd.array(randArray(F * (C / G) * k * k, seed + 1), { shape: [F, C / G, k, k] });
  const b = mx.nd.array(randArray(F, seed + 2), { shape: [F] });
  const exe = mx.sym.Activation({ data: mx.sym.Convolution({ data: mx.sym.Variable('x'), kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: F, num_group: G, name: 'c' }), act_type: act ? 'relu' : 'sigmoid' })
    .simpleBind({ shapes: { x: [N, C, H, W] }, gradReq: 'null' });
  exe.argDict.x.set(x.data); exe.argDict.c_weight.set(w.data); exe.argDict.c_bias.set(b.data);
  for (const a of [x, w, b]) a.dispose();
  return exe;
}

test('grouped conv: per-group GEMMs on 2 threads give the same bits as 1, as parallel jobs', async () => {
  const before = mx.getNumThreads();
  mx.setNumThreads(2);
  await mx.threadsReady();
  try {
    CASES.forEach((c, i) => {
      const exe = conv(c, 20 + i, i % 2 === 0);
      setKernelThreadsSuspended(true);
      const one = exe.forward()[0].toTypedArray();
      setKernelThreadsSuspended(false);
      const jobs = mx.threadStats()!.jobs;
      const two = exe.forward()[0].toTypedArray();
      assert.ok(mx.threadStats()!.jobs > jobs, `${c.join(',')}: ran parallel jobs`);
      assert.is(two.length, one.length);
      for (let j = 0; j < one.length; j++) if (!Object.is(one[j], two[j])) assert.unreachable(`${c.join(',')}: element ${j} ${one[j]} vs ${two[j]}`);
      exe.dispose();
    });
  } finally { setKernelThreadsSuspended(false); mx.setNumThreads(before); }
});

test.run();
