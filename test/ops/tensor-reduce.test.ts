// Reduction ops (sum, mean, max, min, prod, nansum, nanprod, norm, argmax, argmin) vs references, gradients, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, gradCheck, invoke } from '../helpers.js';
import { reduceAxes } from '../../src/reference/tensor.js';

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const REF: Record<string, (v: number[]) => number> = {
  sum, mean: (v) => sum(v) / v.length, max: (v) => Math.max(...v), min: (v) => Math.min(...v),
  prod: (v) => v.reduce((a, b) => a * b, 1), nansum: (v) => sum(v.filter((x) => !Number.isNaN(x))),
  nanprod: (v) => v.filter((x) => !Number.isNaN(x)).reduce((a, b) => a * b, 1),
};
const argRef = (min: boolean) => (v: number[]) => v.indexOf(min ? Math.min(...v) : Math.max(...v));

const CASES: [number[], number[] | null, boolean?][] = [
  [[5], null], [[7], [0]], [[3, 4], [1]], [[3, 4], [0]], [[3, 4], [-1]], [[2, 3, 4], [0, 2]], [[2, 3, 4], [1, 2]],
  [[2, 1, 5], [1]], [[1, 17, 3], [0, 1]], [[4, 3, 2, 5], [0, 2]], [[4, 3, 2, 5], [1, 3]], [[2, 65], [1]], [[6, 5, 4], [1], true],
];

test('sum/mean/max/min/prod/nansum/nanprod forward vs reference (axes, keepdims, exclude, negative axes)', () => {
  for (const [shape, axis, exclude] of CASES) for (const op of Object.keys(REF)) for (const keepdims of [false, true]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = randArray(n, n + 1, op.includes('prod') ? 0.5 : -1, op.includes('prod') ? 1.5 : 1);
    if (op.startsWith('nan') && n > 2) x[1] = NaN;
    const a = mx.nd.array(x).reshape(shape);
    const nd = shape.length;
    let axes = axis === null ? [...Array(nd).keys()] : axis.map((v) => (v < 0 ? v + nd : v));
    if (exclude) axes = [...Array(nd).keys()].filter((i) => !axes.includes(i));
    const [y] = invoke(op, [a], { axis: axis === null ? null : axis, keepdims, exclude: !!exclude });
    const full = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const want = keepdims ? full : shape.filter((_, i) => !axes.includes(i));
    assert.equal(y.shape, want.length ? want : [1], `${op} ${shape} ${axis}`);
    assertClose(y.data, reduceAxes(x, shape, axes, REF[op]), 2e-5, 1e-5, `${op} ${shape} axis ${axis}`);
  }
});

test('argmax / argmin (axis None and int, float indices, keepdims)', () => {
  for (const [shape, axis] of [[[7], 0], [[3, 4], 1], [[3, 4], -2], [[2, 3, 5], 1], [[4, 5], null]] as [number[], number | null][]) {
    const n = shape.reduce((a, b) => a * b, 1), x = randArray(n, n);
    const a = mx.nd.array(x).reshape(shape);
    for (const op of ['argmax', 'argmin']) {
      const [y] = invoke(op, [a], { axis });
      const nd = shape.length, axes = axis === null ? [...Array(nd).keys()] : [axis < 0 ? axis + nd : axis];
      assert.equal([...y.data], [...reduceAxes(x, shape, axes, argRef(op === 'argmin'))], `${op} ${shape} ${axis}`);
      assert.is(y.dtype, 'float32');
    }
    if (axis !== null) assert.equal(invoke('argmax', [a], { axis, keepdims: true })[0].shape, shape.map((d, i) => (i === (axis < 0 ? axis + shape.length : axis) ? 1 : d)));
  }
  assert.equal(mx.nd.array([[1, 9, 3], [7, 2, 7]]).argmax({ axis: 1 }).toArray(), [1, 0]);
});

