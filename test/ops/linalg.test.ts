// dot, batch_dot, FullyConnected: forward vs the float64 reference, shapes, errors, gradients.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose, gradCheck, invoke } from '../helpers.js';
import { gemmRef } from '../../src/reference/gemm.js';
import { getOp } from '../../src/ops/registry.js';
import { parseAttrs } from '../../src/ops/attrs.js';

const arr = (shape: number[], seed: number) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed), { shape });
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Reference product of row-major buffers: op(A) (M x K) times op(B) (K x N). */
function mm(A: ArrayLike<number>, B: ArrayLike<number>, M: number, N: number, K: number, tA: boolean, tB: boolean): Float64Array {
  const C = new Float64Array(M * N);
  gemmRef({ transA: tA, transB: tB, M, N, K, alpha: 1, A, lda: tA ? M : K, B, ldb: tB ? K : N, beta: 0, C, ldc: N });
  return C;
}

test('dot: 2-D, all transposes, odd sizes, batch 1 and more', () => {
  let seed = 1;
  for (const [M, N, K] of [[1, 1, 1], [1, 17, 9], [5, 1, 7], [3, 5, 7], [17, 31, 63], [65, 33, 97]]) {
    for (const tA of [false, true]) for (const tB of [false, true]) {
      const a = arr(tA ? [K, M] : [M, K], seed++), b = arr(tB ? [N, K] : [K, N], seed++);
      const [c] = invoke('dot', [a, b], { transpose_a: tA, transpose_b: tB });
      assert.equal(c.shape, [M, N]);
      assertClose(c.data, mm(a.data, b.data, M, N, K, tA, tB), 1e-5, 1e-5, `dot ${M}x${N}x${K} ${tA} ${tB}`);
    }
  }
});

test('dot: N-D semantics (transpose_a contracts the first axis, transpose_b the last)', () => {
  const a = arr([2, 3, 4], 1), b = arr([4, 5], 2);
  let [c] = invoke('dot', [a, b]);
  assert.equal(c.shape, [2, 3, 5]);
  assertClose(c.data, mm(a.data, b.data, 6, 5, 4, false, false));
  const at = arr([4, 2, 3], 3);
  [c] = invoke('dot', [at, b], { transpose_a: true });
  assert.equal(c.shape, [2, 3, 5]);
  assertClose(c.data, mm(at.data, b.data, 6, 5, 4, true, false));
  const bt = arr([5, 6, 4], 4);
  [c] = invoke('dot', [a, bt], { transpose_b: 'True' });
  assert.equal(c.shape, [2, 3, 5, 6]);
  assertClose(c.data, mm(a.data, bt.data, 6, 30, 4, false, true));
  const b3 = arr([4, 2, 3], 5);
  [c] = invoke('dot', [a, b3]);
  assert.equal(c.shape, [2, 3, 2, 3]);
  const v = arr([4], 6), w = arr([4], 7);
  [c] = invoke('dot', [v, w]);
  assert.equal(c.shape, [1]);
  assertClose(c.data, mm(v.data, w.data, 1, 1, 4, false, false));
});

test('dot and batch_dot: shape errors name the op', () => {
  assert.throws(() => invoke('dot', [arr([2, 3], 1), arr([4, 5], 2)]), /dot.*contract 3 against 4/);
  assert.throws(() => invoke('batch_dot', [arr([2, 3, 4], 1), arr([3, 4, 5], 2)]), /batch_dot.*batch dimensions differ/);
  assert.throws(() => invoke('batch_dot', [arr([3, 4], 1), arr([4, 5], 2)]), /same number \(>= 3\)/);
  assert.throws(() => invoke('dot', [mx.nd.array([1, 2], { dtype: 'int32' }), arr([2], 2)]), /float32/);
});

test('batch_dot: all transposes, odd sizes', () => {
  let seed = 50;
  for (const [B, M, N, K] of [[1, 1, 5, 3], [3, 5, 7, 9], [2, 17, 1, 33], [4, 33, 65, 17]]) {
    for (const tA of [false, true]) for (const tB of [false, true]) {
      const a = arr(tA ? [B, K, M] : [B, M, K], seed++), b = arr(tB ? [B, N, K] : [B, K, N], seed++);
      const [c] = invoke('batch_dot', [a, b], { transpose_a: tA, transpose_b: tB });
      assert.equal(c.shape, [B, M, N]);
      const want = new Float64Array(B * M * N);
      for (let i = 0; i < B; i++) want.set(mm(a.data.subarray(i * M * K, (i + 1) * M * K), b.data.subarray(i * K * N, (i + 1) * K * N), M, N, K, tA, tB), i * M * N);
      assertClose(c.data, want, 1e-5, 1e-5, `batch_dot ${[B, M, N, K]} ${tA} ${tB}`);
    }
  }
});

