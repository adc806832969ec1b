import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx, randArray, assertClose } from '../helpers.js';

/** 3 Gaussian blobs in 4-D: linearly separable enough for a small MLP. */
function blobs(n: number, seed: number) {
  const x = randArray(n * 4, seed, -0.6, 0.6), y = new Float32Array(n);
  for (let i = 0; i < n; i++) { const c = i % 3; y[i] = c; x[i * 4 + c] += 1.5; x[i * 4 + 3] -= c * 0.5; }
  return { x: mx.nd.array(x, { shape: [n, 4] }), y: mx.nd.array(y) };
}
function mlp() {
  const data = mx.sym.Variable('data');
  const fc1 = mx.sym.FullyConnected({ data, num_hidden: 16, name: 'fc1' });
  const act = mx.sym.Activation({ data: fc1, act_type: 'relu', name: 'relu1' });
  const fc2 = mx.sym.FullyConnected({ data: act, num_hidden: 3, name: 'fc2' });
  return mx.sym.SoftmaxOutput({ data: fc2, name: 'softmax' });
}

test('Module.fit on a synthetic 3-class problem reaches >= 95% accuracy; logs like MXNet; score/predict', () => {
  mx.random.seed(1);
  const tr = blobs(300, 1), te = blobs(90, 2);
  const train = new mx.io.NDArrayIter({ data: tr.x, label: tr.y, batch_size: 32, shuffle: true, seed: 5 });
  const val = new mx.io.NDArrayIter({ data: te.x, label: te.y, batch_size: 32 });
  const mod = new mx.mod.Module({ symbol: mlp() });
  const lines: string[] = [];
  const old = mx.callback.setLogger((m) => lines.push(m));
  let batches = 0;
  try {
    mod.fit(train, { evalData: val, numEpoch: 8, optimizer: 'sgd', optimizerParams: { learning_rate: 0.5, momentum: 0.9 },
      initializer: new mx.init.Xavier(), batchEndCallback: () => { batches++; } });
  } finally { mx.callback.setLogger(old); }
  assert.is(batches, 8 * 10);
  assert.ok(lines.some((l) => /^Epoch\[7\] Train-accuracy=[01]\.\d{6}$/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^Epoch\[0\] Time cost=\d+\.\d{3}$/.test(l)));
  const [[name, acc]] = mod.score(val, 'acc');
  assert.is(name, 'accuracy');
  assert.ok(acc >= 0.95, `accuracy ${acc}`);
  assert.ok(lines.some((l) => l === `Epoch[7] Validation-accuracy=${acc.toFixed(6)}`));
  const p = mod.predict(val) as InstanceType<typeof mx.NDArray>;
  assert.equal(p.shape, [90, 3]);
  assert.is(mod.optimizer!.rescaleGrad, 1 / 32);
  assert.is(mod.kvstore!.type, 'local');
  assert.is(mod.optimizer!.getWd(1), 0);
});

test('manual loop: bind/initParams/initOptimizer/forward/backward/update; last-batch reshape shares params', () => {
  mx.random.seed(2);
  const tr = blobs(50, 3);
  const mod = new mx.mod.Module({ symbol: mlp(), fixedParamNames: ['fc1_bias'] });
  mod.bind({ dataShapes: [['data', [16, 4]]], labelShapes: [['softmax_label', [16]]] });
  mod.initParams({ initializer: new mx.init.Uniform(0.1) });
  mod.initOptimizer({ kvstore: null, optimizer: 'adam', optimizerParams: { learning_rate: 0.01 } });
  assert.is(mod.kvstore, undefined);
  const [a0] = mod.getParams();
  assert.equal([...a0.fc1_bias.data], Array(16).fill(0));
  const it = new mx.io.NDArrayIter({ data: tr.x, label: tr.y, batch_size: 16, last_batch_handle: 'roll_over' });
  for (const b of it) { mod.forwardBackward(b); mod.update(); }
  const small = new mx.io.DataBatch({ data: [tr.x.slice(0, 5)], label: [tr.y.slice(0, 5)] });
  mod.forward(small, { isTrain: true }); mod.backward(); mod.update();
  assert.equal(mod.getOutputs()[0].shape, [5, 3]);
  const [a1] = mod.getParams();
  assert.not.equal([...a1.fc1_weight.data], [...a0.fc1_weight.data]);
  assert.equal([...a1.fc1_bias.data], Array(16).fill(0), 'fixed param not updated');
  mod.forward(new mx.io.DataBatch({ data: [tr.x.slice(0, 16)], label: [tr.y.slice(0, 16)] }), { isTrain: false });
  assert.equal(mod.getOutputs()[0].shape, [16, 3]);
  assert.throws(() => new mx.mod.Module({ symbol: mlp() }).initParams(), /bind/);
});

