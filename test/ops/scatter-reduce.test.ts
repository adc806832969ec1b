// _scatter_reduce_nd (ONNX ScatterND / ScatterElements reduction mul, max, min): forward vs the scalar reference
// (M 1..3, negatives, clamping, repeated indices combining in order, odd sizes, leading dim 1 and > 1), gradient by
// finite differences (distinct indices, no ties), shape, dtype and attribute errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, gradCheck, invoke, assertClose } from '../helpers.js';
import * as R from '../../src/reference/rnn.js';

const nd = (shape: number[], seed = 1) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed)).reshape(shape);
const REDS = ['mul', 'max', 'min'] as const;

test('_scatter_reduce_nd vs reference: mul/max/min, M 1..3, negatives, clamped, repeated indices, odd sizes', () => {
  const cases: [number[], number[]][] = [[[5], [1, 9]], [[4, 3], [2, 5]], [[3, 4, 5], [2, 2, 3]], [[2, 3, 4, 3], [3, 7]], [[17, 3], [1, 65]], [[1, 1], [1, 1]], [[1, 6], [1, 4]]];
  for (const red of REDS) for (const [shape, ishape] of cases) {
    const M = ishape[0], N = ishape.slice(1).reduce((a, b) => a * b, 1), vshape = [...ishape.slice(1), ...shape.slice(M)];
    const x = nd(shape, 3), v = nd(vshape, 4);
    const idx = Array.from({ length: M * N }, (_, i) => ((i * 7) % (shape[Math.floor(i / N)] + 3)) - 1);
    const [y] = invoke('_scatter_reduce_nd', [x, v, mx.nd.array(idx).reshape(ishape)], { reduction: red });
    assert.equal(y.shape, shape);
    assertClose(y.data, R.scatterSetNd(x.data, shape, v.data, idx, M, N, red), 0, 0, `${red} ${shape} ${ishape}`);
  }
  const r = (red: string) => Array.from(invoke('_scatter_reduce_nd', [mx.nd.array([1, 2, 3]), mx.nd.array([4, 0.5, -1]), mx.nd.array([[1, 1, 0]])], { reduction: red })[0].data);
  assert.equal(r('mul'), [-1, 4, 3]); // 2 * 4 * 0.5 at index 1
  assert.equal(r('max'), [1, 4, 3]);
  assert.equal(r('min'), [-1, 0.5, 3]);
});

test('_scatter_reduce_nd gradient (distinct indices) for mul, max, min; batch 1 and > 1', () => {
  for (const red of REDS) {
    gradCheck('_scatter_reduce_nd', [nd([3, 4, 2]), nd([3, 2], 5), mx.nd.array([[0, 2, 1], [1, 3, 0]])], { reduction: red }, { skip: [2] });
    gradCheck('_scatter_reduce_nd', [nd([1, 5]), nd([2], 9), mx.nd.array([[0, 0], [4, 1]])], { reduction: red }, { skip: [2] });
  }
});

test('_scatter_reduce_nd errors: reduction, shapes, dtypes', () => {
  assert.throws(() => invoke('_scatter_reduce_nd', [nd([3, 4]), nd([2, 4]), mx.nd.array([[0, 1]])], { reduction: 'add' }), /reduction/);
  assert.throws(() => invoke('_scatter_reduce_nd', [nd([3, 4]), nd([2, 4]), mx.nd.array([[0, 1]])]), /reduction/);
  assert.throws(() => invoke('_scatter_reduce_nd', [nd([3, 4]), nd([2, 3]), mx.nd.array([[0, 1]])], { reduction: 'max' }), /_scatter_reduce_nd.*rhs \(2,3\) must be \(2,4\)/);
  assert.throws(() => invoke('_scatter_reduce_nd', [nd([3, 4]), nd([2, 4]), mx.nd.array([[0], [1], [2]])], { reduction: 'min' }), /_scatter_reduce_nd.*first dimension M/);
  assert.throws(() => invoke('_scatter_reduce_nd', [mx.nd.zeros([3, 4], 'int32'), nd([2, 4]), mx.nd.array([[0, 1]])], { reduction: 'mul' }), /_scatter_reduce_nd.*only float32.*input lhs/);
  const s = mx.sym._scatter_reduce_nd(mx.sym.Variable('a'), mx.sym.Variable('b'), mx.sym.Variable('i'), { reduction: 'max' });
  assert.equal(s.inferShape({ a: [6, 2], b: [3, 2], i: [1, 3] }).outShapes, [[6, 2]]);
});

test.run();
