// Tensor-family kernels (reductions, layout) vs the scalar references in src/reference/tensor.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, randArray, SIZES } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import * as R from '../../src/reference/tensor.js';

const K = () => rt().K;
const offs: number[] = [];
function put(a: ArrayLike<number>, pad = 0): number {
  const off = rt().alloc.alloc(Math.max(4, (a.length + pad) * 4));
  offs.push(off);
  new Float32Array(rt().memory.buffer, off, a.length).set(a);
  return off;
}
const get = (off: number, n: number) => new Float32Array(rt().memory.buffer, off, n).slice();
const i32put = (a: number[]) => { const off = rt().alloc.alloc(a.length * 4); offs.push(off); new Int32Array(rt().memory.buffer, off, a.length).set(a); return off; };
/** Column scratch for f32_rsum / f32_rargmax (inner f32). */
let wsOff = 0;
const ws = () => { if (!wsOff) wsOff = rt().alloc.alloc(1 << 16); return wsOff; };
function freeAll() { while (offs.length) rt().alloc.free(offs.pop()!); }

// (outer, r, inner) shapes: contiguous rows, columns, 1-sized dims, odd and large sizes.
const SHAPES: [number, number, number][] = [
  ...SIZES.filter((n) => n < 70000).map((n) => [1, n, 1] as [number, number, number]),
  [3, 17, 1], [2, 5, 7], [1, 3, 8], [4, 1, 9], [5, 63, 3], [2, 65, 17], [7, 0, 3], [3, 1031, 1], [1, 100003, 1], [2, 4099, 9], [1, 1, 1], [2, 70, 1031], [3, 129, 64],
  [9, 5, 1], [8, 16, 1], [13, 63, 1], [6, 3, 1], [5, 64, 1], [17, 1, 1], [7, 15, 1],
];

test('f32_rsum (modes, scale) vs reference', () => {
  for (const [o, r, i] of SHAPES) for (const mode of [0, 1, 2, 3]) {
    const x = randArray(o * r * i, 3 + r, -1, 1);
    if (mode === 1 && x.length > 2) { x[1] = NaN; x[x.length - 1] = NaN; }
    const px = put(x), py = put(new Float32Array(o * i));
    const scale = mode === 0 ? 1 / Math.max(r, 1) : 1;
    K().f32_rsum__simd128_u16(px, py, o, r, i, scale, mode, ws());
    assertClose(get(py, o * i), R.rsum(x, o, r, i, scale, mode), 2e-5, 1e-5, `rsum ${o}x${r}x${i} mode ${mode}`);
  }
  freeAll();
});

test('f32_rsum is compensated: 1e6 values of 0.1 and a large offset', () => {
  const n = 1 << 20, x = new Float32Array(n).fill(0.1);
  x[0] = 1000;
  const px = put(x), py = put([0]);
  K().f32_rsum__simd128_u16(px, py, 1, n, 1, 1, 0, 0);
  assertClose(get(py, 1), [1000 + (n - 1) * Math.fround(0.1)], 2e-6, 0, 'row');
  K().f32_rsum__simd128_u16(px, py, 1, n / 8, 8, 1, 0, ws());
  const ref = R.rsum(x, 1, n / 8, 8);
  assertClose(get(py, 8), ref, 2e-6, 0, 'columns');
  freeAll();
});

test('f32_rmax / rmin / rprod / rargmax vs reference', () => {
  for (const [o, r, i] of SHAPES) {
    const x = randArray(o * r * i, 11 + r, -2, 2);
    const px = put(x), py = put(new Float32Array(o * i));
    K().f32_rmax__simd128_u16(px, py, o, r, i); assertClose(get(py, o * i), R.rreduce(x, o, r, i, 'max'), 0, 0, `max ${o}x${r}x${i}`);
    K().f32_rmin__simd128_u16(px, py, o, r, i); assertClose(get(py, o * i), R.rreduce(x, o, r, i, 'min'), 0, 0, `min ${o}x${r}x${i}`);
    K().f32_rargmax__simd128(px, py, o, r, i, 0, ws()); assert.equal([...get(py, o * i)], [...R.rargmax(x, o, r, i)], `argmax ${o}x${r}x${i}`);
    K().f32_rargmax__simd128(px, py, o, r, i, 1, ws()); assert.equal([...get(py, o * i)], [...R.rargmax(x, o, r, i, true)], `argmin ${o}x${r}x${i}`);
    if (r < 100) {
      const xp = randArray(o * r * i, 5, 0.5, 1.5);
      if (xp.length > 3) xp[2] = NaN;
      const pp = put(xp);
      K().f32_rprod__simd128_u16(pp, py, o, r, i, 1); assertClose(get(py, o * i), R.rreduce(xp, o, r, i, 'nanprod'), 1e-5, 1e-6, 'nanprod');
      xp[2] = 1; new Float32Array(rt().memory.buffer, pp, xp.length).set(xp);
      K().f32_rprod__simd128_u16(pp, py, o, r, i, 0); assertClose(get(py, o * i), R.rreduce(xp, o, r, i, 'prod'), 1e-5, 1e-6, 'prod');
    }
  }
  freeAll();
});

