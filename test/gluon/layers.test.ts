// gluon.nn layers: output shape and parameter names (MXNet's, GLUON.md §5) for each layer, imperative and
// hybridized giving the same numbers, the ops and attributes the traced graph writes, and Lambda/HybridLambda.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { gluon, nd, autograd } = mx;
const { nn } = gluon;
type Mk = () => InstanceType<typeof gluon.HybridBlock>;

// [layer, input shape, output shape, parameter names (after the prefix), shapes]
const CASES: [string, Mk, number[], number[], string[], number[][]][] = [
  ['dense', () => new nn.Dense(6), [2, 3, 4], [2, 6], ['weight', 'bias'], [[6, 12], [6]]],
  ['dense', () => new nn.Dense(6, { flatten: false, useBias: false }), [2, 3, 4], [2, 3, 6], ['weight'], [[6, 4]]],
  ['conv', () => new nn.Conv1D(4, 3, { padding: 1 }), [2, 3, 9], [2, 4, 9], ['weight', 'bias'], [[4, 3, 3], [4]]],
  ['conv', () => new nn.Conv2D(4, [3, 2], { strides: 2, groups: 2 }), [1, 6, 9, 8], [1, 4, 4, 4], ['weight', 'bias'], [[4, 3, 3, 2], [4]]],
  ['conv', () => new nn.Conv2DTranspose(5, 4, 2, 1), [2, 3, 5, 5], [2, 5, 10, 10], ['weight', 'bias'], [[3, 5, 4, 4], [5]]],
  ['pool', () => new nn.MaxPool1D(2), [2, 3, 9], [2, 3, 4], [], []],
  ['pool', () => new nn.MaxPool2D(3, 2, 1), [1, 2, 7, 7], [1, 2, 4, 4], [], []],
  ['pool', () => new nn.MaxPool2D({ poolSize: 2, ceilMode: true }), [1, 2, 7, 7], [1, 2, 4, 4], [], []],
  ['pool', () => new nn.AvgPool1D(3), [2, 3, 9], [2, 3, 3], [], []],
  ['pool', () => new nn.AvgPool2D(2), [1, 2, 6, 5], [1, 2, 3, 2], [], []],
  ['pool', () => new nn.GlobalAvgPool2D(), [2, 3, 5, 4], [2, 3, 1, 1], [], []],
  ['pool', () => new nn.GlobalMaxPool2D(), [2, 3, 5, 4], [2, 3, 1, 1], [], []],
  ['batchnorm', () => new nn.BatchNorm(), [2, 3, 4, 4], [2, 3, 4, 4], ['gamma', 'beta', 'running_mean', 'running_var'], [[3], [3], [3], [3]]],
  ['layernorm', () => new nn.LayerNorm(), [2, 3, 5], [2, 3, 5], ['gamma', 'beta'], [[5], [5]]],
  ['instancenorm', () => new nn.InstanceNorm(), [2, 3, 4, 4], [2, 3, 4, 4], ['gamma', 'beta'], [[3], [3]]],
  ['groupnorm', () => new nn.GroupNorm(2), [2, 4, 3, 3], [2, 4, 3, 3], ['gamma', 'beta'], [[2], [2]]], // MXNet 1.x: (num_groups,)
  ['embedding', () => new nn.Embedding(10, 4), [2, 3], [2, 3, 4], ['weight'], [[10, 4]]],
  ['flatten', () => new nn.Flatten(), [2, 3, 4], [2, 12], [], []],
  ['dropout', () => new nn.Dropout(0.5), [2, 3], [2, 3], [], []],
  ['relu', () => new nn.Activation('relu'), [2, 3], [2, 3], [], []],
  ['leakyrelu', () => new nn.LeakyReLU(0.1), [2, 3], [2, 3], [], []],
  ['prelu', () => new nn.PReLU(), [2, 3], [2, 3], ['alpha'], [[1]]],
  ['elu', () => new nn.ELU(), [2, 3], [2, 3], [], []],
  ['selu', () => new nn.SELU(), [2, 3], [2, 3], [], []],
  ['gelu', () => new nn.GELU(), [2, 3], [2, 3], [], []],
  ['swish', () => new nn.Swish(), [2, 3], [2, 3], [], []],
];

const input = (s: number[], embed: boolean) => {
  const n = s.reduce((a, b) => a * b, 1);
  return embed ? nd.array(Array.from({ length: n }, (_, i) => i % 10), { shape: s }) : nd.array(randArray(n, n), { shape: s });
};

CASES.forEach(([alias, make, inShape, outShape, pnames, pshapes], k) => {
  test(`${alias} #${k}: output ${outShape}, parameters ${pnames.join(', ') || 'none'}; hybridized equal`, () => {
    mx.sym.NameManager.reset();
    const a = make(), b = make();
    assert.is(a.prefix, `${alias}0_`);
    a.initialize(new mx.init.Xavier()); b.initialize();
    const x = input(inShape, alias === 'embedding');
    const y = a.forward(x) as NDArray;
    assert.equal(y.shape, outShape);
    const ps = a.collectParams();
    assert.equal(ps.keys(), pnames.map((n) => `${alias}0_${n}`));
    assert.equal(ps.values().map((p) => p.shape), pshapes);
    b.forward(x);
    b.collectParams().values().forEach((p, i) => p.setData(ps.values()[i].data()));
    b.hybridize();
    assertClose((b.forward(x) as NDArray).data, (a.forward(x) as NDArray).data, 1e-5, 1e-6);
  });
});

