// broadcast_to / broadcast_axis / broadcast_like, tile, repeat, Pad, UpSampling vs references; gradients; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, gradCheck, invoke, invokeWithGrad, assertClose } from '../helpers.js';
import * as R from '../../src/reference/tensor.js';

const nd = (shape: number[], seed = 1) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed)).reshape(shape);
const arange = (shape: number[]) => mx.nd.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i)).reshape(shape);
const same = (a: ArrayLike<number>, b: ArrayLike<number>, what = '') => assert.equal(Array.from(a), Array.from(b), what);

/** Reference by index arithmetic: out[i] = x[map(i)] over the output's multi-indices. */
function byIndex(out: number[], x: ArrayLike<number>, xs: number[], map: (idx: number[]) => number[]): number[] {
  const n = out.reduce((a, b) => a * b, 1), res: number[] = [];
  const xst = xs.map((_, i) => xs.slice(i + 1).reduce((a, b) => a * b, 1));
  for (let f = 0; f < n; f++) {
    let rem = f; const idx = out.map(() => 0);
    for (let d = out.length - 1; d >= 0; d--) { idx[d] = rem % out[d]; rem = Math.floor(rem / out[d]); }
    res.push(x[map(idx).reduce((t, v, d) => t + v * xst[d], 0)]);
  }
  return res;
}

test('broadcast_to / broadcast_axis / broadcast_like vs reference; NDArray.broadcastTo', () => {
  for (const [xs, out] of [[[1, 3], [4, 3]], [[2, 1, 4], [2, 5, 4]], [[1, 1, 1], [3, 1, 17]], [[3, 1, 1, 2], [3, 4, 5, 2]], [[1], [65]], [[5, 1], [5, 2]]]) {
    const x = nd(xs), [y] = invoke('broadcast_to', [x], { shape: out.map((d, i) => (d === xs[i] && d !== 1 ? 0 : d)) });
    assert.equal(y.shape, out);
    same(y.data, byIndex(out, x.data, xs, (idx) => idx.map((v, d) => (xs[d] === 1 ? 0 : v))), `${xs} -> ${out}`);
  }
  const x = nd([2, 1, 3]);
  same(invoke('broadcast_axes', [x], { axis: 1, size: 4 })[0].data, invoke('broadcast_to', [x], { shape: [2, 4, 3] })[0].data);
  same(invoke('broadcast_like', [x, mx.nd.zeros([2, 6, 3])])[0].data, invoke('broadcast_to', [x], { shape: [2, 6, 3] })[0].data);
  assert.equal(invoke('broadcast_like', [x, mx.nd.zeros([7, 5])], { lhs_axes: [1], rhs_axes: [0] })[0].shape, [2, 7, 3]);
  assert.equal(mx.nd.array([[1, 2]]).broadcastTo([2, 2]).toArray(), [[1, 2], [1, 2]]);
  assert.throws(() => invoke('broadcast_to', [x], { shape: [2, 4, 5] }), /broadcast_to.*dim 2 is 3/);
  assert.throws(() => invoke('broadcast_axis', [x], { axis: 0, size: 3 }), /broadcast_axis.*size 2/);
});

