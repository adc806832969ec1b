// Unary math ops, _*_scalar ops and clip / where / add_n / identity / BlockGrad / zeros_like /
// ones_like / Cast: forward vs the reference, gradCheck of every differentiable op, zero gradients.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, gradCheck, invoke, invokeWithGrad } from '../helpers.js';
import { REF_BINARY, REF_UNARY, clipRef, modP, powC, smoothL1Ref, whereRef } from '../../src/reference/elementwise.js';
import { getOp } from '../../src/ops/registry.js';
import { rt } from '../../src/runtime/runtime.js';

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
const arr = (s: number[], seed: number, lo = -1, hi = 1) => mx.nd.array(randArray(size(s), seed, lo, hi), { shape: s });
const SHAPES = [[1], [5], [3, 7], [2, 3, 17], [0, 3]];

// [op, kernel reference, input range, differentiable, tolerance (rel)]
const UNARY: [string, string, [number, number], boolean, number][] = [
  ['negative', 'neg', [-2, 2], true, 0], ['abs', 'abs', [-2, 2], true, 0], ['sign', 'sign', [-2, 2], false, 0],
  ['square', 'square', [-2, 2], true, 0], ['sqrt', 'sqrt', [0.5, 3], true, 0], ['rsqrt', 'rsqrt', [0.5, 3], true, 2e-7],
  ['reciprocal', 'recip', [0.5, 3], true, 0], ['exp', 'exp', [-3, 3], true, 2e-7], ['log', 'log', [0.5, 3], true, 2e-7],
  ['log1p', 'log1p', [-0.5, 3], true, 3e-7], ['expm1', 'expm1', [-2, 2], true, 3e-7], ['sin', 'sin', [-3, 3], true, 2e-7],
  ['cos', 'cos', [-3, 3], true, 2e-7], ['tanh', 'tanh', [-3, 3], true, 2e-7], ['sigmoid', 'sigmoid', [-5, 5], true, 3e-7],
  ['relu', 'relu', [-2, 2], true, 0], ['softsign', 'softsign', [-3, 3], true, 2e-7], ['floor', 'floor', [-3, 3], false, 0],
  ['ceil', 'ceil', [-3, 3], false, 0], ['round', 'round', [-3, 3], false, 0], ['rint', 'rint', [-3, 3], false, 0],
  ['fix', 'trunc', [-3, 3], false, 0],
];

for (const [op, ref, [lo, hi], diff, tol] of UNARY) {
  test(`${op}: forward vs reference, ${diff ? 'gradCheck' : 'zero gradient'}`, () => {
    for (const s of SHAPES) {
      const x = arr(s, s.length + 1, lo, hi);
      const [y] = invoke(op, [x]);
      assert.equal(y.shape, s);
      assertClose(y.data, Array.from(x.data, REF_UNARY[ref]), tol, 1e-7, `${op} ${s}`);
    }
    const x = arr([3, 5], 9, lo, hi);
    if (op === 'abs' || op === 'relu') x.data.forEach((v, i) => { if (Math.abs(v) < 0.05) x.data[i] = 0.5; });
    if (diff) gradCheck(op, [x], {}, { rtol: 2e-2, atol: 2e-3 });
    else { const { grads: [g] } = invokeWithGrad(op, [x], {}, [mx.nd.ones([3, 5])]); assert.ok(g!.data.every((v) => v === 0)); }
  });
}

test('rounding ops at halves: round away from zero, rint to even, fix toward zero', () => {
  const x = mx.nd.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.7, 0.7]);
  assert.equal(Array.from(invoke('round', [x])[0].data), [-3, -2, -1, 1, 2, 3, -1, 1]);
  assert.equal(Array.from(invoke('rint', [x])[0].data), [-2, -2, -0, 0, 2, 2, -1, 1]);
  assert.equal(Array.from(invoke('fix', [x])[0].data), [-2, -1, -0, 0, 1, 2, -0, 0]);
  assert.equal(Array.from(invoke('floor', [x])[0].data), [-3, -2, -1, 0, 1, 2, -1, 0]);
  assert.equal(Array.from(invoke('ceil', [x])[0].data), [-2, -1, -0, 1, 2, 3, -0, 1]);
});

