import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';

test('kvstore: MXNet docstring numbers (push ones*8 -> 8s; push 4 copies -> 4s), updater, list keys', () => {
  const kv = mx.kv.create('local');
  assert.is(kv.rank, 0); assert.is(kv.numWorkers, 1); assert.is(kv.type, 'local');
  kv.init(3, mx.nd.ones([2, 3]));
  kv.push(3, mx.nd.full([2, 3], 8));
  const a = mx.nd.zeros([2, 3]); kv.pull(3, a);
  assert.equal([...a.data], Array(6).fill(8));
  kv.push(3, [0, 1, 2, 3].map(() => mx.nd.ones([2, 3])));
  const outs = [mx.nd.zeros([2, 3]), mx.nd.zeros([2, 3])]; kv.pull(3, outs);
  assert.equal([...outs[1].data], Array(6).fill(4));
  kv.setUpdater((_k, g, w) => { const d = w.data, gd = g.data; for (let i = 0; i < d.length; i++) d[i] += 2 * gd[i]; });
  kv.pushPull(3, mx.nd.ones([2, 3]), a);
  assert.equal([...a.data], Array(6).fill(6));
  kv.init(['x', 'y'], [mx.nd.ones([2]), mx.nd.zeros([2])]);
  const xy = [mx.nd.zeros([2]), mx.nd.ones([2])]; kv.pull(['x', 'y'], xy);
  assert.equal([...xy[0].data, ...xy[1].data], [1, 1, 0, 0]);
  assert.throws(() => kv.pull(9, a), /not been initialized/);
  assert.throws(() => mx.kv.create('dist_sync'), /DMLC_PS_ROOT_URI is not set.*mxwasm launch/);
});

test('kvstore setOptimizer runs the optimizer on the stored weight', () => {
  const kv = mx.kv.create('device');
  kv.setOptimizer(mx.optimizer.create('sgd', { learning_rate: 0.5 }));
  kv.init(0, mx.nd.ones([4]));
  kv.push(0, mx.nd.ones([4]));
  const w = mx.nd.zeros([4]); kv.pull(0, w);
  assert.equal([...w.data], [0.5, 0.5, 0.5, 0.5]);
  assert.ok(kv.saveOptimizerStates().length > 8);
});

test('Speedometer logs MXNet lines and resets the local metric; LogValidationMetricsCallback; ProgressBar plain lines', () => {
  const lines: string[] = [];
  const old = mx.callback.setLogger((m) => lines.push(m));
  try {
    const m = mx.metric.create('acc');
    m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [1, 0]])]);
    const sp = mx.callback.Speedometer(2, 2);
    for (let i = 0; i <= 4; i++) sp({ epoch: 1, nbatch: i, evalMetric: m });
    assert.is(lines.length, 2);
    assert.match(lines[0], /^Epoch\[1\] Batch \[0-2\]\tSpeed: [\d.]+ samples\/sec\taccuracy=0\.500000$/);
    assert.match(lines[1], /accuracy=nan$/);
    m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [0, 1]])]);
    mx.callback.LogValidationMetricsCallback()({ epoch: 3, nbatch: 0, evalMetric: m });
    assert.is(lines[2], 'Epoch[3] Validation-accuracy=1.000000');
  } finally { mx.callback.setLogger(old); }
  const out: string[] = [];
  const pb = mx.callback.ProgressBar(20, { stream: { isTTY: false, write: (s: string) => { out.push(s); } } });
  for (let i = 0; i < 20; i++) pb({ epoch: 0, nbatch: i, evalMetric: null });
  assert.is(out.length, 10);
  assert.match(out[9], /100% 20\/20/);
  const tty: string[] = [];
  const pt = mx.callback.ProgressBar(3, { stream: { isTTY: true, write: (s: string) => { tty.push(s); } } });
  for (let i = 0; i < 3; i++) pt({ epoch: 0, nbatch: i, evalMetric: null });
  assert.is(tty.length, 3); assert.ok(tty[0].startsWith('\r') && tty[0].includes('ETA') && tty[2].endsWith('\n'));
});

test.run();
