// MXNet semantics found missing by an independent operator suite (issue 14): SoftmaxOutput out_grad=True, backward
// after an inference forward (is_train=False), batch_dot on N-D inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose, gradCheck } from '../helpers.js';

const arr = (shape: number[], seed: number) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed), { shape });

test('SoftmaxOutput out_grad=True: the gradient is (p - onehot) * head gradient; without it the head gradient is ignored', () => {
  const data = mx.sym.Variable('data');
  for (const outGrad of [true, false]) {
    const net = mx.sym.SoftmaxOutput({ data, out_grad: outGrad, name: 'sm' });
    const exe = net.simpleBind({ shapes: { data: [2, 3] }, gradReq: { data: 'write', sm_label: 'null' } });
    const x = randArray(6, 3), hg = new Float32Array([1, 2, 3, -1, 0.5, 4]);
    const [p] = exe.forward({ isTrain: true, data: x, sm_label: [2, 0] });
    const probs = Array.from(p.data);
    exe.backward(outGrad ? [hg] : undefined);
    const want = probs.map((v, i) => (v - (i === 2 || i === 3 ? 1 : 0)) * (outGrad ? hg[i] : 1));
    assertClose(exe.gradDict.data.data, want, 1e-5, 1e-6, `out_grad ${outGrad}`);
    if (outGrad) assert.throws(() => exe.backward(), /head gradient is required/);
    exe.dispose();
  }
});

test('backward after an inference forward: BatchNorm through the moving statistics, Dropout identity, RReLU mean slope', () => {
  const data = mx.sym.Variable('data');
  const bn = mx.sym.BatchNorm({ data, fix_gamma: false, eps: 1e-3, name: 'bn' });
  const net = mx.sym.LeakyReLU({ data: mx.sym.Dropout({ data: bn, p: 0.5 }), act_type: 'rrelu', lower_bound: 0.1, upper_bound: 0.3, name: 'rr' });
  const exe = net.simpleBind({ shapes: { data: [2, 3] } });
  exe.argDict.bn_gamma.set([1, 2, 3]); exe.argDict.bn_beta.set([0, -1, 1]);
  exe.auxDict.bn_moving_mean.set([0.5, -0.5, 0]); exe.auxDict.bn_moving_var.set([1, 4, 0.25]);
  const x = randArray(6, 9, -2, 2), g = [1, 2, 3], b = [0, -1, 1], mm = [0.5, -0.5, 0], mv = [1, 4, 0.25];
  const [y] = exe.forward({ isTrain: false, data: x });
  const z = Array.from(x, (v, i) => (v - mm[i % 3]) / Math.sqrt(mv[i % 3] + 1e-3) * g[i % 3] + b[i % 3]);
  assertClose(y.data, z.map((v) => (v > 0 ? v : 0.2 * v)), 1e-5, 1e-5, 'inference forward');
  const hg = randArray(6, 10);
  exe.backward([hg]);
  const dx = Array.from(hg, (h, i) => h * (z[i] > 0 ? 1 : 0.2) * g[i % 3] / Math.sqrt(mv[i % 3] + 1e-3));
  assertClose(exe.gradDict.data.data, dx, 1e-4, 1e-5, 'dx through the moving statistics');
  const dg = [0, 0, 0];
  hg.forEach((h, i) => { dg[i % 3] += h * (z[i] > 0 ? 1 : 0.2) * (x[i] - mm[i % 3]) / Math.sqrt(mv[i % 3] + 1e-3); });
  assertClose(exe.gradDict.bn_gamma.data, dg, 1e-4, 1e-5, 'dgamma');
  exe.forward({ isTrain: true, data: x }); exe.backward([hg]); // the training program still works after it
  exe.dispose();
});

test('batch_dot on N-D inputs (MXNet 1.6+): equal leading dimensions, all transposes, gradients', () => {
  let seed = 200;
  for (const lead of [[2, 3], [1, 2, 2], [3, 1]]) {
    for (const tA of [false, true]) for (const tB of [false, true]) {
      const M = 3, K = 4, N = 5, B = lead.reduce((a, c) => a * c, 1);
      const a = arr([...lead, ...(tA ? [K, M] : [M, K])], seed++), b = arr([...lead, ...(tB ? [N, K] : [K, N])], seed++);
      const c = mx.nd.batch_dot(a, b, { transpose_a: tA, transpose_b: tB });
      assert.equal(c.shape, [...lead, M, N]);
      const a3 = a.reshape([B, ...a.shape.slice(-2)]), b3 = b.reshape([B, ...b.shape.slice(-2)]);
      const c3 = mx.nd.batch_dot(a3, b3, { transpose_a: tA, transpose_b: tB });
      assertClose(c.data, c3.data, 0, 0, `${lead} ${tA} ${tB}`);
      for (const x of [a, b, c, a3, b3, c3]) x.dispose();
    }
  }
  gradCheck('batch_dot', [arr([2, 2, 3, 4], 1), arr([2, 2, 4, 5], 2)]);
  gradCheck('batch_dot', [arr([2, 1, 4, 3], 3), arr([2, 1, 5, 4], 4)], { transpose_a: true, transpose_b: true });
  assert.throws(() => mx.nd.batch_dot(arr([2, 3, 3, 4], 5), arr([3, 2, 4, 5], 6)), /batch_dot.*batch dimensions differ/);
  assert.throws(() => mx.nd.batch_dot(arr([2, 3, 4], 5), arr([2, 1, 4, 5], 6)), /batch_dot.*same number/);
});

test.run();
