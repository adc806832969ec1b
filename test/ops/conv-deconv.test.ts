// Deconvolution forward/backward vs the direct scatter reference: stride, pad, adj, target_shape, dilation, groups,
// depthwise, 1-D, bias; deconv == conv data-gradient (MXNet test_deconvolution); gradCheck; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, invoke, invokeWithGrad, gradCheck } from '../helpers.js';
import { refDeconv, refDeconvOut, refConv, type RefDeconvGeom } from '../../src/reference/conv.js';

const arr = (v: ArrayLike<number>, shape: number[]) => mx.nd.array(v, { shape });
interface Case { N: number; C: number; H: number; W: number; F: number; k: number[]; s?: number[]; p?: number[]; d?: number[]; adj?: number[]; G?: number; bias?: boolean }

function setup(c: Case, seed = 1) {
  const nd = c.k.length, two = (v: number[] | undefined, dflt: number) => (v ? (nd === 1 ? [dflt, v[0]] : v) : [dflt, dflt]);
  const [kh, kw] = nd === 1 ? [1, c.k[0]] : c.k, [sh, sw] = two(c.s, 1), [ph, pw] = two(c.p, 0), [dh, dw] = two(c.d, 1), [ah, aw] = two(c.adj, 0);
  const G = c.G ?? 1, H = nd === 1 ? 1 : c.H;
  const g: RefDeconvGeom = { N: c.N, C: c.C, H, W: c.W, F: c.F, G, kh, kw, sh, sw, ph, pw, dh, dw, ah, aw };
  const xs = nd === 1 ? [c.N, c.C, c.W] : [c.N, c.C, H, c.W], wsh = nd === 1 ? [c.C, c.F / G, kw] : [c.C, c.F / G, kh, kw];
  const x = randArray(c.N * c.C * H * c.W, seed), w = randArray(c.C * (c.F / G) * kh * kw, seed + 1), b = randArray(c.F, seed + 2);
  const attrs: Record<string, unknown> = { kernel: c.k, num_filter: c.F, num_group: G, no_bias: !c.bias };
  if (c.s) attrs.stride = c.s; if (c.p) attrs.pad = c.p; if (c.d) attrs.dilate = c.d; if (c.adj) attrs.adj = c.adj;
  const Ho = refDeconvOut(H, kh, sh, ph, dh, ah), Wo = refDeconvOut(c.W, kw, sw, pw, dw, aw);
  const ins = [arr(x, xs), arr(w, wsh), ...(c.bias ? [arr(b, [c.F])] : [])];
  return { g, x, w, b, attrs, ins, outShape: nd === 1 ? [c.N, c.F, Wo] : [c.N, c.F, Ho, Wo] };
}

const CASES: [string, Case][] = [
  ['3x3 s1 p1', { N: 1, C: 3, H: 5, W: 6, F: 4, k: [3, 3], p: [1, 1] }],
  ['4x4 s2 p1 (FCN upsample) batch 3 bias', { N: 3, C: 4, H: 5, W: 4, F: 3, k: [4, 4], s: [2, 2], p: [1, 1], bias: true }],
  ['3x3 s2 p1 adj 1', { N: 2, C: 2, H: 4, W: 5, F: 3, k: [3, 3], s: [2, 2], p: [1, 1], adj: [1, 1] }],
  ['dilation 2', { N: 1, C: 2, H: 5, W: 5, F: 2, k: [3, 3], d: [2, 2] }],
  ['1x1', { N: 2, C: 5, H: 3, W: 4, F: 3, k: [1, 1], bias: true }],
  ['groups 2', { N: 2, C: 4, H: 4, W: 3, F: 6, k: [3, 2], s: [2, 1], G: 2 }],
  ['depthwise 3x3 s1 (rotated-filter forward kernel)', { N: 2, C: 4, H: 7, W: 9, F: 4, k: [3, 3], p: [1, 1], G: 4, bias: true }],
  ['depthwise', { N: 1, C: 3, H: 6, W: 7, F: 3, k: [3, 3], s: [2, 2], p: [1, 1], G: 3, bias: true }],
  ['1-D', { N: 2, C: 3, H: 1, W: 7, F: 2, k: [4], s: [2], p: [1], bias: true }],
];

