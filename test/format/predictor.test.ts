import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import { parseNDArrayList, writeNDArrayList } from '../../src/format/ndarray-file.js';
import { encode } from '../../src/format/convert.js';
import { haveFixtures, fixture, fixtureBytes, fixtureText, skip } from './fixtures.js';

type P = Record<string, { data: ArrayLike<number>; shape: number[] }>;

/** Plain-JS LeNet of the fcrc-demo export (conv5x5-relu-maxpool2 twice, flatten, dense-relu, dense). */
function lenetRef(x: ArrayLike<number>, p: P): number[] {
  const conv = (inp: number[], C: number, H: number, W: number, w: P[string], b: P[string]) => {
    const F = w.shape[0], K = w.shape[2], Ho = H - K + 1, Wo = W - K + 1, out = new Array(F * Ho * Wo).fill(0);
    for (let f = 0; f < F; f++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
      let s = b.data[f];
      for (let c = 0; c < C; c++) for (let u = 0; u < K; u++) for (let v = 0; v < K; v++) s += inp[(c * H + i + u) * W + j + v] * w.data[((f * C + c) * K + u) * K + v];
      out[(f * Ho + i) * Wo + j] = Math.max(0, s);
    }
    return { out, C: F, H: Ho, W: Wo };
  };
  const pool = (a: { out: number[]; C: number; H: number; W: number }) => {
    const H = a.H >> 1, W = a.W >> 1, out = new Array(a.C * H * W);
    for (let c = 0; c < a.C; c++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
      out[(c * H + i) * W + j] = Math.max(...[0, 1].flatMap((u) => [0, 1].map((v) => a.out[(c * a.H + 2 * i + u) * a.W + 2 * j + v])));
    }
    return { out, C: a.C, H, W };
  };
  const dense = (inp: number[], w: P[string], b: P[string], relu: boolean) => Array.from({ length: w.shape[0] }, (_, o) => {
    let s = b.data[o];
    for (let i = 0; i < inp.length; i++) s += inp[i] * w.data[o * inp.length + i];
    return relu ? Math.max(0, s) : s;
  });
  const k = (n: string) => p[`hybridsequential0_${n}`];
  let a = pool(conv(Array.from(x), 1, 28, 28, k('conv0_weight'), k('conv0_bias')));
  a = pool(conv(a.out, a.C, a.H, a.W, k('conv1_weight'), k('conv1_bias')));
  return dense(dense(a.out, k('dense0_weight'), k('dense0_bias'), true), k('dense1_weight'), k('dense1_bias'), false);
}

test('Predictor on a small MLP: forward, named inputs, errors, partial outputs', () => {
  const data = mx.sym.Variable('data');
  const fc1 = mx.sym.FullyConnected({ data, num_hidden: 4, name: 'fc1' });
  const net = mx.sym.SoftmaxOutput({ data: mx.sym.Activation({ data: fc1, act_type: 'relu', name: 'r' }), name: 'softmax' });
  const arg = { fc1_weight: mx.nd.array(randArray(12, 1), { shape: [4, 3] }), fc1_bias: mx.nd.array([0.1, 0.2, 0.3, 0.4]) };
  const p = mx.Predictor.load({ symbol: net.toJSON(), params: mx.nd.save(null, { 'arg:fc1_weight': arg.fc1_weight, 'arg:fc1_bias': arg.fc1_bias }), inputShapes: { data: [2, 3] } });
  assert.equal(p.outputNames, ['softmax_output']);
  assert.equal(p.outputShapes, [[2, 4]]);
  const out = p.forward({ data: [1, 2, 3, -1, 0, 1] })[0].toArray();
  for (const row of out) assertClose([row.reduce((s: number, v: number) => s + v, 0)], [1], 1e-5);
  assert.throws(() => p.forward([1, 2]), /has 2 values, expected 6 \(the input shape \(2,3\) needs 6\)/);
  assert.throws(() => p.forward({ x: [1] } as any), /missing input 'data'/);
  const part = mx.Predictor.load({ symbol: net, params: { argParams: arg }, inputShapes: { data: [1, 3] }, outputs: ['fc1_output'] });
  const w = arg.fc1_weight.toArray() as number[][];
  assertClose(part.forward([1, 0, 0])[0].data, w.map((r, i) => r[0] + [0.1, 0.2, 0.3, 0.4][i]));
  assert.throws(() => mx.Predictor.load({ symbol: net, params: { argParams: { fc1_weight: arg.fc1_weight } }, inputShapes: { data: [1, 3] } }), /no parameter values for fc1_bias/);
  assert.throws(() => mx.Predictor.load({ symbol: net, params: { argParams: arg }, inputShapes: { data: [1, 5] } }), /'fc1_weight' has shape \(4,3\), the symbol needs \(4,5\)/);
  assert.throws(() => mx.Predictor.load({ symbol: net, params: { argParams: arg }, inputShapes: { img: [1, 3] } }), /'img' is not an input/);
  p.dispose(); part.dispose();
});

