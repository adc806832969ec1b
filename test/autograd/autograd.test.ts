// mx.autograd: scopes and flags, attachGrad/backward/grad, 'add' accumulation, tape release, and gradients equal to
// the executor's on the same graphs (MLP, LeNet, a BatchNorm net), each graph run imperatively node by node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, invoke } from '../helpers.js';
import { mlp, lenet } from '../executor/nets.js';
import { dfsOrder, isVariable } from '../../src/graph/node.js';
import type { Symbol } from '../../src/symbol/symbol.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { nd, autograd } = mx;
const throwsMsg = (f: () => unknown, re: RegExp) => {
  try { f(); } catch (e) { assert.match((e as Error).message, re); return; }
  assert.unreachable(`expected an error matching ${re}`);
};

test('scopes: record/pause/trainMode/predictMode set and restore the flags (MXNet table)', () => {
  assert.is(autograd.isRecording(), false); assert.is(autograd.isTraining(), false);
  autograd.record(() => {
    assert.is(autograd.isRecording(), true); assert.is(autograd.isTraining(), true);
    autograd.pause(() => { assert.is(autograd.isRecording(), false); assert.is(autograd.isTraining(), false); });
    autograd.predictMode(() => { assert.is(autograd.isRecording(), true); assert.is(autograd.isTraining(), false); });
    assert.is(autograd.isTraining(), true);
  });
  autograd.record(() => assert.is(autograd.isTraining(), false), false);
  assert.is(autograd.record(() => 42), 42);
  assert.is(autograd.isRecording(), false); assert.is(autograd.isTraining(), false);
  try { autograd.record(() => { throw new Error('x'); }); } catch { /* flags restored */ }
  assert.is(autograd.isRecording(), false);
});

test('docstring example: z = exp(x) + x at x = 1 gives dz/dx = e + 1, by grad() and by backward()', () => {
  const x = nd.array([1, 2]);
  x.attachGrad();
  const z = autograd.record(() => nd.exp(x).add(x));
  const [dx] = autograd.grad(z, [x], { retainGraph: true });
  assertClose(dx.data, [Math.E + 1, Math.exp(2) + 1], 1e-6);
  assert.equal(Array.from(x.grad!.data), [0, 0]); // grad() leaves .grad alone
  z.backward();
  assertClose(x.grad!.data, [Math.E + 1, Math.exp(2) + 1], 1e-6);
  throwsMsg(() => z.backward(), /not in a computational graph.*retain_graph/);
});

test('fan-out sums, head gradient, add accumulation, detach, unreachable variables untouched', () => {
  const x = nd.array([1, 2, 3]), w = nd.array([5, 5, 5]);
  x.attachGrad(); w.attachGrad('add');
  const other = nd.array([1]); other.attachGrad(); other.grad!.set(7);
  for (let rep = 0; rep < 2; rep++) {
    const y = autograd.record(() => x.mul(x).add(x.mul(w)));
    y.backward(nd.array([1, 10, 100]));
  }
  assertClose(x.grad!.data, [1 * (2 + 5), 10 * (4 + 5), 100 * (6 + 5)]);
  assertClose(w.grad!.data, [2, 40, 600]); // two backward passes accumulated
  assert.equal(Array.from(other.grad!.data), [7]);
  const y2 = autograd.record(() => x.detach().mul(w).sum());
  throwsMsg(() => autograd.grad(y2, [x]), /not marked|no inputs/);
  const z = autograd.record(() => nd.array([1, 2]).mul(2));
  throwsMsg(() => z.backward(), /not in a computational graph/);
  assert.is(autograd.isRecording(), false);
});

test('ops outside record are not recorded; isTrain follows the scope (Dropout)', () => {
  const x = nd.ones([1000]); x.attachGrad();
  const y = x.mul(2);
  throwsMsg(() => y.backward(), /not in a computational graph/);
  const d = autograd.record(() => nd.Dropout(x, { p: 0.5 }));
  const zerosFrac = Array.from(d.data as Float32Array).filter((v) => v === 0).length / 1000;
  assert.ok(zerosFrac > 0.3 && zerosFrac < 0.7, `dropout active in record: ${zerosFrac}`);
  d.backward();
  const g = x.grad!.data, dd = d.data;
  for (let i = 0; i < 1000; i++) assert.is(g[i], dd[i]); // mask * 2 = output for x = 1
  const e = nd.Dropout(x, { p: 0.5 });
  assert.ok(Array.from(e.data as Float32Array).every((v) => v === 1), 'no dropout outside training');
});

