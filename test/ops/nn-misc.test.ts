// Dropout (statistics, modes, axes, seeded repeatability, backward) and Embedding (lookup, clipping, weight grad).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose, gradCheck, invoke, invokeWithGrad } from '../helpers.js';
import { setOpSeed } from '../../src/ndarray/invoke.js';
import * as ref from '../../src/reference/nn.js';

const ones = (n: number, shape?: number[]) => mx.nd.array(new Float32Array(n).fill(1), shape ? { shape } : {});

test('Dropout: inference identity, p=0 identity, p=1 zeros, mode always', () => {
  const x = mx.nd.array(randArray(1001, 1));
  assertClose(invoke('Dropout', [x], { p: 0.5 })[0].toTypedArray(), x.toTypedArray(), 0, 0, 'inference');
  assertClose(invoke('Dropout', [x], { p: 0 }, { isTrain: true })[0].toTypedArray(), x.toTypedArray(), 0, 0, 'p=0');
  assert.ok(invoke('Dropout', [x], { p: 1 }, { isTrain: true })[0].toTypedArray().every((v) => v === 0), 'p=1');
  const y = invoke('Dropout', [ones(1001)], { p: 0.5, mode: 'always' })[0].toTypedArray();
  assert.ok(y.some((v) => v === 0) && y.some((v) => v === 2), 'mode always drops in inference');
  assert.equal(invoke('Dropout', [x], {}, { isTrain: true }).length, 1, 'mask is hidden');
});

test('Dropout: mean preserved, keep rate 1-p, values x/(1-p)', () => {
  for (const p of [0.1, 0.5, 0.8]) {
    const n = 200001, y = invoke('Dropout', [ones(n)], { p }, { isTrain: true })[0].toTypedArray();
    let kept = 0, sum = 0;
    for (const v of y) { sum += v; if (v !== 0) { kept++; assert.ok(Math.abs(v - 1 / (1 - p)) < 1e-5); } }
    assert.ok(Math.abs(kept / n - (1 - p)) < 0.01, `p ${p} keep ${kept / n}`);
    assert.ok(Math.abs(sum / n - 1) < 0.03, `p ${p} mean ${sum / n}`);
  }
});

test('Dropout: runs differ, seeded runs repeat; backward multiplies by the same mask', () => {
  const x = ones(4096);
  setOpSeed(42); const a = invoke('Dropout', [x], {}, { isTrain: true })[0].toTypedArray();
  const b = invoke('Dropout', [x], {}, { isTrain: true })[0].toTypedArray();
  setOpSeed(42); const c = invoke('Dropout', [x], {}, { isTrain: true })[0].toTypedArray();
  assert.not.equal(Array.from(a), Array.from(b));
  assert.equal(Array.from(a), Array.from(c));
  const dy = mx.nd.array(randArray(4096, 3));
  const { outs, grads } = invokeWithGrad('Dropout', [x], { p: 0.3 }, [dy]);
  const m = outs[1].toTypedArray(), g = grads[0]!.toTypedArray(), d = dy.toTypedArray(), y = outs[0].toTypedArray();
  for (let i = 0; i < 4096; i++) { assert.ok(Math.abs(g[i] - d[i] * m[i]) < 1e-6); assert.ok(y[i] === m[i]); }
});

test('Dropout axes: mask broadcast over the given axes', () => {
  const s = [4, 3, 5], y = invoke('Dropout', [ones(60, s)], { p: 0.5, axes: [0, 2] }, { isTrain: true })[0].toTypedArray();
  for (let c = 0; c < 3; c++) {
    const v = y[c * 5];
    for (let o = 0; o < 4; o++) for (let i = 0; i < 5; i++) assert.equal(y[(o * 3 + c) * 5 + i], v);
  }
  const z = invoke('Dropout', [ones(60 * 20, [20, 3, 20])], { p: 0.5, axes: [1] }, { isTrain: true })[0].toTypedArray();
  for (let o = 0; o < 20; o++) for (let i = 0; i < 20; i++) { const v = z[o * 60 + i]; assert.equal(z[o * 60 + 20 + i], v); assert.equal(z[o * 60 + 40 + i], v); }
  assert.ok(z.some((v) => v === 0) && z.some((v) => v === 2));
  assert.throws(() => invoke('Dropout', [ones(4)], { axes: [3] }), /Dropout.*axis/);
});

test('Embedding: lookup with clipped indices, odd shapes, weight gradient = scatter-add, data grad zero', () => {
  const V = 7, D = 5, w = randArray(V * D, 2);
  const idx = [[0, 6, 3], [9, -1, 2.7]];
  const [y] = invoke('Embedding', [mx.nd.array(idx), mx.nd.array(w, { shape: [V, D] })], { input_dim: V, output_dim: D });
  assert.equal(y.shape, [2, 3, D]);
  const flat = [0, 6, 3, 6, 0, 2], yv = y.toTypedArray();
  flat.forEach((k, r) => assertClose(yv.slice(r * D, r * D + D), w.slice(k * D, k * D + D), 0, 0));
  gradCheck('Embedding', [mx.nd.array(idx), mx.nd.array(w, { shape: [V, D] })], { input_dim: V, output_dim: D }, { skip: [0] });
  const dy = mx.nd.array(randArray(30, 5), { shape: [2, 3, D] });
  const { grads } = invokeWithGrad('Embedding', [mx.nd.array(idx), mx.nd.array(w, { shape: [V, D] })], { input_dim: V, output_dim: D }, [dy]);
  const want = new Float64Array(V * D), d = dy.toTypedArray();
  flat.forEach((k, r) => { for (let j = 0; j < D; j++) want[k * D + j] += d[r * D + j]; });
  assertClose(grads[1]!.toTypedArray(), want, 1e-6, 1e-7);
  assert.ok(grads[0]!.toTypedArray().every((v) => v === 0));
  assert.throws(() => invoke('Embedding', [mx.nd.array([1]), mx.nd.array(w, { shape: [V, D] })], { input_dim: 6, output_dim: D }), /Embedding.*weight/);
  assert.throws(() => invoke('Embedding', [mx.nd.array([1]), mx.nd.array(w, { shape: [V, D] })], { input_dim: V }), /Embedding.*output_dim/);
});

test('LRN forward vs reference (odd and even windows, edges) and gradCheck', () => {
  for (const [s, nsize] of [[[1, 5, 3, 3], 3], [[2, 7, 2, 5], 5], [[2, 3, 17], 1], [[1, 4, 2, 2], 4]] as const) {
    const n = (s as readonly number[]).reduce((a, b) => a * b, 1), x = randArray(n, 2, -3, 3), S = n / (s[0] * s[1]);
    const attrs = { nsize, alpha: 0.5, beta: 0.75, knorm: 1.5 };
    const [y] = invoke('LRN', [mx.nd.array(x, { shape: [...s] })], attrs);
    const want = new Float64Array(n); ref.lrn(x, want, s[0], s[1], S, nsize, 0.5, 0.75, 1.5);
    assertClose(y.toTypedArray(), want, 1e-5, 1e-6, `LRN ${s} ${nsize}`);
    gradCheck('LRN', [mx.nd.array(x, { shape: [...s] })], attrs);
  }
  assert.throws(() => invoke('LRN', [mx.nd.array([1, 2])], { nsize: 3 }), /LRN.*data/);
});

test.run();
