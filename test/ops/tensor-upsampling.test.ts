// UpSampling sample_type bilinear (MXNet: a per-channel Deconvolution, kernel 2s - s%2, stride s, pad ceil((s-1)/2))
// vs a direct scatter formula; mx.init.Bilinear; gradients; the auto-created weight and its bilinear init; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, gradCheck, invoke, assertClose } from '../helpers.js';

const nd = (shape: number[], seed = 1) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed)).reshape(shape);

/** y[n,c,oy,ox] = sum over inputs (iy, ix) and kernel taps (ky, kx) with oy = iy*s - p + ky (and ox alike) of x * w[c,0,ky,kx]. */
function refBilinear(x: Float32Array, w: Float32Array, [N, C, H, W]: number[], s: number): Float64Array {
  const k = 2 * s - (s % 2), p = Math.ceil((s - 1) / 2), Ho = H * s, Wo = W * s, y = new Float64Array(N * C * Ho * Wo);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let iy = 0; iy < H; iy++) for (let ix = 0; ix < W; ix++) {
    const v = x[((n * C + c) * H + iy) * W + ix];
    for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      const oy = iy * s - p + ky, ox = ix * s - p + kx;
      if (oy >= 0 && oy < Ho && ox >= 0 && ox < Wo) y[((n * C + c) * Ho + oy) * Wo + ox] += v * w[(c * k + ky) * k + kx];
    }
  }
  return y;
}

const attrs = (s: number, C: number) => ({ scale: s, sample_type: 'bilinear', num_filter: C, num_args: 2 });

for (const [N, C, H, W, s] of [[1, 1, 1, 1, 2], [1, 3, 5, 7, 2], [3, 2, 4, 3, 3], [2, 5, 3, 6, 4], [1, 4, 13, 11, 2]]) {
  test(`UpSampling bilinear forward vs direct formula: (${N},${C},${H},${W}) scale ${s}`, () => {
    const k = 2 * s - (s % 2), x = nd([N, C, H, W], 3), w = nd([C, 1, k, k], 4);
    const [y] = invoke('UpSampling', [x, w], attrs(s, C));
    assert.equal(y.shape, [N, C, H * s, W * s]);
    assertClose(y.data, refBilinear(x.data as Float32Array, w.data as Float32Array, [N, C, H, W], s), 1e-5, 1e-5);
  });
}

test('mx.init.Bilinear: MXNet\'s kernel (scale 2: outer product of 0.25 0.75 0.75 0.25)', () => {
  const w = mx.nd.zeros([2, 1, 4, 4]);
  new mx.init.Bilinear().call('up_weight', w);
  const v = [0.25, 0.75, 0.75, 0.25], want: number[] = [];
  for (let c = 0; c < 2; c++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) want.push(v[i] * v[j]);
  assertClose(w.data, want, 1e-7, 1e-7);
  const w3 = mx.nd.zeros([1, 1, 5, 5]);
  mx.init.create('["bilinear", {}]').initWeight('w', w3);
  // scale 3 (kernel 5): f = 3, c = 4/6, row weights 1 - |x/3 - 2/3|.
  const r = [0, 1, 2, 3, 4].map((x) => 1 - Math.abs(x / 3 - 2 / 3));
  assertClose(w3.data, r.flatMap((a) => r.map((b) => a * b)), 1e-6, 1e-7);
});

