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

function trainWeights(ctx: unknown, batches: { data: Float32Array; label: Float32Array }[], B: number, withBN: boolean, seqHalves = false) {
  const data = mx.sym.Variable('data');
  let x = mx.sym.FullyConnected({ data, num_hidden: 12, name: 'fc1' });
  if (withBN) x = mx.sym.BatchNorm({ data: x, fix_gamma: false, name: 'bn1' });
  x = mx.sym.Activation({ data: x, act_type: 'tanh', name: 't1' });
  x = mx.sym.FullyConnected({ data: x, num_hidden: 4, name: 'fc2' });
  const sym = mx.sym.SoftmaxOutput({ data: x, name: 'softmax' });
  const mod = new mx.mod.Module({ symbol: sym, context: ctx, logger: () => undefined });
  const bind = seqHalves ? B / 2 : B;
  mod.bind({ dataShapes: [['data', [bind, 9]]], labelShapes: [['softmax_label', [bind]]], gradReq: seqHalves ? 'add' : 'write' });
  mx.random.seed(11);
  mod.initParams({ initializer: new mx.init.Xavier() });
  mod.initOptimizer({ optimizer: 'sgd', optimizerParams: { learning_rate: 0.1, momentum: 0.9, rescale_grad: 1 / B } });
  for (const b of batches) {
    if (!seqHalves) {
      mod.forwardBackward(new mx.io.DataBatch({ data: [mx.nd.array(b.data, { shape: [B, 9] })], label: [mx.nd.array(b.label)] }));
    } else {
      // The reference for per-worker BatchNorm: one executor runs each half and accumulates (grad_req add).
      for (const g of Object.values(mod.executor.gradDict)) g.data.fill(0);
      for (let h = 0; h < 2; h++) {
        mod.forwardBackward(new mx.io.DataBatch({ data: [mx.nd.array(b.data.subarray(h * B / 2 * 9, (h + 1) * B / 2 * 9), { shape: [B / 2, 9] })], label: [mx.nd.array(b.label.subarray(h * B / 2, (h + 1) * B / 2))] }));
      }
    }
    mod.update();
  }
  const [args, aux] = mod.getParams();
  const out = { ...Object.fromEntries(Object.entries(args).map(([k, v]) => [k, Array.from(v.data)])), ...Object.fromEntries(Object.entries(aux).map(([k, v]) => [k, Array.from(v.data)])) };
  mod.dispose();
  return out;
}

const batches = Array.from({ length: 5 }, (_, i) => ({ data: randArray(8 * 9, 100 + i), label: Float32Array.from({ length: 8 }, (_, j) => (i + j * 3) % 4) }));

test('data parallel: two workers at batch B reach the weights of one worker at batch 2B (within 1e-5)', () => {
  if (skip) return;
  const one = trainWeights(undefined, batches, 8, false);
  const two = trainWeights([mx.cpu(0), mx.cpu(1)], batches, 8, false);
  for (const k of Object.keys(one)) assertClose(two[k], one[k], 1e-5, 1e-6, k);
});

test('data parallel: BatchNorm keeps statistics per worker, as MXNet (equal to per-half statistics)', () => {
  if (skip) return;
  const ref = trainWeights(undefined, batches, 8, true, true);
  const two = trainWeights({ workers: 2 }, batches, 8, true);
  for (const k of Object.keys(ref)) if (!k.includes('moving')) assertClose(two[k], ref[k], 1e-5, 1e-6, k);
});

test('data parallel: a batch not divisible by the contexts is a clear error', () => {
  if (skip) return;
  const mod = new mx.mod.Module({ symbol: mx.models.mlp(), context: { workers: 3 } });
  assert.throws(() => mod.bind({ dataShapes: [['data', [8, 784]]], labelShapes: [['softmax_label', [8]]] }), /not divisible by the 3 contexts/);
});

test.run();