test('norm ord 1 / 2, axis; MXNet string attrs', () => {
  const x = randArray(24, 5), a = mx.nd.array(x).reshape([2, 3, 4]);
  assertClose(invoke('norm', [a], {})[0].data, [Math.sqrt(sum([...x].map((v) => v * v)))], 1e-5);
  assertClose(invoke('norm', [a], { ord: '1', axis: '(1,)' })[0].data, reduceAxes(x, [2, 3, 4], [1], (v) => sum(v.map(Math.abs))), 1e-5);
  assertClose(invoke('sum_axis', [a], { axis: '(0, 2)', keepdims: 'True' })[0].data, reduceAxes(x, [2, 3, 4], [0, 2], sum), 1e-5);
  assert.throws(() => invoke('norm', [a], { ord: 3 }), /ord/);
  // several reduced groups: one pass per group, exact for norms of partial norms
  const b = randArray(2 * 3 * 4 * 5, 9), bb = mx.nd.array(b).reshape([2, 3, 4, 5]);
  assertClose(invoke('norm', [bb], { axis: [0, 2] })[0].data, reduceAxes(b, [2, 3, 4, 5], [0, 2], (v) => Math.sqrt(sum(v.map((t) => t * t)))), 1e-5);
  assertClose(invoke('norm', [bb], { axis: [1, 3], ord: 1, keepdims: true })[0].data, reduceAxes(b, [2, 3, 4, 5], [1, 3], (v) => sum(v.map(Math.abs))), 1e-5);
  assertClose(invoke('mean', [bb], { axis: [0, 1, 3] })[0].data, reduceAxes(b, [2, 3, 4, 5], [0, 1, 3], (v) => sum(v) / v.length), 1e-5);
  assert.equal(invoke('sum', [mx.nd.zeros([0, 3, 2])], { axis: [0, 2] })[0].toArray(), [0, 0, 0]);
  assert.equal(invoke('max', [mx.nd.zeros([0, 2, 2])], { axis: [0, 2] })[0].toArray(), [-Infinity, -Infinity]);
});

test('NDArray.sum/mean/max/min/argmax', () => {
  const a = mx.nd.array([[1, 2, 3], [4, 5, 6]]);
  assert.equal(a.sum().toArray(), [21]);
  assert.equal(a.sum({ axis: 0 }).toArray(), [5, 7, 9]);
  assert.equal(a.mean({ axis: 1 }).toArray(), [2, 5]);
  assert.equal(a.max().toArray(), [6]);
  assert.equal(a.min({ axis: 1, keepdims: true }).toArray(), [[1], [4]]);
  assert.equal(a.argmax({ axis: 0 }).toArray(), [1, 1, 1]);
  assert.equal(mx.nd.zeros([2, 0]).sum({ axis: 1 }).toArray(), [0, 0]);
  const nd = mx.nd as unknown as Record<string, (...args: unknown[]) => { toArray(): unknown }>;
  assert.equal(nd.sum(a, { axis: 1 }).toArray(), [6, 15]);
  assert.equal(nd.max_axis(a, { axis: '(0,)', keepdims: 'True' }).toArray(), [[4, 5, 6]]);
  assert.equal(nd.argmin(a, { axis: 'None' }).toArray(), [0]);
});

test('gradients of the reductions (gradCheck)', () => {
  for (const [shape, axis] of [[[3, 4], [1]], [[2, 3, 4], [0, 2]], [[2, 3, 4], null], [[5], [0]], [[2, 1, 3], [1]]] as [number[], number[] | null][]) {
    const n = shape.reduce((a, b) => a * b, 1);
    for (const op of ['sum', 'mean', 'max', 'min', 'nansum']) gradCheck(op, [mx.nd.array(randArray(n, 3)).reshape(shape)], { axis });
    gradCheck('prod', [mx.nd.array(randArray(n, 4, 0.5, 1.5)).reshape(shape)], { axis });
    gradCheck('nanprod', [mx.nd.array(randArray(n, 4, 0.5, 1.5)).reshape(shape)], { axis });
    gradCheck('norm', [mx.nd.array(randArray(n, 6, 0.2, 1)).reshape(shape)], { axis });
    gradCheck('norm', [mx.nd.array(randArray(n, 6, 0.2, 1)).reshape(shape)], { axis, ord: 1 });
  }
  gradCheck('sum', [mx.nd.array(randArray(24, 3)).reshape([2, 3, 4])], { axis: [1], exclude: true, keepdims: true });
});

test('errors name the op: bad axis, duplicate axis, non-float input', () => {
  const a = mx.nd.zeros([2, 3]);
  assert.throws(() => invoke('sum', [a], { axis: 2 }), /sum.*axis 2 is out of range/);
  assert.throws(() => invoke('max', [a], { axis: [0, -2] }), /max.*twice/);
  assert.throws(() => invoke('argmax', [a], { axis: -3 }), /argmax/);
  assert.throws(() => invoke('mean', [mx.nd.zeros([2], 'int32')]), /mean.*float32/);
  assert.throws(() => invoke('sum', [a], { axes: 1 }), /unknown attribute 'axes'/);
});

test.run();
