// hybridize(): the traced graph on the executor gives the imperative numbers (forward and gradients), re-plans
// on a new batch size, exports MXNet files that loadCheckpoint / Predictor / SymbolBlock.imports read back, and
// Gluon's parameter files round-trip (structural and full-name keys).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx, assertClose, randArray } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { gluon, nd, autograd } = mx;
const { nn } = gluon;
const dir = mkdtempSync(join(tmpdir(), 'mxwasm-gluon-'));

function lenet() {
  const net = new nn.HybridSequential();
  net.add(new nn.Conv2D(6, 5, { activation: 'tanh' }), new nn.MaxPool2D(2, 2), new nn.Conv2D(8, 5, { activation: 'tanh' }), new nn.MaxPool2D(2, 2),
    new nn.Flatten(), new nn.Dense(20, { activation: 'tanh' }), new nn.Dense(10));
  return net;
}
function bnNet() {
  const net = new nn.HybridSequential();
  net.add(new nn.Conv2D(4, 3, { padding: 1, useBias: false }), new nn.BatchNorm(), new nn.Activation('relu'), new nn.GlobalAvgPool2D(), new nn.Dense(10));
  return net;
}
const data = (n: number, seed: number) => nd.array(randArray(n * 28 * 28, seed, 0, 1), { shape: [n, 1, 28, 28] });
const labels = (n: number) => nd.array(Array.from({ length: n }, (_, i) => i % 10));

/** Loss, gradients (and BN stats) of one recorded step. */
function step(net: InstanceType<typeof nn.HybridSequential>, x: NDArray, y: NDArray) {
  const lossFn = new gluon.loss.SoftmaxCrossEntropyLoss();
  const l = autograd.record(() => lossFn.forward(net.forward(x), y));
  l.backward();
  const ps = net.collectParams().values();
  return { loss: l.toTypedArray(), grads: ps.map((p) => (p.gradReq === 'null' ? p.data() : p.grad()).toTypedArray()) };
}

for (const [name, make] of [['LeNet', lenet], ['BatchNorm net', bnNet]] as const) {
  test(`hybridized == imperative: ${name} forward, loss and gradients (1e-6)`, () => {
    mx.random.seed(3);
    const a = make(), b = make();
    a.initialize(new mx.init.Xavier()); b.initialize(new mx.init.Xavier());
    const x = data(5, 1), y = labels(5);
    a.forward(x); b.forward(x); // deferred init
    for (const [pa, pb] of a.collectParams().values().map((p, i) => [p, b.collectParams().values()[i]])) pb.setData(pa.data());
    b.hybridize();
    assertClose(b.forward(x).data, a.forward(x).data, 1e-5, 1e-6, 'inference forward');
    const ra = step(a, x, y), rb = step(b, x, y);
    assertClose(rb.loss, ra.loss, 1e-5, 1e-6, 'loss');
    ra.grads.forEach((g, i) => assertClose(rb.grads[i], g, 1e-5, 1e-6, `param ${i}`));
  });
}

test('hybridized net re-plans on a new batch size; input gradients flow through a hybridized block', () => {
  mx.random.seed(4);
  const net = lenet(); net.initialize(new mx.init.Xavier()); net.hybridize();
  const y1 = net.forward(data(2, 5)), y7 = net.forward(data(7, 5));
  assert.equal(y1.shape, [2, 10]); assert.equal(y7.shape, [7, 10]);
  assertClose(y7.slice(0, 2).data, y1.data, 1e-5, 1e-6); // same first two images
  const x = data(3, 6); x.attachGrad();
  const l = autograd.record(() => net.forward(x).sum());
  l.backward();
  assert.ok(Array.from(x.grad!.data).some((v) => v !== 0), 'data gradient');
  const x2 = x.copy(); x2.attachGrad();
  net.hybridize(false);
  autograd.record(() => net.forward(x2).sum()).backward();
  assertClose(x.grad!.data, x2.grad!.data, 1e-5, 1e-6, 'same input gradient imperatively');
});

test('export → loadCheckpoint → Predictor and SymbolBlock.imports give the same outputs', () => {
  mx.random.seed(5);
  mx.sym.NameManager.reset();
  const net = bnNet(); net.initialize(new mx.init.Xavier()); net.hybridize();
  const x = data(2, 7);
  autograd.record(() => net.forward(x)).backward(); // a training step moves the BN running stats
  const want = net.forward(x).toTypedArray();
  const prefix = join(dir, 'bn');
  net.export(prefix, 3);
  const ck = mx.model.loadCheckpoint(prefix, 3);
  assert.equal(Object.keys(ck.auxParams).sort(), ['batchnorm0_running_mean', 'batchnorm0_running_var']);
  assert.ok(ck.symbol.listArguments().includes('conv0_weight'));
  const pred = mx.Predictor.load({ symbol: `${prefix}-symbol.json`, params: `${prefix}-0003.params`, inputShapes: { data: [2, 1, 28, 28] } });
  assertClose(pred.forward(x)[0].data, want, 1e-5, 1e-6, 'Predictor');
  const sb = gluon.SymbolBlock.imports(`${prefix}-symbol.json`, ['data'], `${prefix}-0003.params`);
  assertClose(sb.forward(x).data, want, 1e-5, 1e-6, 'SymbolBlock');
  assert.ok(sb.collectParams().has('conv0_weight'));
});

test('saveParameters / loadParameters: structural keys round trip, full-name files, missing/extra errors', () => {
  mx.random.seed(6);
  const a = lenet(), b = lenet();
  a.initialize(new mx.init.Xavier()); b.initialize();
  const x = data(1, 8);
  a.forward(x);
  const f = join(dir, 'lenet.params');
  a.saveParameters(f);
  const keys = Object.keys(nd.load(f) as Record<string, NDArray>);
  assert.equal(keys.slice(0, 3), ['0.weight', '0.bias', '2.weight']);
  b.loadParameters(f); // deferred parameters take the file's shapes
  assertClose(b.forward(x).data, a.forward(x).data, 0, 0);
  // full names without the block prefix (save_params / export-style files, arg: prefixes dropped)
  const mk = () => { const s = new nn.HybridSequential(); s.nameScope(() => s.add(new nn.Dense(4), new nn.Dense(2))); s.initialize(); return s; };
  const p1 = mk(), p2 = mk(), xi = nd.ones([1, 3]);
  p1.forward(xi);
  const full = new Map<string, NDArray>();
  for (const p of p1.collectParams().values()) full.set(`arg:${p.name.slice(p1.prefix.length)}`, p.data());
  assert.ok(full.has('arg:dense0_weight'));
  nd.save(join(dir, 'full.params'), full);
  p2.loadParameters(join(dir, 'full.params'));
  assertClose(p2.forward(xi).data, p1.forward(xi).data, 0, 0);
  const miss = lenet(); miss.add(new nn.Dense(3));
  miss.initialize();
  try { miss.loadParameters(f); assert.unreachable('missing'); } catch (e) { assert.match((e as Error).message, /missing in file/); }
  miss.loadParameters(f, { allowMissing: true });
  const small = new nn.HybridSequential(); small.add(new nn.Conv2D(6, 5)); small.initialize();
  try { small.loadParameters(f); assert.unreachable('extra'); } catch (e) { assert.match((e as Error).message, /not present in the Block/); }
  small.loadParameters(f, { ignoreExtra: true });
  assertClose(small.collectParams().values()[0].data().data, a.collectParams().values()[0].data().data, 0, 0);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