test('checkpoint round trip: saveCheckpoint / Module.load / doCheckpoint give identical predictions', () => {
  mx.random.seed(3);
  const tr = blobs(64, 4);
  const it = new mx.io.NDArrayIter({ data: tr.x, label: tr.y, batch_size: 16 });
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-')), prefix = join(dir, 'mlp');
  const mod = new mx.mod.Module({ symbol: mlp() });
  const old = mx.callback.setLogger(() => {});
  try { mod.fit(it, { numEpoch: 2, optimizerParams: { learning_rate: 0.1 }, epochEndCallback: mx.callback.doCheckpoint(prefix) }); } finally { mx.callback.setLogger(old); }
  assert.ok(existsSync(`${prefix}-symbol.json`) && existsSync(`${prefix}-0001.params`) && existsSync(`${prefix}-0002.params`));
  mod.saveCheckpoint(prefix, 3, true);
  const p1 = (mod.predict(it) as InstanceType<typeof mx.NDArray>).toTypedArray();
  const m2 = mx.mod.Module.load(prefix, 3, true);
  m2.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel, forTraining: false });
  const p2 = (m2.predict(it) as InstanceType<typeof mx.NDArray>).toTypedArray();
  assertClose(p2, p1, 0, 0);
  const [arg] = m2.getParams();
  assert.equal(Object.keys(arg).sort(), ['fc1_bias', 'fc1_weight', 'fc2_bias', 'fc2_weight']);
});

test('optimizer states round trip through a file: a module that loads them takes the same next step (momentum), KVStore or updater', () => {
  for (const kvstore of ['local', null]) {
    const tr = blobs(32, 6);
    const it = new mx.io.NDArrayIter({ data: tr.x, label: tr.y, batch_size: 16 });
    const make = (args?: Record<string, InstanceType<typeof mx.NDArray>>) => {
      const m = new mx.mod.Module({ symbol: mlp(), logger: () => {} });
      m.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel });
      m.initParams(args ? { argParams: args } : {});
      m.initOptimizer({ kvstore, optimizer: 'sgd', optimizerParams: { learning_rate: 0.1, momentum: 0.9 } });
      return m;
    };
    mx.random.seed(4);
    const a = make();
    const batches = [...it];
    for (const b of batches) { a.forwardBackward(b); a.update(); }
    const file = join(mkdtempSync(join(tmpdir(), 'states-')), 'a.states');
    a.saveOptimizerStates(file);
    const b = make(a.getParams()[0]), c = make(a.getParams()[0]);
    b.loadOptimizerStates(file);
    for (const m of [a, b, c]) { m.forwardBackward(batches[0]); m.update(); }
    const w = (m: typeof a) => m.getParams()[0].fc1_weight.toTypedArray();
    assertClose(w(b), w(a), 0, 0, `${kvstore}: loaded states give the same step`);
    assert.ok(Array.from(w(c)).some((v, i) => v !== w(a)[i]), `${kvstore}: without the states (no momentum) the step differs`);
    assert.throws(() => new mx.mod.Module({ symbol: mlp() }).saveOptimizerStates(file), /no optimizer/);
  }
});

