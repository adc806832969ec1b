// gluon.Trainer: the same updates as Module (same fused optimizer kernels) step for step, imperative and
// hybridized; learning rate get/set; lr_mult / wd_mult per Parameter; optimizer states round trip; gradReq 'add'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { gluon, nd, autograd, sym } = mx;
const { nn } = gluon;

function gluonMlp() {
  const net = new nn.HybridSequential();
  net.nameScope(() => net.add(new nn.Dense(16, { activation: 'relu' }), new nn.Dense(3)));
  return net;
}
function moduleMlp(prefix: string) {
  const fc1 = sym.FullyConnected({ data: sym.Variable('data'), num_hidden: 16, name: `${prefix}dense0` });
  const r = sym.Activation({ data: fc1, act_type: 'relu' });
  const fc2 = sym.FullyConnected({ data: r, num_hidden: 3, name: `${prefix}dense1` });
  return sym.SoftmaxOutput({ data: fc2, name: 'softmax' });
}

for (const hybrid of [false, true]) {
  test(`Trainer(sgd momentum) matches Module step for step (${hybrid ? 'hybridized' : 'imperative'})`, () => {
    mx.random.seed(7);
    const batch = 8, steps = 5;
    const net = gluonMlp();
    net.initialize(new mx.init.Xavier());
    if (hybrid) net.hybridize();
    const xs = Array.from({ length: steps }, (_, s) => nd.array(randArray(batch * 6, 50 + s), { shape: [batch, 6] }));
    const ys = Array.from({ length: steps }, (_, s) => nd.array(Array.from({ length: batch }, (_, i) => (i + s) % 3)));
    net.forward(xs[0]);
    const mod = new mx.mod.Module({ symbol: moduleMlp(net.prefix) });
    mod.bind({ dataShapes: [['data', [batch, 6]]], labelShapes: [['softmax_label', [batch]]] });
    const init: Record<string, NDArray> = {};
    for (const p of net.collectParams().values()) init[p.name] = p.data().copy();
    mod.initParams({ argParams: init });
    const opt = { learning_rate: 0.1, momentum: 0.9, wd: 0 };
    mod.initOptimizer({ optimizer: 'sgd', optimizerParams: opt });
    const trainer = new gluon.Trainer(net.collectParams(), 'sgd', opt);
    const lossFn = new gluon.loss.SoftmaxCrossEntropyLoss();
    for (let s = 0; s < steps; s++) {
      mod.forwardBackward(new mx.io.DataBatch({ data: [xs[s]], label: [ys[s]] }));
      mod.update();
      autograd.record(() => lossFn.forward(net.forward(xs[s]), ys[s])).backward();
      trainer.step(batch);
    }
    const [args] = mod.getParams();
    for (const p of net.collectParams().values()) assertClose(p.data().data, args[p.name].data, 1e-5, 1e-6, p.name);
  });
}

test('learningRate / setLearningRate; lrMult and wdMult on the Parameter (wd on biases too, as Gluon)', () => {
  mx.random.seed(8);
  const d = new nn.Dense(2, { inUnits: 2 });
  d.initialize(new mx.init.One());
  const [w, b] = d.collectParams().values();
  assert.equal(Array.from(b.data().data), [0, 0]); // the layer's bias init 'zeros' wins over the global One
  b.setData(nd.ones([2]));
  w.lrMult = 0; // frozen by lr
  const tr = new gluon.Trainer(d.collectParams(), 'sgd', { learning_rate: 0.5, wd: 0.1 });
  assert.is(tr.learningRate, 0.5);
  tr.setLearningRate(0.25);
  assert.is(tr.learningRate, 0.25);
  autograd.record(() => d.forward(nd.ones([1, 2])).sum()).backward();
  tr.step(1);
  assert.equal(Array.from(w.data().data), [1, 1, 1, 1]);
  // bias: 1 - 0.25 * (grad 1 + wd 0.1 * 1) = 0.725 (Gluon's wd_mult is 1 for biases)
  assertClose(b.data().data, [0.725, 0.725], 1e-6);
});

test('saveStates / loadStates restore momentum; gradReq add accumulates until zeroGrad', () => {
  mx.random.seed(9);
  const mk = () => { const d = new nn.Dense(3, { inUnits: 4 }); d.initialize(new mx.init.Xavier()); return d; };
  const a = mk(), b = mk();
  b.collectParams().values().forEach((p, i) => p.setData(a.collectParams().values()[i].data()));
  const ta = new gluon.Trainer(a.collectParams(), 'adam', { learning_rate: 0.01 });
  const tb = new gluon.Trainer(b.collectParams(), 'adam', { learning_rate: 0.01 });
  const x = nd.array(randArray(8, 3), { shape: [2, 4] });
  const stepOn = (n: typeof a, t: typeof ta) => { autograd.record(() => n.forward(x).sum()).backward(); t.step(2); };
  stepOn(a, ta); stepOn(a, ta);
  stepOn(b, tb);
  b.collectParams().values().forEach((p, i) => p.setData(a.collectParams().values()[i].data()));
  const states = ta.saveStates(null);
  tb.loadStates(states);
  stepOn(a, ta); stepOn(b, tb);
  a.collectParams().values().forEach((p, i) => assertClose(b.collectParams().values()[i].data().data, p.data().data, 1e-6, 1e-7));
  const w = a.collectParams().values()[0];
  w.gradReq = 'add';
  w.zeroGrad();
  autograd.record(() => a.forward(x).sum()).backward();
  const g1 = w.grad().toTypedArray();
  autograd.record(() => a.forward(x).sum()).backward();
  assertClose(w.grad().data, Array.from(g1, (v) => 2 * v), 1e-6);
});

test.run();