test('tile and repeat vs reference', () => {
  for (const [xs, reps] of [[[3], [2]], [[2, 3], [2, 2]], [[2, 3], [3]], [[2, 3], [2, 1, 2]], [[1, 5], [4, 1]], [[2, 1, 3], [1, 3, 2]], [[3], [0]]]) {
    const x = nd(xs), [y] = invoke('tile', [x], { reps });
    const n = Math.max(xs.length, reps.length), xp = [...Array(n - xs.length).fill(1), ...xs], rp = [...Array(n - reps.length).fill(1), ...reps];
    const out = xp.map((d, i) => d * rp[i]);
    assert.equal(y.shape, out);
    same(y.data, byIndex(out, x.data, xp, (idx) => idx.map((v, d) => v % xp[d])), `tile ${xs} ${reps}`);
  }
  assert.equal(invoke('tile', [mx.nd.array([[1, 2], [3, 4]])], { reps: '(2, 1)' })[0].toArray(), [[1, 2], [3, 4], [1, 2], [3, 4]]);
  for (const [xs, repeats, axis] of [[[3], 2, 0], [[2, 3], 3, 1], [[2, 3], 2, 0], [[2, 3], 2, null], [[2, 3, 4], 3, -2], [[4], 1, 0]] as [number[], number, number | null][]) {
    const x = nd(xs), [y] = invoke('repeat', [x], { repeats, axis });
    if (axis === null) { assert.equal(y.shape, [x.size * repeats]); same(y.data, [...x.data].flatMap((v) => Array(repeats).fill(v))); continue; }
    const ax = axis < 0 ? axis + xs.length : axis, out = xs.map((d, i) => (i === ax ? d * repeats : d));
    assert.equal(y.shape, out);
    same(y.data, byIndex(out, x.data, xs, (idx) => idx.map((v, d) => (d === ax ? Math.floor(v / repeats) : v))), `repeat ${xs} ${repeats} ${axis}`);
  }
  assert.equal(invoke('repeat', [mx.nd.array([[1, 2], [3, 4]])], { repeats: 2, axis: 1 })[0].toArray(), [[1, 1, 2, 2], [3, 3, 4, 4]]);
  assert.throws(() => invoke('tile', [nd([2])], {}), /tile.*required attribute 'reps'/);
});

/** numpy.pad per axis on a 4-d array. */
function padRef(x: ArrayLike<number>, xs: number[], pw: number[], mode: string, cv = 0): number[] {
  const out = xs.map((d, i) => d + pw[2 * i] + pw[2 * i + 1]);
  const src = (v: number, d: number): number => {
    const k = v - pw[2 * d], n = xs[d];
    if (k >= 0 && k < n) return k;
    if (mode === 'constant') return -1;
    if (mode === 'edge') return k < 0 ? 0 : n - 1;
    return k < 0 ? -k : 2 * (n - 1) - k;
  };
  return byIndexPad(out, [...Array.from(x), cv], xs, (idx) => idx.map(src));
}
function byIndexPad(out: number[], xa: number[], xs: number[], map: (idx: number[]) => number[]): number[] {
  const n = out.reduce((a, b) => a * b, 1), res: number[] = [], xst = xs.map((_, i) => xs.slice(i + 1).reduce((a, b) => a * b, 1));
  for (let f = 0; f < n; f++) {
    let rem = f; const idx = out.map(() => 0);
    for (let d = out.length - 1; d >= 0; d--) { idx[d] = rem % out[d]; rem = Math.floor(rem / out[d]); }
    const m = map(idx);
    res.push(m.some((v) => v < 0) ? xa[xa.length - 1] : xa[m.reduce((t, v, d) => t + v * xst[d], 0)]);
  }
  return res;
}

test('Pad constant / edge / reflect vs numpy.pad semantics', () => {
  for (const [xs, pw] of [[[1, 2, 3, 4], [0, 0, 0, 0, 1, 2, 2, 1]], [[2, 1, 5, 3], [0, 0, 0, 0, 0, 2, 2, 0]], [[1, 1, 4, 17], [0, 0, 0, 0, 3, 3, 1, 1]], [[1, 2, 3, 3, 3], [0, 0, 0, 0, 1, 1, 2, 0, 0, 2]]]) {
    const x = nd(xs);
    for (const mode of ['constant', 'edge', 'reflect']) {
      const [y] = invoke('Pad', [x], { mode, pad_width: pw, constant_value: 1.5 });
      same(y.data, padRef(x.data, xs, pw, mode, 1.5), `${mode} ${xs} ${pw}`);
    }
  }
  assert.throws(() => invoke('pad', [nd([1, 1, 2, 2])], { mode: 'constant', pad_width: [1, 1, 0, 0, 0, 0, 0, 0] }), /Pad.*first 4/);
  assert.throws(() => invoke('pad', [nd([1, 1, 2, 2])], { mode: 'reflect', pad_width: [0, 0, 0, 0, 2, 0, 0, 0] }), /Pad.*reflect/);
  assert.throws(() => invoke('pad', [nd([2, 2])], { mode: 'edge', pad_width: [0, 0, 1, 1] }), /Pad.*4-d/);
  assert.throws(() => invoke('pad', [nd([1, 1, 2, 2])], { pad_width: [0, 0, 0, 0, 1, 1, 1, 1] }), /Pad.*required attribute 'mode'/);
});

