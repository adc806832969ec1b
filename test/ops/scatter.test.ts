// _scatter_set_nd and _backward_gather_nd (scatter-add): forward vs the scalar reference (M 1..3, negatives, clamping, repeated index: last wins, odd
// sizes), gradient by finite differences (distinct indices), shape and dtype errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, gradCheck, invoke, assertClose } from '../helpers.js';
import * as R from '../../src/reference/rnn.js';

const nd = (shape: number[], seed = 1) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed)).reshape(shape);

test('_scatter_set_nd vs reference: M 1..3, negatives, past-the-end clamped, repeated indices, odd sizes', () => {
  const cases: [number[], number[]][] = [[[5], [1, 3]], [[4, 3], [2, 5]], [[3, 4, 5], [2, 2, 3]], [[2, 3, 4, 3], [3, 7]], [[17, 3], [1, 65]], [[1, 1], [1, 1]]];
  for (const [shape, ishape] of cases) {
    const M = ishape[0], N = ishape.slice(1).reduce((a, b) => a * b, 1), vshape = [...ishape.slice(1), ...shape.slice(M)];
    const x = nd(shape, 3), v = nd(vshape, 4);
    const idx = Array.from({ length: M * N }, (_, i) => ((i * 7) % (shape[Math.floor(i / N)] + 3)) - 1);
    const [y] = invoke('_scatter_set_nd', [x, v, mx.nd.array(idx).reshape(ishape)], { shape });
    assert.equal(y.shape, shape);
    assertClose(y.data, R.scatterSetNd(x.data, shape, v.data, idx, M, N), 0, 0, `${shape} ${ishape}`);
  }
  const [y] = invoke('_scatter_set_nd', [mx.nd.zeros([3, 2]), mx.nd.array([[1, 2], [3, 4]]), mx.nd.array([[2, 2]])]);
  assert.equal(y.toArray(), [[0, 0], [0, 0], [3, 4]]); // repeated index: the last write wins
});

test('_scatter_set_nd gradient (lhs: dy outside the written blocks; rhs: dy gathered) and errors', () => {
  gradCheck('_scatter_set_nd', [nd([3, 4, 2]), nd([3, 2], 5), mx.nd.array([[0, 2, 1], [1, 3, 0]])], {}, { skip: [2] });
  gradCheck('_scatter_set_nd', [nd([5, 3]), nd([2, 3], 6), mx.nd.array([[4, 1]])], {}, { skip: [2] });
  assert.throws(() => invoke('_scatter_set_nd', [nd([3, 4]), nd([2, 4]), mx.nd.array([[0], [1], [2]])]), /_scatter_set_nd.*first dimension M/);
  assert.throws(() => invoke('_scatter_set_nd', [nd([3, 4]), nd([2, 3]), mx.nd.array([[0, 1]])]), /_scatter_set_nd.*rhs \(2,3\) must be \(2,4\)/);
  assert.throws(() => invoke('_scatter_set_nd', [nd([3, 4]), nd([2, 4]), mx.nd.array([[0, 1]])], { shape: [4, 3] }), /shape \(4,3\) differs/);
  const s = mx.sym._scatter_set_nd(mx.sym.Variable('a'), mx.sym.Variable('b'), mx.sym.Variable('i'));
  assert.equal(s.inferShape({ a: [6, 2], b: [3, 2], i: [1, 3] }).outShapes, [[6, 2]]);
});

test('_backward_gather_nd (scatter-add) vs reference: repeated indices accumulate in order; gradient; errors', () => {
  const cases: [number[], number[]][] = [[[5], [1, 9]], [[4, 3], [2, 5]], [[3, 4, 5], [2, 2, 3]], [[1, 1], [1, 1]]];
  for (const [shape, ishape] of cases) {
    const M = ishape[0], N = ishape.slice(1).reduce((a, b) => a * b, 1), v = nd([...ishape.slice(1), ...shape.slice(M)], 7);
    const idx = Array.from({ length: M * N }, (_, i) => ((i * 5) % (shape[Math.floor(i / N)] + 2)) - 1);
    const [y] = invoke('_backward_gather_nd', [v, mx.nd.array(idx).reshape(ishape)], { shape });
    assertClose(y.data, R.scatterAddNd(shape, v.data, idx, M, N), 0, 0, `${shape} ${ishape}`);
  }
  assert.equal(Array.from(invoke('_backward_gather_nd', [mx.nd.array([1, 2]), mx.nd.array([[1, 1]])], { shape: [3] })[0].data), [0, 3, 0]);
  gradCheck('_backward_gather_nd', [nd([3, 2], 8), mx.nd.array([[0, 2, 2], [1, 3, 0]])], { shape: [3, 4, 2] }, { skip: [1] });
  assert.throws(() => invoke('_backward_gather_nd', [nd([2, 3]), mx.nd.array([[0, 1]])], { shape: [3, 4] }), /_backward_gather_nd.*data \(2,3\) must be \(2,4\)/);
});

test.run();