test('traced ops carry MXNet names and explicit attributes (dense0_fwd, conv0_fwd, flatten0_flatten0)', () => {
  mx.sym.NameManager.reset();
  const net = new nn.HybridSequential();
  net.add(new nn.Conv2D(4, 3, { activation: 'relu' }), new nn.Flatten(), new nn.Dense(2));
  net.initialize(); net.hybridize();
  net.forward(nd.ones([1, 1, 5, 5]));
  const j = JSON.parse(net.cached!.symbol!.toJSON());
  const names = j.nodes.filter((n: { op: string }) => n.op !== 'null').map((n: { name: string }) => n.name);
  assert.equal(names, ['conv0_fwd', 'conv0_relu_fwd', 'flatten0_flatten0', 'dense0_fwd']);
  const conv = j.nodes.find((n: { name: string }) => n.name === 'conv0_fwd');
  assert.equal(conv.attrs, { dilate: '(1, 1)', kernel: '(3, 3)', layout: 'NCHW', no_bias: 'False', num_filter: '4', num_group: '1', pad: '(0, 0)', stride: '(1, 1)' });
});

test('Dropout is active under record only; BatchNorm running stats move with a training backward only (MXNet CPU)', () => {
  const d = new nn.Dropout(0.5), x = nd.ones([400]);
  assert.ok(Array.from((d.forward(x) as NDArray).data).every((v) => v === 1));
  const y = autograd.record(() => d.forward(x)) as NDArray;
  assert.ok(Array.from(y.data).some((v) => v === 0));
  const bn = new nn.BatchNorm(); bn.initialize();
  const z = nd.array(randArray(2 * 3 * 4, 2, 1, 3), { shape: [2, 3, 4] });
  bn.forward(z);
  const rm = bn.collectParams().values()[2].data();
  assert.equal(Array.from(rm.data), [0, 0, 0]);
  const out = autograd.record(() => bn.forward(z)) as NDArray;
  assert.equal(Array.from(rm.data), [0, 0, 0]);
  out.backward();
  assert.ok(Array.from(rm.data).every((v) => v > 0.1), 'running mean moved');
});

test('GroupNorm: per-group gamma/beta (MXNet 1.x shapes) scale each group; a (G,)-shaped MXNet parameter file loads', () => {
  const gn = new nn.GroupNorm(2, { prefix: 'gn_' });
  gn.initialize();
  const x = nd.array(randArray(2 * 4 * 3, 5, -2, 2), { shape: [2, 4, 3] });
  gn.forward(x);
  const [gamma, beta] = gn.collectParams().values();
  gamma.setData(nd.array([2, -1])); beta.setData(nd.array([0.5, 3]));
  const y = gn.forward(x) as NDArray;
  const xd = x.data, yd = y.data;
  for (let r = 0; r < 4; r++) { // (n, group) rows of 6 values
    const seg = Array.from(xd.subarray(r * 6, r * 6 + 6)), mu = seg.reduce((a, b) => a + b) / 6;
    const sd = Math.sqrt(seg.reduce((a, b) => a + (b - mu) ** 2, 0) / 6 + 1e-5), g = [2, -1][r % 2], b = [0.5, 3][r % 2];
    assertClose(yd.subarray(r * 6, r * 6 + 6), seg.map((v) => (v - mu) / sd * g + b), 1e-4, 1e-5, `row ${r}`);
  }
  // the file MXNet 1.x Gluon's save_parameters writes for this block (gamma (2,), beta (2,)) loads into a fresh block
  const bytes = mx.nd.save(null, { gamma: nd.array([2, -1]), beta: nd.array([0.5, 3]) });
  const gn2 = new nn.GroupNorm(2, { prefix: 'gn_' });
  gn2.loadParameters(bytes);
  assertClose((gn2.forward(x) as NDArray).data, yd, 1e-6, 1e-7);
});

test('Lambda and HybridLambda (functions and op names)', () => {
  const x = nd.array([-1, 2]);
  assert.equal((new nn.Lambda((v: NDArray) => v.mul(3)).forward(x) as NDArray).toArray(), [-3, 6]);
  assert.equal((new nn.Lambda('relu').forward(x) as NDArray).toArray(), [0, 2]);
  const h = new nn.HybridLambda((F: Record<string, (...a: unknown[]) => unknown>, v: unknown) => F.square(v));
  h.hybridize();
  assert.equal((h.forward(x) as NDArray).toArray(), [1, 4]);
  assert.equal((new nn.HybridLambda('abs').forward(x) as NDArray).toArray(), [1, 2]);
});

test.run();
