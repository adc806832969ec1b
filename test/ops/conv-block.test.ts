// Convolution in blocks of images (src/ops/conv/lower.ts convBlock: im2col of Nb images, one GEMM per group, rows
// back to NCHW) vs the direct-loop reference: batch 1, 3, 7, 64; groups; bias / no bias; fused relu; stride, pad,
// dilation, 1-D, 1x1; small workspace caps (several blocks, a partial last one); forward and all gradients; the
// thread splits of the new kernel arguments (images or channels) and of the GEMM (rows or columns).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, invoke, invokeWithGrad } from '../helpers.js';
import { refConv, refConvBackward, refConvOut, type RefConvGeom } from '../../src/reference/conv.js';
import { convGeom } from '../../src/ops/conv/convolution.js';
import { convBlock, convPlan, setConvBlocking } from '../../src/ops/conv/plan.js';
import { CONV_SPLITS } from '../../src/ops/conv/splits.js';
import { SPLITS } from '../../src/parallel/splits.js';

const arr = (v: ArrayLike<number>, shape: number[]) => mx.nd.array(v, { shape });

interface Case { N: number; C: number; H: number; W: number; F: number; k: number[]; s?: number[]; p?: number[]; d?: number[]; G?: number; noBias?: boolean; relu?: boolean }

function setup(c: Case, seed = 1) {
  const nd = c.k.length, two = (v: number[] | undefined, dflt: number) => (v ? (nd === 1 ? [dflt, v[0]] : v) : [dflt, dflt]);
  const [kh, kw] = nd === 1 ? [1, c.k[0]] : c.k, [sh, sw] = two(c.s, 1), [ph, pw] = two(c.p, 0), [dh, dw] = two(c.d, 1);
  const G = c.G ?? 1, H = nd === 1 ? 1 : c.H;
  const g: RefConvGeom = { N: c.N, C: c.C, H, W: c.W, F: c.F, G, kh, kw, sh, sw, ph, pw, dh, dw };
  const xs = nd === 1 ? [c.N, c.C, c.W] : [c.N, c.C, c.H, c.W], ws = nd === 1 ? [c.F, c.C / G, kw] : [c.F, c.C / G, kh, kw];
  const x = randArray(c.N * c.C * H * c.W, seed), w = randArray(c.F * (c.C / G) * kh * kw, seed + 1), b = randArray(c.F, seed + 2);
  const attrs: Record<string, unknown> = { kernel: c.k, num_filter: c.F, num_group: G, no_bias: !!c.noBias };
  if (c.s) attrs.stride = c.s; if (c.p) attrs.pad = c.p; if (c.d) attrs.dilate = c.d; if (c.relu) attrs.__act__ = 'relu';
  const Ho = refConvOut(H, kh, sh, ph, dh), Wo = refConvOut(c.W, kw, sw, pw, dw);
  const ins = [arr(x, xs), arr(w, ws), ...(c.noBias ? [] : [arr(b, [c.F])])];
  return { g, x, w, b, attrs, ins, xs, outShape: nd === 1 ? [c.N, c.F, Wo] : [c.N, c.F, Ho, Wo] };
}

const CASES: [string, Case][] = [
  ['LeNet conv2, batch 64', { N: 64, C: 20, H: 12, W: 12, F: 50, k: [5, 5] }],
  ['LeNet conv1, batch 7, relu', { N: 7, C: 1, H: 28, W: 28, F: 20, k: [5, 5], relu: true }],
  ['batch 1, 3x3 pad 1', { N: 1, C: 3, H: 7, W: 9, F: 5, k: [3, 3], p: [1, 1] }],
  ['batch 3, stride 2 pad 1, no bias', { N: 3, C: 4, H: 11, W: 13, F: 6, k: [3, 3], s: [2, 2], p: [1, 1], noBias: true }],
  ['batch 7, groups 2, dilation 2', { N: 7, C: 6, H: 10, W: 9, F: 4, k: [3, 3], d: [2, 2], p: [2, 1], G: 2 }],
  ['batch 3, groups 3, 5x3 stride (2,1), relu', { N: 3, C: 6, H: 11, W: 10, F: 9, k: [5, 3], s: [2, 1], p: [2, 0], G: 3, relu: true }],
  ['batch 7, 1x1 (blocked copy)', { N: 7, C: 5, H: 3, W: 5, F: 3, k: [1, 1] }],
  ['batch 3, 1-D stride 2', { N: 3, C: 2, H: 1, W: 21, F: 3, k: [3], s: [2], p: [1] }],
];