test('argmax ties pick the first index; NaN never wins; max propagates NaN', () => {
  const x = [1, 5, 5, 0, 5, 5, 5, 5, 2, 5, NaN];
  const px = put(x), py = put([0]);
  K().f32_rargmax__simd128(px, py, 1, x.length, 1, 0, 0); assert.is(get(py, 1)[0], 1);
  K().f32_rmax__simd128_u16(px, py, 1, x.length, 1); assert.ok(Number.isNaN(get(py, 1)[0]));
  const rows = [NaN, 2, 7, 7, 2, 0, 7, 1, 1, 7, 3, 3, 3, 3, 3, 2, 7, 1, 7, 0]; // 4 rows of 5 (lane path)
  const pr = put(rows), p4 = put([0, 0, 0, 0]);
  K().f32_rargmax__simd128(pr, p4, 4, 5, 1, 0, 0); assert.equal([...get(p4, 4)], [2, 1, 0, 1]);
  K().f32_rargmax__simd128(pr, p4, 4, 5, 1, 1, 0); assert.equal([...get(p4, 4)], [1, 0, 0, 4]);
  freeAll();
});

test('f32_rgrad (all modes) vs reference', () => {
  for (const [o, r, i] of SHAPES.filter(([a, b, c]) => a * b * c < 5000)) for (let mode = 0; mode <= 6; mode++) {
    const x = randArray(o * r * i, 2 + mode, -1, 1);
    const y = mode === 1 ? R.rreduce(x, o, r, i, 'max') : randArray(o * i, 9, 0.5, 1);
    if (mode === 5 && y.length > 1) y[1] = 0;
    if ((mode === 3 || mode === 4) && x.length > 1) x[1] = NaN;
    const g = randArray(o * i, 8);
    const px = put(x), py = put(y), pg = put(g), pd = put(new Float32Array(x.length));
    K().f32_rgrad__simd128(px, py, pg, pd, o, r, i, 0.5, mode);
    assertClose(get(pd, x.length), R.rgrad(x, y, g, o, r, i, 0.5, mode), 1e-5, 1e-6, `rgrad ${o}x${r}x${i} mode ${mode}`);
  }
  freeAll();
});

test('x32_transposec__simd128_4x4 vs reference', () => {
  for (const m of [0, 1, 3, 4, 5, 8, 17, 64, 65, 131, 1031]) for (const n of [1, 3, 4, 7, 16, 63, 67, 257]) {
    const x = randArray(m * n, m + n), px = put(x), py = put(new Float32Array(m * n));
    K().x32_transposec__simd128_4x4(px, py, m, n);
    assert.equal([...get(py, m * n)], [...R.transpose2d(x, m, n)], `${m}x${n}`);
  }
  freeAll();
});

test('x32_copynd__simd128: transposes, broadcasts, strided and reversed copies', () => {
  const cases: { n: number[]; sx: number[]; sy: number[]; xo?: number; yo?: number }[] = [
    { n: [1, 1, 1, 1, 5, 7], sx: [0, 0, 0, 0, 1, 5], sy: [0, 0, 0, 0, 7, 1] }, // transpose
    { n: [1, 1, 1, 2, 9, 13], sx: [0, 0, 0, 117, 1, 9], sy: [0, 0, 0, 117, 13, 1] }, // batched transpose
    { n: [1, 1, 1, 1, 6, 17], sx: [0, 0, 0, 0, 1, 0], sy: [0, 0, 0, 0, 17, 1] }, // broadcast rows
    { n: [1, 1, 1, 3, 4, 5], sx: [0, 0, 0, 40, 10, 1], sy: [0, 0, 0, 20, 5, 1], xo: 3 }, // slice
    { n: [1, 1, 1, 1, 4, 5], sx: [0, 0, 0, 0, 10, 2], sy: [0, 0, 0, 0, 5, 1] }, // step 2
    { n: [1, 1, 1, 1, 3, 4], sx: [0, 0, 0, 0, 4, -1], sy: [0, 0, 0, 0, 4, 1], xo: 3 }, // reversed rows
    { n: [2, 3, 2, 2, 3, 2], sx: [1, 2, 6, 12, 24, 72], sy: [72, 24, 12, 6, 2, 1] }, // 6-d reverse permutation
    { n: [1, 1, 1, 1, 0, 5], sx: [0, 0, 0, 0, 5, 1], sy: [0, 0, 0, 0, 5, 1] }, // empty
    { n: [1, 1, 1, 3, 7, 2], sx: [0, 0, 0, 7, 1, 0], sy: [0, 0, 0, 14, 2, 1] }, // each element twice
    { n: [1, 1, 1, 1, 9, 3], sx: [0, 0, 0, 0, 1, 0], sy: [0, 0, 0, 0, 3, 1] }, // short broadcast rows
    { n: [1, 1, 1, 2, 5, 3], sx: [0, 0, 0, 20, 4, 1], sy: [0, 0, 0, 15, 3, 1] }, // short row copies
    { n: [1, 1, 1, 1, 3, 2], sx: [0, 0, 0, 0, 1, 3], sy: [0, 0, 0, 0, 2, 1] }, // small transpose (scalar)
  ];
  for (const c of cases) {
    const x = randArray(300, 4), px = put(x), total = 300, py = put(new Float32Array(total));
    const d = i32put([...c.n, ...c.sx.map((s) => s * 4), ...c.sy.map((s) => s * 4)]);
    K().x32_copynd__simd128(px + (c.xo ?? 0) * 4, py + (c.yo ?? 0) * 4, d);
    const ref = new Float32Array(total);
    R.copynd(x, c.xo ?? 0, ref, c.yo ?? 0, c.n, c.sx, c.sy);
    assert.equal([...get(py, total)], [...ref], JSON.stringify(c.n));
  }
  freeAll();
});

