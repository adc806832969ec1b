// softmax family and loss heads: forward vs reference, gradients (finite differences and closed forms),
// MXNet's test_softmax_output_normalization matrix, large inputs, lengths, regression heads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose, gradCheck, invoke, invokeWithGrad } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import * as ref from '../../src/reference/nn.js';

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const split = (s: number[], ax: number): [number, number, number] => [prod(s.slice(0, ax)), s[ax], prod(s.slice(ax + 1))];

test('softmax / log_softmax / softmin forward vs reference: axes, temperature, batch 1 and > 1', () => {
  for (const s of [[1, 5], [3, 7], [2, 3, 4], [2, 5, 3, 3]]) {
    for (const axis of [-1, 0, 1]) {
      for (const temperature of [null, 0.5, 3]) {
        const x = randArray(prod(s), s.length * 7 + axis, -4, 4), ax = axis < 0 ? axis + s.length : axis, [o, n, i] = split(s, ax);
        for (const [op, log, sc] of [['softmax', false, 1], ['log_softmax', true, 1], ['softmin', false, -1]] as const) {
          const [y] = invoke(op, [mx.nd.array(x, { shape: s })], { axis, temperature });
          const want = new Float64Array(x.length); ref.softmax(x, want, o, n, i, sc / (temperature ?? 1), log);
          assertClose(y.toTypedArray(), want, 2e-6, 1e-6, `${op} ${s} axis ${axis} T ${temperature}`);
        }
      }
    }
  }
});

test('softmax family gradCheck (temperature, axis 1, log, softmin)', () => {
  const x = () => mx.nd.array(randArray(2 * 4 * 3, 5, -2, 2), { shape: [2, 4, 3] });
  for (const op of ['softmax', 'log_softmax', 'softmin']) {
    gradCheck(op, [x()], {});
    gradCheck(op, [x()], { axis: 1, temperature: 2 });
    gradCheck(op, [x()], { axis: 0, temperature: 0.7 });
  }
  gradCheck('SoftmaxActivation', [x()], { mode: 'channel' });
  gradCheck('SoftmaxActivation', [x()], {});
});

test('softmax with large inputs (test_softmax_with_large_inputs)', () => {
  for (const v of [1e30, -1e30, 3.4e38, -3.4e38]) {
    const [y] = invoke('softmax', [mx.nd.array([v, v], { shape: [1, 1, 1, 2] })], { axis: 1 });
    assert.equal(Array.from(y.toTypedArray()), [1, 1]);
    const [z] = invoke('softmax', [mx.nd.array([v, v], { shape: [1, 2] })], {});
    assert.equal(Array.from(z.toTypedArray()), [0.5, 0.5]);
  }
});

test('softmax use_length masks positions >= length (forward and backward)', () => {
  const x = randArray(12, 3), len = [2, 4, 0];
  const [y] = invoke('softmax', [mx.nd.array(x, { shape: [3, 4] }), mx.nd.array(len)], { use_length: true });
  const want = new Float64Array(12); ref.softmax(x, want, 3, 4, 1, 1, false, len);
  assertClose(y.toTypedArray(), want);
  gradCheck('softmax', [mx.nd.array(x, { shape: [3, 4] }), mx.nd.array(len)], { use_length: true }, { skip: [1] });
  const [yi] = invoke('softmax', [mx.nd.array(x, { shape: [3, 4] }), mx.nd.array(len, { dtype: 'int32' })], { use_length: true });
  assertClose(yi.toTypedArray(), want, 1e-6, 1e-7, 'int32 lengths');
  const x3 = randArray(2 * 5 * 6, 4), l3 = [1, 5, 3, 0, 2, 4, 5, 1, 2, 3, 4, 5];
  const [y3] = invoke('softmax', [mx.nd.array(x3, { shape: [2, 5, 6] }), mx.nd.array(l3, { shape: [2, 6], dtype: 'int32' })], { use_length: true, axis: 1 });
  const w3 = new Float64Array(60); ref.softmax(x3, w3, 2, 5, 6, 1, false, l3);
  assertClose(y3.toTypedArray(), w3, 2e-6, 1e-7, 'axis 1 lengths');
  assert.throws(() => invoke('softmax', [mx.nd.array(x, { shape: [3, 4] }), mx.nd.array([1, 2])], { use_length: true }), /softmax.*length/);
});

