// Executor: bind/simpleBind, forward/backward, grad_req, fan-out, shared weights, multiple outputs, reshape, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import { symGradCheck } from './gradcheck.js';
import { hasOp } from '../../src/ops/registry.js';

const { sym } = mx;
const throwsMsg = (f: () => unknown, re: RegExp) => {
  try { f(); } catch (e) { assert.match((e as Error).message, re); return; }
  assert.unreachable(`expected an error matching ${re}`);
};

test('elementwise graph with fan-out: values and summed gradients', () => {
  const a = sym.Variable('a'), b = sym.Variable('b');
  const y = a.add(b).add(a);
  const exe = y.simpleBind({ shapes: { a: [2, 3], b: [2, 3] } });
  const out = exe.forward({ isTrain: true, a: new Float32Array([1, 2, 3, 4, 5, 6]), b: new Float32Array(6).fill(10) });
  assert.equal(out[0].toArray(), [[12, 14, 16], [18, 20, 22]]);
  exe.backward([new Float32Array([1, 2, 3, 4, 5, 6])]);
  assert.equal(Array.from(exe.gradDict.a.data), [2, 4, 6, 8, 10, 12]);
  assert.equal(Array.from(exe.gradDict.b.data), [1, 2, 3, 4, 5, 6]);
  assert.ok(exe.memory.arenaBytes < exe.memory.naiveBytes);
  exe.dispose();
});

test('two-layer perceptron: whole-graph gradients vs finite differences (batch 1 and 5)', () => {
  for (const batch of [1, 5]) {
    const data = sym.Variable('data');
    const fc1 = sym.FullyConnected({ data, num_hidden: 7, name: 'fc1' });
    const fc2 = sym.FullyConnected({ data: fc1, num_hidden: 3, name: 'fc2' });
    symGradCheck(fc2, { data: [batch, 5] }).dispose();
  }
});

test('shared weights: one variable used by two layers gets the sum of both gradients', () => {
  const data = sym.Variable('data'), w = sym.Variable('w');
  const l1 = sym.FullyConnected({ data, weight: w, num_hidden: 4, no_bias: true, name: 'l1' });
  const l2 = sym.FullyConnected({ data: l1, weight: w, num_hidden: 4, no_bias: true, name: 'l2' });
  assert.equal(l2.listArguments(), ['data', 'w']);
  symGradCheck(l2, { data: [3, 4] }).dispose();
});

test('multiple outputs (Group) and an internal output used as a head and an input', () => {
  const data = sym.Variable('data');
  const fc1 = sym.FullyConnected({ data, num_hidden: 6, name: 'fc1' });
  const fc2 = sym.FullyConnected({ data: fc1, num_hidden: 2, name: 'fc2' });
  const g = sym.Group([fc2, fc1]);
  const exe = symGradCheck(g, { data: [2, 3] });
  assert.equal(exe.outputs.map((o) => o.shape), [[2, 2], [2, 6]]);
  assert.equal(Object.keys(exe.outputDict), ['fc2_output', 'fc1_output']);
  exe.dispose();
});

test("grad_req 'add' accumulates, 'null' allocates no gradient, per-argument dicts", () => {
  const data = sym.Variable('data');
  const fc = sym.FullyConnected({ data, num_hidden: 3, name: 'fc' });
  const exe = fc.simpleBind({ shapes: { data: [2, 4] }, gradReq: { fc_weight: 'add', fc_bias: 'write' } });
  assert.is(exe.gradDict.data, undefined);
  exe.argDict.data.set(randArray(8, 1)); exe.argDict.fc_weight.set(randArray(12, 2));
  exe.forward({ isTrain: true });
  const og = [randArray(6, 3)];
  exe.backward(og);
  const g1 = exe.gradDict.fc_weight.toTypedArray(), b1 = exe.gradDict.fc_bias.toTypedArray();
  exe.forward({ isTrain: true });
  exe.backward(og);
  assertClose(exe.gradDict.fc_weight.data, g1.map((x) => 2 * x), 1e-6, 1e-6);
  assertClose(exe.gradDict.fc_bias.data, b1, 1e-6, 1e-6);
  exe.dispose();
});