for (const [name, c] of CASES) {
  test(`Deconvolution forward and gradCheck: ${name}`, () => {
    const s = setup(c);
    const [y] = invoke('Deconvolution', s.ins, s.attrs);
    assert.equal(y.shape, s.outShape);
    assertClose(y.data, refDeconv(s.x, s.w, c.bias ? s.b : undefined, s.g), 1e-4, 1e-4, name);
    gradCheck('Deconvolution', s.ins, s.attrs, { maxChecks: 15 });
  });
}

test('Deconvolution == Convolution data-gradient; its data-gradient == Convolution forward', () => {
  const N = 2, C = 3, F = 4, H = 9, W = 8;
  const xc = randArray(N * C * H * W, 1), w = randArray(F * C * 9, 2);
  const conv = { kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: F, no_bias: true };
  const [yc] = invoke('Convolution', [arr(xc, [N, C, H, W]), arr(w, [F, C, 3, 3])], conv);
  const dy = randArray(yc.size, 3);
  const { grads } = invokeWithGrad('Convolution', [arr(xc, [N, C, H, W]), arr(w, [F, C, 3, 3])], conv, [arr(dy, yc.shape)]);
  // Deconv with the same weight (viewed as (C_in = F, C, 3, 3)) maps (N, F, 5, 4) back to (N, C, 9, 8) with adj (0, 1).
  const [yd] = invoke('Deconvolution', [arr(dy, yc.shape), arr(w, [F, C, 3, 3])], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], adj: [0, 1], num_filter: C });
  assert.equal(yd.shape, [N, C, H, W]);
  assertClose(yd.data, grads[0]!.data, 1e-5, 1e-5);
  const g2 = invokeWithGrad('Deconvolution', [arr(dy, yc.shape), arr(w, [F, C, 3, 3])], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], adj: [0, 1], num_filter: C }, [arr(xc, [N, C, H, W])]);
  assertClose(g2.grads[0]!.data, refConv(xc, w, undefined, { N, C, H, W, F, G: 1, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 }), 1e-4, 1e-4);
});

test('Deconvolution target_shape sets pad/adj (MXNet InferPad) and no_bias defaults to True', () => {
  const x = mx.nd.ones([1, 2, 5, 5]), w = mx.nd.ones([2, 3, 4, 4]);
  for (const t of [[10, 10], [11, 11], [9, 12]]) {
    const [y] = invoke('Deconvolution', [x, w], { kernel: [4, 4], stride: [2, 2], num_filter: 3, target_shape: t });
    assert.equal(y.shape, [1, 3, ...t]);
  }
  assert.throws(() => invoke('Deconvolution', [x, w, mx.nd.ones([3])], { kernel: [4, 4], num_filter: 3 }), /expects 2 inputs/);
});

test('Deconvolution errors name the op', () => {
  const x = mx.nd.zeros([1, 4, 5, 5]);
  const bad = (attrs: Record<string, unknown>, w: number[], re: RegExp) =>
    assert.throws(() => invoke('Deconvolution', [x, mx.nd.zeros(w)], attrs, { node: 'up1' }), (e: Error) => re.test(e.message) && /up1/.test(e.message));
  bad({ kernel: [3, 3], num_filter: 3, num_group: 3 }, [4, 1, 3, 3], /divisible by num_group/);
  bad({ kernel: [3, 3], stride: [2, 2], adj: [2, 2], num_filter: 2 }, [4, 2, 3, 3], /adj/);
  bad({ kernel: [3], num_filter: 2 }, [4, 2, 3], /kernel/);
  bad({ kernel: [3, 3], num_filter: 2, target_shape: [30, 30] }, [4, 2, 3, 3], /target_shape/);
});

test.run();
