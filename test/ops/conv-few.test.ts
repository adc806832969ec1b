// The direct convolution for few input channels at stride 1 or 2 (f32_convfew_2x16, network stems) against the scalar
// reference: odd widths and heights, 1-4 channels, 3x3 / 5x5 / 7x7, pads 0-4, bias and relu, odd filter counts, row
// ranges; the op on it at batch 1 and > 1 (vs im2col + GEMM), grouped layers of <= 4 channels a group, and its gradient
// (the backward stays im2col + GEMM).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, closeMsg, gradCheck } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { refConv, refConvOut, type RefConvGeom } from '../../src/reference/conv.js';
import { convPlan, setConvDirect } from '../../src/ops/conv/plan.js';
import { convGeom } from '../../src/ops/conv/convolution.js';

const R = rt(), K = R.K;
const NAMES = ['f32_convfew_2x16__simd128', 'f32_convfew_2x16__relaxedsimd'].filter((n) => typeof K[n as keyof typeof K] === 'function');
const check = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => { const m = closeMsg(a, b, 1e-4, 1e-4); assert.ok(!m, `${what}: ${m}`); };

/** Copies arrays into fresh wasm buffers (+64 bytes slack each; a number: that many NaNs), runs f, frees. */
function withBufs<T>(arrays: (Float32Array | number)[], f: (offs: number[]) => T): T {
  const offs = arrays.map((a) => R.alloc.alloc(((typeof a === 'number' ? a : a.length) + 16) * 4));
  arrays.forEach((a, i) => { if (typeof a !== 'number') f32(offs[i], a.length).set(a); else f32(offs[i], a).fill(NaN); });
  try { return f(offs); } finally { offs.forEach((o) => R.alloc.free(o)); }
}

test('f32_convfew_2x16 (plain and relaxed) matches refConv: widths 1-65, C 1-4, k 3/5/7, stride 1 and 2, pads 0-4, bias, relu, odd F', () => {
  assert.ok(NAMES.includes('f32_convfew_2x16__simd128'), 'the plain kernel is exported');
  const cases: [number, number, number, number, number, number, number][] = []; // C, H, W, F, k, stride, p
  for (const W of [1, 2, 3, 5, 8, 15, 16, 17, 31, 32, 33, 34, 63, 65]) cases.push([3, 7, W, 5, 3, 2, 1], [1, 5, W, 2, 3, 2, 0], [3, 5, W, 3, 3, 1, 1], [2, 4, W, 2, 5, 1, 0]);
  cases.push([4, 9, 13, 3, 5, 2, 2], [3, 17, 29, 7, 7, 2, 3], [2, 6, 11, 1, 3, 2, 4], [3, 224, 224, 6, 3, 2, 1], [3, 23, 99, 4, 7, 2, 3]);
  cases.push([3, 40, 224, 5, 3, 1, 1], [1, 28, 28, 3, 5, 1, 2], [4, 9, 19, 3, 7, 1, 3], [3, 6, 10, 2, 3, 1, 4]);
  for (const name of NAMES) for (const [C, H, W, F, k, st, p] of cases) {
    const g: RefConvGeom = { N: 1, C, H, W, F, G: 1, kh: k, kw: k, sh: st, sw: st, ph: p, pw: p, dh: 1, dw: 1 };
    const Ho = refConvOut(H, k, st, p, 1), Wo = refConvOut(W, k, st, p, 1);
    if (Ho < 1 || Wo < 1) continue;
    const x = randArray(C * H * W, W + H), w = randArray(F * C * k * k, 2), b = randArray(F, 3);
    for (const [bias, act] of [[false, 0], [true, 0], [true, 1]] as const) {
      const want = refConv(x, w, bias ? b : undefined, g).map((v) => (act ? Math.max(v, 0) : v));
      withBufs([x, w, b, F * Ho * Wo], ([ox, ow, ob, oy]) => {
        const call = (oy0: number, noy: number) => (K as any)[name](ox, ow, bias ? ob : 0, oy, R.scratch.off, C, H, W, k, k, st, p, p, Ho, Wo, F, oy0, noy, act);
        call(0, Ho);
        const what = `${name} C=${C} H=${H} W=${W} F=${F} k=${k} s=${st} p=${p} bias=${bias} act=${act}`;
        check(f32(oy, F * Ho * Wo), want, what);
        // Row ranges (as the thread pool cuts them) give the same bits.
        const full = Float32Array.from(f32(oy, F * Ho * Wo));
        f32(oy, F * Ho * Wo).fill(NaN);
        const mid = Ho >> 1;
        call(mid, Ho - mid); call(0, mid);
        const cut = f32(oy, F * Ho * Wo);
        for (let i = 0; i < full.length; i++) if (!Object.is(full[i], cut[i])) assert.unreachable(`${what}: row ranges differ at ${i}`);
      });
    }
  }
});

