// nn ops inside bound graphs (executor): names of auto label / aux variables, whole-graph gradients through
// BatchNorm / LayerNorm / LeakyReLU / softmax, BatchNorm moving statistics across forward/backward, Dropout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose } from '../helpers.js';
import { symGradCheck } from '../executor/gradcheck.js';

const { sym } = mx;

test('SoftmaxOutput auto-names its label; BatchNorm lists moving_mean / moving_var as aux states', () => {
  const data = sym.Variable('data');
  const bn = sym.BatchNorm({ data, name: 'bn' });
  const out = sym.SoftmaxOutput({ data: sym.FullyConnected({ data: bn, num_hidden: 3, name: 'fc' }), name: 'softmax' });
  assert.equal(out.listArguments(), ['data', 'bn_gamma', 'bn_beta', 'fc_weight', 'fc_bias', 'softmax_label']);
  assert.equal(out.listAuxiliaryStates(), ['bn_moving_mean', 'bn_moving_var']);
  assert.equal(out.listOutputs(), ['softmax_output']);
});

test('whole-graph gradients: FC -> BatchNorm(fix_gamma False) -> LeakyReLU(gelu) -> LayerNorm -> softmax', () => {
  const data = sym.Variable('data');
  const fc = sym.FullyConnected({ data, num_hidden: 6, name: 'fc' });
  const bn = sym.BatchNorm({ data: fc, fix_gamma: false, name: 'bn' });
  const act = sym.LeakyReLU({ data: bn, act_type: 'gelu', name: 'act' });
  const ln = sym.LayerNorm({ data: act, name: 'ln' });
  const net = sym.softmax({ data: ln, name: 'sm' });
  symGradCheck(net, { data: [4, 5] }).dispose();
});

test('SoftmaxOutput head in a graph: backward with no head gradient = softmax - onehot; moving stats updated by backward', () => {
  const data = sym.Variable('data');
  const bn = sym.BatchNorm({ data, name: 'bn', momentum: 0.5 });
  const net = sym.SoftmaxOutput({ data: bn, name: 'softmax' });
  const exe = net.simpleBind({ shapes: { data: [3, 4] }, gradReq: { data: 'write', bn_gamma: 'null', bn_beta: 'null', softmax_label: 'null' } });
  const x = randArray(12, 5, -2, 2);
  exe.argDict.data.set(x); exe.argDict.softmax_label.set([1, 0, 3]);
  exe.auxDict.bn_moving_var.set([1, 1, 1, 1]);
  const [p] = exe.forward({ isTrain: true });
  assertClose(exe.auxDict.bn_moving_mean.data, [0, 0, 0, 0], 0, 0, 'forward leaves moving_mean');
  exe.backward();
  const mean = [0, 1, 2, 3].map((c) => (x[c] + x[4 + c] + x[8 + c]) / 3);
  assertClose(exe.auxDict.bn_moving_mean.data, mean.map((m) => m * 0.5), 1e-5, 1e-6, 'moving_mean after backward');
  const probs = p.data;
  assert.ok(Math.abs(probs[0] + probs[1] + probs[2] + probs[3] - 1) < 1e-5);
  exe.forward({ isTrain: false });
  exe.dispose();
});

test('Dropout in a graph: identity when not training, masked and rescaled in training, backward uses the mask', () => {
  const data = sym.Variable('data');
  const net = sym.Dropout({ data, p: 0.5, name: 'drop' });
  const exe = net.simpleBind({ shapes: { data: [64, 32] } });
  exe.argDict.data.set(new Float32Array(2048).fill(1));
  assert.ok(Array.from(exe.forward({ isTrain: false })[0].data).every((v) => v === 1));
  const y = Array.from(exe.forward({ isTrain: true })[0].data);
  assert.ok(y.every((v) => v === 0 || v === 2) && y.some((v) => v === 0) && y.some((v) => v === 2));
  exe.backward([new Float32Array(2048).fill(3)]);
  assert.equal(Array.from(exe.gradDict.data.data), y.map((v) => v * 3));
  const y2 = Array.from(exe.forward({ isTrain: true })[0].data);
  assert.not.equal(y2, y, 'a new mask per run');
  exe.dispose();
});

test.run();