test('saveParams / loadParams (MXNet save_params / load_params) round trip, before and after bind; a bad file is refused', () => {
  mx.random.seed(8);
  const tr = blobs(32, 7);
  const it = new mx.io.NDArrayIter({ data: tr.x, label: tr.y, batch_size: 16 });
  const a = new mx.mod.Module({ symbol: mlp(), logger: () => {} });
  a.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel });
  a.initParams();
  const dir = mkdtempSync(join(tmpdir(), 'params-')), file = join(dir, 'a.params');
  a.saveParams(file);
  const p1 = (a.predict(it) as InstanceType<typeof mx.NDArray>).toTypedArray();
  for (const early of [true, false]) {
    const b = new mx.mod.Module({ symbol: mlp(), logger: () => {} });
    if (early) b.loadParams(file);
    b.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel, forTraining: false });
    if (!early) { b.initParams(); b.loadParams(file); }
    assertClose((b.predict(it) as InstanceType<typeof mx.NDArray>).toTypedArray(), p1, 0, 0, early ? 'loaded before bind' : 'loaded after bind');
  }
  const list = join(dir, 'list.params');
  mx.nd.save(list, [mx.nd.ones([2])]);
  assert.throws(() => new mx.mod.Module({ symbol: mlp() }).loadParams(list), /unnamed list/);
  assert.throws(() => new mx.mod.Module({ symbol: mlp() }).loadParams(join(dir, 'missing.params')), /cannot read/);
});

test('iterPredict (MXNet iter_predict): per-batch outputs with the padding stripped equal predict; numBatch stops early', () => {
  mx.random.seed(5);
  const tr = blobs(40, 8);
  const it = new mx.io.NDArrayIter({ data: tr.x, label: tr.y, batch_size: 16 }); // 16 + 16 + 8 (+8 padding)
  const mod = new mx.mod.Module({ symbol: mlp(), logger: () => {} });
  mod.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel, forTraining: false });
  mod.initParams();
  const all = (mod.predict(it) as InstanceType<typeof mx.NDArray>).toTypedArray();
  const rows: number[] = [], got: number[] = [];
  for (const [outs, i, batch] of mod.iterPredict(it)) {
    assert.is(i, rows.length);
    rows.push(outs[0].shape[0]);
    assert.is(outs[0].shape[0], 16 - batch.pad);
    got.push(...outs[0].toTypedArray());
  }
  assert.equal(rows, [16, 16, 8]);
  assertClose(got, all, 0, 0);
  assert.is([...mod.iterPredict(it, { numBatch: 2 })].length, 2);
  assert.throws(() => [...new mx.mod.Module({ symbol: mlp() }).iterPredict(it)], /bind and initialize/);
});

test('optimizer state blobs: truncated or malformed input is refused before anything is allocated, and the old states stay', () => {
  const up = mx.optimizer.getUpdater(mx.optimizer.create('sgd', { momentum: 0.9 }));
  const w = mx.nd.array(randArray(300, 1)), g = mx.nd.array(randArray(300, 2));
  up(0, g, w);
  const good = up.getStates();
  const before = up.states.get('0')![0].toTypedArray();
  const bad = (b: Uint8Array, re: RegExp) => { assert.throws(() => up.setStates(b), re); assertClose(up.states.get('0')![0].toTypedArray(), before, 0, 0); };
  for (const cut of [4, 12, good.length - 4, good.length - 1]) bad(good.slice(0, cut), /not an mxwasm|truncated/);
  const magic = good.slice(); magic[0] ^= 1; bad(magic, /not an mxwasm/);
  const hdr = good.slice(); hdr[8] = 0x7b + 1; bad(hdr, /bad header/);
  const big = good.slice(); new DataView(big.buffer).setUint32(4, 1 << 30, true); bad(big, /truncated/);
  up.setStates(good);
  assertClose(up.states.get('0')![0].toTypedArray(), before, 0, 0);
});

test('updates through the local KVStore (weights held in place) equal the plain updater path', () => {
  const tr = blobs(64, 5);
  const params = (kvstore: string | null) => {
    mx.random.seed(9);
    const mod = new mx.mod.Module({ symbol: mlp() });
    const it = new mx.io.NDArrayIter({ data: tr.x, label: tr.y, batch_size: 16 });
    mod.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel });
    mod.initParams();
    mod.initOptimizer({ kvstore, optimizer: 'sgd', optimizerParams: { learning_rate: 0.1, momentum: 0.9, wd: 0.01 } });
    for (const b of it) { mod.forwardBackward(b); mod.update(); }
    return mod.getParams()[0];
  };
  const a = params('local'), b = params(null);
  for (const k of Object.keys(a)) assertClose(a[k].data, b[k].data, 0, 0, k);
});

