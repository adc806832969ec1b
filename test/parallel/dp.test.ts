import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose } from '../helpers.js';
import { ExecutorGroup, dataParallelAvailable } from '../../src/parallel/dp.js';
import { rt } from '../../src/runtime/runtime.js';

const skip = !dataParallelAvailable();
if (skip) console.log('  (data-parallel tests skipped: no shared memory workers here)');

function net() {
  const data = mx.sym.Variable('data');
  let x = mx.sym.FullyConnected({ data, num_hidden: 16, name: 'fc1' });
  x = mx.sym.BatchNorm({ data: x, fix_gamma: false, name: 'bn1' });
  x = mx.sym.Activation({ data: x, act_type: 'relu', name: 'relu1' });
  x = mx.sym.FullyConnected({ data: x, num_hidden: 5, name: 'fc2' });
  return mx.sym.SoftmaxOutput({ data: x, name: 'softmax' });
}

test('data parallel: a worker executor over shared weights gives the same gradients as the main one', () => {
  if (skip) return;
  const sym = net(), B = 6;
  const req: Record<string, 'write' | 'null'> = {};
  for (const n of sym.listArguments()) req[n] = n === 'data' || n === 'softmax_label' ? 'null' : 'write';
  const before = rt().alloc.stats().bytesInUse;
  const exe0 = sym.simpleBind({ shapes: { data: [B, 7], softmax_label: [B] }, gradReq: req });
  const region = rt().alloc.stats().bytesInUse - before;
  for (const [k, a] of Object.entries(exe0.argDict)) if (k !== 'softmax_label') a.data.set(randArray(a.size, k.length + 3));
  exe0.argDict.softmax_label.data.set([0, 1, 2, 3, 4, 0]);
  if (exe0.argDict.bn1_gamma) exe0.argDict.bn1_gamma.data.fill(1);
  const g = new ExecutorGroup(sym, exe0, 2, req, ['data', 'softmax_label'], region);
  try {
    const v1 = g.views[1];
    assert.ok(v1.argDict.fc1_weight === exe0.argDict.fc1_weight, 'weights are shared');
    assert.ok(v1.argDict.data.byteOffset !== exe0.argDict.data.byteOffset, 'data is per executor');
    v1.argDict.data.data.set(exe0.argDict.data.data as Float32Array);
    v1.argDict.softmax_label.data.set(exe0.argDict.softmax_label.data as Float32Array);
    g.run(4);
    for (const n of ['fc1_weight', 'fc2_weight', 'fc1_bias', 'bn1_gamma']) assertClose(v1.gradDict[n].data, exe0.gradDict[n].data, 1e-6, 1e-7, n);
    assertClose(v1.outputs[0].data, exe0.outputs[0].data, 1e-6, 1e-7, 'outputs');
    assertClose(v1.auxDict.bn1_moving_mean.data, exe0.auxDict.bn1_moving_mean.data, 1e-6, 1e-7, 'aux');
  } finally { g.dispose(); exe0.dispose(); }
});

test.run();