test('the plan takes the direct kernel for few-channel stems only', () => {
  const plan = (attrs: Record<string, unknown>, shape: number[]) => convPlan(convGeom({ num_group: 1, stride: [2, 2], pad: [1, 1], dilate: [], ...attrs }, shape, 'c'));
  assert.is(plan({ kernel: [3, 3], num_filter: 32 }, [1, 3, 224, 224]).method, 'few');
  assert.is(plan({ kernel: [7, 7], pad: [3, 3], num_filter: 64 }, [8, 3, 224, 224]).method, 'few');
  assert.is(plan({ kernel: [3, 3], stride: [1, 1], num_filter: 64 }, [1, 3, 224, 224]).method, 'few'); // VGG's first layer
  assert.is(plan({ kernel: [3, 3], num_filter: 32 }, [1, 5, 32, 32]).method, 'im2col'); // 5 channels
  assert.is(plan({ kernel: [5, 5], stride: [1, 1], pad: [0, 0], num_filter: 20 }, [64, 1, 28, 28]).method, 'block'); // LeNet conv1, batch 64
  assert.is(plan({ kernel: [3, 3], stride: [3, 3], num_filter: 8 }, [1, 3, 32, 32]).method, 'im2col'); // stride 3
  assert.is(plan({ kernel: [3, 3], dilate: [2, 2], num_filter: 8 }, [1, 3, 32, 32]).method, 'im2col'); // dilated
  assert.is(plan({ kernel: [11, 11], pad: [5, 5], num_filter: 8 }, [1, 4, 16, 8000]).method, 'im2col'); // rows beyond the scratch
  assert.is(plan({ kernel: [3, 3], num_filter: 32 }, [1, 3, 224, 224]).fwdWorkspace, 0);
  const old = setConvDirect(false);
  try { assert.is(plan({ kernel: [3, 3], num_filter: 32 }, [1, 3, 224, 224]).method, 'im2col'); } finally { setConvDirect(old); }
});

test('Convolution on 3 channels: direct == reference == im2col path, batch 1 and 3, stride 1 and 2, bias, fused relu', () => {
  for (const [N, H, W, F, k, p, s] of [[1, 33, 31, 8, 3, 1, 2], [3, 15, 17, 5, 7, 3, 2], [2, 224, 224, 4, 3, 1, 2], [1, 40, 37, 6, 3, 1, 1], [2, 35, 33, 3, 5, 2, 1]]) {
    const C = 3, x = randArray(N * C * H * W, 5), w = randArray(F * C * k * k, 6), b = randArray(F, 7);
    const xs = mx.nd.array(x, { shape: [N, C, H, W] }), ws = mx.nd.array(w, { shape: [F, C, k, k] }), bs = mx.nd.array(b, { shape: [F] });
    const attrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: F };
    const want = refConv(x, w, b, { N, C, H, W, F, G: 1, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, dh: 1, dw: 1 });
    const direct = mx.nd.Convolution(xs, ws, bs, attrs).toTypedArray();
    check(direct, want, `direct N=${N} ${H}x${W} k=${k}`);
    const old = setConvDirect(false);
    try { check(direct, mx.nd.Convolution(xs, ws, bs, attrs).toTypedArray(), `direct vs im2col N=${N}`); } finally { setConvDirect(old); }
    // relu fused by the graph pass (Convolution -> Activation) runs in the kernel's store.
    const sym = mx.sym.Activation({ data: mx.sym.Convolution({ data: mx.sym.Variable('data'), ...attrs, name: 'c' }), act_type: 'relu' });
    const exe = sym.simpleBind({ shapes: { data: [N, C, H, W] }, gradReq: 'null' });
    exe.argDict.c_weight.set(w); exe.argDict.c_bias.set(b);
    check(exe.forward({ data: x })[0].toTypedArray(), want.map((v) => Math.max(v, 0)), `bound relu N=${N}`);
    exe.dispose();
  }
});

