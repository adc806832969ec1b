// The real symbol files of every format generation, through mx.sym, shape inference and the executor.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import { hasOp } from '../../src/ops/registry.js';
import { haveFixtures, fixtureText, skip } from './fixtures.js';

/** Ops a symbol file uses that are not registered (tests skip while any is absent). */
function missingOps(text: string): string[] {
  return [...new Set((JSON.parse(text).nodes as { op: string }[]).map((n) => n.op))].filter((op) => op !== 'null' && !hasOp(op));
}

function withOps(file: string, name: string, fn: (text: string) => void | Promise<void>): void {
  if (!haveFixtures) { skip(`${name} (no ../shared/fixtures/mxnet)`); return; }
  const text = fixtureText(file), miss = missingOps(text);
  if (miss.length) { skip(`${name}: operator(s) ${miss.join(', ')} not registered yet`); return; }
  test(name, () => fn(text));
}

/** Binds for inference with Xavier weights (seeded) and runs one forward; returns the outputs. */
function initForward(net: any, shapes: Record<string, number[]>, x: Float32Array): any[] {
  mx.random.seed(7);
  const exe = net.simpleBind({ shapes, gradReq: 'null' });
  const init = new mx.init.Xavier({ magnitude: 2 }), attrs = net.attrDict();
  for (const [n, a] of [...Object.entries(exe.argDict), ...Object.entries(exe.auxDict)] as [string, any][]) if (!(n in shapes) && !n.endsWith('label')) init.call({ name: n, attrs: attrs[n] }, a);
  return exe.forward({ data: x });
}

withOps('apache-mxnet/save_000800.json', 'save_000800.json (MXNet 0.8): test_load_000800 (aux states, hidden attrs, same outputs as the built symbol)', (text) => {
  const sym2 = mx.sym.fromJSON(text);
  const data = mx.sym.Variable('data', { lr_mult: 0.2 });
  const fc1 = mx.sym.FullyConnected({ data, weight: mx.sym.Variable('fc1_weight'), name: 'fc1', num_hidden: 128 });
  const act2 = mx.sym.Activation({ data: mx.sym.FullyConnected({ data: mx.sym.Activation({ data: fc1, name: 'relu1', act_type: 'relu' }), name: 'fc2', num_hidden: 64 }), name: 'relu2', act_type: 'relu' });
  const bn = mx.sym.BatchNorm({ data: mx.sym.FullyConnected({ data: act2, name: 'fc3', num_hidden: 10 }), name: 'batchnorm0' });
  const sym1 = mx.sym.SoftmaxOutput({ data: bn, name: 'softmax' });
  assert.equal(sym2.listArguments(), sym1.listArguments());
  assert.equal(sym2.listAuxiliaryStates(), ['batchnorm0_moving_mean', 'batchnorm0_moving_var']);
  assert.equal(sym2.listOutputs(), sym1.listOutputs());
  const a = sym2.attrDict();
  assert.is(a.data.__lr_mult__, '0.2'); assert.is(a.fc1_weight.__lr_mult__, '1.2'); assert.is(a.fc1.__wd_mult__, '0.3');
  assert.is(a.fc2_weight.__lr_mult__, '0.01'); assert.is(a.batchnorm0_moving_var.__ctx_group__, 'stage2');
  const inf = sym2.inferShape({ data: [1, 200] });
  assert.equal(inf.outShapes, [[1, 10]]);
  const x = randArray(200, 3);
  assertClose(initForward(sym2, { data: [1, 200] }, x)[0].data, initForward(sym1, { data: [1, 200] }, x)[0].data, 1e-5, 1e-6);
});

withOps('apache-mxnet/test_mkldnn_test_mkldnn_model_model1.json', 'MXNet 1.2 VGG/SSD symbol: infer_shape (32,3,300,300); forward+backward twice with all-ones args (test_mkldnn_model)', (text) => {
  const net = mx.sym.fromJSON(text);
  const inf = net.inferShape({ data: [32, 3, 300, 300] });
  const args = Object.fromEntries(net.listArguments().map((n: string, i: number) => [n, inf.argShapes[i]]));
  assert.equal(args.conv1_1_weight, [64, 3, 3, 3]);
  assert.equal(args.fc6_weight, [1024, 512, 3, 3]);
  assert.equal(args.fc8_weight, [1000, 1024, 1, 1]);
  assert.equal(args.softmax_label, [32]);
  assert.equal(inf.outShapes, [[32, 1000]]);
  // The full (32,3,300,300) run costs about 6 TFLOP (minutes on a CPU): MXWASM_FULL_MODELS=1 runs it, else a 32x32 image.
  const shape = process.env.MXWASM_FULL_MODELS ? [32, 3, 300, 300] : [1, 3, 32, 32];
  const exe = net.simpleBind({ shapes: { data: shape }, gradReq: 'write' });
  for (const a of Object.values(exe.argDict) as any[]) a.data.fill(1);
  for (let k = 0; k < 2; k++) { exe.forward({ isTrain: true }); exe.backward(); }
  assert.equal(exe.outputs[0].shape, [shape[0], 1000]);
  assert.equal(exe.gradDict.conv1_1_weight.shape, [64, 3, 3, 3]);
  exe.dispose();
});

withOps('SqueezeNet_v1.2/model-symbol.json', 'SqueezeNet v1.2 (MXNet 0.9.3): (1,3,224,224) gives (1,1000), forward with initialised weights', (text) => {
  const net = mx.sym.fromJSON(text);
  assert.equal(net.inferShape({ data: [1, 3, 224, 224] }).outShapes, [[1, 1000]]);
  const out = initForward(net, { data: [1, 3, 224, 224] }, randArray(3 * 224 * 224, 1, 0, 1))[0];
  assert.equal(out.shape, [1, 1000]);
  const p = Array.from(out.data as Float32Array);
  assert.ok(p.every((v) => Number.isFinite(v) && v >= 0));
  assertClose([p.reduce((s, v) => s + v, 0)], [1], 1e-4);
});

withOps('mobilenet-mxnet/mobilenet_v2-symbol.json', 'MobileNetV2 (MXNet 0.11): (1,3,224,224) gives (1,1000), forward with initialised weights', (text) => {
  const net = mx.sym.fromJSON(text);
  assert.equal(net.inferShape({ data: [1, 3, 224, 224] }).outShapes, [[1, 1000]]);
  assert.is(net.listAuxiliaryStates().length, 2 * 53);
  const out = initForward(net, { data: [1, 3, 224, 224] }, randArray(3 * 224 * 224, 2, 0, 1))[0];
  const p = Array.from(out.data as Float32Array);
  assert.ok(p.every((v) => Number.isFinite(v) && v >= 0));
  assertClose([p.reduce((s, v) => s + v, 0)], [1], 1e-4);
});

test.run();