// [op, alias, reference f(x, s), input range, scalars, differentiable]
const SCALAR: [string, string, (x: number, s: number) => number, [number, number], number[], boolean][] = [
  ['_plus_scalar', '_PlusScalar', REF_BINARY.add, [-2, 2], [1.5, -3], true],
  ['_minus_scalar', '_MinusScalar', REF_BINARY.sub, [-2, 2], [1.5, -3], true],
  ['_rminus_scalar', '_RMinusScalar', (x, s) => REF_BINARY.sub(s, x), [-2, 2], [1.5], true],
  ['_mul_scalar', '_MulScalar', REF_BINARY.mul, [-2, 2], [0.0078125, -1], true],
  ['_div_scalar', '_DivScalar', REF_BINARY.div, [-2, 2], [3, -0.5], true],
  ['_rdiv_scalar', '_RDivScalar', (x, s) => REF_BINARY.div(s, x), [0.5, 2], [3, -1], true],
  ['_mod_scalar', '_ModScalar', modP, [-5, 5], [1.5, -2], false],
  ['_rmod_scalar', '_RModScalar', (x, s) => modP(s, x), [1.7, 2.3], [5], true],
  ['_power_scalar', '_PowerScalar', powC, [0.5, 2], [2, 0.5, -1.5], true],
  ['_rpower_scalar', '_RPowerScalar', (x, s) => powC(s, x), [-2, 2], [2, 0.5], true],
  ['_maximum_scalar', '_MaximumScalar', REF_BINARY.max, [-2, 2], [0.33], true],
  ['_minimum_scalar', '_MinimumScalar', REF_BINARY.min, [-2, 2], [0.33], true],
  ['_hypot_scalar', '_HypotScalar', REF_BINARY.hypot, [-2, 2], [0.7], true],
  ['_equal_scalar', '_EqualScalar', REF_BINARY.eq, [-2, 2], [1], false],
  ['_not_equal_scalar', '_NotEqualScalar', REF_BINARY.ne, [-2, 2], [1], false],
  ['_greater_scalar', '_GreaterScalar', REF_BINARY.gt, [-2, 2], [1], false],
  ['_greater_equal_scalar', '_GreaterEqualScalar', REF_BINARY.ge, [-2, 2], [1], false],
  ['_lesser_scalar', '_LesserScalar', REF_BINARY.lt, [-2, 2], [1], false],
  ['_lesser_equal_scalar', '_LesserEqualScalar', REF_BINARY.le, [-2, 2], [1], false],
];

for (const [op, alias, f, [lo, hi], scalars, diff] of SCALAR) {
  test(`${op} (${alias}): forward vs reference, ${diff ? 'gradCheck' : 'gradient'}`, () => {
    for (const s of scalars) {
      for (const sh of SHAPES) {
        const x = arr(sh, sh.length + 3, lo, hi);
        if (sh.length === 2 && x.size) x.data[0] = 1; // hits the comparisons' equal case
        const want = Array.from(x.data, (v) => f(v, Math.fround(s)));
        assertClose(invoke(op, [x], { scalar: s })[0].data, want, op.includes('power') ? 2e-7 : 0, 0, `${op}(${s}) ${sh}`);
        assertClose(invoke(alias, [x], { scalar: String(s) })[0].data, want, op.includes('power') ? 2e-7 : 0, 0, `${alias}(${s}) ${sh}`);
      }
      if (diff) gradCheck(op, [arr([4, 5], 11, lo, hi)], { scalar: s });
    }
    if (op === '_mod_scalar') { const { grads: [g] } = invokeWithGrad(op, [arr([3], 1)], { scalar: 2 }, [mx.nd.array([1, 2, 3])]); assert.equal(Array.from(g!.data), [1, 2, 3]); }
    if (!diff && op !== '_mod_scalar') { const { grads: [g] } = invokeWithGrad(op, [arr([3], 1)], { scalar: 0 }, [mx.nd.ones([3])]); assert.ok(g!.data.every((v) => v === 0)); }
  });
}

