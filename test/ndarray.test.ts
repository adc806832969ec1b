import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose } from './helpers.js';

test('array/zeros/ones/full/arange', () => {
  const a = mx.nd.array([[1, 2, 3], [4, 5, 6]]);
  assert.equal(a.shape, [2, 3]);
  assert.is(a.size, 6); assert.is(a.ndim, 2); assert.is(a.dtype, 'float32');
  assert.equal(a.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(mx.nd.zeros([2]).toArray(), [0, 0]);
  assert.equal(mx.nd.ones([2], 'int32').toArray(), [1, 1]);
  assert.equal(mx.nd.full([3], 7).toArray(), [7, 7, 7]);
  assert.equal(mx.nd.arange(0, 10, 3).toArray(), [0, 3, 6, 9]);
  assert.equal(mx.nd.arange(3, undefined, 1, { repeat: 2 }).toArray(), [0, 0, 1, 1, 2, 2]);
});

test('data is a zero-copy view', () => {
  const a = mx.nd.zeros([4]);
  a.data[2] = 5;
  assert.is(a.toArray()[2], 5);
  const r = a.reshape([2, 2]);
  r.data[0] = 9;
  assert.is(a.data[0], 9);
});

test('toTypedArray is a copy outside wasm memory: its own class and buffer, the same bits (NaN payloads too)', () => {
  const cases: [string, ArrayLike<number>, Function][] = [
    ['float32', [1.5, -0, Number.POSITIVE_INFINITY, 3e-39, 7], Float32Array], ['int32', [-2147483648, 5, 0, 2147483647], Int32Array],
    ['uint8', [0, 255, 17], Uint8Array], ['int8', [-128, 127, 0, -1], Int8Array],
  ];
  for (const [dtype, vals, C] of cases) {
    const a = mx.nd.array(Array.from(vals), { dtype: dtype as 'float32' }), wasm = a.data.buffer;
    if (dtype === 'float32') new Uint32Array(wasm, a.data.byteOffset, a.size)[4] = 0x7fc01234; // a NaN with a payload
    const bits = Array.from(new Uint8Array(wasm, a.data.byteOffset, a.nbytes));
    const t = a.toTypedArray();
    assert.ok(t instanceof C, dtype);
    assert.ok(t.buffer !== wasm && t.byteOffset === 0 && t.length === a.size && (typeof SharedArrayBuffer === 'undefined' || !(t.buffer instanceof SharedArrayBuffer)), dtype);
    assert.equal(Array.from(new Uint8Array(t.buffer)), bits, `${dtype}: bits`);
    a.data.fill(3);
    assert.equal(Array.from(new Uint8Array(t.buffer)), bits, `${dtype}: not a view`);
    a.dispose();
  }
  const v = mx.nd.array([1, 2, 3, 4, 5, 6], { shape: [3, 2] }), row = v.at(1);
  assert.equal(Array.from(row.toTypedArray()), [3, 4]); // a view's own elements only
  v.dispose(); row.dispose();
});

test('toTypedArray(out) copies into the caller\'s array: the same object and buffer, the same bits; checks class and size', () => {
  const a = mx.nd.array([1.5, -0, 3e-39, 7, -2], { shape: [5] });
  new Uint32Array(a.data.buffer, a.data.byteOffset, 5)[4] = 0x7fc01234; // a NaN with a payload
  const out = new Float32Array(5).fill(9), buf = out.buffer;
  const r = a.toTypedArray(out);
  assert.ok(r === out && r.buffer === buf, 'no new array or buffer');
  assert.equal(Array.from(new Uint8Array(buf)), Array.from(new Uint8Array(a.toTypedArray().buffer)));
  a.data.fill(3);
  assert.is(out[0], 1.5); // a copy, not a view
  const b = mx.nd.array([4, 5, 6, 7, 8], { shape: [5] });
  assert.equal(Array.from(b.toTypedArray(out)), [4, 5, 6, 7, 8]); // reused for the next array
  assert.throws(() => a.toTypedArray(new Float32Array(4)), (e: Error) => e instanceof mx.ShapeError && /out has 4 elements, the array 5/.test(e.message));
  assert.throws(() => a.toTypedArray(new Int32Array(5)), (e: Error) => e instanceof mx.DTypeError && /needs a Float32Array/.test(e.message));
  const i = mx.nd.array([1, -2], { dtype: 'int32' });
  assert.equal(Array.from(i.toTypedArray(new Int32Array(2))), [1, -2]);
  a.dispose(); b.dispose(); i.dispose();
});

test('reshape codes (MXNet test_reshape table, part)', () => {
  const cases: [number[], number[], number[], boolean?][] = [
    [[2, 3, 5, 5], [0, -1], [2, 75]],
    [[2, 3, 5, 5], [0, 0, -1], [2, 3, 25]],
    [[5, 3, 4, 5], [0, -1, 0], [5, 15, 4]],
    [[2, 3, 5, 4], [-1, 0, 0], [8, 3, 5]],
    [[2, 3, 5, 5], [0, 0, 0, 0], [2, 3, 5, 5]],
    [[2, 4, 5, 3], [-1, 2, 2, 1], [30, 2, 2, 1]],
    [[2, 3, 5, 6], [-2], [2, 3, 5, 6]],
    [[2, 3, 5, 6], [6, 1, -2], [6, 1, 5, 6]],
    [[2, 3, 5, 6], [-3, -3], [6, 30]],
    [[2, 3, 5, 6], [-3, -1], [6, 30]],
    [[64], [-4, 16, 4], [16, 4]],
    [[64], [-4, 16, -1], [16, 4]],
    [[64, 1, 2, 3], [-4, 16, -1, -2], [16, 4, 1, 2, 3]],
    [[2, 3, 5, 5], [0, -1], [5, 30], true],
    [[2, 3, 5, 5], [0, 0, -1], [3, 5, 10], true],
    [[2, 3, 5, 6], [-2], [2, 3, 5, 6], true],
    [[2, 3, 5, 6], [-3, -3], [6, 30], true],
  ];
  for (const [src, spec, want, rev] of cases) {
    const a = mx.nd.zeros(src);
    assert.equal(a.reshape(spec, !!rev).shape, want, `${src} ${spec} ${rev}`);
  }
  assert.throws(() => mx.nd.zeros([2, 3]).reshape([7]), /Reshape/);
  assert.throws(() => mx.nd.zeros([2, 3]).reshape([-1, -1]), /more than one -1/);
});

test('slice and at are views on axis 0', () => {
  const a = mx.nd.arange(0, 12).reshape([4, 3]);
  const s = a.slice(1, 3);
  assert.equal(s.toArray(), [[3, 4, 5], [6, 7, 8]]);
  s.data[0] = -1;
  assert.is(a.data[3], -1);
  assert.equal(a.at(-1).toArray(), [9, 10, 11]);
  assert.throws(() => a.at(4), /out of range/);
});

test('asType, copy, copyTo, toString', () => {
  const a = mx.nd.array([1.7, -2.2]);
  assert.equal(a.asType('int32').toArray(), [1, -2]);
  const b = a.copy(); b.data[0] = 0; assert.is(a.data[0] > 1, true);
  const c = mx.nd.zeros([2]); a.copyTo(c); assertClose(c.data, a.data);
  assert.match(mx.nd.array([[1, 2], [3, 4]]).toString(), /\[\[1\. 2\.\]\n \[3\. 4\.\]\]\n<NDArray 2x2 @cpu\(0\)>/);
});

test('random is seeded and repeatable', () => {
  mx.random.seed(42); const a = mx.nd.random.uniform(0, 1, [100]).toArray();
  mx.random.seed(42); const b = mx.nd.random.uniform(0, 1, [100]).toArray();
  assert.equal(a, b);
  const n = mx.nd.random.normal(0, 1, [20000]).data;
  let m = 0, v = 0; for (const x of n) m += x; m /= n.length; for (const x of n) v += (x - m) ** 2; v /= n.length;
  assert.ok(Math.abs(m) < 0.03 && Math.abs(v - 1) < 0.05, `mean ${m} var ${v}`);
});

test('elemwise_add via mx.nd and dispose', () => {
  const a = mx.nd.array([1, 2, 3]), b = mx.nd.array([10, 20, 30]);
  assert.equal(mx.nd.elemwise_add(a, b).toArray(), [11, 22, 33]);
  const before = mx.memoryStats().bytesInUse;
  const c = mx.nd.zeros([1000]); c.dispose();
  assert.is(mx.memoryStats().bytesInUse, before);
  assert.throws(() => c.data, /disposed/);
});

test.run();
