// SequenceMask / SequenceLast / SequenceReverse (with and without lengths, both axes), gather_nd, arange_like:
// forward vs the scalar references, gradients by finite differences, odd sizes, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, gradCheck, invoke, assertClose } from '../helpers.js';
import * as R from '../../src/reference/rnn.js';

const nd = (shape: number[], seed = 1) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed)).reshape(shape);
const geom = (shape: number[], axis: number) => {
  const inner = shape.slice(2).reduce((a, b) => a * b, 1), T = shape[axis], B = shape[1 - axis];
  return axis === 0 ? { T, B, inner, st: B * inner, sb: inner } : { T, B, inner, st: inner, sb: T * inner };
};
const SHAPES = [[1, 1], [3, 2], [5, 3, 7], [4, 1, 2, 3], [17, 5, 9]];

test('SequenceMask / SequenceLast vs reference: axis 0 and 1, lengths float and int, none', () => {
  for (const shape of SHAPES) for (const axis of [0, 1]) {
    const x = nd(shape, shape.length + axis), g = geom(shape, axis);
    const lens = Array.from({ length: g.B }, (_, b) => (b * 7 + 3) % (g.T + 2)); // 0..T+1: clamped
    for (const dtype of ['float32', 'int32'] as const) {
      const len = mx.nd.array(lens, { dtype });
      const [m] = invoke('SequenceMask', [x, len], { use_sequence_length: true, axis, value: -2.5 });
      assertClose(m.data, R.seqMask(x.data, lens, g.T, g.B, g.inner, g.st, g.sb, -2.5), 0, 0, `mask ${shape} ${axis} ${dtype}`);
      const [l] = invoke('SequenceLast', [x, len], { use_sequence_length: true, axis });
      assert.equal(l.shape, shape.filter((_, i) => i !== axis));
      assertClose(l.data, R.seqLast(x.data, lens, g.T, g.B, g.inner, g.st, g.sb), 0, 0, `last ${shape} ${axis} ${dtype}`);
    }
    assertClose(invoke('SequenceMask', [x], { axis })[0].data, x.data, 0, 0);
    assertClose(invoke('SequenceLast', [x], { axis })[0].data, R.seqLast(x.data, null, g.T, g.B, g.inner, g.st, g.sb), 0, 0);
  }
});

test('SequenceReverse vs reference (lengths, none, int lengths)', () => {
  for (const shape of SHAPES) {
    const x = nd(shape, 9), g = geom(shape, 0), lens = Array.from({ length: g.B }, (_, b) => (b * 5 + 1) % (g.T + 1));
    assertClose(invoke('SequenceReverse', [x])[0].data, R.seqReverse(x.data, null, g.T, g.B, g.inner), 0, 0);
    for (const dtype of ['float32', 'int32'] as const) {
      const [y] = invoke('SequenceReverse', [x, mx.nd.array(lens, { dtype })], { use_sequence_length: true });
      assertClose(y.data, R.seqReverse(x.data, lens, g.T, g.B, g.inner), 0, 0, `${shape} ${dtype}`);
    }
  }
  const [y] = invoke('SequenceReverse', [mx.nd.array([[1, 10], [2, 20], [3, 30]]), mx.nd.array([2, 3])], { use_sequence_length: true });
  assert.equal(y.toArray(), [[2, 30], [1, 20], [3, 10]]);
});

test('sequence ops gradients (finite differences), lengths get zeros', () => {
  for (const axis of [0, 1]) {
    const x = nd(axis ? [3, 5, 2] : [5, 3, 2], 4), len = mx.nd.array([2, 5, 0]);
    gradCheck('SequenceMask', [x, len], { use_sequence_length: true, axis, value: 1 }, { skip: [1] });
    gradCheck('SequenceLast', [x, len], { use_sequence_length: true, axis }, { skip: [1] });
    gradCheck('SequenceLast', [x], { axis });
  }
  gradCheck('SequenceReverse', [nd([4, 3, 3], 2), mx.nd.array([1, 4, 3])], { use_sequence_length: true }, { skip: [1] });
  gradCheck('SequenceReverse', [nd([7, 1, 5], 2)]);
  const x = nd([4, 2, 3]), len = mx.nd.array([1, 3]);
  const s = mx.sym.SequenceLast(mx.sym.Variable('x'), mx.sym.Variable('len'), { use_sequence_length: true });
  const exe = s.simpleBind({ shapes: { x: [4, 2, 3], len: [2] }, gradReq: { x: 'write', len: 'write' } });
  exe.argDict.x.set(x.data); exe.argDict.len.set(len.data);
  exe.forward({ isTrain: true }); exe.backward([mx.nd.ones([2, 3])]);
  assert.equal(Array.from(exe.gradDict.len.data), [0, 0]);
  const dx = exe.gradDict.x.toTypedArray();
  assert.equal(Array.from(dx).reduce((a, b) => a + b, 0), 6);
  assert.equal(dx[0 * 6 + 0], 1); assert.equal(dx[2 * 6 + 3], 1);
});

