// Elementwise ops inside bound graphs (executor with memory planning and in-place sharing):
// MXNet's test_scalarop through Symbol arithmetic, and whole-graph gradients of chains that mix
// broadcasting, unary math, scalar ops, where, clip and add_n (a wrong `saves` or `inplace` shows
// up here as a wrong gradient).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose } from '../helpers.js';
import { symGradCheck } from '../executor/gradcheck.js';

const { sym } = mx;

test('test_scalarop through Symbol arithmetic: forward and gradient of 2 / (4 - ((1+x+1)*2/5) - 0.8 - (x != 0))', () => {
  const x = sym.Variable('x');
  const y = x.add(1).add(1).mul(2).div(5).rsub(4).sub(0.8).sub(sym._not_equal_scalar({ data: x, scalar: 0 })).rdiv(2);
  const exe = y.simpleBind({ shapes: { x: [3, 4] } });
  exe.argDict.x.set(5);
  const [out] = exe.forward({ isTrain: true });
  const u = 4 - ((1 + 5 + 1) * 2) / 5 - 0.8 - 1;
  assertClose(out.data, new Array(12).fill(2 / u), 1e-5, 1e-6, 'forward');
  exe.backward([new Float32Array(12).fill(1)]);
  assertClose(exe.gradDict.x.data, new Array(12).fill((-2 / (u * u)) * (-2 / 5)), 1e-4, 1e-5, 'gradient');
  exe.dispose();
});

test('graph gradients: broadcasting + unary chain + scalar ops + add_n', () => {
  const a = sym.Variable('a'), b = sym.Variable('b'), c = sym.Variable('c');
  const t = sym.tanh({ data: sym.broadcast_add({ lhs: sym.broadcast_mul({ lhs: a, rhs: b }), rhs: c }) });
  const s = sym.elemwise_mul({ lhs: t, rhs: sym.sigmoid({ data: a }) });
  const e = sym.exp({ data: sym._mul_scalar({ data: s, scalar: 0.5 }) });
  const n = sym.add_n(e, s, a, { num_args: 3 });
  const q = sym.sqrt({ data: sym._plus_scalar({ data: sym.square({ data: n }), scalar: 1 }) });
  const net = sym.broadcast_div({ lhs: q, rhs: sym.broadcast_hypot({ lhs: c, rhs: b }) });
  symGradCheck(net, { a: [3, 4], b: [1, 4], c: [3, 1] }).dispose();
});

test('graph gradients: where / clip / maximum / power / log / reciprocal / sin', () => {
  const a = sym.Variable('a'), b = sym.Variable('b');
  const pos = sym._plus_scalar({ data: sym.abs({ data: a }), scalar: 0.5 });
  const w = sym.where({ condition: sym._greater_scalar({ data: b, scalar: 0 }), x: sym.log({ data: pos }), y: sym.reciprocal({ data: pos }) });
  const m = sym._maximum({ lhs: w, rhs: sym.clip({ data: b, a_min: -0.4, a_max: 0.3 }) }); // bounds away from the seeded b
  const p = sym.broadcast_power({ lhs: pos, rhs: sym._rdiv_scalar({ data: sym._plus_scalar({ data: sym.square({ data: b }), scalar: 1 }), scalar: 2 }) });
  const net = sym.elemwise_add({ lhs: sym.elemwise_sub({ lhs: m, rhs: p }), rhs: sym.sin({ data: a }) });
  symGradCheck(net, { a: [2, 5], b: [2, 5] }).dispose();
});

test('graph: BlockGrad passes values but no gradient; comparisons give none either', () => {
  const a = sym.Variable('a');
  const net = sym.elemwise_add({ lhs: sym._mul_scalar({ data: a, scalar: 3 }), rhs: sym.elemwise_mul({ lhs: sym.BlockGrad({ data: sym.exp({ data: a }) }), rhs: sym._greater_scalar({ data: a, scalar: 0 }) }) });
  const exe = net.simpleBind({ shapes: { a: [5] } });
  exe.argDict.a.set([-1, -0.5, 0, 0.5, 1]);
  const [y] = exe.forward({ isTrain: true });
  assertClose(y.data, [-3, -1.5, 0, 1.5 + Math.exp(0.5), 3 + Math.E], 1e-6, 1e-6);
  exe.backward([new Float32Array(5).fill(1)]);
  assert.equal(Array.from(exe.gradDict.a.data), [3, 3, 3, 3, 3]);
  exe.dispose();
});

test('graph: in-place chains give the same values as imperative calls', () => {
  const x = sym.Variable('x');
  const net = sym.relu({ data: sym._minus_scalar({ data: sym.negative({ data: sym.expm1({ data: x }) }), scalar: -0.25 }) });
  const exe = net.simpleBind({ shapes: { x: [4, 9] } });
  const xs = Array.from({ length: 36 }, (_, i) => (i - 18) / 10);
  exe.argDict.x.set(xs);
  const [y] = exe.forward();
  assertClose(y.data, xs.map((v) => Math.max(-Math.expm1(v) + 0.25, 0)), 2e-6, 1e-7);
  assert.is(y.shape.join(), '4,9');
  exe.dispose();
});

test.run();
