// Pooling forward/backward vs the direct-loop reference: max/avg/sum/lp, valid/full, count_include_pad,
// global pooling, 1-D, MXNet's `full` shape case, gradCheck, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, invoke, invokeWithGrad, gradCheck } from '../helpers.js';
import { refPool, refPoolBackward, refPoolOut, type RefPoolGeom } from '../../src/reference/conv.js';

const arr = (v: ArrayLike<number>, shape: number[]) => mx.nd.array(v, { shape });
type PT = 'max' | 'avg' | 'sum' | 'lp';
interface Case { N: number; C: number; H: number; W: number; k: number[]; s?: number[]; p?: number[]; type: PT; full?: boolean; cip?: boolean; pv?: number }

function setup(c: Case, seed = 1) {
  const nd = c.k.length, two = (v: number[] | undefined, d: number) => (v ? (nd === 1 ? [d, v[0]] : v) : [d, d]);
  const [kh, kw] = nd === 1 ? [1, c.k[0]] : c.k, [sh, sw] = two(c.s, 1), [ph, pw] = two(c.p, 0);
  const H = nd === 1 ? 1 : c.H;
  const g: RefPoolGeom = { P: c.N * c.C, H, W: c.W, kh, kw, sh, sw, ph, pw, type: c.type, full: !!c.full, countIncludePad: c.cip ?? true, p: c.pv };
  const shape = nd === 1 ? [c.N, c.C, c.W] : [c.N, c.C, H, c.W];
  const x = randArray(c.N * c.C * H * c.W, seed);
  const attrs: Record<string, unknown> = { kernel: c.k, pool_type: c.type, pooling_convention: c.full ? 'full' : 'valid' };
  if (c.s) attrs.stride = c.s; if (c.p) attrs.pad = c.p; if (c.cip !== undefined) attrs.count_include_pad = c.cip; if (c.pv) attrs.p_value = c.pv;
  const Ho = refPoolOut(H, kh, sh, ph, !!c.full), Wo = refPoolOut(c.W, kw, sw, pw, !!c.full);
  return { g, x, attrs, ins: [arr(x, shape)], outShape: nd === 1 ? [c.N, c.C, Wo] : [c.N, c.C, Ho, Wo] };
}

const CASES: [string, Case][] = [
  ['max 2x2 s2 (SIMD rows)', { N: 1, C: 3, H: 8, W: 21, k: [2, 2], s: [2, 2], type: 'max' }],
  ['avg 2x2 s2 (SIMD rows) batch 3', { N: 3, C: 2, H: 9, W: 19, k: [2, 2], s: [2, 2], type: 'avg' }],
  ['max 3x3 s2 p1 (ResNet)', { N: 2, C: 3, H: 11, W: 13, k: [3, 3], s: [2, 2], p: [1, 1], type: 'max' }],
  // W=28: 13 of 14 columns by SIMD, the last 4 by one more vector overlapping the one before (no scalar tail).
  ['max 3x3 s2 p1, last vector overlaps', { N: 2, C: 2, H: 9, W: 28, k: [3, 3], s: [2, 2], p: [1, 1], type: 'max' }],
  ['avg 3x3 s2 p1, last vector overlaps', { N: 1, C: 3, H: 8, W: 28, k: [3, 3], s: [2, 2], p: [1, 1], type: 'avg' }],
  ['max 3x3 s1, last vector overlaps', { N: 1, C: 2, H: 6, W: 11, k: [3, 3], s: [1, 1], type: 'max' }],
  ['max default stride 1', { N: 1, C: 2, H: 5, W: 7, k: [2, 3], type: 'max' }],
  ['avg pad count_include_pad True', { N: 2, C: 2, H: 7, W: 6, k: [3, 3], s: [2, 2], p: [1, 1], type: 'avg' }],
  ['avg pad count_include_pad False', { N: 2, C: 2, H: 7, W: 6, k: [3, 3], s: [2, 2], p: [1, 1], type: 'avg', cip: false }],
  ['avg full convention', { N: 1, C: 2, H: 10, W: 10, k: [4, 5], s: [3, 4], p: [1, 2], type: 'avg', full: true }],
  ['avg full, count_include_pad False', { N: 1, C: 2, H: 10, W: 10, k: [4, 5], s: [3, 4], p: [1, 2], type: 'avg', full: true, cip: false }],
  ['avg 3x3 s2 p1 wide, count_include_pad False (SIMD backward rows)', { N: 1, C: 2, H: 9, W: 37, k: [3, 3], s: [2, 2], p: [1, 1], type: 'avg', cip: false }],
  ['avg 3x3 s2 p1 wide, full convention', { N: 2, C: 1, H: 10, W: 38, k: [3, 3], s: [2, 2], p: [1, 1], type: 'avg', full: true }],
  ['sum 2x3 s(1,2) wide', { N: 1, C: 2, H: 6, W: 41, k: [2, 3], s: [1, 2], type: 'sum' }],
  ['max full convention', { N: 2, C: 2, H: 10, W: 10, k: [4, 5], s: [3, 4], p: [1, 2], type: 'max', full: true }],
  ['sum 3x2 s(1,2)', { N: 1, C: 3, H: 6, W: 9, k: [3, 2], s: [1, 2], type: 'sum', full: true }],
  ['lp p=2', { N: 1, C: 2, H: 6, W: 6, k: [2, 2], s: [2, 2], type: 'lp', pv: 2 }],
  ['lp p=1', { N: 1, C: 2, H: 6, W: 6, k: [3, 3], s: [1, 1], type: 'lp', pv: 1 }],
  ['1-D max', { N: 2, C: 3, H: 1, W: 17, k: [3], s: [2], type: 'max' }],
  ['1-D avg full pad', { N: 2, C: 3, H: 1, W: 16, k: [3], s: [2], p: [1], type: 'avg', full: true }],
];

