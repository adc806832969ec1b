// Binary elementwise ops (elemwise_*, _power, ..., broadcast_*): forward vs the reference on odd and
// broadcasting shapes, gradCheck of every differentiable one, zero gradients of comparisons, shape
// errors naming the op, MXNet's test_scalarop expression, NDArray / mx.nd arithmetic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, gradCheck, invoke, invokeWithGrad } from '../helpers.js';
import { REF_BINARY, broadcastRef } from '../../src/reference/elementwise.js';
import { getOp } from '../../src/ops/registry.js';
import { isMxError } from '../../src/errors.js';
import { rt } from '../../src/runtime/runtime.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
const OPS: [string, string, string, string, [number, number], [number, number]][] = [
  // [ref, elemwise name, broadcast name, alias to check, lhs range, rhs range]
  ['add', 'elemwise_add', 'broadcast_add', '_plus', [-2, 2], [-2, 2]],
  ['sub', 'elemwise_sub', 'broadcast_sub', '_minus', [-2, 2], [-2, 2]],
  ['mul', 'elemwise_mul', 'broadcast_mul', '_Mul', [-2, 2], [-2, 2]],
  ['div', 'elemwise_div', 'broadcast_div', '_div', [-2, 2], [0.5, 2]],
  ['mod', '_mod', 'broadcast_mod', '_Mod', [2.2, 2.4], [1.5, 1.9]],
  ['pow', '_power', 'broadcast_power', '_Power', [0.5, 2], [-1.5, 1.5]],
  ['max', '_maximum', 'broadcast_maximum', '_Maximum', [-2, 2], [-2, 2]],
  ['min', '_minimum', 'broadcast_minimum', '_Minimum', [-2, 2], [-2, 2]],
  ['hypot', '_hypot', 'broadcast_hypot', '_Hypot', [-2, 2], [-2, 2]],
];
const CMP: [string, string, string][] = [
  ['eq', '_equal', 'broadcast_equal'], ['ne', '_not_equal', 'broadcast_not_equal'], ['gt', '_greater', 'broadcast_greater'],
  ['ge', '_greater_equal', 'broadcast_greater_equal'], ['lt', '_lesser', 'broadcast_lesser'], ['le', '_lesser_equal', 'broadcast_lesser_equal'],
];
const SAME: number[][] = [[1], [7], [3, 5], [2, 3, 17], [0, 4]];
const BCAST: [number[], number[]][] = [[[2, 1, 3], [1, 4, 1]], [[5], [3, 5]], [[3, 5], [5]], [[1], [2, 3, 4]], [[4, 1, 1], [4, 6, 7]],
  [[2, 3], [2, 3]], [[3, 1], [1, 65]], [[2, 1, 3, 1, 2, 2], [1, 2, 1, 3, 1, 2]], [[1, 1, 2, 1, 3, 1, 2, 5], [2, 1, 1, 3, 1, 2, 2, 5]]];

const arr = (s: number[], seed: number, [lo, hi]: [number, number], q = 0) =>
  mx.nd.array(randArray(size(s), seed, lo, hi).map((v) => (q ? Math.round(v * 10) / 10 + q : v)), { shape: s });

for (const [ref, ew, bc, alias, lr, rr] of OPS) {
  test(`${ew} / ${bc} forward vs reference`, () => {
    for (const s of SAME) {
      const l = arr(s, 1, lr), r = arr(s, 2, rr);
      const want = broadcastRef(REF_BINARY[ref], l.data, s, r.data, s).data;
      for (const name of [ew, alias, bc]) {
        const [o] = invoke(name, [l, r]);
        assert.equal(o.shape, s, name);
        assertClose(o.data, want, ref === 'pow' ? 2e-7 : 0, 0, `${name} ${s}`);
      }
    }
    for (const [as, bs] of BCAST) {
      const l = arr(as, 3, lr), r = arr(bs, 4, rr);
      const want = broadcastRef(REF_BINARY[ref], l.data, as, r.data, bs);
      const [o] = invoke(bc, [l, r]);
      assert.equal(o.shape, want.shape, `${bc} ${as} ${bs}`);
      assertClose(o.data, want.data, ref === 'pow' ? 2e-7 : 0, 0, `${bc} ${as} ${bs}`);
    }
  });

  test(`${ew} / ${bc} gradCheck (same shapes and broadcasting)`, () => {
    // max / min: lhs on a 0.1 grid + 0.05, rhs on the 0.1 grid, so no pair is within eps of a tie.
    const [ql, qr] = ref === 'max' || ref === 'min' ? [0.05, 1e-9] : [0, 0];
    gradCheck(ew, [arr([3, 5], 5, lr, ql), arr([3, 5], 6, rr, qr)]);
    for (const [as, bs] of [[[2, 1, 3], [1, 4, 1]], [[5], [3, 5]], [[3, 5], [1]], [[2, 3], [2, 3]], [[4, 1, 1], [4, 6, 7]]] as [number[], number[]][]) {
      gradCheck(bc, [arr(as, 7, lr, ql), arr(bs, 8, rr, qr)], {}, { maxChecks: 60 });
    }
  });
}

