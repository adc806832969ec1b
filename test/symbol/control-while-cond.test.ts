// _while_loop and _cond (mx.sym.contrib.while_loop / cond): forward vs plain JS, padding, the NDArray versions,
// JSON round trips, cond's gradient, and errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, expectMx } from '../helpers.js';
import { fdCheck, fill } from './control-helpers.js';

const S = mx.sym;
/** while i < n: out = s; i += 1; s = s * 0.5 + x (n read from outside the loop). */
function loop(max: number) {
  const i = S.Variable('i'), s = S.Variable('s'), x = S.Variable('x'), n = S.Variable('n');
  const [[out], [iF, sF]] = S.contrib.while_loop((a: any) => S.broadcast_lesser(a, n), (a: any, b: any) => [[S.identity(b)], [S._plus_scalar(a, { scalar: 1 }), S.broadcast_add(S._mul_scalar(b, { scalar: 0.5 }), x)]], [i, s], max);
  return S.Group([out, iF, sF]);
}

for (const [n, max] of [[0, 4], [3, 5], [5, 5], [9, 6]]) {
  test(`while_loop runs min(n, max) iterations and pads with zeros (n ${n}, max ${max})`, () => {
    const net = loop(max), shapes = { i: [1], s: [2, 3], x: [2, 3], n: [1] };
    assert.equal(net.inferShape(shapes).outShapes, [[max, 2, 3], [1], [2, 3]]);
    const exe = net.simpleBind({ shapes, gradReq: 'null' });
    fill(exe, 2);
    exe.argDict.i.data.set([0]); exe.argDict.n.data.set([n]);
    const [o, iF, sF] = exe.forward();
    const x = Array.from(exe.argDict.x.data);
    let s = Array.from(exe.argDict.s.data);
    const rows: number[] = [], k = Math.min(n, max);
    for (let t = 0; t < k; t++) { rows.push(...s); s = s.map((v, j) => Math.fround(v * 0.5) + x[j]); }
    for (let t = k; t < max; t++) rows.push(...new Array(6).fill(0));
    assertClose(o.data, rows, 1e-6, 1e-7, 'step outputs'); assert.equal(Array.from(iF.data), [k]); assertClose(sF.data, s, 1e-6, 1e-7, 'final s');
    const [[no], [ni, ns]] = mx.nd.contrib.while_loop((a: any) => mx.nd.broadcast_lesser(a, exe.argDict.n), (a: any, b: any) => [[b.mul(1)], [a.add(1), b.mul(0.5).add(exe.argDict.x)]],
      [exe.argDict.i, mx.nd.array(Array.from(exe.argDict.s.data)).reshape([2, 3])], max);
    if (k) assertClose(no.data, o.data, 1e-6, 1e-7, 'nd outputs'); else assert.is(no, undefined, 'no step: no outputs (MXNet)'); assert.equal(Array.from(ni.data), [k]); assertClose(ns.data, sF.data, 1e-6, 1e-7, 'nd s');
    exe.dispose();
  });
}

test('while_loop JSON: two subgraphs, cond/func locs; loads back to the same outputs', () => {
  const net = loop(4), js = net.toJSON(), node = JSON.parse(js).nodes.find((q: any) => q.op === '_while_loop');
  assert.is(node.subgraphs.length, 2);
  assert.equal(Object.keys(node.attrs).filter((k) => !k.startsWith('__')).sort(), ['cond_input_locs', 'func_input_locs', 'func_var_locs', 'max_iterations', 'num_args', 'num_out_data', 'num_outputs']);
  const back = mx.sym.fromJSON(js);
  assert.equal(back.toJSON(), js);
  const shapes = { i: [1], s: [2], x: [2], n: [1] };
  const e1 = net.simpleBind({ shapes, gradReq: 'null' }), e2 = back.simpleBind({ shapes, gradReq: 'null' });
  fill(e1, 6); e1.argDict.n.data.set([3]); e1.argDict.i.data.set([0]); e2.copyParamsFrom(e1.argDict);
  assertClose(e2.forward()[0].data, e1.forward()[0].data, 0, 0, 'same outputs');
});

test('while_loop gradients = finite differences (2 and 4 iterations, step outputs and final variables)', () => {
  for (const n of [2.5, 4.5]) fdCheck(loop(5), { i: [1], s: [2, 3], x: [2, 3], n: [1] }, 3, 12, 1e-2, (exe) => { exe.argDict.i.data.set([0]); exe.argDict.n.data.set([n]); });
});

/** cond(sum(a) < t, a * w, a + 1) with w and t from outside. */
function branch() {
  const a = S.Variable('a'), w = S.Variable('w'), t = S.Variable('t');
  return S.contrib.cond(S.broadcast_lesser(S.sum(a), t), () => S.broadcast_mul(a, w), () => S.sin(S._plus_scalar(a, { scalar: 1 })));
}

test('cond runs the branch its condition selects (both ways), nd version too', () => {
  const net = branch(), shapes = { a: [2, 3], w: [2, 3], t: [1] };
  for (const thr of [100, -100]) {
    const exe = net.simpleBind({ shapes, gradReq: 'null' });
    fill(exe, 8); exe.argDict.t.data.set([thr]);
    const a = Array.from(exe.argDict.a.data as Float32Array), w = Array.from(exe.argDict.w.data as Float32Array);
    const want = thr > 0 ? a.map((v, i) => v * w[i]) : a.map((v) => Math.sin(Math.fround(v + 1)));
    assertClose(exe.forward()[0].data, want, 1e-6, 1e-7, `threshold ${thr}`);
    const nd = mx.nd.contrib.cond(mx.nd.array([a.reduce((p, v) => p + v, 0) < thr ? 1 : 0]), () => exe.argDict.a.mul(exe.argDict.w), () => mx.nd.sin(exe.argDict.a.add(1))) as any;
    assertClose(nd.data, want, 1e-6, 1e-7, `nd ${thr}`);
    exe.dispose();
  }
});

test('cond gradients = finite differences in both branches', () => {
  for (const thr of [100, -100]) {
    const a = S.Variable('a'), w = S.Variable('w'), t = S.Variable('t');
    const y = S.contrib.cond(S.broadcast_lesser(S.sum(a), S._plus_scalar(t, { scalar: thr })), () => S.broadcast_mul(a, w), () => S.sin(S._plus_scalar(a, { scalar: 1 })));
    fdCheck(y, { a: [3], w: [3], t: [1] }, 4);
  }
});

test('cond and while_loop errors name node and op', () => {
  expectMx(() => S.contrib.cond(S.sum(S.Variable('a')), () => [S.Variable('a'), S.Variable('a')], () => S.Variable('a')), 'output counts', /number of outputs/);
  const bad = S.contrib.cond(S.sum(S.Variable('a')), () => S.Variable('a'), () => S.sum(S.Variable('a')));
  expectMx(() => bad.inferShape({ a: [2, 3] }), 'branch shapes', /_cond\d+ \(_cond\).*same shapes/);
  expectMx(() => S.contrib.while_loop((i: any) => i, (i: any) => [[], [i]], [S.Variable('i')], 0), 'max_iterations', /max_iterations/);
  const j = JSON.parse(loop(3).toJSON());
  j.nodes.find((q: any) => q.op === '_while_loop').subgraphs.pop();
  expectMx(() => mx.sym.fromJSON(j).inferShape({ i: [1], s: [2], x: [2], n: [1] }), 'one subgraph', /_while_loop\d+ \(_while_loop\).*2 subgraphs/);
});

test.run();
