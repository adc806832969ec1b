import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose } from '../helpers.js';

const stats = (d: ArrayLike<number>) => {
  let m = 0, s = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < d.length; i++) { m += d[i]; lo = Math.min(lo, d[i]); hi = Math.max(hi, d[i]); }
  m /= d.length;
  for (let i = 0; i < d.length; i++) s += (d[i] - m) ** 2;
  return { mean: m, std: Math.sqrt(s / d.length), lo, hi };
};

test('naming rules: weight -> rule, bias 0, gamma 1, beta 0, min 0, max 1, moving stats; unknown name throws', () => {
  const u = new mx.init.Uniform(0.5);
  const a = mx.nd.zeros([50, 20]);
  u.call('fc1_weight', a);
  const st = stats(a.data);
  assert.ok(st.lo >= -0.5 && st.hi <= 0.5 && st.std > 0.25, JSON.stringify(st));
  for (const [n, v] of [['fc1_bias', 0], ['bn_gamma', 1], ['bn_beta', 0], ['q_min', 0], ['q_max', 1], ['bn_moving_mean', 0], ['bn_moving_var', 1]] as const) {
    const b = mx.nd.full([5], 7); u.call(n, b); assert.equal([...b.data], Array(5).fill(v), n);
  }
  assert.throws(() => u.call('foo', mx.nd.zeros([2])), /Unknown initialization pattern for foo/);
});

test('__init__ attribute wins (MXNet test_variable_init: gamma=One; prelu gamma 0.25 via Constant)', () => {
  const a = mx.nd.zeros([3, 4]);
  new mx.init.Uniform().call({ name: 'x_weight', attrs: { __init__: '["one", {}]' } }, a);
  assert.equal([...a.data], Array(12).fill(1));
  new mx.init.Xavier().call({ name: 'prelu_gamma', attrs: { __init__: new mx.init.Constant(0.25).dumps() } }, a);
  assert.equal([...a.data], Array(12).fill(0.25));
  assert.is(new mx.init.Xavier().dumps(), '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]');
});

test('Xavier / MSRAPrelu / Normal statistics; Xavier needs 2-D', () => {
  const w = mx.nd.zeros([64, 32, 3, 3]);
  new mx.init.Xavier({ rnd_type: 'uniform', factor_type: 'avg', magnitude: 3 }).call('c_weight', w);
  const scale = Math.sqrt(3 / ((32 * 9 + 64 * 9) / 2));
  let st = stats(w.data);
  assert.ok(st.hi <= scale && st.lo >= -scale && Math.abs(st.std - scale / Math.sqrt(3)) < 0.03 * scale, JSON.stringify(st));
  new mx.init.Xavier({ rnd_type: 'gaussian', factor_type: 'in', magnitude: 2 }).call('c_weight', w);
  st = stats(w.data);
  assert.ok(Math.abs(st.std - Math.sqrt(2 / 288)) < 0.03 * Math.sqrt(2 / 288) && Math.abs(st.mean) < 0.01, JSON.stringify(st));
  new mx.init.MSRAPrelu({ factor_type: 'out', slope: 0 }).call('c_weight', w);
  st = stats(w.data);
  assert.ok(Math.abs(st.std - Math.sqrt(2 / 576)) < 0.03 * Math.sqrt(2 / 576), JSON.stringify(st));
  new mx.init.Normal(0.2).call('c_weight', w);
  assert.ok(Math.abs(stats(w.data).std - 0.2) < 0.01);
  assert.throws(() => new mx.init.Xavier().call('v_weight', mx.nd.zeros([5])), /at least 2D/);
});

test('seeded: same seed gives the same values', () => {
  const a = mx.nd.zeros([100]), b = mx.nd.zeros([100]);
  mx.random.seed(7); new mx.init.Xavier().call('f_weight', a.reshape([10, 10]));
  mx.random.seed(7); new mx.init.Xavier().call('f_weight', b.reshape([10, 10]));
  assert.equal([...a.data], [...b.data]);
});

test('Orthogonal rows are orthonormal * scale; Mixed; Load; create by name / dumps form', () => {
  const w = mx.nd.zeros([4, 10]);
  new mx.init.Orthogonal({ scale: 2 }).call('o_weight', w);
  const d = w.data;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    let s = 0; for (let k = 0; k < 10; k++) s += d[i * 10 + k] * d[j * 10 + k];
    assertClose([s], [i === j ? 4 : 0], 1e-4, 1e-4);
  }
  const m = new mx.init.Mixed(['^fc', '.*'], [new mx.init.Constant(3), new mx.init.One()]);
  const b = mx.nd.zeros([2]); m.call('fc_weight', b); assert.equal([...b.data], [3, 3]);
  m.call('conv_weight', b); assert.equal([...b.data], [1, 1]);
  const src = mx.nd.array([1, 2]);
  const l = new mx.init.Load({ 'arg:fc_bias': src }, new mx.init.One());
  l.call('fc_bias', b); assert.equal([...b.data], [1, 2]);
  l.call('fc_gamma', b); assert.equal([...b.data], [1, 1]);
  assert.is(mx.init.create('["normal", {"sigma": 0.5}]').dumps(), '["normal", {"sigma": 0.5}]');
  assert.throws(() => mx.init.create('bogus'), /Cannot find initializer/);
});

test('LSTMBias: zeros but the forget gate (rows H..2H) at forget_bias, through __init__ as an LSTMCell writes it; errors', () => {
  const b = mx.nd.full([12], 9);
  new mx.init.Xavier().call({ name: 'lstm_i2h_bias', attrs: { __init__: '["lstmbias", {"forget_bias": 1.0}]' } }, b);
  assert.equal(Array.from(b.data), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  const c = mx.nd.zeros([8]);
  new mx.init.LSTMBias({ forget_bias: -2 }).initWeight('lstm_i2h_bias', c); // called by name, a '*bias' gets zeros (as MXNet)
  assert.equal(Array.from(c.data), [0, 0, -2, -2, 0, 0, 0, 0]);
  assert.is(new mx.init.LSTMBias().dumps(), '["lstmbias", {"forget_bias": 1}]');
  assert.throws(() => new mx.init.LSTMBias().initWeight('b', mx.nd.zeros([6])), /multiple of 4/);
});

test.run();