test('gather / scatteradd (clip, wrap, raise) vs reference', () => {
  for (const [o, n, i] of [[1, 5, 1], [2, 7, 3], [3, 4, 17], [1, 65, 8]] as const) for (const mode of [0, 1, 2]) {
    const x = randArray(o * n * i, 6), idx = [0, n - 1, 2.7, -1, n, 3 * n + 1, -n - 2, NaN, 1];
    const m = idx.length, px = put(x), pi = put(idx), py = put(new Float32Array(o * m * i));
    const bad = K().x32_gather__simd128(px, pi, py, o, n, i, m, mode);
    assert.equal([...get(py, o * m * i)], [...R.gather(x, idx, o, n, i, mode)], `gather ${o}x${n}x${i} ${mode}`);
    assert.is(bad, mode === 2 ? idx.filter((v) => R.fixIndex(v, n, 2) < 0).length : 0);
    const g = randArray(o * m * i, 7), pg = put(g), pd = put(new Float32Array(o * n * i));
    K().f32_scatteradd__simd128(pg, pi, pd, o, n, i, m, mode);
    assertClose(get(pd, o * n * i), R.scatterAdd(g, idx, o, n, i, mode), 1e-6, 1e-6, 'scatteradd');
  }
  freeAll();
});

test('pick / pickgrad / onehot vs reference', () => {
  for (const [o, n, i] of [[1, 5, 1], [4, 3, 1], [2, 7, 5], [3, 1, 2]] as const) for (const mode of [0, 1]) {
    const x = randArray(o * n * i, 6), idx = Array.from({ length: o * i }, (_, k) => (k * 7) % (n + 2) - 1);
    const px = put(x), pi = put(idx), py = put(new Float32Array(o * i));
    K().x32_pick__scalar(px, pi, py, o, n, i, mode);
    assert.equal([...get(py, o * i)], [...R.pick(x, idx, o, n, i, mode)], 'pick');
    const g = randArray(o * i, 2), pg = put(g), pd = put(new Float32Array(o * n * i));
    K().f32_pickgrad__scalar(pg, pi, pd, o, n, i, mode);
    assert.equal([...get(pd, o * n * i)], [...R.pickGrad(g, idx, o, n, i, mode)], 'pickgrad');
  }
  for (const depth of [1, 3, 4, 5, 17]) {
    const idx = [0, 2, -1, depth - 1, depth, 1.5], pi = put(idx), py = put(new Float32Array(idx.length * depth));
    const bits = (v: number) => new Int32Array(new Float32Array([v]).buffer)[0];
    K().x32_onehot__scalar(pi, py, idx.length, depth, bits(2.5), bits(-1));
    assert.equal([...get(py, idx.length * depth)], [...R.onehot(idx, depth, 2.5, -1)], `onehot ${depth}`);
  }
  freeAll();
});

test('f32_upnearest / grad vs reference', () => {
  for (const [p, h, w] of [[1, 1, 1], [2, 3, 5], [3, 4, 8], [1, 7, 17]]) for (const s of [1, 2, 3]) {
    const x = randArray(p * h * w, s), px = put(x), n = p * h * w * s * s, py = put(new Float32Array(n));
    K().f32_upnearest__simd128(px, py, p, h, w, s, 0);
    const ref = R.upnearest(x, p, h, w, s);
    assert.equal([...get(py, n)], [...ref], `up ${p}x${h}x${w} s${s}`);
    K().f32_upnearest__simd128(px, py, p, h, w, s, 1);
    assertClose(get(py, n), ref.map((v) => 2 * v), 1e-6, 0, 'acc');
    const g = randArray(n, 3), pg = put(g), pd = put(new Float32Array(p * h * w));
    K().f32_upnearest_grad__simd128(pg, pd, p, h, w, s);
    assertClose(get(pd, p * h * w), R.upnearestGrad(g, p, h, w, s), 1e-5, 1e-6, `grad ${p}x${h}x${w} s${s}`);
  }
  freeAll();
});

test.run();
