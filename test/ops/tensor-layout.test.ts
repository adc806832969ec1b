// transpose, SwapAxis, Reshape/Flatten/expand_dims/squeeze, Concat/stack/SliceChannel vs references, gradients, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, gradCheck, invoke, invokeWithGrad } from '../helpers.js';
import { permute } from '../../src/reference/tensor.js';

const nd = (shape: number[], seed = 1) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed)).reshape(shape);
const same = (a: ArrayLike<number>, b: ArrayLike<number>, what = '') => assert.equal(Array.from(a), Array.from(b), what);

test('transpose vs reference (default reverse, 2-d to 6-d, 1-sized dims, negative axes)', () => {
  const cases: [number[], number[] | null][] = [
    [[3, 5], null], [[1, 7], null], [[17, 65], [1, 0]], [[2, 3, 4], [0, 2, 1]], [[2, 3, 4], [2, 0, 1]], [[2, 3, 4], [1, 0, 2]],
    [[4, 1, 5, 3], [3, 1, 0, 2]], [[2, 3, 4, 5], [-1, 0, -2, 1]], [[2, 3, 2, 3, 2, 3], null], [[2, 1, 3, 1, 2, 2], [5, 3, 1, 0, 4, 2]],
    [[0, 3], null], [[5], null],
  ];
  for (const [shape, axes] of cases) {
    const x = nd(shape), perm = axes ? axes.map((v) => (v < 0 ? v + shape.length : v)) : [...shape.keys()].reverse();
    const [y] = invoke('transpose', [x], axes ? { axes } : {});
    assert.equal(y.shape, perm.map((i) => shape[i]));
    same(y.data, permute(x.data, shape, perm), `${shape} ${axes}`);
  }
  same(invoke('transpose', [nd([2, 3])], { axes: '(1, 0)' })[0].data, permute(nd([2, 3]).data, [2, 3], [1, 0]));
});

test('transpose beyond 6 merged dims (7-d, 8-d) and int32 data', () => {
  for (const [shape, axes] of [[[2, 3, 2, 3, 2, 3, 2], [6, 5, 4, 3, 2, 1, 0]], [[2, 1, 2, 3, 2, 2, 3, 2], [1, 3, 5, 7, 0, 2, 4, 6]]] as [number[], number[]][]) {
    const x = nd(shape), [y] = invoke('transpose', [x], { axes });
    same(y.data, permute(x.data, shape, axes), `${shape}`);
  }
  const xi = mx.nd.array([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }), [yi] = invoke('transpose', [xi]);
  assert.is(yi.dtype, 'int32'); assert.equal(yi.toArray(), [[1, 4], [2, 5], [3, 6]]);
  const [yu] = invoke('transpose', [mx.nd.array([[1, 2, 3], [4, 5, 255]], { dtype: 'uint8' })]); // bytes: x8_copynd
  assert.is(yu.dtype, 'uint8'); assert.equal(yu.toArray(), [[1, 4], [2, 5], [3, 255]]);
  assert.throws(() => invoke('transpose', [nd([2, 3])], { axes: [0, 0] }), /transpose.*not a permutation/);
  assert.throws(() => invoke('transpose', [nd([2, 3])], { axes: [0] }), /transpose.*one entry per/);
});

