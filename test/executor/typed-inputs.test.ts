// Executor inputs by dtype: an int32 / uint8 argument takes integer typed arrays, BigInt64Array, numbers and integer
// NDArrays that fit; float arrays, fractions and out-of-range values are DTypeErrors naming the argument.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expectMx, mx } from '../helpers.js';

const S = mx.sym as any;

test('int32 and uint8 arguments: accepted sources, refused ones named', () => {
  const ids = S.Variable('ids', { dtype: 'int32' }), px = S.Variable('px', { dtype: 'uint8' });
  const net = S.Group([S.Cast(ids, { dtype: 'float32', name: 'f' }), S.Cast(px, { dtype: 'int32', name: 'g' })]);
  const exe = net.simpleBind({ shapes: { ids: [3], px: [2, 2] }, gradReq: 'null' });
  try {
    assert.equal(exe.argDict.ids.dtype, 'int32'); assert.equal(exe.argDict.px.dtype, 'uint8');
    let [f, g] = exe.forward({ ids: new Int32Array([1, -2, 3]), px: new Uint8Array([0, 7, 255, 9]) });
    assert.equal(Array.from(f.data), [1, -2, 3]); assert.equal(Array.from(g.data), [0, 7, 255, 9]);
    [f, g] = exe.forward({ ids: BigInt64Array.from([5n, -6n, 2n ** 31n - 1n]), px: [1, 2, 3, 4] });
    assert.equal(Array.from(exe.argDict.ids.data), [5, -6, 2 ** 31 - 1]); assert.equal(Array.from(f.data), [5, -6, 2 ** 31]); // float32 rounds assert.equal(Array.from(g.data), [1, 2, 3, 4]);
    [f, g] = exe.forward({ ids: mx.nd.array([7, 8, 9], { dtype: 'uint8' }), px: new Int32Array([200, 0, 1, 2]) });
    assert.equal(Array.from(f.data), [7, 8, 9]); assert.equal(Array.from(g.data), [200, 0, 1, 2]);
    expectMx(() => exe.forward({ ids: new Float32Array(3) }), 'Float32Array', /forward: 'ids'.*input 'ids' is int32; got a Float32Array/);
    expectMx(() => exe.forward({ ids: mx.nd.array([1, 2, 3]) }), 'float NDArray', /input 'ids' is int32; got a float32 NDArray/);
    expectMx(() => exe.forward({ px: new Int32Array([0, 256, 0, 0]) }), 'uint8 range', /input 'px' is uint8; element 1 = 256 is not an integer in \[0, 255\]/);
    expectMx(() => exe.forward({ ids: BigInt64Array.from([0n, 0n, 2n ** 31n]) }), 'int32 range', /'ids'.*element 2 = 2147483648/);
    expectMx(() => exe.forward({ ids: [1, NaN, 2] }), 'NaN', /'ids'.*element 1 = NaN/);
  } finally { exe.dispose(); }
  const fexe = S._mul_scalar(S.Variable('x'), { scalar: 2 }).simpleBind({ shapes: { x: [2] }, gradReq: 'null' });
  try {
    assert.equal(Array.from(fexe.forward({ x: new Int32Array([3, 4]) })[0].data), [6, 8]); // numbers of any kind into float32
    expectMx(() => fexe.forward({ x: new BigInt64Array(2) }), 'BigInt into float32', /input 'x' is float32; got a BigInt64Array/);
  } finally { fexe.dispose(); }
});

test.run();