test('bind with given arrays uses them in place; inference-only bind matches training forward', () => {
  const data = sym.Variable('data');
  const fc = sym.FullyConnected({ data, num_hidden: 3, name: 'fc' });
  const args = { data: mx.nd.array(randArray(8, 4), { shape: [2, 4] }), fc_weight: mx.nd.array(randArray(12, 5), { shape: [3, 4] }), fc_bias: mx.nd.array(randArray(3, 6)) };
  const inf = fc.bind({ args, gradReq: 'null' });
  assert.is(inf.argDict.fc_weight, args.fc_weight);
  const y = inf.forward()[0].toTypedArray();
  const train = fc.bind({ args, argsGrad: { fc_weight: mx.nd.zeros([3, 4]) }, gradReq: 'write' });
  assertClose(train.forward({ isTrain: true })[0].data, y, 1e-6, 1e-6);
  throwsMsg(() => inf.backward(), /grad_req null/);
  throwsMsg(() => train.backward(), /not a loss.*head gradient is required/);
  inf.dispose(); train.dispose();
});

test('reshape shares the parameter arrays and changes the batch', () => {
  const data = sym.Variable('data');
  const fc = sym.FullyConnected({ data, num_hidden: 3, name: 'fc' });
  const exe = fc.simpleBind({ shapes: { data: [8, 4] } });
  exe.argDict.fc_weight.set(randArray(12, 7));
  const small = exe.reshape({ data: [1, 4] });
  assert.is(small.argDict.fc_weight, exe.argDict.fc_weight);
  assert.is(small.gradDict.fc_weight, exe.gradDict.fc_weight);
  assert.equal(small.argDict.data.shape, [1, 4]);
  const x = randArray(4, 8);
  const big = new Float32Array(32); big.set(x);
  const y1 = small.forward({ data: x })[0].toTypedArray();
  const y8 = exe.forward({ data: big })[0].toTypedArray();
  assertClose(y1, y8.subarray(0, 3), 1e-6, 1e-6);
  small.dispose();
  assert.ok(!exe.argDict.fc_weight.isDisposed);
  exe.dispose();
});

test('copyParamsFrom, and clear errors for wrong shapes and names', () => {
  const data = sym.Variable('data');
  const fc = sym.FullyConnected({ data, num_hidden: 3, name: 'fc' });
  const exe = fc.simpleBind({ shapes: { data: [2, 4] } });
  exe.copyParamsFrom({ fc_weight: mx.nd.ones([3, 4]), extra: mx.nd.ones([1]) }, {}, true);
  assert.equal(Array.from(exe.argDict.fc_weight.data), new Array(12).fill(1));
  throwsMsg(() => exe.copyParamsFrom({ extra: mx.nd.ones([1]) }), /'extra' is not in the arguments/);
  throwsMsg(() => exe.copyParamsFrom({ fc_bias: mx.nd.ones([4]) }), /fc_bias.*\(4,\).*\(3,\)/);
  throwsMsg(() => exe.forward({ data: new Float32Array(3) }), /'data' has 3 values, expected 8/);
  throwsMsg(() => exe.forward({ dta: new Float32Array(8) }), /unknown argument 'dta'/);
  throwsMsg(() => fc.simpleBind({ shapes: {} }), /cannot infer the shapes of data/);
  throwsMsg(() => fc.simpleBind({ shapes: { data: [2, 4], fc_weight: [3, 5] } }), /Error in operator fc/);
  throwsMsg(() => fc.bind({ args: { data: mx.nd.zeros([2, 4]), fc_weight: mx.nd.zeros([3, 4]) } }), /missing argument 'fc_bias'/);
  exe.dispose();
  throwsMsg(() => exe.forward(), /disposed/);
  throwsMsg(() => sym.Variable('x').add(sym.Variable('x')).simpleBind({ shapes: { x: [2] } }), /two different variables are named 'x'/);
});

test('arithmetic with symbols and scalars: values and gradients', () => {
  if (!['elemwise_mul', 'elemwise_div', 'elemwise_sub', '_rdiv_scalar', '_rminus_scalar', '_power_scalar', '_div_scalar', '_plus_scalar', '_mul_scalar'].every(hasOp)) return;
  const x = sym.Variable('x'), w = sym.Variable('w');
  // MXNet's test_scalarop shape: 2 / (4 - ((1 + x + 1) * 2 / 5) - 0.8), plus symbol-symbol terms
  const y = x.add(1).add(1).mul(2).div(5).rsub(4).sub(0.8).rdiv(2).add(x.pow(2).mul(w)).sub(w.div(x.mul(x).add(1))).neg();
  const exe = y.simpleBind({ shapes: { x: [3, 4], w: [3, 4] } });
  const xs = randArray(12, 1, -1, 1), ws = randArray(12, 2, -1, 1);
  const out = exe.forward({ x: xs, w: ws })[0].data;
  const ref = Array.from(xs, (v, i) => -(2 / (4 - ((v + 2) * 2) / 5 - 0.8) + v * v * ws[i] - ws[i] / (v * v + 1)));
  assertClose(out, ref, 1e-5, 1e-5);
  symGradCheck(y, { x: [3, 4], w: [3, 4] }, { eps: 1e-3 }).dispose();
  exe.dispose();
});