for (const [name, c] of CASES) {
  test(`Pooling forward/backward: ${name}`, () => {
    const s = setup(c);
    const dy = randArray(s.outShape.reduce((a, b) => a * b, 1), 4);
    const { outs, grads } = invokeWithGrad('Pooling', s.ins, s.attrs, [arr(dy, s.outShape)]);
    assert.equal(outs[0].shape, s.outShape);
    const y = refPool(s.x, s.g);
    assertClose(outs[0].data, y, 1e-5, 1e-6, name);
    assertClose(grads[0]!.data, refPoolBackward(s.x, y, dy, s.g), 1e-5, 1e-6, `${name} grad`);
  });
}

test("MXNet test_pooling_full_2d: (2,2,10,10), kernel (4,5), pad (1,2), stride (3,4), full -> 4x4", () => {
  for (const pool_type of ['max', 'avg', 'sum']) {
    const [y] = invoke('Pooling', [mx.nd.ones([2, 2, 10, 10])], { kernel: [4, 5], pad: [1, 2], stride: [3, 4], pooling_convention: 'full', pool_type });
    assert.equal(y.shape, [2, 2, 4, 4]);
  }
});

test('global pooling (max, avg, sum) ignores kernel; 1-D and 2-D', () => {
  for (const type of ['max', 'avg', 'sum'] as PT[]) {
    for (const shape of [[2, 3, 5, 7], [3, 2, 130], [1, 4, 1, 1]]) {
      const x = randArray(shape.reduce((a, b) => a * b, 1), 8), P = shape[0] * shape[1], n = x.length / P;
      const [y] = invoke('Pooling', [arr(x, shape)], { global_pool: true, pool_type: type, kernel: [3, 3].slice(0, shape.length - 2) });
      assert.equal(y.shape, [shape[0], shape[1], ...shape.slice(2).map(() => 1)]);
      const want = Array.from({ length: P }, (_, p) => {
        const v = Array.from(x.subarray(p * n, (p + 1) * n));
        return type === 'max' ? Math.max(...v) : v.reduce((a, b) => a + b, 0) / (type === 'avg' ? n : 1);
      });
      assertClose(y.data, want, 1e-5, 1e-6, `${type} ${shape}`);
    }
    gradCheck('Pooling', [arr(spaced(2 * 3 * 4 * 5, 9), [2, 3, 4, 5])], { global_pool: true, pool_type: type, kernel: [1, 1] }, { maxChecks: 20 });
  }
});

