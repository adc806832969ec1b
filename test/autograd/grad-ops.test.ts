// grad(createGraph) through every op of grad-ops.ts: the recorded first derivative equals the declared backward's
// (1e-5), and the second order (d/dx of sum(v * dL/dx)) matches central finite differences of the declared first
// derivative. Inputs keep away from kinks (abs at 0, clip bounds, max ties) so the differences are smooth.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { nd, autograd } = mx;
type F = (xs: NDArray[]) => NDArray;

const arr = (shape: number[], seed: number, lo = -1.5, hi = 1.5) => nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed, lo, hi), { shape });
/** Values in ±[lo, hi] (away from 0). */
const away = (shape: number[], seed: number, lo = 0.3, hi = 1.5) => {
  const r = randArray(shape.reduce((a, b) => a * b, 1), seed, lo, hi), s = randArray(r.length, seed + 1);
  return nd.array(r.map((v, i) => (s[i] < 0.5 ? -v : v)), { shape });
};
const sq = (a: NDArray) => nd.square(a);
const dotW = (a: NDArray, w: Float32Array) => { let s = 0; const d = a.data; for (let i = 0; i < d.length; i++) s += d[i] * w[i]; return s; };

/** The declared backward's dL/dx_k (L = sum(w * f(xs))). */
function first(f: F, xs: NDArray[], k: number, w: NDArray): NDArray {
  const c = xs.map((x) => { const y = x.copy(); y.attachGrad(); return y; });
  const y = autograd.record(() => f(c));
  return autograd.grad(y, [c[k]], { headGrads: w })[0];
}

function check(what: string, f: F, xs: NDArray[], wrt = [0]) {
  const y0 = f(xs);
  const w = arr(y0.shape, 77, -1, 1);
  for (const k of wrt) {
    const c = xs.map((x) => { const y = x.copy(); y.attachGrad(); return y; });
    const y = autograd.record(() => f(c));
    const [dx] = autograd.record(() => autograd.grad(y, [c[k]], { headGrads: w, createGraph: true }));
    assertClose(dx.data, first(f, xs, k, w).data, 1e-5, 1e-5, `${what}: first order (input ${k})`);
    const v = randArray(dx.size, 91, -1, 1);
    autograd.record(() => dx.mul(nd.array(v, { shape: dx.shape })).sum()).backward();
    const x = xs[k], eps = 1e-2, num: number[] = [];
    for (let i = 0; i < x.size; i++) {
      const x0 = x.data[i];
      x.data[i] = x0 + eps; const fp = dotW(first(f, xs, k, w), v);
      x.data[i] = x0 - eps; const fm = dotW(first(f, xs, k, w), v);
      x.data[i] = x0;
      num.push((fp - fm) / (2 * eps));
    }
    assertClose(c[k].grad!.data, num, 4e-2, 4e-3, `${what}: second order (input ${k})`);
  }
}

