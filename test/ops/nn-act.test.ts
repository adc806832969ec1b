// Activation and LeakyReLU ops: forward vs reference, finite-difference gradients, prelu gamma grad, rrelu, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose, gradCheck, invoke, invokeWithGrad } from '../helpers.js';
import * as ref from '../../src/reference/nn.js';

const shapes = [[1, 7], [3, 5], [2, 3, 4, 5], [65]];
/** Values away from the kinks at 0 (finite differences straddling a kink are meaningless). */
function data(shape: number[], seed: number, lo = -3, hi = 3): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1), x = randArray(n, seed, lo, hi);
  for (let i = 0; i < n; i++) if (Math.abs(x[i]) < 0.05) x[i] += 0.1;
  return x;
}

test('Activation forward vs reference, all act_types, odd shapes', () => {
  for (const t of ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'] as const) {
    for (const s of shapes) {
      const x = data(s, s.length + 1);
      const [y] = invoke('Activation', [mx.nd.array(x, { shape: s })], { act_type: t });
      assert.equal(y.shape, s);
      assertClose(y.toTypedArray(), Array.from(x, (v) => ref.act(ref.ACT[t], v, 0)), 2e-6, 1e-6, t);
    }
  }
  const [y] = invoke('Activation', [mx.nd.array([NaN, -1, 2])], { act_type: 'relu' });
  assert.ok(Number.isNaN(y.toTypedArray()[0]), 'relu passes NaN');
});

test('Activation gradCheck for every act_type', () => {
  for (const t of ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign']) {
    for (const s of [[1, 5], [3, 7]]) gradCheck('Activation', [mx.nd.array(data(s, 11), { shape: s })], { act_type: t });
  }
});

test('Activation: bad act_type names the op', () => {
  assert.throws(() => invoke('Activation', [mx.nd.array([1])], { act_type: 'swish' }), /Activation.*act_type/);
  assert.throws(() => invoke('Activation', [mx.nd.array([1])], {}), /Activation.*act_type/);
});

test('LeakyReLU leaky / elu / selu / gelu forward vs reference and gradCheck', () => {
  for (const [t, slope] of [['leaky', 0.25], ['leaky', 0.1], ['elu', 1], ['elu', 0.5], ['selu', 0.25], ['gelu', 0.25]] as const) {
    for (const s of [[2, 3, 5], [1, 17]]) {
      const x = data(s, 5);
      const [y] = invoke('LeakyReLU', [mx.nd.array(x, { shape: s })], { act_type: t, slope });
      assertClose(y.toTypedArray(), Array.from(x, (v) => ref.act(ref.ACT[t], v, slope)), 2e-6, 2e-6, `${t} ${slope}`);
      gradCheck('LeakyReLU', [mx.nd.array(x, { shape: s })], { act_type: t, slope });
    }
  }
  const [y] = invoke('LeakyReLU', [mx.nd.array([-2, 3])], {});
  assertClose(y.toTypedArray(), [-0.5, 3]);
});

test('LeakyReLU prelu: gamma (C,) and (1,), forward and gradients of data and gamma', () => {
  const s = [2, 3, 4], x = data(s, 8);
  for (const gs of [[3], [1]]) {
    const g = gs[0] === 3 ? [0.25, -0.5, 1.5] : [0.3];
    const [y] = invoke('LeakyReLU', [mx.nd.array(x, { shape: s }), mx.nd.array(g)], { act_type: 'prelu' });
    const want = new Float64Array(x.length);
    if (gs[0] === 3) ref.prelu(x, x, g, want, 2, 3, 4); else ref.prelu(x, x, g, want, 1, 1, 24);
    assertClose(y.toTypedArray(), want);
    gradCheck('LeakyReLU', [mx.nd.array(x, { shape: s }), mx.nd.array(g)], { act_type: 'prelu' });
  }
  gradCheck('LeakyReLU', [mx.nd.array(data([5, 3], 9), { shape: [5, 3] }), mx.nd.array([0.1, 0.2, 0.3])], { act_type: 'prelu' });
  assert.throws(() => invoke('LeakyReLU', [mx.nd.array(x, { shape: s }), mx.nd.array([1, 2])], { act_type: 'prelu' }), /LeakyReLU.*gamma/);
});

test('LeakyReLU rrelu: random slopes in [lower, upper) in training, mean slope in inference, backward uses the mask', () => {
  const n = 4001, x = mx.nd.array(randArray(n, 3, -2, -0.1));
  const [y] = invoke('LeakyReLU', [x], { act_type: 'rrelu' }, { isTrain: true });
  const xv = x.toTypedArray(), yv = y.toTypedArray();
  let mean = 0;
  for (let i = 0; i < n; i++) { const s = yv[i] / xv[i]; assert.ok(s >= 0.125 - 1e-6 && s <= 0.334 + 1e-6, `slope ${s}`); mean += s / n; }
  assert.ok(Math.abs(mean - 0.2295) < 0.01, `mean slope ${mean}`);
  const [yi] = invoke('LeakyReLU', [x], { act_type: 'rrelu' }, { isTrain: false });
  assertClose(yi.toTypedArray(), Array.from(xv, (v) => v * 0.2295), 1e-6, 1e-7);
  const dy = mx.nd.array(randArray(n, 4));
  const { outs, grads } = invokeWithGrad('LeakyReLU', [x], { act_type: 'rrelu' }, [dy]);
  const yo = outs[0].toTypedArray(), g = grads[0]!.toTypedArray(), d = dy.toTypedArray();
  for (let i = 0; i < n; i += 97) assertClose([g[i]], [d[i] * yo[i] / xv[i]], 1e-4, 1e-6);
});

test('LeakyReLU: bad act_type names the op', () => {
  assert.throws(() => invoke('LeakyReLU', [mx.nd.array([1])], { act_type: 'mish' }), /LeakyReLU.*act_type/);
});

test.run();
