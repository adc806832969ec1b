// slice, slice_axis, slice_like, take, pick, one_hot vs references; gradients; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, gradCheck, invoke, invokeWithGrad, assertClose } from '../helpers.js';
import * as R from '../../src/reference/tensor.js';

const nd = (shape: number[], seed = 1) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed)).reshape(shape);
const arange = (shape: number[]) => mx.nd.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i)).reshape(shape);
const same = (a: ArrayLike<number>, b: ArrayLike<number>, what = '') => assert.equal(Array.from(a), Array.from(b), what);

/** Python's slice.indices: the index list of x[b:e:s] on an axis of length n. */
function pyRange(n: number, b: number | null, e: number | null, s: number): number[] {
  const neg = s < 0;
  const lo = neg ? -1 : 0, hi = neg ? n - 1 : n;
  const fix = (v: number | null, d: number) => (v === null ? d : v < 0 ? Math.max(v + n, lo) : Math.min(v, hi));
  const start = fix(b, neg ? hi : lo), stop = fix(e, neg ? lo : hi), out: number[] = [];
  for (let i = start; neg ? i > stop : i < stop; i += s) out.push(i);
  return out;
}
/** Gathers x[idx_0, idx_1, ...] (outer product of index lists). */
function boxRef(x: ArrayLike<number>, shape: number[], lists: number[][]): number[] {
  const st = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  let offs = [0];
  lists.forEach((l, d) => { offs = offs.flatMap((o) => l.map((i) => o + i * st[d])); });
  return offs.map((o) => x[o]);
}

test('slice vs Python slicing (None, negatives, steps, reversed, clamped, empty)', () => {
  const cases: [number[], (number | null)[], (number | null)[], (number | null)[]][] = [
    [[5], [1], [4], []], [[5, 4], [1, null], [null, -1], []], [[2, 3, 4], [0, 1, 1], [2, 3, 4], [1, 1, 2]],
    [[2, 3, 4], [null, null, null], [null, null, null], [1, -1, -2]], [[7, 3], [-2], [100], []], [[7, 3], [5], [1], [-2]],
    [[4, 5], [3], [1], [1]], [[17, 9], [1, 2], [16, 9], [3, 4]], [[1, 65], [0, 64], [1, 0], [1, -1]],
  ];
  for (const [shape, begin, end, step] of cases) {
    const x = nd(shape), [y] = invoke('slice', [x], { begin, end, step });
    const lists = shape.map((n, d) => (d < begin.length ? pyRange(n, begin[d], end[d], step[d] ?? 1) : [...Array(n).keys()]));
    assert.equal(y.shape, lists.map((l) => l.length), `${shape} ${begin} ${end} ${step}`);
    same(y.data, boxRef(x.data, shape, lists), `${shape} ${begin} ${end} ${step}`);
  }
  const [y] = invoke('slice', [arange([3, 4])], { begin: '(1, None)', end: '(None, 3)', step: '(None, 2)' });
  assert.equal(y.toArray(), [[4, 6], [8, 10]]);
  assert.equal(invoke('crop', [arange([3, 4])], { begin: [0, 1], end: [1, 3] })[0].toArray(), [[1, 2]]);
});

test('slice_axis and slice_like', () => {
  const x = arange([3, 4, 5]);
  assert.equal(invoke('slice_axis', [x], { axis: 1, begin: 1, end: 3 })[0].shape, [3, 2, 5]);
  same(invoke('slice_axis', [x], { axis: -1, begin: -2, end: null })[0].data, boxRef(x.data, [3, 4, 5], [[0, 1, 2], [0, 1, 2, 3], [3, 4]]));
  same(invoke('slice_axis', [x], { axis: 0, begin: 2, end: 'None' })[0].data, boxRef(x.data, [3, 4, 5], [[2], [0, 1, 2, 3], [0, 1, 2, 3, 4]]));
  const [y] = invoke('slice_like', [x, mx.nd.zeros([2, 3, 5])]);
  same(y.data, boxRef(x.data, [3, 4, 5], [[0, 1], [0, 1, 2], [0, 1, 2, 3, 4]]));
  assert.equal(invoke('slice_like', [x, mx.nd.zeros([1, 2])], { axes: [0, 1] })[0].shape, [1, 2, 5]);
  assert.throws(() => invoke('slice_axis', [x], { axis: 1, begin: 3, end: 2 }), /slice_axis.*out of range/);
  assert.throws(() => invoke('slice_axis', [x], { axis: 3, begin: 0, end: 1 }), /slice_axis.*axis 3/);
  assert.throws(() => invoke('slice_axis', [x], { axis: 0, begin: 0 }), /slice_axis.*required attribute 'end'/);
  assert.throws(() => invoke('slice', [x], { begin: [0], end: [1], step: [0] }), /slice.*step 0/);
  assert.throws(() => invoke('slice_like', [x, mx.nd.zeros([4, 4, 5])]), /slice_like.*exceeds/);
});