const S = [2, 3];
const unary: [string, F, () => NDArray][] = [
  ['abs', ([x]) => sq(nd.abs(x)).mul(nd.abs(x)), () => away(S, 1)],
  ['rsqrt', ([x]) => nd.rsqrt(x), () => arr(S, 2, 0.5, 2)],
  ['log1p', ([x]) => nd.log1p(x), () => arr(S, 3, 0, 2)],
  ['expm1', ([x]) => nd.expm1(x), () => arr(S, 4)],
  ['softsign', ([x]) => nd.softsign(x), () => away(S, 5)],
  ['Activation softsign', ([x]) => nd.Activation(x, { act_type: 'softsign' }), () => away(S, 5)],
  ['erf', ([x]) => nd.erf(x), () => arr(S, 6)],
  ['hard_sigmoid', ([x]) => sq(nd.hard_sigmoid(x)), () => arr(S, 7, -2, 2)],
  ['clip', ([x]) => sq(nd.clip(x, { a_min: -0.9, a_max: 0.9 })), () => away(S, 8, 0.2, 0.7).mul(2)],
  ['smooth_l1', ([x]) => sq(nd.smooth_l1(x, { scalar: 1 })), () => away(S, 9, 0.2, 0.8).mul(2)],
  ['floor / Cast / BlockGrad (zero or pass-through)', ([x]) => sq(x).mul(nd.floor(x)).add(nd.Cast(sq(x), { dtype: 'float32' })).add(nd.BlockGrad(x)), () => arr(S, 10, 0.1, 0.9)],
  ['_rpower_scalar', ([x]) => nd._rpower_scalar(x, { scalar: 1.7 }), () => arr(S, 11)],
  ['_maximum_scalar / _minimum_scalar', ([x]) => sq(nd._maximum_scalar(x, { scalar: 0.1 })).add(sq(nd._minimum_scalar(x, { scalar: -0.2 }))), () => away(S, 12, 0.4, 1.2)],
  ['_hypot_scalar', ([x]) => nd._hypot_scalar(x, { scalar: 0.7 }), () => arr(S, 13)],
  ['LeakyReLU leaky', ([x]) => sq(nd.LeakyReLU(x, { act_type: 'leaky', slope: 0.3 })), () => away(S, 14)],
  ['LeakyReLU elu', ([x]) => nd.LeakyReLU(x, { act_type: 'elu', slope: 0.8 }), () => away(S, 15)],
  ['LeakyReLU selu', ([x]) => nd.LeakyReLU(x, { act_type: 'selu' }), () => away(S, 16)],
  ['LeakyReLU gelu', ([x]) => nd.LeakyReLU(x, { act_type: 'gelu' }), () => arr(S, 17)],
  ['softmax (axis -1)', ([x]) => nd.softmax(x), () => arr(S, 18)],
  ['log_softmax (axis 0)', ([x]) => nd.log_softmax(x, { axis: 0 }), () => arr(S, 19)],
  ['softmin (temperature 2)', ([x]) => nd.softmin(x, { temperature: 2 }), () => arr(S, 20)],
  ['max / min (axis 1)', ([x]) => sq(nd.max(x, { axis: 1 })).add(sq(nd.min(x, { axis: 1 }))), () => arr(S, 21)],
  ['prod', ([x]) => nd.prod(x, { axis: 0 }), () => arr(S, 22, 0.5, 1.5)],
  ['norm', ([x]) => nd.norm(x, { axis: 1 }), () => arr(S, 23)],
  ['transpose / SwapAxis', ([x]) => sq(nd.transpose(sq(x), { axes: [1, 0] })).add(nd.SwapAxis(sq(x), { dim1: 0, dim2: 1 })), () => arr(S, 24)],
  ['Flatten / expand_dims / squeeze', ([x]) => sq(nd.squeeze(nd.expand_dims(nd.Flatten(sq(x.reshape([2, 3, 1]))), { axis: 1 }), { axis: 1 })), () => arr(S, 25)],
  ['broadcast_to / broadcast_axis', ([x]) => sq(nd.broadcast_to(x.reshape([1, 6]), { shape: [3, 6] })).add(nd.broadcast_axis(sq(x.reshape([1, 6])), { axis: 0, size: 3 })), () => arr(S, 26)],
  ['slice_axis / slice', ([x]) => sq(nd.slice_axis(sq(x), { axis: 1, begin: 1, end: 3 })).add(sq(nd.slice(x, { begin: [1, 0], end: [2, 2] })).sum()), () => arr([3, 3], 27)],
  ['Concat / stack', ([x]) => sq(nd.Concat(x, sq(x), { num_args: 2, dim: 1 })).sum().add(sq(nd.stack(x, sq(x), { num_args: 2, axis: 0 })).sum()), () => arr(S, 28)],
  ['pick (axis 1, axis 0)', ([x]) => sq(nd.pick(sq(x), nd.array([2, 0]), { axis: 1 })).add(nd.pick(sq(x), nd.array([1, 0, 1]), { axis: 0 }).sum()), () => arr(S, 29)],
  ['take', ([x]) => sq(nd.take(sq(x), nd.array([2, 0, 2]))), () => arr([3, 2], 30)],
];
for (const [what, f, make] of unary) test(`grad(createGraph) ${what}`, () => check(what, f, [make()]));

