// gluon Block/Parameter: MXNet's naming (global counter, nameScope, '' prefixes), collectParams, deferred init,
// Parameter API, and errors naming the block (forward before initialize, wrong in_units, unknown reduction).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';

const { gluon, nd } = mx;
const { nn } = gluon;
const throwsMsg = (f: () => unknown, re: RegExp) => {
  try { f(); } catch (e) { assert.ok(mx.isMxError(e), `not an MxError: ${e}`); assert.match((e as Error).message, re); return; }
  assert.unreachable(`expected an error matching ${re}`);
};
const reset = () => mx.sym.NameManager.reset();

test('naming: top-level counters, nameScope children, activation child, Sequential keys', () => {
  reset();
  const d0 = new nn.Dense(10), d1 = new nn.Dense(5, { activation: 'relu' });
  assert.is(d0.name, 'dense0'); assert.is(d1.prefix, 'dense1_');
  assert.equal(d1.collectParams().keys(), ['dense1_weight', 'dense1_bias']);
  assert.is(d1.act!.prefix, 'dense1_relu_');
  class Net extends gluon.HybridBlock {
    body: InstanceType<typeof nn.HybridSequential>;
    constructor() {
      super();
      this.body = this.nameScope(() => {
        const s = this.registerChild(new nn.HybridSequential({ prefix: '' }), 'body');
        s.nameScope(() => s.add(new nn.Conv2D(4, 3), new nn.BatchNorm(), new nn.Conv2D(4, 3)));
        this.registerChild(new nn.HybridSequential({ prefix: 'stage1_' }), 'stage');
        return s;
      });
    }
    override hybridForward(_F: unknown, x: unknown) { return this.body.forward(x); }
  }
  const net = new Net();
  assert.is(net.prefix, 'net0_');
  assert.equal(net.collectParams().keys(), ['net0_conv0_weight', 'net0_conv0_bias', 'net0_batchnorm0_gamma', 'net0_batchnorm0_beta',
    'net0_batchnorm0_running_mean', 'net0_batchnorm0_running_var', 'net0_conv1_weight', 'net0_conv1_bias']);
  assert.is((net.children.get('stage') as InstanceType<typeof gluon.Block>).prefix, 'net0_stage1_');
  assert.equal([...net.collectParamsWithPrefix().keys()].slice(0, 3), ['body.0.weight', 'body.0.bias', 'body.1.gamma']);
  assert.equal(net.collectParams('.*conv1.*').keys(), ['net0_conv1_weight', 'net0_conv1_bias']);
  assert.equal(net.collectParams('conv').keys(), []); // re.match: anchored at the start
});

test('deferred init: shapes come from the first forward; data() before that names the parameter', () => {
  reset();
  const d = new nn.Dense(3);
  d.initialize();
  const w = d.collectParams().get('weight');
  assert.equal(w.shape, [3, 0]);
  throwsMsg(() => w.data(), /dense0_weight.*deferred/);
  const y = d.forward(nd.ones([2, 4, 2]));
  assert.equal(y.shape, [2, 3]);
  assert.equal(w.shape, [3, 8]);
  assert.equal(d.collectParams().get('bias').data().toArray(), [0, 0, 0]); // bias 'zeros' whatever the global init
  const u = w.data().toArray().flat() as number[];
  assert.ok(u.every((v) => Math.abs(v) <= 0.07) && u.some((v) => v !== 0), 'default Uniform(0.07)');
});

test('Parameter: setData, gradReq null/add, lrMult/wdMult, Constant, force reinit', () => {
  reset();
  const d = new nn.Dense(2, { inUnits: 3 });
  d.initialize(new mx.init.One());
  const w = d.collectParams().get('dense0_weight');
  assert.equal(w.data().toArray(), [[1, 1, 1], [1, 1, 1]]);
  w.setData(nd.full([2, 3], 2));
  assert.equal(w.data().toArray(), [[2, 2, 2], [2, 2, 2]]);
  throwsMsg(() => w.setData(nd.ones([3, 2])), /shape/);
  d.initialize(new mx.init.Zero()); // ignored without forceReinit
  assert.is(w.data().data[0], 2);
  d.initialize(new mx.init.Zero(), { forceReinit: true });
  assert.is(w.data().data[0], 0);
  w.gradReq = 'null';
  throwsMsg(() => w.grad(), /grad_req='null'/);
  w.gradReq = 'write';
  w.lrMult = 0.5; assert.is(w.var().attr('__lr_mult__'), '0.5');
  const c = new gluon.Constant('scale', nd.array([3]));
  assert.is(c.gradReq, 'null'); assert.equal(c.data().toArray(), [3]);
});

test('errors name the block: forward before initialize, wrong in_units, bad reduction, bad child', () => {
  reset();
  const d = new nn.Dense(4);
  throwsMsg(() => d.forward(nd.ones([2, 3])), /dense0.*not been initialized/);
  const e = new nn.Dense(4, { inUnits: 5 });
  e.initialize();
  throwsMsg(() => e.forward(nd.ones([2, 3])), /Block dense1: .*(shape|inconsistent)/i);
  e.hybridize();
  throwsMsg(() => e.forward(nd.ones([2, 3])), /Block dense1: /);
  throwsMsg(() => new gluon.loss.L2Loss({ reduction: 'median' }), /l2loss0: unknown reduction 'median'/);
  throwsMsg(() => new nn.HybridSequential().add(new nn.Sequential() as never), /HybridBlock/);
  throwsMsg(() => new nn.Dense(0), /units/);
});

test('Sequential of hybrid children, autograd through it, zeroGrad', () => {
  reset();
  const net = new nn.Sequential();
  net.add(new nn.Dense(4, { activation: 'relu' }), new nn.Dense(2));
  net.initialize(new mx.init.Xavier());
  const x = nd.random.uniform(-1, 1, [3, 5]);
  const l = mx.autograd.record(() => (net.forward(x) as InstanceType<typeof mx.NDArray>).sum());
  l.backward();
  const g = net.collectParams().get('dense0_weight').grad();
  assert.ok(Array.from(g.data).some((v) => v !== 0));
  net.zeroGrad();
  assert.ok(Array.from(g.data).every((v) => v === 0));
});

test('imperative steps free their temporaries: memory in use is steady across steps', () => {
  reset();
  const net = new nn.HybridSequential();
  net.add(new nn.Dense(32, { activation: 'relu' }), new nn.Dropout(0.1), new nn.BatchNorm(), new nn.Dense(4));
  net.initialize(new mx.init.Xavier());
  const tr = new gluon.Trainer(net.collectParams(), 'sgd', { learning_rate: 0.1 });
  const lossFn = new gluon.loss.SoftmaxCrossEntropyLoss();
  const x = nd.random.uniform(-1, 1, [16, 20]), y = nd.array(Array.from({ length: 16 }, (_, i) => i % 4), { dtype: 'int32' });
  const step = () => {
    let out: InstanceType<typeof mx.NDArray> | undefined;
    const l = mx.autograd.record(() => lossFn.forward(out = net.forward(x) as InstanceType<typeof mx.NDArray>, y));
    l.backward(); tr.step(16); l.dispose(); out!.dispose();
  };
  step(); step();
  const before = mx.memoryStats().bytesInUse;
  for (let i = 0; i < 20; i++) step();
  assert.is(mx.memoryStats().bytesInUse, before);
});

test.run();