test('sequence ops errors: axis, rank, length shape and dtype', () => {
  assert.throws(() => invoke('SequenceMask', [nd([3])]), /SequenceMask.*at least 2 dimensions/);
  assert.throws(() => invoke('SequenceMask', [nd([3, 2])], { axis: 2 }), /SequenceMask.*axis must be 0 or 1/);
  assert.throws(() => invoke('SequenceLast', [nd([3, 2]), mx.nd.array([1, 2, 3])], { use_sequence_length: true }), /SequenceLast.*sequence_length must have shape \(2,\)/);
  assert.throws(() => invoke('SequenceReverse', [nd([3, 2])], { axis: 1 }), /SequenceReverse.*only axis 0/);
  assert.throws(() => invoke('SequenceMask', [nd([3, 2]), mx.nd.array([1, 2], { dtype: 'uint8' })], { use_sequence_length: true }), /sequence_length must be float32 or int32/);
});

test('gather_nd vs reference (M 1..3, negatives, clamping, odd sizes) and its gradient', () => {
  const cases: [number[], number[]][] = [[[5], [1, 3]], [[4, 3], [2, 5]], [[3, 4, 5], [2, 2, 3]], [[2, 3, 4, 3], [3, 7]], [[17, 3], [1, 65]]];
  for (const [shape, ishape] of cases) {
    const x = nd(shape, 3), M = ishape[0], N = ishape.slice(1).reduce((a, b) => a * b, 1);
    const idx = Array.from({ length: M * N }, (_, i) => ((i * 7) % (shape[Math.floor(i / N)] + 3)) - 1); // includes -1 and past-the-end
    const [y] = invoke('gather_nd', [x, mx.nd.array(idx).reshape(ishape)]);
    assert.equal(y.shape, [...ishape.slice(1), ...shape.slice(M)]);
    assertClose(y.data, R.gatherNd(x.data, shape, idx, M, N), 0, 0, `${shape} ${ishape}`);
  }
  const [y] = invoke('gather_nd', [mx.nd.array([[1, 2], [3, 4]]), mx.nd.array([[1, 0], [0, 1]])]);
  assert.equal(Array.from(y.data), [3, 2]);
  gradCheck('gather_nd', [nd([3, 4, 2]), mx.nd.array([[0, 2, 2, 1], [1, 3, 3, 0]])], {}, { skip: [1] }); // repeated index: sums
  assert.throws(() => invoke('gather_nd', [nd([3, 4]), mx.nd.array([[0], [1], [2]])]), /gather_nd.*first dimension M/);
});

test('arange_like: whole shape, axis, repeat, start / step', () => {
  const x = nd([2, 3]);
  assert.equal(invoke('arange_like', [x])[0].toArray(), [[0, 1, 2], [3, 4, 5]]);
  assert.equal(Array.from(invoke('arange_like', [x], { axis: 1, start: 1.5, step: 2 })[0].data), [1.5, 3.5, 5.5]);
  assert.equal(Array.from(invoke('arange_like', [nd([5])], { repeat: 2, step: -1 })[0].data), [0, 0, -1, -1, -2]);
  assert.equal(invoke('arange_like', [x], { axis: -2 })[0].shape, [2]);
  assert.throws(() => invoke('arange_like', [x], { axis: 2 }), /arange_like.*axis 2 is out of range/);
  const s = mx.sym.arange_like(mx.sym.Variable('x'), { axis: 0 });
  assert.equal(s.inferShape({ x: [7, 2] }).outShapes, [[7]]);
});

test.run();