/** Runs `f` under blocking settings (cap bytes, forced), restoring the defaults after. */
function under<T>(bytes: number, force: boolean, f: () => T): T {
  const old = setConvBlocking({ bytes, force });
  try { return f(); } finally { setConvBlocking(old); }
}

// Caps: 8 MiB (one block or an even split), 1 byte (blocks of one image), ~3 images per block (partial last); forced.
const capFor = (c: Case, s: ReturnType<typeof setup>) => {
  const HoWo = s.outShape.slice(2).reduce((a, b) => a * b, 1), per = (c.C * s.g.kh * s.g.kw + c.F) * (HoWo + 32) * 4;
  return [[8 << 20, true], [1, true], [3 * per + 5, true]] as [number, boolean][];
};

for (const [name, c] of CASES) {
  test(`blocked Convolution forward and backward: ${name}`, () => {
    const s = setup(c);
    const dy = randArray(s.outShape.reduce((a, b) => a * b, 1), 9);
    const y = refConv(s.x, s.w, c.noBias ? undefined : s.b, s.g), want = c.relu ? y.map((v) => Math.max(v, 0)) : y;
    const dyIn = c.relu ? dy.map((v, i) => (want[i] > 0 ? v : 0)) : dy, r = refConvBackward(s.x, s.w, dyIn, s.g);
    for (const [bytes, force] of capFor(c, s)) {
      under(bytes, force, () => {
        const geom = convGeom(s.attrs, s.xs, 'c'), nb = convBlock(geom);
        assert.ok(nb >= 1 && nb <= c.N, `${name}: block of ${nb}`);
        assert.ok(convPlan(geom).fwdWorkspace >= (c.C * s.g.kh * s.g.kw + c.F) * nb * 4, `${name}: workspace`);
        const what = `${name} (cap ${bytes}, ${nb} images per block)`;
        const [out] = invoke('Convolution', s.ins, s.attrs);
        assert.equal(out.shape, s.outShape);
        assertClose(out.data, want, 1e-4, 1e-4, `${what} y`);
        const { outs, grads } = invokeWithGrad('Convolution', s.ins, s.attrs, [arr(dy, s.outShape)]);
        assertClose(outs[0].data, want, 1e-4, 1e-4, `${what} y (train)`);
        assertClose(grads[0]!.data, r.dx, 1e-4, 1e-4, `${what} dx`);
        assertClose(grads[1]!.data, r.dw, 1e-4, 1e-4, `${what} dw`);
        if (!c.noBias) assertClose(grads[2]!.data, r.db, 1e-4, 1e-4, `${what} db`);
      });
    }
  });
}

test('which layers are blocked: small planes at batch > 1; not batch 1, large planes, depthwise, 1x1', () => {
  const geom = (data: number[], a: Record<string, unknown>) => convGeom({ num_group: 1, ...a }, data, 'c');
  const conv2 = geom([64, 20, 12, 12], { kernel: [5, 5], num_filter: 50 });
  assert.is(convBlock(conv2), 7, 'LeNet conv2: blocks of 7 images (about 1 MiB)');
  assert.is(convPlan(conv2).fwdWorkspace, (500 + 50) * 464 * 4, 'rows of 448 columns padded to 29 lines');
  assert.is(convBlock(geom([64, 1, 28, 28], { kernel: [5, 5], num_filter: 20 })), 10, 'LeNet conv1: blocks of 10');
  under(8 << 20, false, () => assert.is(convBlock(conv2), 32, 'an 8 MiB cap: 2 blocks of 32, evened out'));
  assert.is(convBlock(geom([1, 20, 12, 12], { kernel: [5, 5], num_filter: 50 })), 0, 'batch 1: per image');
  assert.is(convBlock(geom([8, 3, 224, 224], { kernel: [7, 7], stride: [2, 2], pad: [3, 3], num_filter: 64 })), 0, 'large plane: per image');
  assert.is(convBlock(geom([8, 8, 12, 12], { kernel: [3, 3], num_filter: 8, num_group: 8 })), 0, 'depthwise: direct');
  assert.is(convBlock(geom([8, 16, 7, 7], { kernel: [1, 1], num_filter: 16 })), 0, '1x1 stride 1: GEMM on the planes');
});