test('SoftmaxActivation instance and channel modes vs reference', () => {
  const s = [2, 3, 2, 2], x = randArray(24, 9, -3, 3);
  const [yi] = invoke('SoftmaxActivation', [mx.nd.array(x, { shape: s })], {});
  const wi = new Float64Array(24); ref.softmax(x, wi, 2, 12, 1); assertClose(yi.toTypedArray(), wi);
  const [yc] = invoke('SoftmaxActivation', [mx.nd.array(x, { shape: s })], { mode: 'channel' });
  const wc = new Float64Array(24); ref.softmax(x, wc, 2, 3, 4); assertClose(yc.toTypedArray(), wc);
});

/** MXNet's test_softmax_output_normalization reference gradient. */
function soGrad(out: Float32Array, label: number[], s: number[], multi: boolean, useIgnore: boolean, norm: string, ignore: number, scale: number): Float64Array {
  const N = s[0], C = s[1], sp = multi ? prod(s.slice(2)) : 1, K = multi ? C : prod(s) / N;
  const g = new Float64Array(out.length);
  let valid = label.length;
  for (let o = 0; o < N; o++) for (let i = 0; i < sp; i++) {
    const l = label[o * sp + i];
    for (let k = 0; k < K; k++) { const q = (o * K + k) * sp + i; g[q] = useIgnore && l === ignore ? 0 : out[q] - (k === l ? 1 : 0); }
  }
  if (norm === 'valid') valid = Math.max(1, label.filter((l) => l !== ignore).length);
  const d = (norm === 'batch' ? N : norm === 'valid' ? valid : 1) * (multi && norm !== 'valid' ? sp : 1);
  return g.map((v) => v * scale / d);
}

test('SoftmaxOutput gradients: {multi_output} x {use_ignore} x {null, batch, valid} (test_softmax_output_normalization)', () => {
  for (const multi of [false, true]) {
    for (const useIgnore of [false, true]) {
      for (const norm of ['null', 'batch', 'valid']) {
        const s = multi ? [3, 4, 2, 3] : [5, 6], N = s[0], K = s[1], sp = multi ? 6 : 1;
        const x = randArray(prod(s), 3, -2, 2), label = Array.from({ length: N * sp }, (_, k) => (k * 7) % K);
        label[1] = 0; label[2] = 0;
        const attrs = { multi_output: multi, use_ignore: useIgnore, normalization: norm, ignore_label: 0, grad_scale: 0.8 };
        const lab = mx.nd.array(label, { shape: multi ? [N, 2, 3] : [N] });
        const { outs, grads } = invokeWithGrad('SoftmaxOutput', [mx.nd.array(x, { shape: s }), lab], attrs, []);
        const out = outs[0].toTypedArray() as Float32Array;
        const want = new Float64Array(x.length); ref.softmax(x, want, N, K, sp);
        assertClose(out, want, 2e-6, 1e-7, 'forward');
        assertClose(grads[0]!.toTypedArray(), soGrad(out, label, s, multi, useIgnore, norm, 0, 0.8), 1e-5, 1e-7, `${multi} ${useIgnore} ${norm}`);
      }
    }
  }
});

