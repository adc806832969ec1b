// The prepared-call cache of `invoke`: a repeated call signature reuses parsed attrs and inferred shapes; any
// difference in op, attributes, input shapes or dtypes, or node name gets its own entry (never a stale result).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose } from './helpers.js';
import { invoke, preparedCalls, setLowerCache } from '../src/ndarray/invoke.js';

test('same signature reuses the prepared call; results stay right', () => {
  const x = mx.nd.array([[1, -2, 3], [4, 5, -6]]);
  const n0 = preparedCalls();
  const a = invoke('sum', [x], { axis: 1 })[0];
  const n1 = preparedCalls();
  const b = invoke('sum', [x], { axis: 1 })[0];
  assert.is(preparedCalls(), n1);
  assert.ok(n1 >= Math.min(n0 + 1, 1));
  assert.equal(a.toArray(), [2, 3]); assert.equal(b.toArray(), [2, 3]);
});

test('different attrs, shapes, dtypes or node names are not confused', () => {
  const x = mx.nd.array([[1, -2, 3], [4, 5, -6]]);
  assert.equal(invoke('sum', [x], { axis: 0 })[0].toArray(), [5, 3, -3]);
  assert.equal(invoke('sum', [x], { axis: [0] })[0].toArray(), [5, 3, -3]);
  assert.equal(invoke('sum', [x], { axis: 1, keepdims: true })[0].shape, [2, 1]);
  assert.equal(invoke('sum', [x], { axis: 1, keepdims: 'True' })[0].shape, [2, 1]);
  assert.equal(invoke('sum', [x], { axis: '1' })[0].toArray(), [2, 3]);
  const y = mx.nd.array([1, 2, 3, 4]);
  assert.equal(invoke('sum', [y], { axis: 0 })[0].toArray(), [10]);
  assert.equal(invoke('Reshape', [x.asType('int32')], { shape: [3, 2] })[0].dtype, 'int32');
  assert.equal(invoke('Reshape', [x], { shape: [3, 2] })[0].dtype, 'float32');
  // string attrs with delimiters in them key apart from separate attributes
  assert.equal(invoke('Activation', [x], { act_type: 'relu' })[0].toArray(), [[1, 0, 3], [4, 5, 0]]);
  assertClose(invoke('Activation', [x], { act_type: 'tanh' })[0].toArray().flat(), [[1, -2, 3], [4, 5, -6]].flat().map(Math.tanh), 1e-6);
  assert.ok(mx.nd._plus_scalar(x, { scalar: Number.NaN }).toArray().flat().every(Number.isNaN));
});

test('errors are raised on every call, not cached away', () => {
  const x = mx.nd.array([[1, 2]]);
  assert.throws(() => invoke('sum', [x], { axis: 5 }), /axis|out of range|bound/i);
  assert.throws(() => invoke('sum', [x], { axis: 5 }), /axis|out of range|bound/i);
  assert.throws(() => invoke('FullyConnected', [x, mx.nd.zeros([3, 3])], { num_hidden: 3, no_bias: true }), /weight/);
  assert.throws(() => invoke('FullyConnected', [x, mx.nd.zeros([3, 3])], { num_hidden: 3, no_bias: true }), /weight/);
});

// The lowered-step reuse (LOWER_CACHE ops): a step lowered for some offsets runs again only for the same offsets, reads
// the arrays' current contents, and gives the bits a fresh lowering gives.
const seq = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + k));
function convCases(): [string, number[], number[], Record<string, unknown>][] {
  return [
    ['stem', [1, 3, 17, 19], [8, 3, 3, 3], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: 8 }],
    ['grouped', [2, 8, 7, 7], [8, 2, 3, 3], { kernel: [3, 3], pad: [1, 1], num_filter: 8, num_group: 4, no_bias: true }],
    ['1x1', [1, 5, 6, 6], [7, 5, 1, 1], { kernel: [1, 1], num_filter: 7, no_bias: true }],
  ];
}

test('reused lowered steps: new contents at the same offsets, new offsets, same bits as lowering afresh', () => {
  for (const [name, xs, ws, attrs] of convCases()) {
    const x = mx.nd.zeros(xs), w = mx.nd.zeros(ws), b = mx.nd.zeros([ws[0]]);
    const ins = attrs.no_bias ? [x, w] : [x, w, b];
    const run = (k: number) => {
      x.data.set(seq(x.size, k)); w.data.set(seq(w.size, 2 * k + 1)); b.data.set(seq(b.size, k + 5));
      const y = invoke('Convolution', ins, attrs)[0], out = y.toTypedArray(); y.dispose();
      return out;
    };
    const old = setLowerCache(false);
    const fresh = [0, 1, 2].map(run);
    setLowerCache(true);
    const reused = [0, 1, 2, 0].map(run);
    setLowerCache(old);
    assert.ok(fresh[0].some((v, i) => v !== fresh[1][i]), `${name}: the contents change the result`);
    for (let k = 0; k < 3; k++) assert.equal(Array.from(reused[k]), Array.from(fresh[k]), `${name}: call ${k}`);
    assert.equal(Array.from(reused[3]), Array.from(fresh[0]), `${name}: again`);
    // Outputs kept alive land at new offsets; another input array of the same shape is another key.
    const x2 = mx.nd.array(seq(x.size, 9), { shape: xs }), keep = [invoke('Convolution', ins, attrs)[0], invoke('Convolution', attrs.no_bias ? [x2, w] : [x2, w, b], attrs)[0]];
    setLowerCache(false);
    const ref = [invoke('Convolution', ins, attrs)[0], invoke('Convolution', attrs.no_bias ? [x2, w] : [x2, w, b], attrs)[0]];
    setLowerCache(true);
    const swap = [x, x2, x].map((xi) => { const y = invoke('Convolution', attrs.no_bias ? [xi, w] : [xi, w, b], attrs)[0], d = y.toTypedArray(); y.dispose(); return d; });
    setLowerCache(old);
    assert.equal(Array.from(swap[1]), Array.from(ref[1].data), `${name}: another input, the output at the same offset`);
    assert.equal(Array.from(swap[2]), Array.from(ref[0].data), `${name}: back to the first input`);
    assert.ok(keep[0].byteOffset !== keep[1].byteOffset);
    for (let i = 0; i < 2; i++) assert.equal(Array.from(keep[i].data), Array.from(ref[i].data), `${name}: kept output ${i}`);
    for (const t of [x, w, b, x2, ...keep, ...ref]) t.dispose();
  }
});

test('reused lowered steps: dot and FullyConnected follow their inputs', () => {
  const a = mx.nd.zeros([5, 9]), c = mx.nd.zeros([9, 3]), wt = mx.nd.zeros([4, 9]), bias = mx.nd.zeros([4]);
  const results = (on: boolean) => {
    const old = setLowerCache(on), out: number[][] = [];
    for (let k = 0; k < 3; k++) {
      a.data.set(seq(45, k)); c.data.set(seq(27, k + 3)); wt.data.set(seq(36, k + 7)); bias.data.set(seq(4, k));
      for (const [op, ins, at] of [['dot', [a, c], {}], ['FullyConnected', [a, wt, bias], { num_hidden: 4 }]] as const) {
        const y = invoke(op, [...ins], at)[0]; out.push(Array.from(y.data)); y.dispose();
      }
    }
    setLowerCache(old);
    return out;
  };
  const off = results(false), on = results(true);
  assert.ok(off[0].some((v, i) => v !== off[2][i]));
  assert.equal(on, off);
  for (const t of [a, c, wt, bias]) t.dispose();
});

test.run();