test('broadcast gradients equal the summed elementwise gradients (add, mul)', () => {
  const l = arr([2, 1, 3], 1, [-1, 1]), r = arr([1, 4, 1], 2, [-1, 1]), g = arr([2, 4, 3], 3, [-1, 1]);
  const { grads: [gl, gr] } = invokeWithGrad('broadcast_mul', [l, r], {}, [g]);
  const want = (k: 0 | 1) => {
    const out = new Float64Array(k ? 4 : 6);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let c = 0; c < 3; c++) {
      const gv = g.data[(i * 4 + j) * 3 + c];
      if (k) out[j] += gv * l.data[i * 3 + c]; else out[i * 3 + c] += gv * r.data[j];
    }
    return out;
  };
  assertClose(gl!.data, want(0), 1e-5, 1e-6); assertClose(gr!.data, want(1), 1e-5, 1e-6);
  const { grads: [al, ar] } = invokeWithGrad('broadcast_sub', [l, r], {}, [g]);
  assertClose(al!.data, [0, 1, 2, 3, 4, 5].map((k) => [0, 1, 2, 3].reduce((s, j) => s + g.data[(Math.floor(k / 3) * 4 + j) * 3 + (k % 3)], 0)), 1e-5, 1e-6);
  assertClose(ar!.data, [0, 1, 2, 3].map((j) => -[0, 1].reduce((s, i) => s + [0, 1, 2].reduce((t, c) => t + g.data[(i * 4 + j) * 3 + c], 0), 0)), 1e-5, 1e-6);
});

test('maximum / minimum ties: lhs gets the gradient (MXNet ge / le masks)', () => {
  const l = mx.nd.array([1, 2, 3]), r = mx.nd.array([1, 5, 0]), g = mx.nd.array([1, 1, 1]);
  const mx1 = invokeWithGrad('_maximum', [l, r], {}, [g]).grads, mn = invokeWithGrad('_minimum', [l, r], {}, [g]).grads;
  assert.equal(Array.from(mx1[0]!.data), [1, 0, 1]); assert.equal(Array.from(mx1[1]!.data), [0, 1, 0]);
  assert.equal(Array.from(mn[0]!.data), [1, 1, 0]); assert.equal(Array.from(mn[1]!.data), [0, 0, 1]);
});

for (const [ref, ew, bc] of CMP) {
  test(`${ew} / ${bc}: 1/0 values and a zero gradient`, () => {
    const l = mx.nd.array([[1, 2, 3], [4, 5, 6]]), r = mx.nd.array([[1, 5, 0], [4, 2, 9]]), rb = mx.nd.array([3, 2, 6]);
    assert.equal(Array.from(invoke(ew, [l, r])[0].data), Array.from(l.data, (v, i) => REF_BINARY[ref](v, r.data[i])));
    assert.equal(Array.from(invoke(bc, [l, rb])[0].data), Array.from(l.data, (v, i) => REF_BINARY[ref](v, rb.data[i % 3])));
    const { grads } = invokeWithGrad(bc, [l, rb], {}, [mx.nd.ones([2, 3])]);
    for (const gr of grads) assert.ok(!gr || gr.data.every((v) => v === 0), `${bc} gradient is zero`);
  });
}

test('mismatched shapes: errors name the op', () => {
  const a = mx.nd.zeros([2, 3]), b = mx.nd.zeros([3, 2]), c = mx.nd.zeros([4]);
  for (const [op, x, y] of [['elemwise_add', a, b], ['_power', a, c], ['broadcast_mul', a, c], ['broadcast_add', a, b]] as [string, NDArray, NDArray][]) {
    try { invoke(op, [x, y]); assert.unreachable(`${op} should throw`); } catch (e) {
      assert.ok(isMxError(e) && (e as Error).message.includes(op), `${op}: ${(e as Error).message}`);
      assert.is((e as { kind: string }).kind, 'shape');
    }
  }
  try { invoke('elemwise_add', [a, mx.nd.zeros([2, 3], 'int32')]); assert.unreachable(); } catch (e) { assert.ok((e as Error).message.includes('elemwise_add')); }
  // More than 6 dims that cannot be merged (broadcast alternating on every dim).
  const x7 = mx.nd.zeros([2, 1, 2, 1, 2, 1, 2]), y7 = mx.nd.zeros([1, 2, 1, 2, 1, 2, 1]);
  try { invoke('broadcast_add', [x7, y7]); assert.unreachable(); } catch (e) { assert.ok((e as Error).message.includes('broadcast_add')); }
});

