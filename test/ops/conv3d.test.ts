// 3-D Convolution and Pooling (NCDHW, MXNet's Convolution / Pooling with 3-element kernels): forward vs the direct
// references (src/reference/vol.ts), backward vs the references and finite differences; odd and prime sizes, SIMD
// tails, batch 1 and > 1, groups, no_bias, dilation, 1x1x1, fused activation, folded BatchNorm; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, invoke, invokeWithGrad, gradCheck, expectMx } from '../helpers.js';
import { Graph } from '../../src/graph/graph.js';
import { applyPasses } from '../../src/passes/pass.js';
import { foldBatchNormPass } from '../../src/passes/fold-bn.js';
import { refConv3, refConv3Backward, refConv3Out, refPool3, refPool3Backward, refPool3Out, type RefConv3Geom, type RefPool3Geom } from '../../src/reference/vol.js';

const arr = (v: ArrayLike<number>, shape: number[]) => mx.nd.array(v, { shape });
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

interface Case { N: number; C: number; D: number; H: number; W: number; F: number; k: number[]; s?: number[]; p?: number[]; d?: number[]; G?: number; noBias?: boolean }

function setup(c: Case, seed = 1) {
  const G = c.G ?? 1, g: RefConv3Geom = { ...c, G, s: c.s ?? [1, 1, 1], p: c.p ?? [0, 0, 0], d: c.d ?? [1, 1, 1] };
  const xs = [c.N, c.C, c.D, c.H, c.W], wsh = [c.F, c.C / G, ...c.k];
  const x = randArray(prod(xs), seed), w = randArray(prod(wsh), seed + 1), b = randArray(c.F, seed + 2);
  const attrs: Record<string, unknown> = { kernel: c.k, num_filter: c.F, num_group: G, no_bias: !!c.noBias };
  if (c.s) attrs.stride = c.s; if (c.p) attrs.pad = c.p; if (c.d) attrs.dilate = c.d;
  const ins = [arr(x, xs), arr(w, wsh), ...(c.noBias ? [] : [arr(b, [c.F])])];
  return { g, x, w, b, attrs, ins, outShape: [c.N, c.F, ...refConv3Out(g)] };
}

const CASES: [string, Case][] = [
  ['3x3x3 pad 1 batch 1', { N: 1, C: 2, D: 5, H: 7, W: 9, F: 3, k: [3, 3, 3], p: [1, 1, 1] }],
  ['3x3x3 batch 2 no pad, prime sizes', { N: 2, C: 3, D: 7, H: 5, W: 11, F: 5, k: [3, 3, 3] }],
  ['1x1x1 (GEMM on the volumes) batch 3', { N: 3, C: 5, D: 3, H: 4, W: 7, F: 4, k: [1, 1, 1] }],
  ['stride 2 pad 1, width 17 (SIMD tail)', { N: 2, C: 2, D: 6, H: 9, W: 17, F: 3, k: [3, 3, 3], s: [2, 2, 2], p: [1, 1, 1] }],
  ['mixed kernel (2,3,1), stride (1,2,3), pad (1,0,0)', { N: 1, C: 3, D: 5, H: 8, W: 13, F: 2, k: [2, 3, 1], s: [1, 2, 3], p: [1, 0, 0] }],
  ['dilation 2', { N: 2, C: 2, D: 7, H: 7, W: 8, F: 2, k: [3, 3, 3], d: [2, 2, 2], p: [2, 1, 2] }],
  ['groups 2, no bias', { N: 2, C: 4, D: 4, H: 5, W: 6, F: 6, k: [3, 3, 3], p: [1, 1, 1], G: 2, noBias: true }],
  ['depthwise (groups = channels)', { N: 1, C: 3, D: 4, H: 4, W: 5, F: 3, k: [3, 3, 3], p: [1, 1, 1], G: 3 }],
  ['1-wide volume', { N: 2, C: 1, D: 1, H: 1, W: 1, F: 2, k: [1, 1, 1] }],
];

for (const [name, c] of CASES) {
  test(`Convolution 3-D forward and backward vs the reference: ${name}`, () => {
    const s = setup(c), dy = randArray(prod(s.outShape), 9);
    const { outs: [y], grads } = invokeWithGrad('Convolution', s.ins, s.attrs, [arr(dy, s.outShape)]);
    assert.equal(y.shape, s.outShape);
    assertClose(y.data, refConv3(s.x, s.w, c.noBias ? undefined : s.b, s.g), 1e-4, 1e-4, name);
    const r = refConv3Backward(s.x, s.w, dy, s.g);
    assertClose(grads[0]!.data, r.dx, 1e-4, 1e-4, `${name} dx`);
    assertClose(grads[1]!.data, r.dw, 1e-4, 1e-4, `${name} dw`);
    if (!c.noBias) assertClose(grads[2]!.data, r.db, 1e-4, 1e-4, `${name} db`);
  });
}