if (!haveFixtures) skip('Predictor fixture tests (no ../shared/fixtures/mxnet)');
else {
  const params = () => {
    const d = mx.nd.load(fixture('fcrc-demo/lenet-0001.params')) as Record<string, any>;
    const p: P = {};
    for (const [k, v] of Object.entries(d)) p[k.slice(4)] = { data: v.toTypedArray(), shape: v.shape };
    return p;
  };

  test('fcrc-demo LeNet predicts what a plain-JS reference computes, batch 1 and after reshape', () => {
    const p = mx.Predictor.fromCheckpoint(fixture('fcrc-demo/lenet'), 1, { data: [1, 1, 28, 28] });
    const ref = params();
    const xs = [0, 1, 2].map((s) => randArray(784, 10 + s, 0, 1));
    const outs = xs.map((x) => { const o = p.forward(x)[0]; assert.equal(o.shape, [1, 10]); return o.toTypedArray(); });
    xs.forEach((x, i) => assertClose(outs[i], lenetRef(x, ref), 1e-4, 1e-4, `image ${i}`));
    const before = mx.memoryStats().bytesInUse;
    const c = p.clone();
    assertClose(c.forward(xs[1])[0].data, outs[1], 0, 0, 'clone shares the parameters');
    assert.ok(mx.memoryStats().bytesInUse - before < 200_000, 'a clone allocates activations and inputs, not parameters');
    c.dispose();
    p.reshape({ data: [3, 1, 28, 28] });
    const batch = new Float32Array(3 * 784); xs.forEach((x, i) => batch.set(x, i * 784));
    const o = p.forward(batch)[0];
    assert.equal(o.shape, [3, 10]);
    xs.forEach((_, i) => assertClose(o.data.subarray(i * 10, i * 10 + 10), outs[i], 1e-5, 1e-5, `batch row ${i}`));
    p.dispose();
  });

  test('Predictor serves many requests without growing memory (allocator stats)', () => {
    const p = mx.Predictor.load({ symbol: fixtureText('fcrc-demo/lenet-symbol.json'), params: fixtureBytes('fcrc-demo/lenet-0001.params'), inputShapes: { data: [1, 1, 28, 28] } });
    const x = randArray(784, 5, 0, 1), nd = mx.nd.array(x, { shape: [1, 1, 28, 28] });
    p.forward(x);
    const before = mx.memoryStats();
    for (let i = 0; i < 300; i++) p.forward(i % 2 ? x : nd);
    const after = mx.memoryStats();
    assert.is(after.bytesInUse, before.bytesInUse);
    assert.is(after.liveBlocks, before.liveBlocks);
    assert.is(after.peakBytes, before.peakBytes);
    assert.ok(p.memory.arenaBytes <= p.memory.naiveBytes);
    const base = mx.memoryStats().bytesInUse;
    p.dispose(); nd.dispose();
    assert.ok(mx.memoryStats().bytesInUse < base, 'dispose frees the executor and loaded params');
  });

  test('a float16 / float64 copy of the LeNet params predicts the same classes (converted dtypes end to end)', () => {
    const { records, names } = parseNDArrayList(fixtureBytes('fcrc-demo/lenet-0001.params'));
    const x = randArray(784, 11, 0, 1);
    const p32 = mx.Predictor.load({ symbol: fixtureText('fcrc-demo/lenet-symbol.json'), params: fixtureBytes('fcrc-demo/lenet-0001.params'), inputShapes: { data: [1, 1, 28, 28] } });
    const want = p32.forward(x)[0].toTypedArray();
    for (const code of [1, 2]) {
      const conv = writeNDArrayList(records.map((r) => ({ ...r, version: 2 as const, typeCode: code, data: encode(code, new Float32Array(r.data.slice().buffer)) })), names);
      const r = mx.nd.loadWithInfo(conv);
      assert.is(r.notes.length, 8);
      const p = mx.Predictor.load({ symbol: fixtureText('fcrc-demo/lenet-symbol.json'), params: conv, inputShapes: { data: [1, 1, 28, 28] } });
      assertClose(p.forward(x)[0].data, want, code === 2 ? 2e-2 : 1e-6, code === 2 ? 2e-2 : 1e-6, `dtype code ${code}`);
      p.dispose(); r.arrays.forEach((a: any) => a.dispose());
    }
    p32.dispose();
  });

  test('Predictor.loadAsync from URLs/paths and Responses', async () => {
    const p = await mx.Predictor.loadAsync({ symbol: new Response(fixtureText('fcrc-demo/lenet-symbol.json')), params: fixture('fcrc-demo/lenet-0001.params'), inputShapes: { data: [1, 1, 28, 28] } });
    assert.equal(p.forward(new Float32Array(784))[0].shape, [1, 10]);
    p.dispose();
  });
}

test.run();