test('MXNet test_module_set_params / test_module_initializer / test_aux_init: missing, extra, __init__, BatchNorm aux', () => {
  let x = mx.sym.Variable('data');
  x = mx.sym.FullyConnected({ data: x, num_hidden: 2, name: 'fc_0' });
  x = mx.sym.Activation({ data: x, act_type: 'sigmoid', name: 'act_0' });
  x = mx.sym.FullyConnected({ data: x, num_hidden: 2, name: 'fc_1' });
  x = mx.sym.LinearRegressionOutput({ data: x, name: 'softmax', grad_scale: 2 });
  const it = new mx.io.NDArrayIter({ data: mx.nd.array([[0.05, 0.1]]), label: mx.nd.array([[0.01, 0.99]]), batch_size: 1 });
  const mod = new mx.mod.Module({ symbol: x });
  mod.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel });
  const correct = { fc_0_weight: mx.nd.array([[0.15, 0.2], [0.25, 0.3]]), fc_0_bias: mx.nd.array([0.35, 0.35]), fc_1_weight: mx.nd.array([[0.4, 0.45], [0.5, 0.55]]), fc_1_bias: mx.nd.array([0.6, 0.6]) };
  const { fc_1_bias: _drop, ...missing } = correct;
  const extra = { ...correct, fc_2_weight: mx.nd.array([[0.6, 0.65], [0.7, 0.75]]) };
  assert.not.ok(mod.paramsInitialized);
  assert.throws(() => mod.setParams(missing, {}, { forceInit: true, allowMissing: false }), /fc_1_bias is not presented/);
  assert.throws(() => mod.setParams(extra, {}, { forceInit: true, allowMissing: false, allowExtra: false }), /fc_2_weight/);
  mod.setParams(extra, {}, { forceInit: true, allowMissing: true, allowExtra: true });
  assert.ok(mod.paramsInitialized);
  mod.setParams(correct, {}, { forceInit: true });
  assert.equal([...mod.getParams()[0].fc_1_weight.data].map((v) => +v.toFixed(3)), [0.4, 0.45, 0.5, 0.55]);

  const data = mx.sym.Variable('data'), v = mx.sym.Variable('v', { init: new mx.init.Uniform(0.1) });
  const bn = mx.sym.BatchNorm({ data: mx.sym.FullyConnected({ data, weight: v, num_hidden: 3, no_bias: true, name: 'fc' }), name: 'bn' });
  const net = mx.sym.LinearRegressionOutput({ data: bn, name: 'out' });
  const m2 = new mx.mod.Module({ symbol: net, labelNames: ['out_label'] });
  m2.bind({ dataShapes: [['data', [2, 4]]], labelShapes: [['out_label', [2, 3]]] });
  m2.initParams({ initializer: new mx.init.Zero() });
  const [arg, aux] = m2.getParams();
  assert.ok([...arg.v.data].some((q) => q !== 0), 'v initialised by its own __init__ (Uniform), not the global Zero');
  assert.equal([...arg.bn_gamma.data], [1, 1, 1]); assert.equal([...arg.bn_beta.data], [0, 0, 0]);
  assert.equal([...aux.bn_moving_mean.data], [0, 0, 0]); assert.equal([...aux.bn_moving_var.data], [1, 1, 1]);
});

test('seeded runs repeat exactly (init, shuffle, training)', () => {
  const tr = blobs(96, 6);
  const run = () => {
    mx.random.seed(11);
    const it = new mx.io.NDArrayIter({ data: tr.x, label: tr.y, batch_size: 16, shuffle: true, seed: 2 });
    const mod = new mx.mod.Module({ symbol: mlp() });
    const old = mx.callback.setLogger(() => {});
    try { mod.fit(it, { numEpoch: 2, initializer: new mx.init.Xavier({ rnd_type: 'gaussian' }), optimizer: 'adam', optimizerParams: { learning_rate: 0.01 } }); } finally { mx.callback.setLogger(old); }
    return mod.getParams()[0].fc2_weight.toTypedArray();
  };
  assert.equal([...run()], [...run()]);
});

test.run();