/** Runs a symbol imperatively: every op node through invoke (so through the tape), in DFS order. */
function runImperative(s: Symbol, values: Record<string, NDArray>): NDArray[] {
  const vals = new Map<unknown, NDArray[]>();
  for (const n of dfsOrder(s.outputs)) {
    if (isVariable(n)) { vals.set(n, [values[n.name]]); continue; }
    const ins = n.inputs.map((e) => vals.get(e.node)![e.index]);
    vals.set(n, invoke(n.op, ins, n.dict, { node: n.name }));
  }
  return s.outputs.map((e) => vals.get(e.node)![e.index]);
}

function compareWithExecutor(net: Symbol, shapes: Record<string, number[]>, label: string, tol = 1e-6): void {
  const exe = net.simpleBind({ shapes, gradReq: 'write' });
  const names = net.listArguments(), auxNames = net.listAuxiliaryStates();
  const values: Record<string, NDArray> = {};
  names.forEach((n, i) => {
    const a = exe.argDict[n];
    if (n === label) { const d = a.data; for (let k = 0; k < d.length; k++) d[k] = k % 10; }
    else a.data.set(randArray(a.size, 11 + i, -0.5, 0.5));
    values[n] = a.copy();
    if (n !== label) values[n].attachGrad();
  });
  auxNames.forEach((n, i) => { exe.auxDict[n].data.set(randArray(exe.auxDict[n].size, 90 + i, 0.5, 1)); values[n] = exe.auxDict[n].copy(); });
  const outE = exe.forward({ isTrain: true });
  exe.backward();
  const [out] = autograd.record(() => runImperative(net, values));
  assertClose(out.data, outE[0].data, 1e-6, 1e-7, 'forward');
  out.backward();
  for (const n of names) {
    if (n === label || !exe.gradDict[n]) continue;
    assertClose(values[n].grad!.data, exe.gradDict[n].data, tol, tol, n);
  }
  for (const n of auxNames) assertClose(values[n].data, exe.auxDict[n].data, 1e-6, 1e-7, `aux ${n}`);
  exe.dispose();
}

test('gradients equal the executor\'s: MLP (batch 1 and 7)', () => {
  for (const b of [1, 7]) compareWithExecutor(mlp(16, 8), { data: [b, 20], softmax_label: [b] }, 'softmax_label');
});

test('gradients equal the executor\'s: LeNet', () => {
  compareWithExecutor(lenet({ f1: 4, f2: 6, hidden: 12 }), { data: [3, 1, 28, 28], softmax_label: [3] }, 'softmax_label');
});

test('gradients equal the executor\'s: a BatchNorm net (moving stats updated alike)', () => {
  const { sym } = mx;
  const data = sym.Variable('data');
  const c = sym.Convolution({ data, kernel: [3, 3], num_filter: 4, pad: [1, 1], name: 'c1' });
  const bn = sym.BatchNorm({ data: c, fix_gamma: false, name: 'bn1' });
  const r = sym.Activation({ data: bn, act_type: 'relu', name: 'r1' });
  const fc = sym.FullyConnected({ data: r, num_hidden: 5, name: 'fc' });
  const net = sym.SoftmaxOutput({ data: fc, name: 'softmax' });
  compareWithExecutor(net, { data: [4, 2, 6, 6], softmax_label: [4] }, 'softmax_label');
});

test('tape memory is released after backward; retainGraph keeps it', () => {
  const x = nd.array(randArray(4096, 3)); x.attachGrad();
  const before = mx.memoryStats().bytesInUse;
  let a: NDArray | undefined, b: NDArray | undefined;
  const y = autograd.record(() => { a = nd.tanh(x); b = nd.tanh(a); return b!.sum(); });
  a!.dispose(); b!.dispose(); // the tape still holds them for backward
  assert.ok(mx.memoryStats().bytesInUse - before >= 2 * 4096 * 4, 'tape holds the intermediates');
  y.backward(null, { retainGraph: true });
  const g1 = x.grad!.toTypedArray();
  y.backward();
  assertClose(x.grad!.data, g1);
  y.dispose();
  const held = mx.memoryStats().bytesInUse - before;
  assert.ok(held < 4096, `held ${held} bytes after backward`);
});

test.run();
