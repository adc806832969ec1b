// Whole networks through mx.sym + Executor: MXNet tutorial MLP and LeNet, BatchNorm aux states, fusion, memory plans.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import { symGradCheck } from './gradcheck.js';
import { lenet, mlp, resnet18 } from './nets.js';
import { planBind } from '../../src/executor/plan.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { sym } = mx;
const ce = (labels: number[]) => (outs: NDArray[]) => {
  const p = outs[0].data, K = outs[0].shape[1];
  return labels.reduce((s, y, i) => s - Math.log(p[i * K + y]), 0);
};

test('MLP: MXNet argument lists, shapes, JSON round trip, probabilities', () => {
  const net = mlp();
  assert.equal(net.listArguments(), ['data', 'fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias', 'fc3_weight', 'fc3_bias', 'softmax_label']);
  assert.equal(net.listOutputs(), ['softmax_output']);
  const r = net.inferShape({ data: [64, 1, 28, 28] });
  assert.equal(r.argShapes, [[64, 1, 28, 28], [128, 784], [128], [64, 128], [64], [10, 64], [10], [64]]);
  assert.equal(r.outShapes, [[64, 10]]);
  const text = net.toJSON();
  assert.is(sym.fromJSON(text).toJSON(), text);
  const exe = net.simpleBind({ shapes: { data: [4, 784] } });
  exe.argArrays.forEach((a, i) => { if (i > 0) a.set(randArray(a.size, i, -0.1, 0.1)); });
  const out = exe.forward({ data: randArray(4 * 784, 9, 0, 1) })[0];
  for (let i = 0; i < 4; i++) assertClose([Array.from(out.data.subarray(i * 10, i * 10 + 10)).reduce((a, b) => a + b)], [1], 1e-5, 1e-5);
  exe.dispose();
});

test('MLP: gradients of the cross-entropy through SoftmaxOutput vs finite differences', () => {
  const labels = [3, 0, 2];
  symGradCheck(mlp(6, 5, 4), { data: [3, 7] }, { skip: ['data', 'softmax_label'], values: { softmax_label: labels }, loss: ce(labels) }).dispose();
});

test('LeNet: shapes as in the MXNet tutorial, JSON round trip', () => {
  const net = lenet();
  const r = net.inferShape({ data: [64, 1, 28, 28] });
  const byName = Object.fromEntries(net.listArguments().map((n, i) => [n, r.argShapes[i]]));
  assert.equal(byName.conv1_weight, [20, 1, 5, 5]);
  assert.equal(byName.conv2_weight, [50, 20, 5, 5]);
  assert.equal(byName.fc1_weight, [500, 800]);
  assert.equal(r.outShapes, [[64, 10]]);
  const internals = net.getInternals();
  assert.equal(internals.get('pool2_output').inferShape({ data: [64, 1, 28, 28] }).outShapes, [[64, 50, 4, 4]]);
  assert.is(sym.fromJSON(net.toJSON()).toJSON(), net.toJSON());
});

test('LeNet (small): whole-graph gradients vs finite differences', () => {
  const labels = [1, 7];
  const net = lenet({ f1: 3, f2: 4, hidden: 8, pool: 'avg', k: 3 });
  symGradCheck(net, { data: [2, 1, 14, 14] }, { skip: ['data', 'softmax_label'], values: { softmax_label: labels }, loss: ce(labels), maxChecks: 12 }).dispose();
});