test('SwapAxis (swapaxes), NDArray.transpose', () => {
  const x = nd([2, 3, 4]);
  same(invoke('swapaxes', [x], { dim1: 0, dim2: 2 })[0].data, permute(x.data, [2, 3, 4], [2, 1, 0]));
  assert.equal(invoke('SwapAxis', [x], { dim1: -1, dim2: 1 })[0].shape, [2, 4, 3]);
  assert.equal(mx.nd.array([[1, 2, 3], [4, 5, 6]]).transpose().toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.equal(x.transpose([1, 0, 2]).shape, [3, 2, 4]);
});

test('Reshape op: MXNet codes, reverse, target_shape, data unchanged', () => {
  const cases: [number[], number[], number[], boolean?][] = [
    [[2, 3, 5, 5], [0, -1], [2, 75]], [[2, 3, 5, 5], [0, 0, -1], [2, 3, 25]], [[5, 3, 4, 5], [0, -1, 0], [5, 15, 4]],
    [[2, 3, 5, 6], [-3, -3], [6, 30]], [[64], [-4, 16, 4], [16, 4]], [[64, 1, 2, 3], [-4, 16, -1, -2], [16, 4, 1, 2, 3]],
    [[2, 3, 5, 5], [0, -1], [5, 30], true], [[2, 3, 5, 6], [-1, 0, 0], [6, 5, 6], true], [[10, 5, 4], [-1, 0], [50, 4], true],
    [[2, 3, 5, 4], [-1, 0, 0], [8, 3, 5]], [[2, 3, 5, 6], [6, 1, -2], [6, 1, 5, 6]],
  ];
  for (const [src, spec, dst, reverse] of cases) {
    const x = nd(src), [y] = invoke('reshape', [x], { shape: spec, reverse: !!reverse });
    assert.equal(y.shape, dst, `${src} ${spec} ${reverse}`);
    same(y.data, x.data);
  }
  assert.equal(invoke('Reshape', [nd([2, 3, 4])], { shape: '(0, -1)', reverse: 'True' })[0].shape, [3, 8]);
  assert.equal(invoke('Reshape', [nd([2, 3, 4])], { target_shape: '(0, 4)' })[0].shape, [6, 4]);
  assert.equal(invoke('Reshape', [nd([2, 3, 4])], { target_shape: '(5, 0)', keep_highest: true })[0].shape, [2, 12]);
  assert.throws(() => invoke('Reshape', [nd([2, 3])], { shape: [4, -1] }), /Error in operator Reshape.*cannot/);
  assert.throws(() => invoke('Reshape', [nd([2, 3])], {}), /Reshape.*shape/);
});

test('Flatten / expand_dims / squeeze shapes and errors', () => {
  assert.equal(invoke('Flatten', [nd([2, 3, 4, 5])])[0].shape, [2, 60]);
  assert.equal(invoke('flatten', [nd([7])])[0].shape, [7, 1]);
  assert.equal(invoke('expand_dims', [nd([2, 3])], { axis: 1 })[0].shape, [2, 1, 3]);
  assert.equal(invoke('expand_dims', [nd([2, 3])], { axis: -1 })[0].shape, [2, 3, 1]);
  assert.equal(invoke('squeeze', [nd([1, 3, 1, 2])])[0].shape, [3, 2]);
  assert.equal(invoke('squeeze', [nd([1, 3, 1, 2])], { axis: -2 })[0].shape, [1, 3, 2]);
  assert.equal(invoke('squeeze', [nd([1, 1])])[0].shape, [1]);
  assert.throws(() => invoke('squeeze', [nd([2, 3])], { axis: 0 }), /squeeze.*size 2/);
  assert.throws(() => invoke('expand_dims', [nd([2, 3])], { axis: 4 }), /expand_dims.*out of range/);
  assert.throws(() => invoke('expand_dims', [nd([2, 3])], {}), /expand_dims.*required attribute 'axis'/);
});

test('Concat / stack / SliceChannel vs reference', () => {
  for (const [shapes, dim] of [[[[2, 3], [2, 5]], 1], [[[2, 3, 4], [1, 3, 4], [3, 3, 4]], 0], [[[2, 3, 1], [2, 3, 7]], -1], [[[1, 1], [1, 2]], 1]] as [number[][], number][]) {
    const xs = shapes.map((s, i) => nd(s, i + 1));
    const [y] = invoke('concat', xs, { num_args: xs.length, dim });
    const ax = dim < 0 ? dim + shapes[0].length : dim;
    // reference: concat = transpose axis to front, append, transpose back
    const fronts = xs.map((x, i) => { const p = [ax, ...[...shapes[i].keys()].filter((k) => k !== ax)]; return [...permute(x.data, shapes[i], p)]; });
    const fs = [y.shape[ax], ...y.shape.filter((_, k) => k !== ax)], back = [...fs.keys()].map((k) => (k === ax ? 0 : k < ax ? k + 1 : k));
    same(y.data, permute(fronts.flat(), fs, back), `concat ${JSON.stringify(shapes)} dim ${dim}`);
  }
  const a = nd([2, 3], 1), b = nd([2, 3], 2);
  const [s0] = invoke('stack', [a, b], { num_args: 2 });
  assert.equal(s0.shape, [2, 2, 3]); same(s0.data, [...a.data, ...b.data]);
  const [s1] = invoke('stack', [a, b], { num_args: 2, axis: -1 });
  assert.equal(s1.shape, [2, 3, 2]); same(s1.data, [...a.data].flatMap((v, i) => [v, b.data[i]]));
  const x = nd([2, 6, 3]);
  const parts = invoke('split', [x], { num_outputs: 3 });
  assert.is(parts.length, 3); assert.equal(parts[1].shape, [2, 2, 3]);
  same(invoke('concat', parts, { num_args: 3, dim: 1 })[0].data, x.data);
  const sq = invoke('SliceChannel', [nd([2, 3])], { num_outputs: 3, axis: 1, squeeze_axis: true });
  assert.equal(sq[2].shape, [2]);
  assert.throws(() => invoke('split', [x], { num_outputs: 4 }), /SliceChannel.*4 equal parts/);
  assert.throws(() => invoke('Concat', [a, nd([3, 3])], { num_args: 2 }), /Concat.*incompatible/);
  assert.throws(() => invoke('stack', [a, b], { num_args: 2, axis: 3 }), /stack.*out of range/);
});

test('gradients: transpose, SwapAxis, reshape family, Concat, stack, split', () => {
  gradCheck('transpose', [nd([2, 3, 4])], { axes: [2, 0, 1] });
  gradCheck('transpose', [nd([5, 7])]);
  gradCheck('SwapAxis', [nd([2, 3, 4])], { dim1: 0, dim2: 2 });
  gradCheck('Reshape', [nd([2, 3, 4])], { shape: [-1, 2] });
  gradCheck('Flatten', [nd([2, 3, 2])]);
  gradCheck('expand_dims', [nd([3])], { axis: 0 });
  gradCheck('squeeze', [nd([3, 1])]);
  gradCheck('Concat', [nd([2, 3], 1), nd([2, 2], 2)], { num_args: 2, dim: 1 });
  gradCheck('stack', [nd([2, 3], 1), nd([2, 3], 2)], { num_args: 2, axis: 1 });
  gradCheck('SliceChannel', [nd([2, 4, 3])], { num_outputs: 2, axis: 1 });
  const { grads } = invokeWithGrad('Concat', [nd([2, 3]), nd([2, 2])], { num_args: 2, dim: 1 }, [mx.nd.ones([2, 5])]);
  same(grads[1]!.data, [1, 1, 1, 1]);
});

test('Reshape forward skips the copy when aliased (inplace [[0, 0]])', async () => {
  const { getOp } = await import('../../src/ops/registry.js');
  const def = getOp('Reshape');
  assert.equal(def.inplace, [[0, 0]]);
  const x = nd([2, 3]), before = [...x.data];
  const ref = x.ref;
  const step = def.forward({ K: (await import('../../src/runtime/runtime.js')).rt().K, isTrain: false, workspace: 0, scratch: 0, node: 'r', random: Math.random },
    { shape: [3, 2], reverse: false, target_shape: [], keep_highest: false }, [ref], [{ ...ref, shape: [3, 2] }], []);
  step();
  same(x.data, before);
});

test.run();
