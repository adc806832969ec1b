// A hybridized block called several times under one record (Siamese / triplet nets, MXNet allows it): each call keeps
// its own forward state, and one backward gives the imperative gradients (parameter gradients summed over the calls).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { gluon, nd, autograd } = mx;
const { nn } = gluon;
type Net = InstanceType<typeof nn.HybridSequential>;

function mlp(): Net {
  const net = new nn.HybridSequential();
  net.add(new nn.Dense(7, { activation: 'tanh' }), new nn.Dense(5, { activation: 'relu' }), new nn.Dense(3));
  return net;
}
function convNet(): Net {
  const net = new nn.HybridSequential();
  net.add(new nn.Conv2D(3, 3, { activation: 'tanh' }), new nn.MaxPool2D(2, 2), new nn.Flatten(), new nn.Dense(4));
  return net;
}
const arr = (shape: number[], seed: number) => nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed, -1, 1), { shape });

/** Two copies of a net with the same parameters: `a` imperative, `b` hybridized. */
function pair(make: () => Net, x: NDArray): [Net, Net] {
  mx.random.seed(11);
  const a = make(), b = make();
  a.initialize(new mx.init.Xavier()); b.initialize(new mx.init.Xavier());
  a.forward(x); b.forward(x);
  const pb = b.collectParams().values();
  a.collectParams().values().forEach((p, i) => pb[i].setData(p.data()));
  b.hybridize();
  return [a, b];
}

/** Parameter gradients and input gradients of `loss(net, inputs)` after one backward. */
function grads(net: Net, inputs: NDArray[], loss: (net: Net, xs: NDArray[]) => NDArray) {
  const xs = inputs.map((x) => { const c = x.copy(); c.attachGrad(); return c; });
  const l = autograd.record(() => loss(net, xs));
  l.backward();
  return { loss: l.toTypedArray(), params: net.collectParams().values().map((p) => p.grad().toTypedArray()), inputs: xs.map((x) => x.grad!.toTypedArray()) };
}
function same(a: ReturnType<typeof grads>, b: ReturnType<typeof grads>) {
  assertClose(b.loss, a.loss, 1e-5, 1e-6, 'loss');
  a.params.forEach((g, i) => assertClose(b.params[i], g, 1e-5, 1e-6, `param ${i}`));
  a.inputs.forEach((g, i) => assertClose(b.inputs[i], g, 1e-5, 1e-6, `input ${i}`));
}

const sq = (a: NDArray) => nd.square(a);
const siamese = (net: Net, [x1, x2]: NDArray[]) => sq(net.forward(x1).sub(net.forward(x2))).sum();
const triplet = (net: Net, [a, p, n]: NDArray[]) => {
  const ea = net.forward(a), ep = net.forward(p), en = net.forward(n);
  return sq(ea.sub(ep)).sum().sub(sq(ea.sub(en)).sum()).add(ep.mul(en).sum()); // ea used twice
};

for (const [name, make, shape] of [['MLP', mlp, [4, 6]], ['conv net', convNet, [2, 1, 8, 8]]] as [string, () => Net, number[]][]) {
  test(`${name}: a hybridized block called twice before backward (Siamese) == imperative gradients`, () => {
    const x1 = arr(shape, 1), x2 = arr(shape, 2);
    const [a, b] = pair(make, x1);
    same(grads(a, [x1, x2], siamese), grads(b, [x1, x2], siamese));
    // and again (the executors are reused once the first walk released them)
    same(grads(a, [x2, x1], siamese), grads(b, [x2, x1], siamese));
  });
}

test('triplet: three calls, one output used twice; gradReq add accumulates across two steps', () => {
  const xs = [arr([3, 6], 3), arr([3, 6], 4), arr([3, 6], 5)];
  const [a, b] = pair(mlp, xs[0]);
  same(grads(a, xs, triplet), grads(b, xs, triplet));
  for (const n of [a, b]) for (const p of n.collectParams().values()) { p.gradReq = 'add'; p.zeroGrad(); }
  grads(a, xs, triplet); grads(b, xs, triplet);
  same(grads(a, xs, triplet), grads(b, xs, triplet)); // three accumulated steps each
});

test('two calls, separate backward walks: each writes its own gradients (write overwrites)', () => {
  const x1 = arr([2, 6], 6), x2 = arr([2, 6], 7);
  const [a, b] = pair(mlp, x1);
  const only = (x: NDArray) => (net: Net) => grads(net, [x], (n, [v]) => n.forward(v).sum());
  const [y1, y2] = autograd.record(() => [sq(b.forward(x1)).sum(), b.forward(x2).sum()]);
  y2.backward(); // the later call first
  const g2 = b.collectParams().values().map((p) => p.grad().toTypedArray());
  y1.backward();
  const g1 = b.collectParams().values().map((p) => p.grad().toTypedArray());
  const w2 = only(x2)(a).params;
  const w1 = grads(a, [x1], (n, [v]) => sq(n.forward(v)).sum()).params;
  w2.forEach((g, i) => assertClose(g2[i], g, 1e-5, 1e-6, `second call, param ${i}`));
  w1.forEach((g, i) => assertClose(g1[i], g, 1e-5, 1e-6, `first call, param ${i}`));
});

test('a call whose state a later call reused (another record scope, or past the limit in one) has its backward refused', () => {
  const x = arr([1, 6], 8);
  const [a, b] = pair(mlp, x);
  const l = autograd.record(() => { let s = b.forward(x).sum(); for (let i = 0; i < 8; i++) s = s.add(b.forward(x).sum()); return s; });
  try { l.backward(); assert.unreachable('refused'); } catch (e) { assert.match((e as Error).message, /forward state was reused by a later call/); }
  // a forward recorded without backward (an evaluation) does not hold an executor past its record() scope
  const y1 = autograd.record(() => b.forward(x).sum()), y2 = autograd.record(() => sq(b.forward(x)).sum());
  try { y1.backward(); assert.unreachable('refused'); } catch (e) { assert.match((e as Error).message, /forward state was reused/); }
  y2.backward();
  const want = grads(a, [x], (n, [v]) => sq(n.forward(v)).sum()).params;
  b.collectParams().values().forEach((p, i) => assertClose(p.grad().toTypedArray(), want[i], 1e-5, 1e-6, `param ${i}`));
});

test.run();