test('UpSampling bilinear with the Bilinear kernel interpolates: a linear ramp stays linear inside, a constant stays constant', () => {
  const C = 2, H = 6, W = 7, s = 2, w = mx.nd.zeros([C, 1, 4, 4]);
  new mx.init.Bilinear().call('up_weight', w);
  const ramp = mx.nd.array(Array.from({ length: C * H * W }, (_, i) => (i % W) * 2 + 1)).reshape([1, C, H, W]);
  const [y] = invoke('UpSampling', [ramp, w], attrs(s, C));
  const Wo = W * s, Ho = H * s, d = y.data;
  // Away from the borders, consecutive outputs of a row step by half the input step (2 / 2 = 1).
  for (let oy = 2; oy < Ho - 2; oy++) for (let ox = 2; ox < Wo - 3; ox++) assert.ok(Math.abs(d[oy * Wo + ox + 1] - d[oy * Wo + ox] - 1) < 1e-5, `row ${oy} col ${ox}`);
  const [c] = invoke('UpSampling', [mx.nd.full([1, C, H, W], 3), w], attrs(s, C));
  for (let oy = 1; oy < Ho - 1; oy++) for (let ox = 1; ox < Wo - 1; ox++) assert.ok(Math.abs(c.data[oy * Wo + ox] - 3) < 1e-5);
});

test('UpSampling bilinear gradients (data and weight) against finite differences', () => {
  gradCheck('UpSampling', [nd([2, 2, 3, 4], 5), nd([2, 1, 4, 4], 6)], attrs(2, 2));
  gradCheck('UpSampling', [nd([1, 3, 3, 2], 7), nd([3, 1, 5, 5], 8)], attrs(3, 3));
});

test('mx.sym.UpSampling bilinear creates <name>_weight with the bilinear init, and trains in a Module', () => {
  const data = mx.sym.Variable('data');
  const up = mx.sym.UpSampling({ data, scale: 2, sample_type: 'bilinear', num_filter: 3, num_args: 2, name: 'up' });
  const net = mx.sym.LinearRegressionOutput({ data: mx.sym.Flatten({ data: up }), name: 'lro' });
  assert.equal(up.listArguments(), ['data', 'up_weight']);
  const inf = net.inferShape({ data: [2, 3, 4, 5] });
  assert.equal(inf.argShapes[1], [3, 1, 4, 4]);
  assert.equal(inf.outShapes[0], [2, 3 * 8 * 10]);
  const mod = new mx.mod.Module({ symbol: net, labelNames: ['lro_label'], logger: () => {} });
  mod.bind({ dataShapes: [['data', [2, 3, 4, 5]]], labelShapes: [['lro_label', [2, 240]]] });
  mod.initParams({ initializer: new mx.init.Xavier() });
  const w = mod.getParams()[0].up_weight;
  assertClose(w.data.subarray(0, 4), [0.0625, 0.1875, 0.1875, 0.0625], 1e-7, 1e-7); // the __init__ hint beats Xavier
  mod.initOptimizer({ optimizer: 'sgd', optimizerParams: { learning_rate: 0.01 } });
  const batch = new mx.io.DataBatch({ data: [nd([2, 3, 4, 5], 9)], label: [mx.nd.zeros([2, 240])] });
  mod.forwardBackward(batch);
  mod.update();
  const w2 = mod.getParams()[0].up_weight;
  assert.ok(Array.from(w2.data).some((v, i) => Math.abs(v - w.data[i]) > 1e-6), 'the weight was updated');
});

test('UpSampling bilinear errors name the op and node', () => {
  const x = nd([1, 3, 4, 4]), w = nd([3, 1, 4, 4]);
  assert.throws(() => invoke('UpSampling', [x, w], { ...attrs(2, 2) }, { node: 'up1' }), (e: Error) => /up1/.test(e.message) && /num_filter \(2\) must equal the channels of data \(3\)/.test(e.message));
  assert.throws(() => invoke('UpSampling', [x, w], { ...attrs(2, 3), num_args: 1 }, { node: 'up1' }), (e: Error) => /up1/.test(e.message) && /num_args = 2/.test(e.message));
  assert.throws(() => invoke('UpSampling', [x, nd([3, 1, 3, 3])], attrs(2, 3), { node: 'up1' }), (e: Error) => /up1/.test(e.message) && /weight/.test(e.message));
  assert.throws(() => invoke('UpSampling', [x, w], { scale: 2, sample_type: 'bilinear', num_args: 2 }, { node: 'up1' }), /num_filter/);
});

test.run();