test('im2col / col2im split by images or channels, copyrows by rows: the parts tile the call', () => {
  // (x, col, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, ld, nimg, xs)
  const a = [1000, 900000, 20, 12, 12, 5, 5, 1, 1, 0, 0, 1, 1, 8, 8, 512, 8, 2880];
  const byImg = CONV_SPLITS.f32_im2col__simd128.split(a, 2);
  assert.equal(byImg.map((p) => [p[0], p[1], p[16], p[2]]), [[1000, 900000, 4, 20], [1000 + 4 * 2880 * 4, 900000 + 4 * 64 * 4, 4, 20]]);
  // 7 images balance worse (4 + 3) than 20 channels (10 + 10).
  const byCh = CONV_SPLITS.f32_im2col__simd128.split([...a.slice(0, 15), 448, 7, 2880], 2);
  assert.equal(byCh.map((p) => [p[0], p[1], p[16], p[2]]), [[1000, 900000, 7, 10], [1000 + 10 * 144 * 4, 900000 + 10 * 25 * 448 * 4, 7, 10]]);
  const back = CONV_SPLITS.f32_col2im__simd128.split([900000, 1000, ...a.slice(2)], 2);
  assert.equal(back.map((p) => [p[0], p[1]]), [[900000, 1000], [900000 + 4 * 64 * 4, 1000 + 4 * 2880 * 4]]);
  const rows = CONV_SPLITS.f32_copyrows__simd128.split([64, 4000, 50, 32, 64, 2048, 64, 64, 3200], 2);
  assert.equal(rows.map((p) => [p[0], p[1], p[2]]), [[64, 4000, 25], [64 + 25 * 2048 * 4, 4000 + 25 * 64 * 4, 25]]);
});

