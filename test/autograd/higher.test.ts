// autograd beyond first-order op gradients: recorded NDArray views (reshape / slice / at as MXNet's Reshape and
// slice_axis), mx.autograd.Function (user forward/backward), and grad({ createGraph }) (second order), each checked
// against central finite differences computed in float64 from float32 forwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { nd, autograd } = mx;

/** Central differences of the scalar f at x (f computed unrecorded), for every element. */
function numGrad(f: (x: NDArray) => number, x: NDArray, eps = 1e-2): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.size; i++) {
    const x0 = x.data[i];
    x.data[i] = x0 + eps; const fp = f(x);
    x.data[i] = x0 - eps; const fm = f(x);
    x.data[i] = x0;
    out.push((fp - fm) / (2 * eps));
  }
  return out;
}
const sumOf = (a: NDArray) => { let s = 0; for (const v of a.data) s += v; return s; };
/** sum(y * w) for a fixed w: a scalar loss whose gradient is each op's backward with out grads w. */
const weighted = (y: NDArray, w: Float32Array) => { let s = 0; const d = y.data; for (let i = 0; i < d.length; i++) s += d[i] * w[i]; return s; };

test('reshape / slice / at views are recorded (Reshape, slice_axis): gradients vs finite differences', () => {
  for (const rows of [1, 4]) {
    const x = nd.array(randArray(rows * 6, 3 + rows), { shape: [rows, 6] });
    x.attachGrad();
    const w = randArray(Math.max(1, rows - 1) * 6 + 6, 9);
    // uses every view: reshape (-1 codes), slice rows, at(row), then ops on the views
    const f = (a: NDArray) => {
      const r = a.reshape([rows, 2, 3]);
      const s = nd.square(r.slice(0, Math.max(1, rows - 1)).reshape([-1, 3]));
      const t = nd.tanh(a.at(rows - 1).mul(3));
      return [s, t];
    };
    const loss = (a: NDArray) => { const [s, t] = f(a); return weighted(s, w) + weighted(t, w.subarray(s.size)); };
    const [s, t] = autograd.record(() => f(x));
    autograd.backward([s, t], [nd.array(w.slice(0, s.size), { shape: s.shape }), nd.array(w.slice(s.size, s.size + t.size), { shape: t.shape })]);
    assertClose(x.grad!.data, numGrad(loss, x), 2e-2, 2e-3, `rows ${rows}`);
  }
});

test('views outside record stay unrecorded; a view of a variable is in the graph; detach is not', () => {
  const x = nd.array([1, 2, 3, 4]); x.attachGrad();
  const v = x.reshape([2, 2]);
  assert.throws(() => v.backward(), /not in a computational graph/);
  const y = autograd.record(() => x.reshape([2, 2]).at(1).sum());
  y.backward();
  assert.equal(Array.from(x.grad!.data), [0, 0, 1, 1]);
  const z = autograd.record(() => x.detach().reshape([4]).mul(x).sum());
  z.backward();
  assert.equal(Array.from(x.grad!.data), [1, 2, 3, 4]);
});

class Sigmoid extends autograd.Function {
  override forward(x: NDArray) { const y = nd.sigmoid(x); this.saveForBackward(y); return y; }
  override backward(dy: NDArray) { const [y] = this.savedTensors; return dy.mul(y).mul(y.mul(-1).add(1)); }
}
class MulAdd extends autograd.Function { // two inputs, two outputs: (a*b, a+b)
  override forward(a: NDArray, b: NDArray) { this.saveForBackward(a, b); return [a.mul(b), a.add(b)]; }
  override backward(g1: NDArray, g2: NDArray) { const [a, b] = this.savedTensors; return [g1.mul(b).add(g2), g1.mul(a).add(g2)]; }
}

