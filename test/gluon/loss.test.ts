// gluon.loss: every loss against its formula in plain JS (batch 1 and 3, odd widths), weight and sampleWeight,
// sparse/dense/fromLogits variants, hybridized == imperative, and gradients vs finite differences of the loss sum.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { gluon, nd, autograd } = mx;
const L = gluon.loss;
const rows = (a: Float32Array, n: number) => Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * (a.length / n), (i + 1) * (a.length / n))));
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const softrelu = (x: number) => Math.log1p(Math.exp(x));
const logSoftmax = (r: number[]) => { const m = Math.max(...r), s = Math.log(r.reduce((a, x) => a + Math.exp(x - m), 0)) + m; return r.map((x) => x - s); };

type Case = [string, () => InstanceType<typeof L.Loss>, (p: number[], l: number[]) => number[], (n: number, w: number) => [Float32Array, Float32Array]];
const cont = (n: number, w: number): [Float32Array, Float32Array] => [randArray(n * w, 3), randArray(n * w, 4)];
const signs = (n: number, w: number): [Float32Array, Float32Array] => [randArray(n * w, 5), Float32Array.from(randArray(n * w, 6), (v) => (v > 0 ? 1 : -1))];
const probs = (n: number, w: number): [Float32Array, Float32Array] => [randArray(n * w, 7, 0.05, 0.95), Float32Array.from(randArray(n * w, 8), (v) => (v > 0 ? 1 : 0))];
const CASES: Case[] = [
  ['L2Loss', () => new L.L2Loss(), (p, l) => p.map((x, i) => (l[i] - x) ** 2 / 2), cont],
  ['L1Loss', () => new L.L1Loss(), (p, l) => p.map((x, i) => Math.abs(l[i] - x)), cont],
  ['HuberLoss', () => new L.HuberLoss(0.5), (p, l) => p.map((x, i) => { const d = Math.abs(l[i] - x); return d > 0.5 ? d - 0.25 : d * d / 1; }), cont],
  ['HingeLoss', () => new L.HingeLoss(), (p, l) => p.map((x, i) => Math.max(0, 1 - x * l[i])), signs],
  ['SquaredHingeLoss', () => new L.SquaredHingeLoss(), (p, l) => p.map((x, i) => Math.max(0, 1 - x * l[i]) ** 2), signs],
  ['SigmoidBCE (logits)', () => new L.SigmoidBinaryCrossEntropyLoss(), (p, l) => p.map((x, i) => Math.max(x, 0) - x * l[i] + softrelu(-Math.abs(x))), probs],
  ['SigmoidBCE (fromSigmoid)', () => new L.SigmoidBCELoss({ fromSigmoid: true }), (p, l) => p.map((x, i) => -(Math.log(x + 1e-12) * l[i] + Math.log(1 - x + 1e-12) * (1 - l[i]))), probs],
  ['KLDivLoss', () => new L.KLDivLoss(), (p, l) => p.map((x, i) => Math.abs(l[i]) * (Math.log(Math.abs(l[i]) + 1e-12) - x)), (n, w) => [randArray(n * w, 9), Float32Array.from(randArray(n * w, 10, 0.1, 1))]],
];

for (const [name, make, f, gen] of CASES) {
  test(`${name}: per-sample mean of the formula (batch 1 and 3), weight, sampleWeight, gradient`, () => {
    for (const [n, w] of [[1, 5], [3, 7]]) {
      const [p, l] = gen(n, w);
      const want = rows(p, n).map((r, i) => mean(f(r, rows(l, n)[i])));
      const lf = make();
      const pred = nd.array(p, { shape: [n, w] }), label = nd.array(l, { shape: [n, w] });
      const got = lf.forward(pred, label);
      assert.equal(got.shape, [n]);
      assertClose(got.data, want, 1e-4, 1e-5, name);
      const sw = nd.array(Array.from({ length: n }, (_, i) => i + 1), { shape: [n, 1] });
      assertClose(lf.forward(pred, label, sw).data, want.map((v, i) => v * (i + 1)), 1e-4, 1e-5, `${name} sampleWeight`);
      pred.attachGrad();
      autograd.record(() => lf.forward(pred, label)).backward();
      const g = pred.grad!.toTypedArray(), eps = 1e-3;
      for (const k of [0, w - 1, n * w - 1]) {
        const at = (d: number) => { const q = p.slice(); q[k] += d; return (lf.forward(nd.array(q, { shape: [n, w] }), label).data as Float32Array).reduce((s, v) => s + v, 0); };
        assertClose([g[k]], [(at(eps) - at(-eps)) / (2 * eps)], 2e-2, 2e-3, `${name} grad ${k}`);
      }
    }
  });
}