/** Distinct values 0.05 apart in a seeded order, so finite differences never flip a max window's winner. */
function spaced(n: number, seed: number): Float32Array {
  const r = randArray(n, seed), idx = [...r.keys()].sort((a, b) => r[a] - r[b]), x = new Float32Array(n);
  idx.forEach((i, rank) => { x[i] = (rank - n / 2) * 0.05; });
  return x;
}

test('Pooling gradCheck (max, avg, sum)', () => {
  for (const pool_type of ['max', 'avg', 'sum']) {
    gradCheck('Pooling', [arr(spaced(2 * 2 * 6 * 7, 3), [2, 2, 6, 7])], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], pool_type }, { maxChecks: 30 });
  }
});

test('max pooling: padding never wins, an all-padding window gives the lowest float', () => {
  const [y] = invoke('Pooling', [arr([-5, -6, -7, -8], [1, 1, 2, 2])], { kernel: [2, 2], pad: [1, 1], stride: [2, 2] });
  assertClose(y.data, [-5, -6, -7, -8]);
  const [z] = invoke('Pooling', [arr([1, 2, 3], [1, 1, 3])], { kernel: [2], stride: [3], pad: [1], pooling_convention: 'full' });
  assert.equal(z.shape, [1, 1, 2]);
  assertClose(z.data, [1, 3]);
});

test('max pooling backward: ties go to the first window position (SIMD 2x2 rows and scalar edges)', () => {
  const shape = [1, 2, 4, 18], n = 2 * 4 * 18;
  const dy = randArray(2 * 2 * 9, 6);
  const { grads } = invokeWithGrad('Pooling', [mx.nd.ones(shape)], { kernel: [2, 2], stride: [2, 2] }, [arr(dy, [1, 2, 2, 9])]);
  const want = new Float32Array(n);
  for (let p = 0; p < 2; p++) for (let oh = 0; oh < 2; oh++) for (let ow = 0; ow < 9; ow++) want[(p * 4 + 2 * oh) * 18 + 2 * ow] = dy[(p * 2 + oh) * 9 + ow];
  assertClose(grads[0]!.data, want);
});

test("pooling_convention 'same' (1-D max, MXNet test_valid_max_pooling_pad_type_same)", () => {
  const [y] = invoke('Pooling', [arr([1, 2, 3, 4, 5], [1, 1, 5])], { kernel: [2], stride: [2], pad: [0], pool_type: 'max', pooling_convention: 'same' });
  assert.equal(y.shape, [1, 1, 3]);
  assertClose(y.data, [2, 4, 5]);
  assert.throws(() => invoke('Pooling', [mx.nd.zeros([1, 1, 4, 4])], { kernel: [2, 2], pooling_convention: 'same' }), /same/);
});

test('max pooling backward: ties in overlapping 3x3 stride-2 windows (SIMD interior) match the reference', () => {
  const x = new Float32Array(2 * 9 * 40).map((_, i) => (i % 7 === 0 ? 2 : 1)), dy = randArray(2 * 5 * 20, 8);
  const g: RefPoolGeom = { P: 2, H: 9, W: 40, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, type: 'max', full: false, countIncludePad: true };
  const { outs, grads } = invokeWithGrad('Pooling', [arr(x, [1, 2, 9, 40])], { kernel: [3, 3], stride: [2, 2], pad: [1, 1] }, [arr(dy, [1, 2, 5, 20])]);
  assertClose(grads[0]!.data, refPoolBackward(x, outs[0].data, dy, g));
});

test('Pooling errors name the op', () => {
  const x = mx.nd.zeros([1, 2, 4, 4]);
  const bad = (attrs: Record<string, unknown>, re: RegExp) => assert.throws(() => invoke('Pooling', [x], attrs, { node: 'pool1' }), (e: Error) => re.test(e.message) && /pool1/.test(e.message));
  bad({ kernel: [5, 5] }, /exceeds the padded input/);
  bad({ kernel: [2] }, /kernel/);
  bad({}, /kernel/);
  bad({ kernel: [2, 2], pool_type: 'median' }, /pool_type/);
  bad({ kernel: [2, 2], pool_type: 'lp', p_value: 3 }, /p_value/);
});

test.run();