test('grad(createGraph) binary ops with broadcasting: power, maximum, minimum, hypot, mod, where', () => {
  const a = arr([2, 3], 31, 0.5, 2), b = arr([1, 3], 32, 0.5, 2);
  check('broadcast_power', ([p, q]) => nd.broadcast_power(p, q), [a, b], [0, 1]);
  check('_power', ([p, q]) => nd._power(p, q), [a, arr([2, 3], 33, 0.5, 2)], [0, 1]);
  const c = away([2, 3], 34, 0.2, 1), d = away([1, 3], 36, 1.3, 2); // |c| < |d| everywhere: no ties
  check('broadcast_maximum / minimum', ([p, q]) => sq(nd.broadcast_maximum(p, q)).add(sq(nd.broadcast_minimum(p, q))), [c, d], [0, 1]);
  check('_hypot', ([p, q]) => nd._hypot(p, q), [a, arr([2, 3], 37)], [0, 1]);
  check('where', ([p, q]) => sq(nd.where(nd.array([1, 0, 1, 0, 0, 1], { shape: [2, 3] }), p, q)), [a, arr([2, 3], 38)], [0, 1]);
  check('add_n', ([p, q]) => sq(nd.add_n(p, q, sq(p), { num_args: 3 })), [a, arr([2, 3], 39)], [0, 1]);
});

test('grad(createGraph) PReLU (gamma per channel), Embedding, dot with transposes, batch_dot', () => {
  check('prelu', ([x, g]) => sq(nd.LeakyReLU(x, g, { act_type: 'prelu' })), [away([2, 3, 2], 40), arr([3], 41, 0.1, 0.5)], [0, 1]);
  check('Embedding', ([w]) => sq(nd.Embedding(nd.array([1, 3, 1]), w, { input_dim: 4, output_dim: 2 })), [arr([4, 2], 42)]);
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    const A = arr(ta ? [4, 2] : [2, 4], 43), B = arr(tb ? [3, 4] : [4, 3], 44);
    check(`dot ta=${ta} tb=${tb}`, ([p, q]) => sq(nd.dot(p, q, { transpose_a: ta, transpose_b: tb })), [A, B], [0, 1]);
  }
  check('batch_dot tb', ([p, q]) => sq(nd.batch_dot(p, q, { transpose_b: true })), [arr([2, 2, 3], 45), arr([2, 4, 3], 46)], [0, 1]);
});

test('gradient penalty on an MLP through the loss: d/dW of |dL/dx|^2 with relu, log_softmax and pick', () => {
  const W1 = arr([5, 4], 50, -0.7, 0.7), W2 = arr([3, 5], 51, -0.7, 0.7), x = arr([2, 4], 52);
  const loss = ([xx, w1]: NDArray[]) => nd.negative(nd.pick(nd.log_softmax(nd.FullyConnected(nd.LeakyReLU(nd.FullyConnected(xx, w1, { num_hidden: 5, no_bias: true }), { act_type: 'elu', slope: 1 }),
    W2, { num_hidden: 3, no_bias: true })), nd.array([0, 2]))).sum();
  check('penalty', loss, [x, W1], [0, 1]);
});

test('grad(createGraph) names an op without a recordable backward', () => {
  const x = nd.array([[[[1, 2], [3, 4]]]]); x.attachGrad();
  const y = autograd.record(() => nd.Pooling(x, { kernel: [2, 2], pool_type: 'max' }).sum());
  assert.throws(() => autograd.grad(y, [x], { createGraph: true }), /op 'Pooling' .*no recordable backward/);
  assert.ok(autograd.recordableGradOps().includes('log_softmax'));
});

test.run();
