// _foreach (mx.sym.contrib.foreach): forward vs a plain loop, gradients vs finite differences, JSON with subgraphs,
// the NDArray version, and errors naming node and op.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, expectMx } from '../helpers.js';
import { fdCheck, fill } from './control-helpers.js';

const S = mx.sym;
/** An RNN cell as a foreach body: s' = tanh(fc(x) + s); outputs s' * 2 and s'. */
function rnn(name = 'fc') {
  const data = S.Variable('data'), h0 = S.Variable('h0');
  const [outs, [h]] = S.contrib.foreach((x: any, [s]: any) => {
    const n = S.tanh(S.broadcast_add(S.FullyConnected({ data: x, num_hidden: 3, name }), s));
    return [S._mul_scalar(n, { scalar: 2 }), [n]];
  }, data, [h0]);
  return S.Group([outs, h]);
}
/** The same loop in plain JS. */
function rnnRef(x: Float32Array, h0: Float32Array, w: Float32Array, b: Float32Array, T: number, N: number, I: number) {
  const H = 3, outs = new Float32Array(T * N * H);
  let s = Float64Array.from(h0);
  for (let t = 0; t < T; t++) {
    const n = new Float64Array(N * H);
    for (let i = 0; i < N; i++) for (let j = 0; j < H; j++) {
      let a = b[j];
      for (let k = 0; k < I; k++) a += x[(t * N + i) * I + k] * w[j * I + k];
      n[i * H + j] = Math.tanh(a + s[i * H + j]);
      outs[(t * N + i) * H + j] = 2 * n[i * H + j];
    }
    s = n;
  }
  return { outs, h: Float32Array.from(s) };
}

for (const [T, N, I] of [[1, 1, 1], [4, 3, 5], [7, 2, 17]]) {
  test(`foreach forward = a plain loop (T ${T}, batch ${N}, in ${I})`, () => {
    const net = rnn(), shapes = { data: [T, N, I], h0: [N, 3] };
    assert.equal(net.inferShape(shapes).outShapes, [[T, N, 3], [N, 3]]);
    assert.equal(net.listArguments(), ['data', 'h0', 'fc_weight', 'fc_bias']);
    const exe = net.simpleBind({ shapes, gradReq: 'null' });
    fill(exe, 3);
    const [o, h] = exe.forward();
    const a = exe.argDict, r = rnnRef(a.data.data as Float32Array, a.h0.data as Float32Array, a.fc_weight.data as Float32Array, a.fc_bias.data as Float32Array, T, N, I);
    assertClose(o.data, r.outs, 1e-5, 1e-6, 'outputs');
    assertClose(h.data, r.h, 1e-5, 1e-6, 'state');
    exe.dispose();
  });
}

test('foreach gradients = finite differences (data, state, weights; batch 1 and 3)', () => {
  for (const N of [1, 3]) fdCheck(rnn(), { data: [4, N, 5], h0: [N, 3] }, 11 + N);
});

test('foreach with two data inputs, two states and an outer value read in the body', () => {
  const a = S.Variable('a'), b = S.Variable('b'), s0 = S.Variable('s0'), s1 = S.Variable('s1'), bias = S.Variable('bias');
  const outer = S.exp(bias);
  const [outs, states] = S.contrib.foreach(([x, y]: any, [p, q]: any) => {
    const z = S.broadcast_add(S.elemwise_mul(x, y), S.broadcast_mul(p, outer));
    return [[z, S.sin(q)], [z, S.elemwise_add(q, x)]];
  }, [a, b], [s0, s1]);
  const net = S.Group([...outs, ...states]);
  const shapes = { a: [5, 4], b: [5, 4], s0: [4], s1: [4], bias: [4] };
  assert.equal(net.inferShape(shapes).outShapes, [[5, 4], [5, 4], [4], [4]]);
  const exe = net.simpleBind({ shapes, gradReq: 'null' });
  fill(exe, 5);
  const r = exe.forward().map((x) => Array.from(x.data));
  const v = (k: string) => Array.from(exe.argDict[k].data);
  let p = v('s0'), q = v('s1');
  const ob = v('bias').map(Math.exp), A = v('a'), B = v('b'), z1: number[] = [], z2: number[] = [];
  for (let t = 0; t < 5; t++) {
    const z = p.map((pi, i) => A[t * 4 + i] * B[t * 4 + i] + pi * ob[i]);
    z1.push(...z); z2.push(...q.map(Math.sin));
    q = q.map((qi, i) => qi + A[t * 4 + i]); p = z;
  }
  assertClose(r[0], z1, 1e-5, 1e-6, 'out 0'); assertClose(r[1], z2, 1e-5, 1e-6, 'out 1');
  assertClose(r[2], p, 1e-5, 1e-6, 'state 0'); assertClose(r[3], q, 1e-5, 1e-6, 'state 1');
  fdCheck(net, shapes, 9);
});