test('Convolution 3-D gradCheck (finite differences): data, weight, bias', () => {
  for (const c of [
    { N: 2, C: 2, D: 3, H: 4, W: 5, F: 2, k: [3, 3, 3], s: [2, 1, 2], p: [1, 1, 1] },
    { N: 1, C: 4, D: 3, H: 3, W: 4, F: 2, k: [2, 2, 2], G: 2 },
    { N: 2, C: 3, D: 2, H: 3, W: 3, F: 2, k: [1, 1, 1] },
  ] as Case[]) { const s = setup(c, 3); gradCheck('Convolution', s.ins, s.attrs, { maxChecks: 20 }); }
});

test('Convolution 3-D with a fused activation (__act__) and a folded BatchNorm, as the inference passes make them', () => {
  const s = setup({ N: 2, C: 2, D: 4, H: 5, W: 6, F: 3, k: [3, 3, 3], p: [1, 1, 1] }), ref = refConv3(s.x, s.w, s.b, s.g);
  const [y] = invoke('Convolution', s.ins, { ...s.attrs, __act__: 'tanh' });
  assertClose(y.data, ref.map(Math.tanh), 1e-4, 1e-4, 'tanh');
  gradCheck('Convolution', s.ins, { ...s.attrs, __act__: 'sigmoid' }, { maxChecks: 15 });
  // The whole-graph path: Convolution -> BatchNorm -> relu bound for inference folds into one node.
  const data = mx.sym.Variable('data'), net = mx.sym.Activation(mx.sym.BatchNorm(mx.sym.Convolution(data, { kernel: [3, 3, 3], pad: [1, 1, 1], num_filter: 3, name: 'c' }), { name: 'bn', fix_gamma: false }), { act_type: 'relu' });
  assert.is(applyPasses(new Graph(net.outputs), [foldBatchNormPass]).getAttr('bn_folded'), 1, 'the BatchNorm folds');
  const exe = net.simpleBind({ shapes: { data: [2, 2, 4, 5, 6] }, gradReq: 'null' });
  exe.argDict.c_weight.data.set(s.w); exe.argDict.c_bias.data.set(s.b);
  const mean = randArray(3, 4), vr = randArray(3, 5, 0.5, 2), gam = randArray(3, 6), bet = randArray(3, 7);
  exe.auxDict.bn_moving_mean.data.set(mean); exe.auxDict.bn_moving_var.data.set(vr); exe.argDict.bn_gamma.data.set(gam); exe.argDict.bn_beta.data.set(bet);
  const [out] = exe.forward({ isTrain: false, data: s.ins[0] }), L = 4 * 5 * 6;
  const want = ref.map((v, i) => { const f = Math.floor(i / L) % 3; return Math.max(0, ((v - mean[f]) / Math.sqrt(vr[f] + 1e-3)) * gam[f] + bet[f]); });
  assertClose(out.data, want, 1e-4, 1e-4, 'conv + BatchNorm + relu');
  exe.dispose();
});

function poolSetup(N: number, C: number, ext: number[], a: Record<string, any>, seed = 1) {
  const g: RefPool3Geom = {
    P: N * C, D: ext[0], H: ext[1], W: ext[2], k: a.global_pool ? ext : a.kernel, s: a.stride ?? [1, 1, 1], p: a.pad ?? [0, 0, 0],
    type: a.pool_type ?? 'max', full: a.pooling_convention === 'full', countIncludePad: a.count_include_pad !== false,
  };
  const x = randArray(N * C * prod(ext), seed);
  return { g, x, xs: [N, C, ...ext], outShape: [N, C, ...refPool3Out(g)] };
}