test('grouped layers of <= 4 channels a group on the direct kernel: reference == im2col path (same bits), bias, relu', () => {
  const plan = (a: Record<string, unknown>, shape: number[]) => convPlan(convGeom({ stride: [1, 1], pad: [1, 1], dilate: [], ...a }, shape, 'c'));
  assert.is(plan({ kernel: [3, 3], num_filter: 128, num_group: 32 }, [1, 128, 28, 28]).method, 'few'); // ResNeXt 32x4d stage 1
  assert.is(plan({ kernel: [3, 3], num_filter: 128, num_group: 32 }, [1, 128, 14, 14]).method, 'im2col'); // rows under 16
  assert.is(plan({ kernel: [3, 3], num_filter: 256, num_group: 32 }, [1, 256, 28, 28]).method, 'im2col'); // 8 a group
  assert.is(plan({ kernel: [3, 3], num_filter: 32, num_group: 32 }, [1, 32, 28, 28]).method, 'dw'); // depthwise stays
  // N, C, H, W, F, G, k, stride, pad: groups of 1-4 channels, 1-5 filters a group (odd), stride 1 and 2, batch 1 and 3
  for (const [N, C, H, W, F, G, k, s, p] of [[1, 8, 17, 19, 8, 2, 3, 1, 1], [3, 12, 9, 33, 9, 3, 3, 2, 1], [2, 6, 16, 16, 12, 6, 5, 1, 2],
    [1, 16, 20, 40, 20, 4, 3, 1, 0], [2, 4, 7, 35, 10, 2, 7, 2, 3]]) {
    const Cg = C / G, x = randArray(N * C * H * W, 21), w = randArray(F * Cg * k * k, 22), b = randArray(F, 23);
    const xs = mx.nd.array(x, { shape: [N, C, H, W] }), ws = mx.nd.array(w, { shape: [F, Cg, k, k] }), bs = mx.nd.array(b, { shape: [F] });
    const attrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: F, num_group: G };
    const geom = convGeom({ dilate: [], ...attrs }, [N, C, H, W], 'c');
    assert.is(convPlan(geom).method, 'few', `N=${N} C=${C} G=${G} ${H}x${W}`);
    const want = refConv(x, w, b, { N, C, H, W, F, G, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, dh: 1, dw: 1 });
    const direct = mx.nd.Convolution(xs, ws, bs, attrs).toTypedArray();
    check(direct, want, `grouped direct N=${N} C=${C} G=${G} ${H}x${W} k=${k} s=${s}`);
    const old = setConvDirect(false);
    let gemm: Float32Array;
    try { gemm = mx.nd.Convolution(xs, ws, bs, attrs).toTypedArray() as Float32Array; } finally { setConvDirect(old); }
    for (let i = 0; i < gemm.length; i++) if (!Object.is(gemm[i], direct[i])) assert.unreachable(`grouped N=${N} C=${C} G=${G}: differs from im2col + GEMM at ${i}`);
    const sym = mx.sym.Activation({ data: mx.sym.Convolution({ data: mx.sym.Variable('data'), ...attrs, name: 'c' }), act_type: 'relu' });
    const exe = sym.simpleBind({ shapes: { data: [N, C, H, W] }, gradReq: 'null' });
    exe.argDict.c_weight.set(w); exe.argDict.c_bias.set(b);
    check(exe.forward({ data: x })[0].toTypedArray(), want.map((v) => Math.max(v, 0)), `grouped bound relu N=${N} G=${G}`);
    exe.dispose();
    for (const t of [xs, ws, bs]) t.dispose();
  }
  gradCheck('Convolution', [mx.nd.array(randArray(2 * 4 * 5 * 17, 24), { shape: [2, 4, 5, 17] }), mx.nd.array(randArray(6 * 2 * 9, 25), { shape: [6, 2, 3, 3] }),
    mx.nd.array(randArray(6, 26), { shape: [6] })], { kernel: [3, 3], pad: [1, 1], num_filter: 6, num_group: 2 });
});

test('few-channel stem gradient unaffected: finite differences, batch 1 and 2', () => {
  for (const N of [1, 2]) {
    gradCheck('Convolution', [mx.nd.array(randArray(N * 3 * 9 * 7, 11), { shape: [N, 3, 9, 7] }), mx.nd.array(randArray(4 * 27, 12), { shape: [4, 3, 3, 3] }),
      mx.nd.array(randArray(4, 13), { shape: [4] })], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: 4 });
  }
});

test.run();
