// Convolution forward/backward vs the direct-loop reference: odd sizes, batch 1 and 3, 1x1, stride 2, padding,
// dilation 2, groups 2, depthwise, 1-D; fused relu; MXNet's grouping and dilated impulse-response checks; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, invoke, invokeWithGrad, gradCheck } from '../helpers.js';
import { refConv, refConvBackward, refConvOut, type RefConvGeom } from '../../src/reference/conv.js';
import { convGeom } from '../../src/ops/conv/convolution.js';
import { setWinogradChunkBytes, winogradApplies, winogradDataGradGeom } from '../../src/ops/conv/winograd.js';
import { convPlan } from '../../src/ops/conv/plan.js';

const arr = (v: ArrayLike<number>, shape: number[]) => mx.nd.array(v, { shape });

interface Case { N: number; C: number; H: number; W: number; F: number; k: number[]; s?: number[]; p?: number[]; d?: number[]; G?: number; noBias?: boolean }

function setup(c: Case, seed = 1) {
  const nd = c.k.length, two = (v: number[] | undefined, dflt: number) => (v ? (nd === 1 ? [dflt, v[0]] : v) : [dflt, dflt]);
  const [kh, kw] = nd === 1 ? [1, c.k[0]] : c.k, [sh, sw] = two(c.s, 1), [ph, pw] = two(c.p, 0), [dh, dw] = two(c.d, 1);
  const G = c.G ?? 1;
  const g: RefConvGeom = { N: c.N, C: c.C, H: nd === 1 ? 1 : c.H, W: c.W, F: c.F, G, kh, kw, sh, sw, ph, pw, dh, dw };
  const xs = nd === 1 ? [c.N, c.C, c.W] : [c.N, c.C, c.H, c.W], ws = nd === 1 ? [c.F, c.C / G, kw] : [c.F, c.C / G, kh, kw];
  const x = randArray(c.N * c.C * g.H * c.W, seed), w = randArray(c.F * (c.C / G) * kh * kw, seed + 1), b = randArray(c.F, seed + 2);
  const attrs: Record<string, unknown> = { kernel: c.k, num_filter: c.F, num_group: G, no_bias: !!c.noBias };
  if (c.s) attrs.stride = c.s; if (c.p) attrs.pad = c.p; if (c.d) attrs.dilate = c.d;
  const ins = [arr(x, xs), arr(w, ws), ...(c.noBias ? [] : [arr(b, [c.F])])];
  const Ho = refConvOut(g.H, kh, sh, ph, dh), Wo = refConvOut(g.W, kw, sw, pw, dw);
  return { g, x, w, b, attrs, ins, Ho, Wo, outShape: nd === 1 ? [c.N, c.F, Wo] : [c.N, c.F, Ho, Wo] };
}

