// x32_cast__simd128 (every mode) vs castRef in src/reference/tensor.ts: odd sizes, boundary values (±0.5, ±2^31,
// NaN, ±Inf, 255.9, -128.5, wrap past 8 bits), and the Cast op over every pair of memory dtypes with its gradient.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SIZES, invoke, invokeWithGrad, mx } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { kernelCall } from '../../src/ops/helpers.js';
import { CAST } from '../../src/runtime/manifest/copy.js';
import { castRef } from '../../src/reference/tensor.js';
import { arrayCtor, type DType } from '../../src/runtime/dtype.js';

type M = 'float32' | 'int32' | 'uint8' | 'int8';
const MODES: [M, M, number][] = [
  ['float32', 'int32', CAST.f32_i32], ['int32', 'float32', CAST.i32_f32], ['float32', 'uint8', CAST.f32_x8], ['float32', 'int8', CAST.f32_x8],
  ['int32', 'uint8', CAST.i32_x8], ['int32', 'int8', CAST.i32_x8], ['uint8', 'float32', CAST.u8_f32], ['int8', 'float32', CAST.i8_f32],
  ['uint8', 'int32', CAST.u8_i32], ['int8', 'int32', CAST.i8_i32],
];
const SPECIAL = [0, -0, 0.5, -0.5, 0.99, -0.99, 1.5, -1.5, 2.5, 127.9, 128, -128.5, -129, 255.9, 256, 300.7, -300.7, 16777217, 2 ** 31, -(2 ** 31), 2 ** 31 + 512,
  -(2 ** 32), 3e9, -3e9, NaN, Infinity, -Infinity, 1e-30, 2147483520, -2147483648];

let seed = 7;
const rnd = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32; };
/** Values a source dtype holds: specials then random, in range for integer sources. */
function values(src: M, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (src === 'float32') out.push(i % 3 === 0 && i / 3 < SPECIAL.length ? SPECIAL[i / 3] : (r - 0.5) * (i % 2 ? 600 : 6e9));
    else if (src === 'int32') out.push(i % 5 === 0 ? [2 ** 31 - 1, -(2 ** 31), 255, 256, -129, 16777217][i % 6] : Math.floor((r - 0.5) * 2 ** 32));
    else out.push(Math.floor(r * 256) - (src === 'int8' ? 128 : 0));
  }
  return out;
}

test('x32_cast__simd128: every mode vs castRef, sizes 0..65 and large, unaligned starts', () => {
  const R = rt();
  for (const [src, dst, mode] of MODES) {
    for (const n of [...SIZES.filter((s) => s < 70000), 31, 33, 47, 49, 1000]) {
      for (const shift of [0, 1]) {
        const x = values(src, n), bx = R.alloc.alloc(n * 4 + 64), by = R.alloc.alloc(n * 4 + 64);
        try {
          const xo = bx + shift * (src === 'uint8' || src === 'int8' ? 1 : 4), yo = by + shift * (dst === 'uint8' || dst === 'int8' ? 3 : 4);
          new (arrayCtor(src))(R.memory.buffer, xo, n).set(x);
          const held = Array.from(new (arrayCtor(src))(R.memory.buffer, xo, n)); // float32-rounded sources
          const guard = new Uint8Array(R.memory.buffer, yo + n * (dst === 'uint8' || dst === 'int8' ? 1 : 4), 8);
          guard.fill(0xa5);
          kernelCall(R.K, 'x32_cast__simd128', { x: xo, y: yo, n, mode });
          const got = new (arrayCtor(dst))(R.memory.buffer, yo, n), want = castRef(held, src, dst);
          for (let i = 0; i < n; i++) {
            if (!Object.is(got[i], want[i]) && !(got[i] === 0 && want[i] === 0)) assert.unreachable(`${src}->${dst} n=${n} at ${i}: ${held[i]} -> ${got[i]}, want ${want[i]}`);
          }
          assert.ok(new Uint8Array(R.memory.buffer, yo + n * (dst === 'uint8' || dst === 'int8' ? 1 : 4), 8).every((b) => b === 0xa5), `${src}->${dst} n=${n}: wrote past the end`);
        } finally { R.alloc.free(bx); R.alloc.free(by); }
      }
    }
  }
});

test('castRef: truncation toward zero, int32 saturation, NaN 0, low byte to 8 bits, round to even to float32', () => {
  assert.equal(Array.from(castRef([-2.7, -0.5, 0.5, 2.9, NaN, 3e9, -3e9], 'float32', 'int32')), [-2, 0, 0, 2, 0, 2 ** 31 - 1, -(2 ** 31)]);
  assert.equal(Array.from(castRef([-2.7, 300.5, 255.9, -129], 'float32', 'uint8')), [254, 44, 255, 127]);
  assert.equal(Array.from(castRef([-2.7, 300.5, 127.9, -129], 'float32', 'int8')), [-2, 44, 127, 127]);
  assert.equal(Array.from(castRef([16777217, -16777219], 'int32', 'float32')), [16777216, -16777220]);
});

test('Cast op: every pair of memory dtypes (batch 1 and > 1, odd sizes) vs castRef; the gradient casts back', () => {
  const DT: M[] = ['float32', 'int32', 'uint8', 'int8'];
  for (const src of DT) for (const dst of DT) for (const shape of [[1, 7], [3, 17], [2, 3, 5]]) {
    const n = shape.reduce((p, d) => p * d, 1), v = values(src, n);
    const x = mx.nd.array(v, { dtype: src as DType }).reshape(shape);
    const [y] = invoke('Cast', [x], { dtype: dst });
    assert.is(y.dtype, dst);
    assert.equal(y.shape, shape);
    const bytes = (src === 'uint8' || src === 'int8') && (dst === 'uint8' || dst === 'int8'); // a byte copy: the bits
    const want = bytes ? Array.from(x.data, (b) => (dst === 'uint8' ? b & 255 : (b << 24) >> 24)) : Array.from(castRef(Array.from(x.data), src, dst));
    assert.equal(Array.from(y.data), want, `${src}->${dst} ${shape}`);
  }
  const x = mx.nd.array([1.5, -2.5, 3, 0.25]);
  const { outs: [y], grads: [g] } = invokeWithGrad('Cast', [x], { dtype: 'float32' }, [mx.nd.array([1, 2, 3, 4])]);
  assert.equal(Array.from(y.data), [1.5, -2.5, 3, 0.25]);
  assert.equal(Array.from(g!.data), [1, 2, 3, 4]);
});

test('amp_cast: floats cast (float32 only in memory), integers pass unchanged; float16 refused naming the op', () => {
  const x = mx.nd.array([1.5, -2.5, 3]);
  const [y] = invoke('amp_cast', [x], { dtype: 'float32' });
  assert.is(y.dtype, 'float32'); assert.equal(Array.from(y.data), [1.5, -2.5, 3]);
  const [yi] = invoke('amp_cast', [mx.nd.array([7, -3], { dtype: 'int32' })], { dtype: 'float16' });
  assert.is(yi.dtype, 'int32'); assert.equal(Array.from(yi.data), [7, -3]);
  assert.throws(() => invoke('amp_cast', [x], { dtype: 'float16' }), /amp_cast.*float16/);
  const s = (mx.sym as any).amp_cast((mx.sym as any).Variable('d', { dtype: 'uint8' }), { dtype: 'float32' });
  assert.equal(s.inferType({}).outTypes, ['uint8']);
});

test.run();