/** A tiny tape: forward through ops imperatively, then backward node by node with invokeWithGrad. */
function tape() {
  const nodes: { op: string; ins: NDArray[]; attrs: Record<string, unknown>; out: NDArray }[] = [];
  const run = (op: string, ins: NDArray[], attrs: Record<string, unknown> = {}) => { const [out] = invoke(op, ins, attrs); nodes.push({ op, ins, attrs, out }); return out; };
  const grad = (y: NDArray, x: NDArray) => {
    const gs = new Map<NDArray, Float64Array>([[y, new Float64Array(y.size).fill(1)]]);
    for (const nd of [...nodes].reverse()) {
      const go = gs.get(nd.out); if (!go) continue;
      const { grads } = invokeWithGrad(nd.op, nd.ins, nd.attrs, [mx.nd.array(Float32Array.from(go), { shape: nd.out.shape })]);
      nd.ins.forEach((inp, i) => { const g = grads[i]; if (!g) return; const acc = gs.get(inp) ?? new Float64Array(inp.size); g.data.forEach((v, j) => { acc[j] += v; }); gs.set(inp, acc); });
    }
    return gs.get(x)!;
  };
  return { run, grad };
}

test("MXNet test_scalarop: 2 / (4 - ((1+x+1)*2/5) - 0.8 - (x != 0)) and its analytic gradient", () => {
  const x = mx.nd.ones([3, 4]).mul(5), t = tape();
  const a = t.run('_plus_scalar', [t.run('_plus_scalar', [x], { scalar: 1 })], { scalar: 1 });
  const b = t.run('_div_scalar', [t.run('_mul_scalar', [a], { scalar: '2' })], { scalar: 5 });
  const c = t.run('_minus_scalar', [t.run('_rminus_scalar', [b], { scalar: 4 })], { scalar: '0.8' });
  const y = t.run('_rdiv_scalar', [t.run('elemwise_sub', [c, t.run('_not_equal_scalar', [x], { scalar: 0 })])], { scalar: 2 });
  const u = 4 - ((1 + 5 + 1) * 2) / 5 - 0.8 - 1;
  assertClose(y.data, new Array(12).fill(2 / u), 1e-5, 1e-6, 'forward');
  assertClose(t.grad(y, x), new Array(12).fill((-2 / (u * u)) * (-2 / 5)), 1e-4, 1e-5, 'gradient');
  // The same expression through the NDArray / mx.nd API.
  const z = mx.nd.divide(2, mx.nd.subtract(mx.nd.subtract(mx.nd.subtract(4, x.add(1).add(1).mul(2).div(5)), 0.8), mx.nd._not_equal_scalar(x, { scalar: 0 })));
  assertClose(z.data, y.data, 1e-6, 0, 'api');
});

test('NDArray add/sub/mul/div/pow/neg and mx.nd.add/subtract/multiply/divide/power/maximum/minimum', () => {
  const a = mx.nd.array([[1, 2, 3], [4, 5, 6]]), b = mx.nd.array([2, 4, 8]);
  assert.equal(a.add(b).toArray(), [[3, 6, 11], [6, 9, 14]]);
  assert.equal(a.sub(1).toArray(), [[0, 1, 2], [3, 4, 5]]);
  assert.equal(a.mul(b).toArray(), [[2, 8, 24], [8, 20, 48]]);
  assert.equal(a.div(2).toArray(), [[0.5, 1, 1.5], [2, 2.5, 3]]);
  assert.equal(a.pow(2).toArray(), [[1, 4, 9], [16, 25, 36]]);
  assert.equal(b.pow(mx.nd.array([1, 0.5, 0])).toArray(), [2, 2, 1]);
  assert.equal(a.neg().toArray(), [[-1, -2, -3], [-4, -5, -6]]);
  assert.equal(mx.nd.add(1, b).toArray(), [3, 5, 9]);
  assert.equal(mx.nd.subtract(10, b).toArray(), [8, 6, 2]);
  assert.equal(mx.nd.subtract(b, a).toArray(), [[1, 2, 5], [-2, -1, 2]]);
  assert.equal(mx.nd.multiply(b, 0.5).toArray(), [1, 2, 4]);
  assert.equal(mx.nd.divide(8, b).toArray(), [4, 2, 1]);
  assert.equal(mx.nd.power(2, b).toArray(), [4, 16, 256]);
  assert.equal(mx.nd.maximum(a, 3).toArray(), [[3, 3, 3], [4, 5, 6]]);
  assert.equal(mx.nd.minimum(a, mx.nd.array([[3], [5]])).toArray(), [[1, 2, 3], [4, 5, 5]]);
  assert.equal(mx.nd.broadcast_plus(a, b).toArray(), a.add(b).toArray());
  assert.equal(mx.nd.elemwise_add(a, a).toArray(), [[2, 4, 6], [8, 10, 12]]);
});

test('in place: forward with the output on either input', () => {
  for (const op of ['elemwise_add', 'elemwise_mul', '_power', '_hypot', '_greater', '_mod']) {
    for (const k of [0, 1]) {
      const l = arr([3, 7], 1, [0.5, 2]), r = arr([3, 7], 2, [-1, 1]);
      const want = invoke(op, [l, r])[0].toTypedArray(), dst = k ? r : l;
      const ctx = { K: rt().K, isTrain: false, workspace: 0, scratch: 0, node: op, random: Math.random };
      getOp(op).forward(ctx, {}, [l.ref, r.ref], [dst.ref], [])();
      assertClose(dst.data, want, 0, 0, `${op} into input ${k}`);
    }
  }
});

test.run();