test('UpSampling nearest: single input, concat and sum of several', () => {
  const x = nd([2, 3, 4, 5]), [y] = invoke('UpSampling', [x], { scale: 2, sample_type: 'nearest', num_args: 1 });
  assert.equal(y.shape, [2, 3, 8, 10]);
  same(y.data, R.upnearest(x.data, 6, 4, 5, 2));
  const a = nd([1, 2, 2, 3], 1);
  const b2 = nd([1, 1, 2, 3], 3), a1 = nd([1, 1, 2, 3], 4);
  const [s] = invoke('UpSampling', [a1, b2], { scale: 2, sample_type: 'nearest', num_args: 2, multi_input_mode: 'sum' });
  assertClose(s.data, R.upnearest(a1.data, 1, 2, 3, 2).map((v, i) => v + R.upnearest(b2.data, 1, 2, 3, 2)[i]));
  const bb = nd([1, 1, 6, 9], 5), [cc] = invoke('UpSampling', [a, bb], { scale: 3, sample_type: 'nearest', num_args: 2 });
  same(cc.data, [...R.upnearest(a.data, 2, 2, 3, 3), ...bb.data]);
  assert.throws(() => invoke('UpSampling', [x], { scale: 2, sample_type: 'bilinear', num_args: 1 }), /UpSampling.*expects 2 inputs \(data, weight\)/);
  assert.throws(() => invoke('UpSampling', [a, nd([1, 1, 4, 4])], { scale: 3, sample_type: 'nearest', num_args: 2 }), /UpSampling.*integer factor/);
});

test('gradients: broadcast_to, broadcast_axis, tile, repeat, Pad (all modes), UpSampling', () => {
  gradCheck('broadcast_to', [nd([1, 3])], { shape: [4, 3] });
  gradCheck('broadcast_to', [nd([2, 1, 3, 1])], { shape: [2, 4, 3, 2] });
  gradCheck('broadcast_axis', [nd([2, 1])], { axis: 1, size: 3 });
  gradCheck('broadcast_like', [nd([1, 3]), nd([2, 3])], {}, { skip: [1] });
  gradCheck('tile', [nd([2, 3])], { reps: [2, 2] });
  gradCheck('tile', [nd([3])], { reps: [2, 1, 2] });
  gradCheck('repeat', [nd([2, 3])], { repeats: 2, axis: 0 });
  gradCheck('repeat', [nd([2, 3])], { repeats: 3 });
  for (const mode of ['constant', 'edge', 'reflect']) gradCheck('Pad', [nd([1, 2, 3, 4])], { mode, pad_width: [0, 0, 0, 0, 2, 1, 1, 3] });
  gradCheck('UpSampling', [nd([1, 2, 2, 3])], { scale: 2, sample_type: 'nearest', num_args: 1 });
  gradCheck('UpSampling', [nd([1, 1, 2, 2], 1), nd([1, 2, 4, 4], 2)], { scale: 2, sample_type: 'nearest', num_args: 2 });
  gradCheck('UpSampling', [nd([1, 1, 2, 2], 1), nd([1, 1, 4, 4], 2)], { scale: 2, sample_type: 'nearest', num_args: 2, multi_input_mode: 'sum' });
  const { grads } = invokeWithGrad('tile', [mx.nd.array([1, 2])], { reps: [3] }, [mx.nd.array([1, 2, 3, 4, 5, 6])]);
  same(grads[0]!.data, [9, 12]);
});

test.run();