const CASES: [string, Case][] = [
  ['3x3 pad 1 batch 1', { N: 1, C: 3, H: 7, W: 9, F: 5, k: [3, 3], p: [1, 1] }],
  ['3x3 batch 3 no pad', { N: 3, C: 4, H: 8, W: 5, F: 6, k: [3, 3] }],
  ['1x1 stride 1 (direct GEMM)', { N: 3, C: 7, H: 5, W: 6, F: 9, k: [1, 1] }],
  ['1x1 batch 1, 130 filters at 14x15 (row blocks: 3 GEMMs of 40 rows and one of 10)', { N: 1, C: 24, H: 14, W: 15, F: 130, k: [1, 1] }],
  ['1x1 stride 2', { N: 2, C: 5, H: 9, W: 7, F: 3, k: [1, 1], s: [2, 2] }],
  ['3x3 stride 2 pad 1 (stem-like)', { N: 1, C: 3, H: 17, W: 23, F: 8, k: [3, 3], s: [2, 2], p: [1, 1] }],
  ['3x3 s2, no pad, batch 3, 4 filters', { N: 3, C: 4, H: 9, W: 30, F: 4, k: [3, 3], s: [2, 2] }],
  ['3x3 s2 pad 2, 1 channel', { N: 1, C: 1, H: 12, W: 5, F: 12, k: [3, 3], s: [2, 2], p: [2, 2] }],
  ['5x3 stride (2,1) pad (2,0)', { N: 2, C: 2, H: 11, W: 10, F: 4, k: [5, 3], s: [2, 1], p: [2, 0] }],
  ['dilation 2', { N: 2, C: 3, H: 11, W: 12, F: 4, k: [3, 3], d: [2, 2], p: [2, 2] }],
  ['groups 2', { N: 3, C: 6, H: 7, W: 7, F: 4, k: [3, 3], p: [1, 1], G: 2 }],
  ['depthwise 3x3 s1 p1', { N: 2, C: 5, H: 13, W: 19, F: 5, k: [3, 3], p: [1, 1], G: 5 }],
  ['depthwise 3x3 s2 p1', { N: 1, C: 4, H: 17, W: 26, F: 4, k: [3, 3], s: [2, 2], p: [1, 1], G: 4 }],
  ['depthwise 5x5 dilation 2', { N: 1, C: 3, H: 12, W: 13, F: 3, k: [5, 5], d: [2, 2], p: [3, 1], G: 3 }],
  ['depthwise 3x3 s1 no pad wide', { N: 1, C: 2, H: 6, W: 40, F: 2, k: [3, 3], G: 2 }],
  ['no bias', { N: 2, C: 3, H: 6, W: 6, F: 2, k: [2, 2], noBias: true }],
  ['Winograd 3x3 s1 p1 16->20, odd sizes, batch 2', { N: 2, C: 16, H: 17, W: 11, F: 20, k: [3, 3], p: [1, 1] }],
  ['Winograd 3x3 no pad 17->16', { N: 1, C: 17, H: 20, W: 13, F: 16, k: [3, 3] }],
  ['3x3 at 14x13, batch 3: 56 tiles, Winograd forward, im2col backward', { N: 3, C: 16, H: 14, W: 13, F: 18, k: [3, 3], p: [1, 1] }],
  ['Winograd 3x3 pad 2, no bias', { N: 1, C: 16, H: 13, W: 21, F: 16, k: [3, 3], p: [2, 2], noBias: true }],
  ['1-D', { N: 3, C: 4, H: 1, W: 17, F: 5, k: [3], p: [1] }],
  ['1-D stride 2 dilation 2', { N: 2, C: 2, H: 1, W: 20, F: 3, k: [3], s: [2], d: [2] }],
];

for (const [name, c] of CASES) {
  test(`Convolution forward: ${name}`, () => {
    const s = setup(c);
    const [y] = invoke('Convolution', s.ins, s.attrs);
    assert.equal(y.shape, s.outShape);
    assertClose(y.data, refConv(s.x, s.w, c.noBias ? undefined : s.b, s.g), 1e-4, 1e-4, name);
  });
  test(`Convolution backward: ${name}`, () => {
    const s = setup(c, 5);
    const dy = randArray(s.outShape.reduce((a, b) => a * b, 1), 9);
    const { grads } = invokeWithGrad('Convolution', s.ins, s.attrs, [arr(dy, s.outShape)]);
    const r = refConvBackward(s.x, s.w, dy, s.g);
    assertClose(grads[0]!.data, r.dx, 1e-4, 1e-4, `${name} dx`);
    assertClose(grads[1]!.data, r.dw, 1e-4, 1e-4, `${name} dw`);
    if (!c.noBias) assertClose(grads[2]!.data, r.db, 1e-4, 1e-4, `${name} db`);
  });
}

test('the Winograd cases above take the Winograd path (forward and data gradient)', () => {
  for (const [name, c] of CASES.filter(([n]) => n.startsWith('Winograd'))) {
    const g = convGeom(setup(c).attrs, [c.N, c.C, c.H, c.W], 'c');
    assert.ok(winogradApplies(g) && winogradDataGradGeom(g), name);
  }
  assert.not.ok(winogradApplies(convGeom({ kernel: [3, 3], pad: [1, 1], num_filter: 512, num_group: 1 }, [1, 512, 7, 7], 'c'), true), '512@7x7 stays im2col');
  const [name, c] = CASES.find(([n]) => n.includes('56 tiles'))!, p = convPlan(convGeom(setup(c).attrs, [c.N, c.C, c.H, c.W], 'c'));
  assert.ok(p.method === 'winograd' && !p.dwWinograd && !p.dxWinograd && p.block > 0, `${name}: forward only (the backward blocks as before)`);
});