test('take (axis, clip / wrap / raise) vs reference', () => {
  for (const [shape, axis] of [[[5], 0], [[4, 3], 0], [[4, 3], 1], [[2, 7, 3], 1], [[2, 3, 17], -1], [[1, 65, 1], 1]] as [number[], number][]) {
    const x = nd(shape), ax = axis < 0 ? axis + shape.length : axis, n = shape[ax];
    const idx = mx.nd.array([[0, n - 1, 1.9], [-1, n + 2, 2]]);
    for (const mode of ['clip', 'wrap']) {
      const [y] = invoke('take', [x, idx], { axis, mode });
      assert.equal(y.shape, [...shape.slice(0, ax), 2, 3, ...shape.slice(ax + 1)]);
      const outer = shape.slice(0, ax).reduce((a, b) => a * b, 1), inner = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
      same(y.data, R.gather(x.data, idx.data, outer, n, inner, mode === 'clip' ? 0 : 1), `take ${shape} ${axis} ${mode}`);
    }
  }
  assert.equal(invoke('take', [arange([3, 2]), mx.nd.array([2, 0])])[0].toArray(), [[4, 5], [0, 1]]);
  assert.throws(() => invoke('take', [arange([3, 2]), mx.nd.array([3])], { mode: 'raise' }), /take.*out of range/);
  assert.equal(invoke('take', [arange([3, 2]), mx.nd.array([2])], { mode: 'raise' })[0].toArray(), [[4, 5]]);
  assert.throws(() => invoke('take', [arange([3, 2]), mx.nd.array([0])], { mode: 'bogus' }), /take.*clip\|wrap\|raise/);
});

test('pick and one_hot', () => {
  const x = arange([3, 4]);
  assert.equal(invoke('pick', [x, mx.nd.array([0, 3, 5])])[0].toArray(), [0, 7, 11]);
  assert.equal(invoke('pick', [x, mx.nd.array([0, 3, -1])], { mode: 'wrap' })[0].toArray(), [0, 7, 11]);
  assert.equal(invoke('pick', [x, mx.nd.array([[1, 2, 0, 1]])], { axis: 0, keepdims: true })[0].toArray(), [[4, 9, 2, 7]]);
  const y3 = nd([2, 5, 3]), i3 = mx.nd.array([[0, 4, 2], [1, 1, 3]]);
  same(invoke('pick', [y3, i3], { axis: 1 })[0].data, R.pick(y3.data, i3.data, 2, 5, 3, 0));
  assert.equal(invoke('one_hot', [mx.nd.array([1, 0, 2, 5, -1])], { depth: 3 })[0].toArray(), [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]]);
  const oh = invoke('one_hot', [mx.nd.array([[1], [3]])], { depth: 4, on_value: 8, off_value: -1, dtype: 'int32' })[0];
  assert.is(oh.dtype, 'int32'); assert.equal(oh.shape, [2, 1, 4]); assert.equal(oh.toArray(), [[[-1, 8, -1, -1]], [[-1, -1, -1, 8]]]);
  assert.throws(() => invoke('one_hot', [mx.nd.array([1])], {}), /one_hot.*depth/);
  assert.throws(() => invoke('pick', [x, mx.nd.array([0, 1])]), /pick.*index has shape/);
});

test('gradients: slice family, take (scatter-add), pick', () => {
  gradCheck('slice', [nd([4, 5])], { begin: [1, null], end: [3, null], step: [1, 2] });
  gradCheck('slice', [nd([4, 5])], { begin: [null, 4], end: [null, 0], step: [-2, -1] });
  gradCheck('slice_axis', [nd([3, 4, 2])], { axis: 1, begin: 1, end: -1 });
  gradCheck('slice_like', [nd([3, 4]), nd([2, 2])], {}, { skip: [1] });
  gradCheck('take', [nd([5, 3]), mx.nd.array([4, 0, 4, 2])], {}, { skip: [1] });
  gradCheck('take', [nd([2, 5]), mx.nd.array([[1, -1], [7, 1]])], { axis: 1, mode: 'wrap' }, { skip: [1] });
  gradCheck('pick', [nd([3, 4]), mx.nd.array([0, 3, 1])], {}, { skip: [1] });
  const { grads } = invokeWithGrad('take', [nd([3, 2]), mx.nd.array([1, 1, 0])], {}, [mx.nd.ones([3, 2])]);
  same(grads[0]!.data, [1, 1, 2, 2, 0, 0]);
  same(grads[1]!.data, [0, 0, 0]);
  const sl = invokeWithGrad('slice_axis', [nd([3, 2])], { axis: 0, begin: 1, end: 2 }, [mx.nd.array([[5, 6]])]).grads[0]!;
  assertClose(sl.data, [0, 0, 5, 6, 0, 0]);
});

test.run();
