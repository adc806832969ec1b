// The compress family (2-bit gradient compression of the distributed KVStore) vs the scalar
// references in src/reference/compress.ts: codes, residuals and expanded values bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randArray, SIZES } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import * as R from '../../src/reference/compress.js';

const K = () => rt().K;
const offs: number[] = [];
function put(a: ArrayLike<number>, ctor: typeof Float32Array | typeof Uint8Array = Float32Array): number {
  const off = rt().alloc.alloc(Math.max(16, a.length * ctor.BYTES_PER_ELEMENT));
  offs.push(off);
  new ctor(rt().memory.buffer, off, a.length).set(a);
  return off;
}
const f32 = (off: number, n: number) => new Float32Array(rt().memory.buffer, off, n).slice();
const u8 = (off: number, n: number) => new Uint8Array(rt().memory.buffer, off, n).slice();
function freeAll() { while (offs.length) rt().alloc.free(offs.pop()!); }

test('f32_quantize_2bit__simd128 = reference (codes and residuals), sizes 0..100003, two steps (residual carried)', () => {
  for (const n of SIZES) {
    for (const t of [0.5, 0.05]) {
      const r0 = randArray(n, 3, -0.6, 0.6), bytes = R.compressedBytes(n);
      const resRef = r0.slice(), resOff = put(r0);
      for (const step of [1, 2]) {
        const g = randArray(n, 10 + step, -0.8, 0.8), out = new Uint8Array(bytes).fill(0xff);
        R.quantize2bit(g, resRef, out, t);
        const gOff = put(g), qOff = put(new Uint8Array(bytes).fill(0xff), Uint8Array);
        K().f32_quantize_2bit__simd128(gOff, resOff, qOff, n, t);
        assert.equal([...u8(qOff, bytes)], [...out], `codes n=${n} t=${t} step ${step}`);
        assert.equal([...f32(resOff, n)], [...resRef], `residual n=${n} t=${t} step ${step}`);
      }
      freeAll();
    }
  }
});

test('f32_quantize_2bit__simd128: MXNet\'s layout on a hand-made case (first value in the top bits)', () => {
  // +0.6 -> 11, -0.6 -> 10, 0.1 -> 00, 0.5 -> 11 (>= t), then zeros
  const g = new Float32Array(17); g.set([0.6, -0.6, 0.1, 0.5]); g[16] = -0.7;
  const gOff = put(g), rOff = put(new Float32Array(17)), qOff = put(new Uint8Array(8), Uint8Array);
  K().f32_quantize_2bit__simd128(gOff, rOff, qOff, 17, 0.5);
  assert.equal([...u8(qOff, 8)], [0b11100011, 0, 0, 0, 0b10000000, 0, 0, 0]);
  const r = f32(rOff, 17);
  assert.equal([r[0], r[1], r[2], r[3], r[16]].map((x) => Math.round(x * 1e6) / 1e6), [0.1, -0.1, 0.1, 0, -0.2]);
  freeAll();
});

test('f32_dequantize_2bit__simd128 = reference, writing and adding, sizes 0..100003', () => {
  for (const n of SIZES) {
    const bytes = new Uint8Array(R.compressedBytes(n));
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 73 + 19) & 0xff; // every code, 01 included (read as 0)
    for (const add of [0, 1]) {
      const base = randArray(n, 5), ref = base.slice();
      R.dequantize2bit(bytes, ref, 0.25, !!add);
      const src = put(bytes, Uint8Array), dst = put(base);
      K().f32_dequantize_2bit__simd128(src, dst, n, 0.25, add);
      assert.equal([...f32(dst, n)], [...ref], `n=${n} add=${add}`);
      freeAll();
    }
  }
});

test.run();