test('Winograd in chunks of tile rows (a partial last chunk) matches the reference, forward and backward', () => {
  const old = setWinogradChunkBytes(1);
  try {
    // 35 tile rows of 8 tiles; the least chunk is 256 tiles = 32 rows: chunks of 32 and 3 rows.
    const c: Case = { N: 2, C: 16, H: 70, W: 11, F: 20, k: [3, 3], p: [1, 1] }, s = setup(c, 21);
    const dy = randArray(2 * 20 * 70 * 11, 22);
    const { outs, grads } = invokeWithGrad('Convolution', s.ins, s.attrs, [arr(dy, s.outShape)]);
    assertClose(outs[0].data, refConv(s.x, s.w, s.b, s.g), 1e-4, 1e-4, 'forward');
    const r = refConvBackward(s.x, s.w, dy, s.g);
    assertClose(grads[0]!.data, r.dx, 1e-4, 1e-4, 'dx');
    assertClose(grads[1]!.data, r.dw, 1e-4, 1e-4, 'dw');
  } finally { setWinogradChunkBytes(old); }
});

test('Convolution gradCheck: data, weight, bias (3x3 s2 p1, groups 2, 1x1, depthwise)', () => {
  for (const c of [
    { N: 2, C: 2, H: 5, W: 6, F: 3, k: [3, 3], s: [2, 2], p: [1, 1] },
    { N: 1, C: 4, H: 4, W: 5, F: 2, k: [3, 3], p: [1, 1], G: 2 },
    { N: 2, C: 3, H: 3, W: 4, F: 2, k: [1, 1] },
    { N: 1, C: 3, H: 6, W: 9, F: 3, k: [3, 3], p: [1, 1], G: 3 },
  ] as Case[]) gradCheck('Convolution', setup(c, 3).ins, setup(c, 3).attrs, { maxChecks: 20 });
});

test('Convolution with a fused relu / sigmoid / tanh (__act__): im2col, Winograd, depthwise; forward and backward', () => {
  const fns: Record<string, (v: number) => number> = { relu: (v) => Math.max(v, 0), sigmoid: (v) => 1 / (1 + Math.exp(-v)), tanh: Math.tanh };
  for (const act of ['relu', 'sigmoid', 'tanh']) {
    const s = setup({ N: 2, C: 3, H: 6, W: 7, F: 4, k: [3, 3], p: [1, 1] });
    const attrs = { ...s.attrs, __act__: act };
    const [y] = invoke('Convolution', s.ins, attrs);
    assertClose(y.data, refConv(s.x, s.w, s.b, s.g).map(fns[act]), 1e-4, 1e-4, act);
    gradCheck('Convolution', s.ins, attrs, { maxChecks: 20 });
    for (const c of [{ N: 1, C: 3, H: 11, W: 19, F: 8, k: [3, 3], s: [2, 2], p: [1, 1] }, { N: 1, C: 16, H: 16, W: 10, F: 16, k: [3, 3], p: [1, 1] }, { N: 2, C: 4, H: 7, W: 7, F: 4, k: [3, 3], s: [2, 2], p: [1, 1], G: 4 }, { N: 3, C: 5, H: 12, W: 12, F: 7, k: [5, 5] }] as Case[]) {
      const t = setup(c, 2), [z] = invoke('Convolution', t.ins, { ...t.attrs, __act__: act });
      assertClose(z.data, refConv(t.x, t.w, t.b, t.g).map(fns[act]), 1e-4, 1e-4, `fused ${act} (im2col / Winograd / depthwise / blocked)`);
    }
  }
  const s = setup({ N: 1, C: 3, H: 6, W: 7, F: 4, k: [3, 3] });
  assert.throws(() => invoke('Convolution', s.ins, { ...s.attrs, __act__: 'gelu' }), /'gelu' is not supported/);
});

