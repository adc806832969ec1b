// erf and hard_sigmoid (added for ONNX Erf / HardSigmoid): forward vs the scalar reference at odd
// sizes, batch 1 and > 1, and finite-difference gradients.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose, gradCheck, invoke, SIZES } from '../helpers.js';
import { erf } from '../../src/reference/nn.js';

test('erf forward vs reference at every size', () => {
  for (const n of SIZES) {
    const x = randArray(n, n + 3, -5, 5);
    const [y] = invoke('erf', [mx.nd.array(x)], {});
    assertClose(y.toTypedArray(), Array.from(x, erf), 1e-6, 1e-6, `erf n=${n}`);
    y.dispose();
  }
});

test('erf gradient', () => {
  for (const s of [[1, 5], [3, 7]]) gradCheck('erf', [mx.nd.array(randArray(s[0] * s[1], 4, -2, 2), { shape: s })]);
});

test('hard_sigmoid forward (defaults and given alpha, beta) and gradient', () => {
  for (const [alpha, beta] of [[0.2, 0.5], [1 / 6, 0.5], [0.7, -0.1]]) {
    for (const s of [[1, 9], [4, 17]]) {
      const x = randArray(s[0] * s[1], 5, -6, 6);
      const [y] = invoke('hard_sigmoid', [mx.nd.array(x, { shape: s })], { alpha, beta });
      assertClose(y.toTypedArray(), Array.from(x, (v) => Math.max(0, Math.min(1, alpha * v + beta))), 1e-6, 1e-7);
      assert.equal(y.shape, s);
    }
  }
  const x = randArray(21, 6, -4, 4).map((v) => (Math.abs(0.2 * v + 0.5) < 0.05 || Math.abs(0.2 * v - 0.5) < 0.05 ? v + 0.5 : v));
  gradCheck('hard_sigmoid', [mx.nd.array(x, { shape: [3, 7] })], {});
});

test.run();