test('smooth_l1: both branches, boundary inclusive in the quadratic part, gradCheck', () => {
  const x = mx.nd.array([-3, -0.25, 0, 0.2, 0.25, 0.3, 2]);
  assertClose(invoke('smooth_l1', [x], { scalar: 2 })[0].data, Array.from(x.data, (v) => smoothL1Ref(v, 2)), 0, 0);
  assertClose(invoke('smooth_l1', [x])[0].data, [2.5, 0.03125, 0, 0.02, 0.03125, 0.045, 1.5], 1e-6, 1e-7);
  const { grads: [g] } = invokeWithGrad('smooth_l1', [x], { scalar: 2 }, [mx.nd.ones([7])]);
  assertClose(g!.data, [-1, -1, 0, 0.8, 1, 1, 1], 1e-6, 1e-7);
  gradCheck('smooth_l1', [mx.nd.array([-2.1, -0.6, -0.1, 0.05, 0.4, 0.9, 1.7])], { scalar: 1.3 });
});

test('scalar attr defaults: scalar = 1, is_int accepted; MXNet strings parse', () => {
  const x = mx.nd.array([1, 2]);
  assert.equal(Array.from(invoke('_plus_scalar', [x])[0].data), [2, 3]);
  assert.equal(Array.from(invoke('_mul_scalar', [x], { scalar: '127.5', is_int: 'False' })[0].data), [127.5, 255]);
});

test('clip: forward, inclusive-bound gradient, gradCheck', () => {
  for (const s of SHAPES) {
    const x = arr(s, 3, -2, 2);
    assertClose(invoke('clip', [x], { a_min: -0.6, a_max: 0.6 })[0].data, Array.from(x.data, (v) => clipRef(v, Math.fround(-0.6), Math.fround(0.6))), 0, 0);
  }
  const x = mx.nd.array([-1, -0.5, 0, 0.5, 1, 2]);
  const { outs: [y], grads: [g] } = invokeWithGrad('clip', [x], { a_min: -0.5, a_max: 1 }, [mx.nd.array([1, 2, 3, 4, 5, 6])]);
  assert.equal(Array.from(y.data), [-0.5, -0.5, 0, 0.5, 1, 1]);
  assert.equal(Array.from(g!.data), [0, 2, 3, 4, 5, 0]);
  gradCheck('clip', [mx.nd.array([-1.3, -0.2, 0.1, 0.4, 0.9, 1.7])], { a_min: '-0.6', a_max: '0.6' });
  assert.throws(() => invoke('clip', [x], { a_min: 0 }), /clip.*a_max/);
});

test('where: per-element and 1-D (row) conditions, gradients', () => {
  const c = mx.nd.array([[1, 0, 2], [0, 0, -1]]), x = arr([2, 3], 1), y = arr([2, 3], 2);
  assertClose(invoke('where', [c, x, y])[0].data, whereRef(c.data, x.data, y.data));
  const cr = mx.nd.array([0, 3]), x3 = arr([2, 3, 4], 3), y3 = arr([2, 3, 4], 4);
  assertClose(invoke('where', [cr, x3, y3])[0].data, whereRef(cr.data, x3.data, y3.data, 12));
  const g = arr([2, 3], 5), { grads } = invokeWithGrad('where', [c, x, y], {}, [g]);
  assert.ok(grads[0]!.data.every((v) => v === 0));
  assertClose(grads[1]!.data, whereRef(c.data, g.data, new Float32Array(6)));
  assertClose(grads[2]!.data, whereRef(c.data, new Float32Array(6), g.data));
  gradCheck('where', [cr, x3, y3], {}, { skip: [0] });
  assert.throws(() => invoke('where', [mx.nd.ones([3]), x3, y3]), /where/);
  assert.throws(() => invoke('where', [c, x, y3]), /where/);
});