test('foreach JSON keeps the body in the node\'s subgraphs (MXNet layout) and loads back', () => {
  const net = rnn('cell'), js = net.toJSON(), j = JSON.parse(js);
  const node = j.nodes.find((n: any) => n.op === '_foreach');
  assert.ok(node.subgraphs?.length === 1, 'one subgraph');
  assert.equal(Object.keys(node), ['op', 'name', 'attrs', 'inputs', 'subgraphs']);
  assert.equal(node.attrs.in_data_locs, '[0]');
  assert.equal(node.attrs.num_args, '5');
  assert.ok(!('attrs' in node.subgraphs[0]), 'a subgraph has no graph attrs');
  const back = mx.sym.fromJSON(js);
  assert.equal(back.toJSON(), js);
  const shapes = { data: [3, 2, 4], h0: [2, 3] };
  const e1 = net.simpleBind({ shapes, gradReq: 'null' }), e2 = back.simpleBind({ shapes, gradReq: 'null' });
  fill(e1, 4); e2.copyParamsFrom(e1.argDict);
  assertClose(e2.forward()[0].data, e1.forward()[0].data, 0, 0, 'same outputs');
});

test('mx.nd.contrib.foreach equals the Symbol version, and records gradients', () => {
  const x = mx.nd.array(randArray(12, 3), { dtype: 'float32' }).reshape([4, 3]), s0 = mx.nd.array(randArray(3, 4));
  const body = (d: any, [s]: any) => { const n = mx.nd.tanh(d.add(s)); return [n.mul(3), [n]] as any; };
  const [o, [h]] = mx.nd.contrib.foreach(body, x, [s0]);
  const [so, [sh]] = S.contrib.foreach((d: any, [s]: any) => { const n = S.tanh(S.elemwise_add(d, s)); return [S._mul_scalar(n, { scalar: 3 }), [n]]; }, S.Variable('x'), [S.Variable('s0')]);
  const exe = S.Group([so, sh]).simpleBind({ shapes: { x: [4, 3], s0: [3] }, gradReq: 'null' });
  const r = exe.forward({ x: x.data, s0: s0.data });
  assertClose(o.data, r[0].data, 1e-6, 1e-7, 'outputs'); assertClose(h.data, r[1].data, 1e-6, 1e-7, 'state');
  x.attachGrad();
  mx.autograd.record(() => { const [oo] = mx.nd.contrib.foreach(body, x, [s0]); oo.sum().backward(); });
  assert.ok(x.grad && (x.grad.data as Float32Array).some((v) => v !== 0), 'gradient reached the data');
});

test('malformed _foreach nodes: MxErrors naming node and op', () => {
  expectMx(() => (S as any)._foreach(S.Variable('a'), { num_args: 2, num_outputs: 1, num_out_data: 1, in_state_locs: [], in_data_locs: [0], name: 'f1' }).inferShape({ a: [2, 3] }),
    'no subgraph', /f1.*_foreach.*subgraph/);
  const j = JSON.parse(rnn().toJSON());
  const node = j.nodes.find((n: any) => n.op === '_foreach');
  node.attrs.in_data_locs = '[7]';
  expectMx(() => mx.sym.fromJSON(j).inferShape({ data: [2, 1, 3], h0: [1, 3] }), 'bad locs', /_foreach\d+ \(_foreach\).*in_data_locs/);
  node.subgraphs = 'x';
  expectMx(() => mx.sym.fromJSON(j), 'subgraphs not a list', /subgraphs/);
  expectMx(() => S.contrib.foreach((x: any) => [S.sin(x), [S.cos(x)]], S.Variable('d'), [S.Variable('s')]), 'state not used', /not used/);
});

test.run();