test('autograd.Function: custom forward/backward, one and two inputs/outputs, vs finite differences', () => {
  for (const n of [1, 7]) {
    const x = nd.array(randArray(n, 5 + n, -2, 2)); x.attachGrad();
    const w = randArray(n, 21);
    const y = autograd.record(() => new Sigmoid().call(x) as NDArray);
    assertClose(y.data, Array.from(x.data, (v) => 1 / (1 + Math.exp(-v))), 1e-5);
    y.backward(nd.array(w));
    assertClose(x.grad!.data, numGrad((a) => weighted(nd.sigmoid(a), w), x), 2e-2, 2e-3, `sigmoid n=${n}`);
  }
  const a = nd.array(randArray(5, 1)), b = nd.array(randArray(5, 2));
  a.attachGrad(); b.attachGrad();
  const w1 = randArray(5, 3), w2 = randArray(5, 4);
  const [p, q] = autograd.record(() => new MulAdd().call(a, nd.exp(b)) as NDArray[]); // b through exp: the Function's input is in the graph via a node
  autograd.backward([p, q], [nd.array(w1), nd.array(w2)]);
  const lossA = (v: NDArray) => weighted(v.mul(nd.exp(b)), w1) + weighted(v.add(nd.exp(b)), w2);
  const lossB = (v: NDArray) => weighted(a.mul(nd.exp(v)), w1) + weighted(a.add(nd.exp(v)), w2);
  assertClose(a.grad!.data, numGrad(lossA, a), 2e-2, 2e-3, 'a');
  assertClose(b.grad!.data, numGrad(lossB, b), 2e-2, 2e-3, 'b');
  // a backward returning the wrong number of gradients is an MxError naming the function
  class Bad extends autograd.Function { override forward(x: NDArray) { return x.mul(2); } override backward() { return [] as NDArray[]; } }
  const z = autograd.record(() => new Bad().call(a) as NDArray);
  assert.throws(() => z.backward(), /Bad: backward returned 0 gradients for 1 inputs/);
});

test('grad(createGraph): second derivatives vs finite differences of the first (sin, x^3, tanh, exp*x, FC+tanh)', () => {
  const cases: [string, (x: NDArray) => NDArray][] = [
    ['sin', (x) => nd.sin(x)],
    ['x^3', (x) => x.mul(x).mul(x)],
    ['tanh(2x)/3', (x) => nd.tanh(x.mul(2)).div(3)],
    ['exp(x)*x + sqrt(x^2+1)', (x) => nd.exp(x).mul(x).add(nd.sqrt(nd.square(x).add(1)))],
    ['sum(sigmoid(x), mean)', (x) => nd.mean(nd.sigmoid(x.reshape([-1, 1])), { axis: 1 })],
  ];
  for (const [what, f] of cases) {
    const x = nd.array(randArray(6, what.length, -1.5, 1.5)); x.attachGrad();
    const firstOf = (a: NDArray) => { a.attachGrad(); const y = autograd.record(() => f(a)); const [g] = autograd.grad(y, [a]); return g; };
    const y = autograd.record(() => f(x));
    const [dx] = autograd.record(() => autograd.grad(y, [x], { createGraph: true }));
    // first order through the recorded path equals the declared backward's
    const x2 = x.copy();
    assertClose(dx.data, firstOf(x2).data, 1e-5, 1e-6, `${what}: first order`);
    dx.backward(); // d/dx sum(dy/dx): the diagonal of the Hessian for these elementwise functions
    const num = numGrad((a) => sumOf(firstOf(a.copy())), x, 1e-2);
    assertClose(x.grad!.data, num, 3e-2, 3e-3, `${what}: second order`);
  }
});

test('grad(createGraph) through FullyConnected + tanh and broadcast ops: d/dW of |dL/dx|^2 vs finite differences', () => {
  const x = nd.array(randArray(6, 1), { shape: [2, 3] }), W = nd.array(randArray(12, 2, -0.5, 0.5), { shape: [4, 3] }), b = nd.array(randArray(4, 3));
  x.attachGrad(); W.attachGrad();
  const net = (xx: NDArray, ww: NDArray) => nd.tanh(nd.FullyConnected(xx, ww, b, { num_hidden: 4 })).sum();
  const penalty = (ww: NDArray) => {
    const xx = x.copy(); xx.attachGrad();
    const l = autograd.record(() => net(xx, ww));
    const [g] = autograd.grad(l, [xx]);
    return sumOf(nd.square(g));
  };
  const l = autograd.record(() => net(x, W));
  const p = autograd.record(() => nd.square(autograd.grad(l, [x], { createGraph: true })[0]).sum());
  const [dW] = autograd.grad(p, [W]);
  assertClose(dW.data, numGrad(penalty, W), 3e-2, 3e-3, 'FC second order');
});

test.run();