const POOLS: [string, number, number, number[], Record<string, unknown>][] = [
  ['max 2x2x2 s2 batch 1', 1, 3, [4, 6, 8], { kernel: [2, 2, 2], stride: [2, 2, 2] }],
  ['max 3x3x3 s2 p1 full, odd sizes, batch 2', 2, 2, [7, 5, 11], { kernel: [3, 3, 3], stride: [2, 2, 2], pad: [1, 1, 1], pooling_convention: 'full' }],
  ['avg 3x3x3 s1 p1 (count_include_pad), width 17', 2, 2, [3, 4, 17], { kernel: [3, 3, 3], pad: [1, 1, 1], pool_type: 'avg' }],
  ['avg count_include_pad=False full', 2, 3, [5, 5, 7], { kernel: [2, 3, 2], stride: [2, 2, 2], pad: [1, 1, 1], pool_type: 'avg', count_include_pad: false, pooling_convention: 'full' }],
  ['sum (1,2,3) stride (1,1,2)', 3, 1, [3, 5, 13], { kernel: [1, 2, 3], stride: [1, 1, 2], pool_type: 'sum' }],
  ['global max', 2, 3, [3, 4, 5], { global_pool: true, kernel: [1, 1, 1] }],
  ['global avg', 1, 2, [2, 3, 7], { global_pool: true, pool_type: 'avg' }],
  ['global sum', 2, 1, [1, 1, 5], { global_pool: true, pool_type: 'sum' }],
];

for (const [name, N, C, ext, a] of POOLS) {
  test(`Pooling 3-D forward and backward vs the reference: ${name}`, () => {
    const s = poolSetup(N, C, ext, a), dy = randArray(prod(s.outShape), 4);
    const { outs: [y], grads: [dx] } = invokeWithGrad('Pooling', [arr(s.x, s.xs)], a, [arr(dy, s.outShape)]);
    assert.equal(y.shape, s.outShape);
    const want = refPool3(s.x, s.g);
    assertClose(y.data, want, 1e-5, 1e-5, name);
    assertClose(dx!.data, refPool3Backward(s.x, want, dy, s.g), 1e-5, 1e-5, `${name} dx`);
  });
}

test('Pooling 3-D gradCheck (finite differences): avg, sum, max (distinct values)', () => {
  // Distinct values 0.05 apart (241 is prime): a step of 1e-2 never changes which element is a window's maximum.
  const x = arr(Float32Array.from({ length: 2 * 2 * 3 * 4 * 5 }, (_, i) => ((i * 37) % 241) * 0.05 - 6), [2, 2, 3, 4, 5]);
  for (const a of [{ kernel: [2, 2, 3], stride: [1, 2, 1], pad: [1, 0, 1], pool_type: 'avg' }, { kernel: [3, 2, 2], pool_type: 'sum' }, { kernel: [2, 2, 2], stride: [1, 1, 1], pool_type: 'max' }]) {
    gradCheck('Pooling', [x], a, { maxChecks: 25 });
  }
});

test('3-D errors name the op and the argument: kernel rank, lp, layout, size', () => {
  const x = arr(randArray(2 * 2 * 3 * 3 * 3, 1), [2, 2, 3, 3, 3]), w = arr(randArray(2 * 2 * 9, 2), [2, 2, 3, 3]);
  expectMx(() => invoke('Convolution', [x, w], { kernel: [3, 3], num_filter: 2, no_bias: true }), '2-D kernel on 5-D data', /kernel \(3,\s*3\) must have 3 value/);
  const w5 = arr(randArray(2 * 2 * 45, 2), [2, 2, 5, 3, 3]), w3 = arr(randArray(2 * 2 * 27, 2), [2, 2, 3, 3, 3]);
  expectMx(() => invoke('Convolution', [x, w5], { kernel: [5, 3, 3], num_filter: 2, no_bias: true }), 'kernel larger than the volume', /exceeds the padded input size/);
  expectMx(() => invoke('Convolution', [x, w3], { kernel: [3, 3, 3], num_filter: 2, num_group: 3, no_bias: true }), 'groups', /divisible by num_group/);
  expectMx(() => invoke('Convolution', [x, w3], { kernel: [3, 3, 3], num_filter: 2, no_bias: true, layout: 'NDHWC' }), 'layout', /layout NDHWC/);
  expectMx(() => invoke('Pooling', [x], { kernel: [2, 2, 2], pool_type: 'lp', p_value: 2 }), 'lp', /pool_type 'lp'/);
  expectMx(() => invoke('Pooling', [x], { kernel: [2, 2], pool_type: 'max' }), 'pool kernel rank', /must have 3 value/);
  const bad = arr(randArray(2 * 3 * 3 * 3 * 3 * 2, 1), [2, 3, 3, 3, 3, 2]);
  expectMx(() => invoke('Pooling', [bad], { kernel: [2, 2, 2] }), '6-D data', /data must be/);
});

test.run();