test('BatchNorm: batch statistics in training, moving averages updated by backward, used in inference', () => {
  const data = sym.Variable('data');
  const bn = sym.BatchNorm({ data, fix_gamma: false, momentum: 0.9, eps: 1e-5, name: 'bn1' });
  assert.equal(bn.listAuxiliaryStates(), ['bn1_moving_mean', 'bn1_moving_var']);
  assert.equal(bn.attrDict().bn1_moving_var.__init__, '["one", {}]');
  const exe = bn.simpleBind({ shapes: { data: [4, 3, 2, 2] } });
  exe.auxDict.bn1_moving_var.set(1);
  exe.argDict.bn1_gamma.set(1);
  const x = randArray(48, 5, -2, 3);
  exe.forward({ isTrain: true, data: x });
  assert.equal(Array.from(exe.auxDict.bn1_moving_mean.data), [0, 0, 0]);
  exe.backward([randArray(48, 6)]);
  const mean = [0, 1, 2].map((c) => { let s = 0; for (let n = 0; n < 4; n++) for (let k = 0; k < 4; k++) s += x[n * 12 + c * 4 + k]; return s / 16; });
  assertClose(exe.auxDict.bn1_moving_mean.data, mean.map((m) => 0.1 * m), 1e-5, 1e-6);
  const mm = exe.auxDict.bn1_moving_mean.toTypedArray(), mv = exe.auxDict.bn1_moving_var.toTypedArray();
  const y = exe.forward({ isTrain: false, data: x })[0].data;
  const ref = Array.from(x, (v, i) => { const c = Math.floor(i / 4) % 3; return (v - mm[c]) / Math.sqrt(mv[c] + 1e-5); });
  assertClose(y, ref, 1e-4, 1e-4);
  exe.dispose();
  symGradCheck(bn, { data: [3, 2, 2, 2] }, { eps: 1e-3, rtol: 5e-2, atol: 5e-3 }).dispose();
});

test('fusion: FC/conv + relu fuse only in inference binds and give the same outputs', () => {
  const net = mlp(8, 6, 4);
  const p = planBind({ outputs: net.outputs, shapes: { data: [2, 5] }, types: {}, gradReq: {} });
  assert.is(p.g.getAttr('fused'), 2);
  assert.not.ok(p.g.indexed.nodes.some((n) => n.op === 'Activation'));
  const fused = net.simpleBind({ shapes: { data: [2, 5] }, gradReq: 'null' });
  const plain = net.simpleBind({ shapes: { data: [2, 5] }, gradReq: 'null', fuse: false });
  fused.argArrays.forEach((a, i) => { a.set(randArray(a.size, 40 + i)); plain.argArrays[i].set(a.data); });
  assertClose(fused.forward()[0].data, plain.forward()[0].data, 1e-5, 1e-6);
  const conv = sym.Activation({ data: sym.Convolution({ data: sym.Variable('data'), kernel: [3, 3], num_filter: 4, name: 'c' }), act_type: 'relu' });
  const a = conv.simpleBind({ shapes: { data: [1, 2, 6, 6] }, gradReq: 'null' }), b = conv.simpleBind({ shapes: { data: [1, 2, 6, 6] }, gradReq: 'null', fuse: false });
  a.argArrays.forEach((x, i) => { x.set(randArray(x.size, 60 + i)); b.argArrays[i].set(x.data); });
  assertClose(a.forward()[0].data, b.forward()[0].data, 1e-5, 1e-6);
  for (const e of [fused, plain, a, b]) e.dispose();
});

test('fusion: LeNet\'s tanh layers fuse (Activation and the unary op) and give the same bits as unfused', () => {
  const lenet = mx.models.lenet();
  const p = planBind({ outputs: lenet.outputs, shapes: { data: [3, 1, 28, 28] }, types: {}, gradReq: {} });
  assert.is(p.g.getAttr('fused'), 3);
  const fused = lenet.simpleBind({ shapes: { data: [3, 1, 28, 28] }, gradReq: 'null' });
  const plain = lenet.simpleBind({ shapes: { data: [3, 1, 28, 28] }, gradReq: 'null', fuse: false });
  fused.argArrays.forEach((a, i) => { a.set(randArray(a.size, 70 + i).map((v) => v * 0.3)); plain.argArrays[i].set(a.data); });
  const y1 = fused.forward()[0].toTypedArray(), y2 = plain.forward()[0].toTypedArray();
  for (let i = 0; i < y1.length; i++) if (!Object.is(y1[i], y2[i])) assert.unreachable(`output ${i}: ${y1[i]} vs ${y2[i]}`);
  const u = sym.sigmoid(sym.FullyConnected({ data: sym.Variable('data'), num_hidden: 5, name: 'f' }));
  assert.is(planBind({ outputs: u.outputs, shapes: { data: [2, 3] }, types: {}, gradReq: {} }).g.getAttr('fused'), 1);
  for (const e of [fused, plain]) e.dispose();
});