test('add_n / ElementWiseSum: 1, 2, 4 arguments, gradient copies', () => {
  for (const n of [1, 2, 4]) {
    const xs = Array.from({ length: n }, (_, i) => arr([3, 5], i + 1));
    const want = Array.from(xs[0].data, (_, j) => xs.reduce((s, x) => Math.fround(s + x.data[j]), 0));
    assertClose(invoke('add_n', xs, { num_args: n })[0].data, want, 1e-6, 0);
    assertClose((mx.nd.ElementWiseSum(...xs) as never as { data: Float32Array }).data, want, 1e-6, 0);
    gradCheck('add_n', xs, { num_args: n });
  }
});

test('identity / _copy, BlockGrad / stop_gradient, zeros_like, ones_like', () => {
  const x = arr([2, 7], 1), g = arr([2, 7], 2);
  for (const op of ['identity', '_copy', 'BlockGrad', 'stop_gradient']) {
    const { outs: [y], grads: [d] } = invokeWithGrad(op, [x], {}, [g]);
    assert.equal(Array.from(y.data), Array.from(x.data), op);
    assert.equal(Array.from(d!.data), op.includes('copy') || op === 'identity' ? Array.from(g.data) : new Array(14).fill(0), op);
  }
  assert.equal(invoke('zeros_like', [x])[0].toArray(), [new Array(7).fill(0), new Array(7).fill(0)]);
  assert.equal(invoke('ones_like', [x])[0].toArray(), [new Array(7).fill(1), new Array(7).fill(1)]);
  assert.ok(invokeWithGrad('ones_like', [x], {}, [g]).grads[0]!.data.every((v) => v === 0));
  const xi = mx.nd.array([5, 6, 7], { dtype: 'int32' }), oi = invoke('ones_like', [xi])[0];
  assert.is(oi.dtype, 'int32'); assert.equal(Array.from(oi.data), [1, 1, 1]);
  assert.equal(Array.from(invoke('zeros_like', [mx.nd.array([5, 6], { dtype: 'uint8' })])[0].data), [0, 0]);
  assert.equal(Array.from(invoke('identity', [xi])[0].data), [5, 6, 7]);
});

test('Cast / cast: float32 <-> int32, uint8; gradient cast back', () => {
  const x = mx.nd.array([-2.7, -0.5, 0, 1.9, 255.5, 3]);
  const i = invoke('Cast', [x], { dtype: 'int32' })[0];
  assert.is(i.dtype, 'int32'); assert.equal(Array.from(i.data), [-2, 0, 0, 1, 255, 3]);
  const u = invoke('cast', [mx.nd.array([0, 1.5, 200, 255])], { dtype: 'uint8' })[0];
  assert.is(u.dtype, 'uint8'); assert.equal(Array.from(u.data), [0, 1, 200, 255]);
  const f = invoke('Cast', [i], { dtype: 'float32' })[0];
  assert.is(f.dtype, 'float32'); assert.equal(Array.from(f.data), [-2, 0, 0, 1, 255, 3]);
  const { grads: [g] } = invokeWithGrad('Cast', [x], { dtype: 'float32' }, [mx.nd.ones([6])]);
  assert.equal(Array.from(g!.data), new Array(6).fill(1));
  assert.throws(() => invoke('Cast', [x], { dtype: 'float16' }), /Cast/);
  assert.throws(() => invoke('sqrt', [i]), /sqrt.*float32/);
});

test('in place: unary, scalar and clip forwards with the output on the input', () => {
  const cases: [string, Record<string, unknown>][] = [['exp', {}], ['sigmoid', {}], ['relu', {}], ['_mul_scalar', { scalar: 3 }], ['_rdiv_scalar', { scalar: 2 }], ['clip', { a_min: -0.2, a_max: 0.3 }]];
  for (const [op, attrs] of cases) {
    const x = arr([5, 13], 7, 0.1, 1), want = invoke(op, [x], attrs)[0].toTypedArray(), def = getOp(op);
    const a = { ...Object.fromEntries(Object.entries(def.attrs).map(([k, v]) => [k, v.default])), ...attrs };
    def.forward({ K: rt().K, isTrain: false, workspace: 0, scratch: 0, node: op, random: Math.random }, a, [x.ref], [x.ref], [])();
    assertClose(x.data, want, 0, 0, op);
  }
});

test.run();