test('gemm split: the longer side is cut (M by 8, N by 16), parts cover C exactly', () => {
  const args = (M: number, N: number) => [0, 0, M, N, 500, 1, 0, 500, 0, N, 0, 0, N, 0, 2, 0, 0];
  // T threads asked for P parts (P = T: one part per thread, the small-GEMM rule; P > T: several per thread).
  const cut = (M: number, N: number, P = 2, T = P) => SPLITS.f32_gemm__simd128.split(args(M, N), P, T).map((p) => [p[2], p[3]]);
  assert.equal(cut(50, 2048), [[50, 1024], [50, 1024]], 'M=50: columns');
  assert.equal(cut(64, 500), [[64, 256], [64, 244]], 'M=64 < N=500: columns');
  assert.equal(cut(20, 36864), [[20, 18432], [20, 18432]], 'M=20: columns');
  assert.equal(cut(512, 50), [[256, 50], [256, 50]], 'N=50, one part per thread: rows (each thread packs op(B) once)');
  assert.equal(cut(512, 50, 8, 2), [[128, 50], [128, 50], [128, 50], [128, 50]], 'N=50, 4 parts per thread: half as many row parts (each packs op(B) again)');
  assert.equal(cut(128, 784, 8, 2).map((p) => p[0]), [128, 128, 128, 128, 128, 128, 128, 128], 'MLP dW: column parts, not 16-row parts');
  assert.equal(cut(128, 784, 8, 2).map((p) => p[1]), [96, 96, 96, 112, 96, 96, 96, 96], '8 column parts as equal as 16-column steps allow (not 7 of 112: an even count for 2 threads)');
  assert.equal(cut(256, 169, 8, 2), [[128, 169], [128, 169]], 'SqueezeNet 256x169x576: 2 equal row parts (not 72 + 72 + 112 rows: 3 parts on 2 threads)');
  assert.equal(cut(100, 50, 8, 2), [[100, 32], [100, 18]], '3 column parts would not share evenly on 2 threads: 2');
  assert.equal(cut(64, 8, 4, 2), [[32, 8], [32, 8]], 'N too narrow to cut: rows');
  const dWargs = [1, 0, 128, 784, 64, 1, 0, 128, 0, 784, 0, 0, 784, 0, 0, 0, 0];
  const dW = SPLITS.f32_gemm__simd128.split(dWargs, 8, 2).map((p) => [p[2], p[3], (p[6] - 0) / 4, p[11] / 4]);
  assert.equal(dW, [[32, 784, 0, 0], [32, 784, 32, 32 * 784], [32, 784, 64, 64 * 784], [32, 784, 96, 96 * 784]], 'transposed A (a weight gradient): rows, the weight\'s rows');
  const dW1 = SPLITS.f32_gemm__simd128.split(dWargs, 2, 2).map((p) => [p[2], p[3]]);
  assert.equal(dW1, [[64, 784], [64, 784]], 'one part per thread: the weight gradient still by rows');
  const parts = SPLITS.f32_gemm__simd128.parts!;
  assert.is(parts([0, 1, 64, 128, 784], 2), 2, 'MLP fc1 (3.2M per thread): one part per thread');
  assert.is(parts([0, 0, 512, 512, 512], 2), 8, 'GEMM 512^3: four parts per thread');
  assert.equal(cut(100, 50, 8), [[100, 16], [100, 16], [100, 18]], 'M=100 (packed path): row parts of <= 64 rows would take the no-packing path, so columns (no 2-column part)');
  assert.equal(cut(100, 49, 8), [[100, 16], [100, 16], [100, 17]], 'a 1-column (GEMV) remainder joins the part before');
  assert.equal(cut(17, 8, 4, 2), [[8, 8], [9, 8]], '17 rows in 8-row parts: 8 + 9 (a 1-row (GEMV) remainder joins the part before)');
  assert.equal(cut(65, 33, 2, 2), [[65, 16], [65, 17]], '33 columns for 2 parts: 16 + 17, not one part of 33');
  for (const [M, N, P] of [[50, 512, 8], [7, 3, 8], [1000, 17, 8], [33, 33, 3], [100, 50, 8], [65, 17, 8], [9, 2049, 8]]) {
    const parts = SPLITS.f32_gemm__simd128.split(args(M, N), P);
    const area = parts.reduce((s, p) => s + p[2] * p[3], 0);
    assert.is(area, M * N, `${M}x${N} in ${P}: the parts cover C once`);
    assert.ok(parts.length <= P);
  }
});

test('blocked Convolution on 2 threads == 1 thread, bitwise (forward and gradients)', async () => {
  const before = mx.getNumThreads();
  const c: Case = { N: 9, C: 20, H: 12, W: 12, F: 50, k: [5, 5] }, s = setup(c, 4), dy = arr(randArray(9 * 50 * 64, 5), s.outShape);
  const run = () => { const { outs, grads } = invokeWithGrad('Convolution', s.ins, s.attrs, [dy]); return [...outs, ...grads].map((t) => t!.toTypedArray() as Float32Array); };
  try {
    mx.setNumThreads(1);
    const one = run();
    mx.setNumThreads(2);
    await mx.threadsReady();
    const two = run();
    one.forEach((a, i) => { for (let j = 0; j < a.length; j++) if (!Object.is(a[j], two[i][j])) assert.unreachable(`result ${i} differs at ${j}: ${a[j]} vs ${two[i][j]}`); });
  } finally { mx.setNumThreads(before); }
});

test.run();