test('memory plans: LeNet and a ResNet-18-shaped graph plan well below the naive sum', () => {
  for (const [net, shape] of [[lenet(), [64, 1, 28, 28]], [resnet18(), [1, 3, 224, 224]]] as const) {
    for (const train of [false, true]) {
      const gradReq: Record<string, 'write' | 'null'> = {};
      for (const a of net.listArguments()) gradReq[a] = train && a !== 'data' && a !== 'softmax_label' ? 'write' : 'null';
      const p = planBind({ outputs: net.outputs, shapes: { data: [...shape] }, types: {}, gradReq });
      assert.ok(p.storage.arenaBytes < 0.6 * p.storage.naiveBytes, `${shape} ${train}: ${p.storage.arenaBytes} vs ${p.storage.naiveBytes}`);
    }
  }
});

test('residual block with BatchNorm: gradients vs finite differences; ResNet-18 trains a step at 32x32', () => {
  const data = sym.Variable('data');
  const c1 = sym.Convolution({ data, kernel: [3, 3], pad: [1, 1], num_filter: 3, no_bias: true, name: 'c1' });
  const b1 = sym.Activation({ data: sym.BatchNorm({ data: c1, fix_gamma: false, name: 'b1' }), act_type: 'tanh' });
  const c2 = sym.Convolution({ data: b1, kernel: [3, 3], pad: [1, 1], num_filter: 2, no_bias: true, name: 'c2' });
  const block = sym.BatchNorm({ data: c2, fix_gamma: false, name: 'b2' }).add(data);
  symGradCheck(block, { data: [2, 2, 4, 4] }, { eps: 1e-3, rtol: 5e-2, atol: 5e-3, maxChecks: 10 }).dispose();
  const net = resnet18(10);
  const exe = net.simpleBind({ shapes: { data: [2, 3, 32, 32] }, gradReq: 'write' });
  exe.argArrays.forEach((a, i) => { if (!net.listArguments()[i].endsWith('label')) a.set(randArray(a.size, i, -0.1, 0.1)); });
  for (const a of exe.auxArrays) if (a.shape.length === 1) a.set(1);
  const p = exe.forward({ isTrain: true })[0];
  assert.equal(p.shape, [2, 10]);
  exe.backward();
  const g = exe.gradDict.stem_conv_weight.data;
  assert.ok(g.every(Number.isFinite) && g.some((v) => v !== 0));
  const inf = exe.reshape({ data: [1, 3, 32, 32] });
  assert.is(inf.argDict.fc_weight, exe.argDict.fc_weight);
  assert.equal(inf.forward()[0].shape, [1, 10]);
  inf.dispose(); exe.dispose();
});

test('wrong shapes and unknown ops give clear errors', () => {
  const net = lenet();
  try { net.inferShape({ data: [64, 784] }); assert.unreachable(); } catch (e) { assert.match((e as Error).message, /Error in operator conv1/); }
  try { net.simpleBind({ shapes: { data: [64, 1, 28, 28], softmax_label: [32] } }); assert.unreachable(); } catch (e) { assert.match((e as Error).message, /Error in operator softmax/); }
  try { sym.fromJSON('{"nodes":[{"op":"null","name":"x","inputs":[]},{"op":"Frobnicate","name":"frob0","inputs":[[0,0,0]]}],"arg_nodes":[0],"heads":[[1,0,0]],"attrs":{"mxnet_version":["int",10901]}}'); assert.unreachable(); } catch (e) { assert.match((e as Error).message, /frob0/); assert.match((e as Error).message, /Frobnicate/); }
});

test.run();