test('multi-output ops: unused outputs get zero gradients; hidden outputs stay internal', () => {
  const data = sym.Variable('data');
  const parts = sym.SliceChannel({ data, num_outputs: 3, axis: 1, name: 'split' });
  assert.equal(parts.listOutputs(), ['split_output0', 'split_output1', 'split_output2']);
  const y = parts.get(0).mul(parts.get(2)).add(parts.get(0));
  const exe = symGradCheck(y, { data: [2, 6, 2] });
  const g = exe.gradDict.data.toArray() as number[][][];
  assert.equal(g.map((r) => r.slice(2, 4)), [[[0, 0], [0, 0]], [[0, 0], [0, 0]]]); // the middle third is unused
  exe.dispose();
  const bn = sym.BatchNorm({ data, output_mean_var: true, name: 'bn' });
  assert.equal(bn.listOutputs(), ['bn_output', 'bn_mean', 'bn_var']);
  const e2 = bn.simpleBind({ shapes: { data: [4, 3] }, gradReq: 'null' });
  assert.equal(e2.forward({ data: randArray(12, 3) }).map((o) => o.shape), [[4, 3], [3], [3]]);
  e2.dispose();
});

test('Dropout: active only in training, backward runs through the mask', () => {
  const data = sym.Variable('data');
  const y = sym.Dropout({ data, p: 0.5, name: 'drop' });
  const exe = y.simpleBind({ shapes: { data: [64] } });
  const x = new Float32Array(64).fill(1);
  assert.equal(Array.from(exe.forward({ data: x })[0].data), Array.from(x));
  const t = Array.from(exe.forward({ isTrain: true, data: x })[0].data);
  assert.ok(t.some((v) => v === 0) && t.some((v) => v === 2));
  exe.backward([new Float32Array(64).fill(1)]);
  assert.equal(Array.from(exe.gradDict.data.data), t);
  exe.dispose();
});

test('Symbol.eval and Executor.debugStr', () => {
  const x = sym.Variable('x');
  const [y] = x.add(x).eval({ x: mx.nd.array([1, 2, 3]) });
  assert.equal(Array.from(y.data), [2, 4, 6]);
  const exe = sym.FullyConnected({ data: x, num_hidden: 2, name: 'fc' }).simpleBind({ shapes: { x: [1, 3] } });
  const text = exe.debugStr();
  assert.match(text, /Variable, Name=x -> \(1,3\)@ext/);
  assert.match(text, /Op:FullyConnected, Name=fc -> \(1,2\)@0/);
  assert.match(text, /Op:_backward_FullyConnected, Name=fc_backward/);
  assert.match(text, /MiB planned \(naive/);
  exe.dispose();
});

test('setMonitorCallback sees every op output (and inputs with monitorAll)', () => {
  const data = sym.Variable('data');
  const fc1 = sym.FullyConnected({ data, num_hidden: 3, name: 'fc1' });
  const net = sym.Activation({ data: fc1, act_type: 'relu', name: 'relu1' });
  const exe = net.simpleBind({ shapes: { data: [2, 4] }, gradReq: 'null', fuse: false });
  const seen: [string, number[]][] = [];
  exe.setMonitorCallback((n, a) => seen.push([n, a.shape]));
  const y = exe.forward({ data: randArray(8, 1) })[0].toTypedArray();
  assert.equal(seen, [['fc1_output', [2, 3]], ['relu1_output', [2, 3]]]);
  seen.length = 0;
  exe.setMonitorCallback((n, a) => seen.push([n, a.shape]), true);
  assertClose(exe.forward()[0].data, y, 0, 0);
  assert.equal(seen.map(([n]) => n), ['fc1_input0', 'fc1_input1', 'fc1_input2', 'fc1_output', 'relu1_input0', 'relu1_output']);
  exe.setMonitorCallback(undefined);
  seen.length = 0; exe.forward();
  assert.is(seen.length, 0);
  exe.dispose();
});

test.run();