test('grouped conv == concat of per-group convs (MXNet test_convolution_grouping)', () => {
  const N = 2, C = 4, G = 2, F = 6, H = 7, W = 6;
  const x = randArray(N * C * H * W, 11), w = randArray(F * (C / G) * 9, 12), b = randArray(F, 13);
  const [y] = invoke('Convolution', [arr(x, [N, C, H, W]), arr(w, [F, C / G, 3, 3]), arr(b, [F])], { kernel: [3, 3], num_filter: F, num_group: G });
  const Ho = H - 2, Wo = W - 2, parts: Float32Array[] = [];
  for (let g = 0; g < G; g++) {
    const xg = new Float32Array(N * 2 * H * W);
    for (let n = 0; n < N; n++) xg.set(x.subarray((n * C + g * 2) * H * W, (n * C + g * 2 + 2) * H * W), n * 2 * H * W);
    const [yg] = invoke('Convolution', [arr(xg, [N, 2, H, W]), arr(w.slice(g * 3 * 18, (g + 1) * 3 * 18), [3, 2, 3, 3]), arr(b.slice(g * 3, g * 3 + 3), [3])], { kernel: [3, 3], num_filter: 3 });
    parts.push(yg.toTypedArray() as Float32Array);
  }
  const want = new Float32Array(N * F * Ho * Wo);
  for (let n = 0; n < N; n++) for (let g = 0; g < G; g++) want.set(parts[g].subarray(n * 3 * Ho * Wo, (n + 1) * 3 * Ho * Wo), (n * F + g * 3) * Ho * Wo);
  assertClose(y.data, want, 1e-5, 1e-5);
});

test('dilated impulse response sums to the kernel size (MXNet test_convolution_dilated_impulse_response)', () => {
  for (const [k, d] of [[[1, 1], [1, 1]], [[2, 3], [2, 2]], [[3, 2], [3, 3]], [[4, 4], [2, 2]], [[3], [2]], [[2], [3]]] as number[][][]) {
    const nd = k.length, S = 33, shape = nd === 1 ? [1, 1, S] : [1, 1, S, S], size = nd === 1 ? S : S * S;
    const x = new Float32Array(size); x[(size - 1) / 2] = 1;
    const ksize = k.reduce((a, b) => a * b, 1);
    const wt = arr(new Float32Array(ksize).fill(1), [1, 1, ...k]);
    const attrs = { kernel: k, dilate: d, num_filter: 1, no_bias: true };
    const { outs, grads } = invokeWithGrad('Convolution', [arr(x, shape), wt], attrs, [mx.nd.ones(invoke('Convolution', [arr(x, shape), wt], attrs)[0].shape)]);
    const sum = Array.from(outs[0].data).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - ksize) < 1e-4, `impulse response ${sum} != ${ksize}`);
    // d(sum y)/dw = sum over windows of x = 1 per tap (the spike is seen by every tap once).
    assertClose(grads[1]!.data, new Float32Array(ksize).fill(1), 1e-5, 1e-5, 'weight grad');
  }
});

test('Convolution errors name the op', () => {
  const x = mx.nd.zeros([1, 3, 5, 5]), w = mx.nd.zeros([4, 3, 3, 3]);
  const bad = (attrs: Record<string, unknown>, ins = [x, w], re: RegExp) => assert.throws(() => invoke('Convolution', ins, { no_bias: true, ...attrs }, { node: 'conv1' }), (e: Error) => re.test(e.message) && /conv1/.test(e.message));
  bad({ kernel: [3], num_filter: 4 }, [x, w], /kernel/);
  bad({ kernel: [0, 3], num_filter: 4 }, [x, w], /kernel/);
  bad({ kernel: [3, 3], num_filter: 4, num_group: 2 }, [x, mx.nd.zeros([4, 1, 3, 3])], /divisible by num_group/);
  bad({ kernel: [9, 9], num_filter: 4 }, [x, mx.nd.zeros([4, 3, 9, 9])], /exceeds the padded input/);
  bad({ kernel: [3, 3], num_filter: 4 }, [x, mx.nd.zeros([4, 2, 3, 3])], /weight/);
  bad({ kernel: [3, 3], num_filter: 4, layout: 'NHWC' }, [x, w], /layout/);
  assert.throws(() => invoke('Convolution', [mx.nd.zeros([1, 3, 5, 5], 'int32'), w], { kernel: [3, 3], num_filter: 4, no_bias: true }), (e: Error) => e.name === 'DTypeError');
});

test.run();