test('weight scales the loss (L2 halves it, as MXNet)', () => {
  const p = nd.array([[1, 2]]), l = nd.array([[0, 0]]);
  assertClose(new L.L2Loss(4).forward(p, l).data, [4 / 2 * 2.5]);
  assertClose(new L.L1Loss(3).forward(p, l).data, [3 * 1.5]);
});

test('SoftmaxCrossEntropyLoss: sparse, dense, fromLogits, axis; int labels; hybridized equal', () => {
  const p = randArray(3 * 5, 11);
  const pred = nd.array(p, { shape: [3, 5] }), lab = [4, 0, 2];
  const want = rows(p, 3).map((r, i) => -logSoftmax(r)[lab[i]]);
  const ce = new L.SoftmaxCrossEntropyLoss();
  assertClose(ce.forward(pred, nd.array(lab)).data, want, 1e-5, 1e-6);
  assertClose(ce.forward(pred, nd.array(lab, { dtype: 'int32' })).data, want, 1e-5, 1e-6);
  const onehot = nd.array(lab.flatMap((c) => Array.from({ length: 5 }, (_, j) => (j === c ? 1 : 0))), { shape: [3, 5] });
  assertClose(new L.SoftmaxCrossEntropyLoss({ sparseLabel: false }).forward(pred, onehot).data, want, 1e-5, 1e-6);
  const lp = nd.log_softmax(pred, { axis: -1 });
  assertClose(new L.SoftmaxCELoss({ fromLogits: true }).forward(lp, nd.array(lab)).data, want, 1e-5, 1e-6);
  const t = nd.transpose(pred);
  assertClose(new L.SoftmaxCrossEntropyLoss({ axis: 0, batchAxis: 1 }).forward(t, nd.array(lab, { shape: [1, 3] })).data, want, 1e-5, 1e-6);
  const h = new L.SoftmaxCrossEntropyLoss(); h.hybridize();
  assertClose(h.forward(pred, nd.array(lab)).data, want, 1e-5, 1e-6, 'hybridized');
  pred.attachGrad();
  autograd.record(() => h.forward(pred, nd.array(lab))).backward();
  const g = pred.grad!.toArray() as number[][];
  rows(p, 3).forEach((r, i) => assertClose(g[i], logSoftmax(r).map((v, j) => Math.exp(v) - (j === lab[i] ? 1 : 0)), 1e-5, 1e-6));
});

test('CosineEmbeddingLoss: 1 - cos for label 1, max(0, cos - margin) for -1; shape (N, 1)', () => {
  const a = nd.array([[1, 0], [1, 1], [0, 2]]), b = nd.array([[1, 0], [1, 0], [0, 1]]);
  const out = new L.CosineEmbeddingLoss({ margin: 0.5 }).forward(a, b, nd.array([1, 1, -1])) as NDArray;
  assert.equal(out.shape, [3, 1]);
  assertClose(out.data, [0, 1 - Math.SQRT1_2, 0.5], 1e-5, 1e-6);
});

test('SigmoidBCE with posWeight (4th input)', () => {
  const x = [0.3, -1.2, 2], y = [1, 0, 1], pw = 3;
  const want = mean(x.map((v, i) => v - v * y[i] + (1 + (pw - 1) * y[i]) * (softrelu(-Math.abs(v)) + Math.max(-v, 0))));
  const out = new L.SigmoidBCELoss().forward(nd.array([x]), nd.array([y]), null, nd.full([1, 3], pw));
  assertClose(out.data, [want], 1e-5, 1e-6);
});

test.run();