test('SoftmaxOutput gradient equals d(cross-entropy)/d(data) (gradCheck loss), probability labels, smoothing, alias', () => {
  const x = mx.nd.array(randArray(12, 4, -2, 2), { shape: [3, 4] }), label = mx.nd.array([1, 3, 0]);
  const ce = (outs: NDArray[]) => { const p = outs[0].toTypedArray(); return -[1, 3, 0].reduce((s, l, r) => s + Math.log(p[r * 4 + l]), 0); };
  gradCheck('SoftmaxOutput', [x, label], {}, { loss: ce, skip: [1] });
  gradCheck('Softmax', [x, label], { normalization: 'batch' }, { loss: (o) => ce(o) / 3, skip: [1] });
  const pl = randArray(12, 6, 0, 1);
  const { outs, grads } = invokeWithGrad('SoftmaxOutput', [x, mx.nd.array(pl, { shape: [3, 4] })], { grad_scale: 2 }, []);
  const o = outs[0].toTypedArray();
  assertClose(grads[0]!.toTypedArray(), Array.from(o, (v, i) => (v - pl[i]) * 2));
  const sm = invokeWithGrad('SoftmaxOutput', [x, label], { smooth_alpha: 0.3 }, []);
  const so = sm.outs[0].toTypedArray(), sg = sm.grads[0]!.toTypedArray();
  assertClose(sg, Array.from(so, (v, q) => v - ([1, 3, 0][Math.floor(q / 4)] === q % 4 ? 0.7 : 0.1)), 1e-5, 1e-7);
  const og = mx.nd.array(randArray(12, 8));
  const wog = invokeWithGrad('SoftmaxOutput', [x, label], { out_grad: true }, [og]);
  const plain = invokeWithGrad('SoftmaxOutput', [x, label], {}, []);
  assertClose(wog.grads[0]!.toTypedArray(), Array.from(plain.grads[0]!.toTypedArray(), (v, i) => v * og.toTypedArray()[i]));
  assert.throws(() => invoke('SoftmaxOutput', [x, mx.nd.array([1, 2])], {}), /SoftmaxOutput.*label/);
});

test('Linear / Logistic / MAE RegressionOutput: forward and gradient / num_output (test_regression)', () => {
  const s = [4, 3], x = randArray(12, 2, -2, 2), l = randArray(12, 3, -1, 1);
  for (const [op, f, gf] of [
    ['LinearRegressionOutput', (v: number) => v, (o: number, t: number) => o - t],
    ['LogisticRegressionOutput', (v: number) => 1 / (1 + Math.exp(-v)), (o: number, t: number) => o - t],
    ['MAERegressionOutput', (v: number) => v, (o: number, t: number) => Math.sign(o - t)],
  ] as const) {
    const { outs, grads } = invokeWithGrad(op, [mx.nd.array(x, { shape: s }), mx.nd.array(l, { shape: s })], { grad_scale: 1.5 }, []);
    const o = outs[0].toTypedArray();
    assertClose(o, Array.from(x, f), 2e-6, 1e-7, op);
    assertClose(grads[0]!.toTypedArray(), Array.from(o, (v, i) => gf(v, l[i]) * 1.5 / 3), 1e-5, 1e-7, op);
  }
  const [y] = invoke('LinearRegressionOutput', [mx.nd.array([1, 2], { shape: [2, 1] }), mx.nd.array([0, 0])], {});
  assert.equal(y.shape, [2, 1]);
  const ml = invokeWithGrad('MakeLoss', [mx.nd.array([1, 2, 3, 4], { shape: [2, 2] })], { grad_scale: 3, normalization: 'batch' }, []);
  assertClose(ml.grads[0]!.toTypedArray(), [1.5, 1.5, 1.5, 1.5]);
  const mv = invokeWithGrad('make_loss', [mx.nd.array([0.5, -1, 3, 0.2, 0])], { grad_scale: 2, normalization: 'valid', valid_thresh: 0.3 }, []);
  assertClose(mv.grads[0]!.toTypedArray(), [1, 1, 1, 1, 1]);
  const m0 = invokeWithGrad('MakeLoss', [mx.nd.array([-1, -2])], { normalization: 'valid' }, []);
  assertClose(m0.grads[0]!.toTypedArray(), [1, 1]);
});

test.run();
