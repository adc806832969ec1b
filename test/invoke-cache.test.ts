// The prepared-call cache of `invoke`: a repeated call signature reuses parsed attrs and inferred shapes; any
// difference in op, attributes, input shapes or dtypes, or node name gets its own entry (never a stale result).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose } from './helpers.js';
import { invoke, preparedCalls } from '../src/ndarray/invoke.js';

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

test.run();