test('dot and batch_dot gradients (finite differences)', () => {
  for (const tA of [false, true]) for (const tB of [false, true]) {
    gradCheck('dot', [arr(tA ? [4, 3] : [3, 4], 1), arr(tB ? [5, 4] : [4, 5], 2)], { transpose_a: tA, transpose_b: tB });
    gradCheck('dot', [arr(tA ? [4, 1] : [1, 4], 3), arr(tB ? [5, 4] : [4, 5], 4)], { transpose_a: tA, transpose_b: tB });
    gradCheck('batch_dot', [arr(tA ? [2, 4, 3] : [2, 3, 4], 5), arr(tB ? [2, 5, 4] : [2, 4, 5], 6)], { transpose_a: tA, transpose_b: tB });
  }
  gradCheck('dot', [arr([2, 3, 4], 7), arr([4, 2, 3], 8)]);
  gradCheck('dot', [arr([4, 2, 3], 9), arr([5, 4], 10)], { transpose_a: true, transpose_b: true });
});

/** FullyConnected reference: x (rows, in), w (H, in), b (H) -> (rows, H), optional relu. */
function fcRef(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, rows: number, inW: number, H: number, act: boolean | 0 | 1 | 2 | 3 = false): Float64Array {
  const y = new Float64Array(rows * H);
  gemmRef({ transA: false, transB: true, M: rows, N: H, K: inW, alpha: 1, A: x, lda: inW, B: w, ldb: inW, beta: 0, C: y, ldc: H, bias: b, biasMode: b ? 1 : 0, act: act === true ? 1 : act || 0 });
  return y;
}

test('FullyConnected: flatten True / False, no_bias, batch 1 and more, odd sizes', () => {
  let seed = 100;
  for (const [dshape, H] of [[[1, 7], 3], [[1, 3, 2, 2], 5], [[4, 3, 5], 17], [[9, 65], 33], [[2, 300], 1]] as [number[], number][]) {
    for (const flatten of [true, false]) for (const noBias of [false, true]) {
      const x = arr(dshape, seed++);
      const inW = flatten ? prod(dshape.slice(1)) : dshape[dshape.length - 1], rows = x.size / inW;
      const w = arr([H, inW], seed++), b = arr([H], seed++);
      const [y] = invoke('FullyConnected', noBias ? [x, w] : [x, w, b], { num_hidden: H, no_bias: noBias, flatten });
      assert.equal(y.shape, flatten ? [dshape[0], H] : [...dshape.slice(0, -1), H]);
      assertClose(y.data, fcRef(x.data, w.data, noBias ? undefined : b.data, rows, inW, H), 1e-5, 1e-5, `FC ${dshape} ${H} ${flatten} ${noBias}`);
    }
  }
});

test('FullyConnected: infers weight and bias shapes, rejects a wrong weight', () => {
  const def = getOp('FullyConnected');
  const a = parseAttrs('FullyConnected', def.attrs, { num_hidden: '10', flatten: 'False' });
  const r = def.inferShape(a, [[2, 3, 7], undefined, undefined], [], 'fc1');
  assert.equal(r.ins, [[2, 3, 7], [10, 7], [10]]);
  assert.equal(r.outs, [[2, 3, 10]]);
  assert.throws(() => invoke('FullyConnected', [arr([2, 7], 1), arr([10, 6], 2), arr([10], 3)], { num_hidden: 10 }, { node: 'fc1' }), /fc1.*weight/);
});

test('FullyConnected with a fused relu / sigmoid / tanh (__act__) forward and backward', () => {
  for (const [act, code] of [['relu', 1], ['sigmoid', 2], ['tanh', 3]] as const) {
    for (const rows of [1, 6]) {
      const x = arr([rows, 13], rows), w = arr([9, 13], 2), b = arr([9], 3);
      const [y] = invoke('FullyConnected', [x, w, b], { num_hidden: 9, __act__: act });
      assertClose(y.data, fcRef(x.data, w.data, b.data, rows, 13, 9, code), 1e-5, 1e-6, act);
      gradCheck('FullyConnected', [x, w, b], { num_hidden: 9, __act__: act }, { eps: 1e-3 });
    }
  }
  assert.throws(() => invoke('FullyConnected', [arr([2, 3], 1), arr([4, 3], 2), arr([4], 3)], { num_hidden: 4, __act__: 'softrelu' }), /'softrelu' is not supported \(relu, sigmoid, tanh\)/);
});

test('FullyConnected gradients (finite differences), batch 1 and more', () => {
  gradCheck('FullyConnected', [arr([1, 5], 1), arr([3, 5], 2), arr([3], 3)], { num_hidden: 3 });
  gradCheck('FullyConnected', [arr([4, 2, 3], 4), arr([7, 6], 5), arr([7], 6)], { num_hidden: 7 });
  gradCheck('FullyConnected', [arr([2, 3, 5], 7), arr([4, 5], 8)], { num_hidden: 4, flatten: false, no_bias: true });
  gradCheck('FullyConnected', [arr([17, 9], 9), arr([19, 9], 10), arr([19], 11)], { num_hidden: 19 });
});

test.run();
