// Control flow exported: _foreach and _while_loop → ONNX Loop, _cond → If; outputs on onnxruntime-web equal mxwasm's
// (opsets 11, 13, 16), and the exported foreach / cond import back to the same outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ortRun, mxRun, rnd, fileSeed } from './oracle.js';
import { mx, assertClose } from '../helpers.js';

fileSeed(test, 'export-control');
const S = mx.sym;

/** Runs `net` in mxwasm with `feeds` and params, exports it, runs it on onnxruntime; outputs must agree. */
async function roundTrip(net: any, shapes: Record<string, number[]>, params: Record<string, number[]>, feeds: Record<string, Float32Array>, what: string, back = false) {
  const exe = net.simpleBind({ shapes: { ...shapes, ...params }, gradReq: 'null' });
  for (const [k, v] of Object.entries(params)) exe.argDict[k].data.set(rnd(v));
  for (const [k, v] of Object.entries(feeds)) exe.argDict[k].data.set(v);
  const want = exe.forward().map((o: any) => Float32Array.from(o.data));
  const argParams = Object.fromEntries(Object.keys(params).map((k) => [k, exe.argDict[k]]));
  for (const opset of [11, 13, 16]) {
    const bytes = mx.onnx.exportModel(net, { argParams }, shapes, { opset });
    const got = await ortRun(bytes, Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { data: v, dims: shapes[k] }])));
    assert.is(got.length, want.length, `${what} ${opset}: outputs`);
    got.forEach((g, i) => assertClose(g, want[i], 1e-4, 1e-5, `${what} opset ${opset} output ${i}`));
    if (back) mxRun(bytes, Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { data: v, dims: shapes[k] }]))).forEach((g, i) => assertClose(g, want[i], 1e-4, 1e-5, `${what} back ${i}`));
  }
  exe.dispose();
}

test('foreach (an RNN cell with a weight, two states, a 1-d data input) → Loop', async () => {
  const [outs, [h, k]] = S.contrib.foreach(([x, t]: any, [s, q]: any) => {
    const n = S.tanh(S.broadcast_add(S.FullyConnected({ data: x, num_hidden: 4, name: 'cell' }), s));
    return [[n, S.broadcast_mul(q, t)], [n, S.broadcast_add(q, t)]];
  }, [S.Variable('x'), S.Variable('t')], [S.Variable('h0'), S.Variable('q0')]);
  const net = S.Group([...outs, h, k]);
  await roundTrip(net, { x: [5, 2, 3], t: [5], h0: [2, 4], q0: [1] }, { cell_weight: [4, 3], cell_bias: [4] },
    { x: rnd([5, 2, 3]), t: rnd([5]), h0: rnd([2, 4]), q0: rnd([1]) }, 'foreach', true);
});

test('cond → If, both ways (an outer weight in one branch)', async () => {
  const a = S.Variable('a'), w = S.Variable('w'), t = S.Variable('t');
  const y = S.contrib.cond(S.broadcast_lesser(S.sum(a), t), () => S.broadcast_mul(a, w), () => S.sin(S._plus_scalar(a, { scalar: 1 })));
  for (const thr of [100, -100]) {
    await roundTrip(S.Group([y, S.exp(a)]), { a: [2, 3], t: [1] }, { w: [2, 3] }, { a: rnd([2, 3]), t: Float32Array.from([thr]) }, `cond ${thr}`, true);
  }
});

test('while_loop → Loop (cond before the loop and at the end of the body; step outputs padded to max_iterations)', async () => {
  const i = S.Variable('i'), s = S.Variable('s'), x = S.Variable('x'), n = S.Variable('n');
  const [[o], [iF, sF]] = S.contrib.while_loop((p: any) => S.broadcast_lesser(p, n), (p: any, q: any) => [[S.identity(q)], [S._plus_scalar(p, { scalar: 1 }), S.broadcast_add(S._mul_scalar(q, { scalar: 0.5 }), x)]],
    [i, s], 6);
  const net = S.Group([o, iF, sF]);
  for (const stop of [0, 2, 9]) {
    await roundTrip(net, { i: [1], s: [2, 3], x: [2, 3], n: [1] }, {}, { i: Float32Array.from([0]), s: rnd([2, 3]), x: rnd([2, 3]), n: Float32Array.from([stop]) }, `while ${stop}`);
  }
});

test.run();
