// Conv/pool kernels vs the scalar references, at plane widths 0..65 (SIMD tails) and a large plane.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, closeMsg } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { refConv, refConvBackward, refConvOut, refPool, refPoolBackward, refPoolOut, refWinoWeights, type RefConvGeom } from '../../src/reference/conv.js';
import { lowerWinogradDw, lowerWinogradFwd, winogradWorkspace, setWinogradChunkBytes } from '../../src/ops/conv/winograd.js';
import type { ConvGeom } from '../../src/ops/conv/geom.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';

void mx;
const R = rt(), K = R.K;
const WIDTHS = [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65];

/** Copies arrays into fresh wasm buffers (+64 bytes slack each), runs f, frees. */
function withBufs<T>(arrays: (Float32Array | number)[], f: (offs: number[]) => T): T {
  const offs = arrays.map((a) => R.alloc.alloc(((typeof a === 'number' ? a : a.length) + 16) * 4));
  arrays.forEach((a, i) => { if (typeof a !== 'number') f32(offs[i], a.length).set(a); else f32(offs[i], a).fill(NaN); });
  try { return f(offs); } finally { offs.forEach((o) => R.alloc.free(o)); }
}
const read = (off: number, n: number) => Float32Array.from(f32(off, n));
const check = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => { const m = closeMsg(a, b, 1e-4, 1e-4); assert.ok(!m, `${what}: ${m}`); };

function geom(C: number, H: number, W: number, k: number, s: number, p: number, d = 1): RefConvGeom {
  return { N: 1, C, H, W, F: C, G: C, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, dh: d, dw: d };
}
const gargs = (g: RefConvGeom) => ({ C: g.C, H: g.H, W: g.W, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ph: g.ph, pw: g.pw, dh: g.dh, dw: g.dw,
  Ho: refConvOut(g.H, g.kh, g.sh, g.ph, g.dh), Wo: refConvOut(g.W, g.kw, g.sw, g.pw, g.dw) });

test('im2col + (1xK ones GEMM) / col2im match the direct conv and its data-gradient', () => {
  for (const W of WIDTHS) for (const [k, s, p, d] of [[3, 1, 1, 1], [3, 2, 1, 1], [2, 3, 0, 1], [3, 1, 2, 2]]) {
    const g: RefConvGeom = { ...geom(2, 5, W, k, s, p, d), F: 1, G: 1 };
    const Ho = refConvOut(5, k, s, p, d), Wo = refConvOut(W, k, s, p, d);
    if (Ho < 1 || Wo < 1) continue;
    const x = randArray(2 * 5 * W, W + 1), w = randArray(2 * k * k, 2), rows = 2 * k * k;
    withBufs([x, rows * Ho * Wo, 2 * 5 * W], ([ox, ocol, odx]) => {
      kernelCall(K, 'f32_im2col__simd128', { x: ox, col: ocol, ...gargs(g), ld: 0, nimg: 1, xs: 0 });
      const col = read(ocol, rows * Ho * Wo), y = new Float32Array(Ho * Wo);
      for (let r = 0; r < rows; r++) for (let j = 0; j < Ho * Wo; j++) y[j] += w[r] * col[r * Ho * Wo + j];
      check(y, refConv(x, w, undefined, g), `im2col W=${W} k=${k} s=${s}`);
      // col2im of (w ⊗ dy) is the data gradient.
      const dy = randArray(Ho * Wo, 3), dcol = new Float32Array(rows * Ho * Wo);
      for (let r = 0; r < rows; r++) for (let j = 0; j < Ho * Wo; j++) dcol[r * Ho * Wo + j] = w[r] * dy[j];
      f32(ocol, dcol.length).set(dcol);
      kernelCall(K, 'f32_col2im__simd128', { col: ocol, x: odx, ...gargs(g), ld: 0, nimg: 1, xs: 0 });
      check(read(odx, 2 * 5 * W), refConvBackward(x, w, dy, g).dx, `col2im W=${W} k=${k} s=${s}`);
    });
  }
});

test('depthwise forward (bias, relu) and backward kernels match the reference', () => {
  const shapes: [number, number, number, number, number][] = [];
  for (const W of WIDTHS) shapes.push([W, 3, 1, 1, 1], [W, 3, 2, 1, 1], [W, 3, 1, 0, 1], [W, 5, 1, 2, 2], [W, 3, 2, 0, 1]);
  shapes.push([224, 3, 2, 1, 1], [112, 3, 1, 1, 1]);
  for (const [W, k, s, p, d] of shapes) {
    const H = W > 64 ? 9 : 6, C = 3, g = geom(C, H, W, k, s, p, d);
    const { Ho, Wo } = gargs(g);
    if (Ho < 1 || Wo < 1) continue;
    const x = randArray(C * H * W, W), w = randArray(C * k * k, 7), b = randArray(C, 8), dy = randArray(C * Ho * Wo, 9);
    withBufs([x, w, b, C * Ho * Wo, dy, C * H * W, C * k * k], ([ox, ow, ob, oy, ody, odx, odw]) => {
      const what = `W=${W} k=${k} s=${s} p=${p} d=${d}`;
      kernelCall(K, 'f32_dwconv__simd128', { x: ox, w: ow, b: ob, y: oy, ...gargs(g), act: 0 });
      check(read(oy, C * Ho * Wo), refConv(x, w, b, g), `dwconv ${what}`);
      kernelCall(K, 'f32_dwconv__simd128', { x: ox, w: ow, b: 0, y: oy, ...gargs(g), act: 1 });
      check(read(oy, C * Ho * Wo), refConv(x, w, undefined, g).map((v) => Math.max(v, 0)), `dwconv relu ${what}`);
      kernelCall(K, 'f32_dwconv_bwd__simd128', { x: ox, w: ow, dy: ody, dx: odx, dwt: odw, ...gargs(g), acc: 0 });
      const r = refConvBackward(x, w, dy, g);
      check(read(odx, C * H * W), r.dx, `dwconv dx ${what}`);
      check(read(odw, C * k * k), r.dw, `dwconv dw ${what}`);
      kernelCall(K, 'f32_dwconv_bwd__simd128', { x: ox, w: ow, dy: ody, dx: 0, dwt: odw, ...gargs(g), acc: 1 });
      check(read(odw, C * k * k), r.dw.map((v) => 2 * v), `dwconv dw acc ${what}`);
    });
  }
});

test('depthwise 3x3 pad 1 whole-row SIMD, stride 1 and 2: every width 1-13, 1-row planes, nothing written past the output', () => {
  for (const st of [1, 2]) for (let W = 1; W <= 13; W++) for (const H of [1, 2, 7]) {
    const C = 2, g = geom(C, H, W, 3, st, 1, 1), n = C * gargs(g).Ho * gargs(g).Wo;
    const x = randArray(C * H * W, W + H), w = randArray(C * 9, 5), b = randArray(C, 6), guard = new Float32Array(n + 8).fill(NaN);
    withBufs([x, w, b, guard], ([ox, ow, ob, oy]) => {
      kernelCall(K, 'f32_dwconv__simd128', { x: ox, w: ow, b: ob, y: oy, ...gargs(g), act: 1 });
      const got = read(oy, n + 8);
      check(got.slice(0, n), refConv(x, w, b, g).map((v) => Math.max(v, 0)), `stride ${st} W=${W} H=${H}`);
      assert.ok(got.slice(n).every((v) => Number.isNaN(v)), `stride ${st} W=${W} H=${H}: wrote past the output`);
    });
  }
});

test('Winograd weight transform: the same bits as the scalar oracle, 4-channel vectors and tails, flipped, a part of the filters', () => {
  for (const [F, C] of [[1, 1], [3, 4], [5, 3], [2, 9], [6, 8], [4, 13]]) for (const flip of [0, 1]) {
    const w = randArray(F * C * 9, F * 31 + C);
    withBufs([w, 16 * F * C], ([ow, oU]) => {
      kernelCall(K, 'f32_wino_w_f2k3__simd128', { w: ow, U: oU, F, C, flip, Ft: F });
      assert.equal(Array.from(read(oU, 16 * F * C)), Array.from(refWinoWeights(w, F, C, !!flip)), `F=${F} C=${C} flip=${flip}`);
      // Filters 1 .. F - 1 only (a thread's part): U and w advanced to filter 1, U's ξ stride still Ft C.
      if (F < 2) return;
      f32(oU, 16 * F * C).fill(NaN);
      kernelCall(K, 'f32_wino_w_f2k3__simd128', { w: ow + (flip ? 36 : C * 36), U: oU + C * 4, F: F - 1, C, flip, Ft: F });
      const got = read(oU, 16 * F * C), want = refWinoWeights(w, F, C, !!flip);
      for (let x = 0; x < 16; x++) for (let i = C; i < F * C; i++) assert.is(got[x * F * C + i], want[x * F * C + i], `part F=${F} C=${C} flip=${flip}`);
    });
  }
});

test('Winograd F(2x2,3x3) transforms + GEMMs: forward (bias, relu), weight gradient and flipped data gradient', () => {
  const old = setWinogradChunkBytes(1);
  try {
    for (const W of WIDTHS.filter((w) => w >= 2)) for (const [H, p] of [[5, 1], [2, 0], [9, 2]]) {
      const C = 3, F = 5, Ho = H + 2 * p - 2, Wo = W + 2 * p - 2;
      if (Ho < 1 || Wo < 1) continue;
      const g: ConvGeom = { N: 2, C, H, W, F, G: 1, kh: 3, kw: 3, sh: 1, sw: 1, ph: p, pw: p, dh: 1, dw: 1, Ho, Wo, nd: 2 };
      const rg: RefConvGeom = { ...g };
      const x = randArray(2 * C * H * W, W + H), w = randArray(F * C * 9, 3), b = randArray(F, 4), dy = randArray(2 * F * Ho * Wo, 5);
      const dg: ConvGeom = { ...g, C: F, H: Ho, W: Wo, F: C, ph: 2 - p, pw: 2 - p, Ho: H, Wo: W };
      const ws = Math.max(winogradWorkspace(g), winogradWorkspace(dg));
      withBufs([x, w, b, 2 * F * Ho * Wo, dy, F * C * 9, 2 * C * H * W, ws / 4], ([ox, ow, ob, oy, ody, odw, odx, ows]) => {
        const ctx = { K, scratch: R.scratch.off } as never, what = `W=${W} H=${H} p=${p}`;
        lowerWinogradFwd(ctx, g, ox, ow, ob, oy, 1, ows)();
        check(read(oy, 2 * F * Ho * Wo), refConv(x, w, b, rg).map((v) => Math.max(v, 0)), `winograd fwd ${what}`);
        const r = refConvBackward(x, w, dy, rg);
        lowerWinogradDw(ctx, g, ox, ody, odw, ows)();
        check(read(odw, F * C * 9), r.dw, `winograd dw ${what}`);
        lowerWinogradFwd(ctx, dg, ody, ow, 0, odx, 0, ows, 1)();
        check(read(odx, 2 * C * H * W), r.dx, `winograd dx ${what}`);
      });
    }
  } finally { setWinogradChunkBytes(old); }
});

test('im2col / col2im over a block of images (ld, nimg, xs) == per image; copyrows', () => {
  for (const W of WIDTHS) for (const [k, s, p, d] of [[3, 1, 1, 1], [3, 2, 1, 1], [5, 1, 0, 1]]) {
    const g: RefConvGeom = { ...geom(2, 6, W, k, s, p, d), F: 1, G: 1 }, ga = gargs(g), { Ho, Wo } = ga;
    if (Ho < 1 || Wo < 1) continue;
    const P = Ho * Wo, rows = 2 * k * k, img = 2 * 6 * W, nimg = 3, ld = nimg * P + 5, x = randArray(nimg * img, W + 7);
    withBufs([x, rows * ld, rows * P, nimg * img, img], ([ox, ocol, one, odx, odx1]) => {
      kernelCall(K, 'f32_im2col__simd128', { x: ox, col: ocol, ...ga, ld, nimg, xs: img });
      const col = read(ocol, rows * ld);
      for (let n = 0; n < nimg; n++) {
        kernelCall(K, 'f32_im2col__simd128', { x: ox + n * img * 4, col: one, ...ga, ld: 0, nimg: 1, xs: 0 });
        const want = read(one, rows * P);
        for (let r = 0; r < rows; r++) check(col.subarray(r * ld + n * P, r * ld + n * P + P), want.subarray(r * P, r * P + P), `im2col block W=${W} k=${k} s=${s} image ${n} row ${r}`);
      }
      kernelCall(K, 'f32_col2im__simd128', { col: ocol, x: odx, ...ga, ld, nimg, xs: img });
      const dx = read(odx, nimg * img);
      for (let n = 0; n < nimg; n++) {
        const part = new Float32Array(rows * P);
        for (let r = 0; r < rows; r++) part.set(col.subarray(r * ld + n * P, r * ld + n * P + P), r * P);
        f32(one, part.length).set(part);
        kernelCall(K, 'f32_col2im__simd128', { col: one, x: odx1, ...ga, ld: 0, nimg: 1, xs: 0 });
        check(dx.subarray(n * img, (n + 1) * img), read(odx1, img), `col2im block W=${W} k=${k} s=${s} image ${n}`);
      }
    });
  }
  for (const P of [...WIDTHS, 1000]) {
    const R = 3, Nb = 2, src = randArray(R * Nb * P + 1, P + 3);
    withBufs([src, R * Nb * P + 1], ([os, od]) => {
      kernelCall(K, 'f32_copyrows__simd128', { src: os, dst: od, R, Nb, P, sr: Nb * P, sn: P, dr: P, dn: R * P });
      const want = new Float32Array(R * Nb * P);
      for (let r = 0; r < R; r++) for (let n = 0; n < Nb; n++) for (let i = 0; i < P; i++) want[(n * R + r) * P + i] = src[(r * Nb + n) * P + i];
      check(read(od, R * Nb * P), want, `copyrows P=${P}`);
    });
  }
});

test('rowsum, bias_rows, relu_mask', () => {
  for (const n of WIDTHS) {
    const x = randArray(3 * n, n + 1), b = randArray(3, 2);
    withBufs([x, b, 3, 3 * n], ([ox, ob, oy, oz]) => {
      kernelCall(K, 'f32_rowsum__simd128', { x: ox, y: oy, rows: 3, cols: n, acc: 0 });
      check(read(oy, 3), [0, 1, 2].map((r) => x.subarray(r * n, (r + 1) * n).reduce((a, c) => a + c, 0)), `rowsum ${n}`);
      kernelCall(K, 'f32_relu_mask__simd128', { y: ox, dy: ox, out: oz, n: 3 * n });
      check(read(oz, 3 * n), x.map((v) => (v > 0 ? v : 0)), `relu_mask ${n}`);
      kernelCall(K, 'f32_bias_rows__simd128', { x: ox, b: ob, rows: 3, cols: n, act: 1 });
      check(read(ox, 3 * n), x.map((v, i) => Math.max(v + b[Math.floor(i / Math.max(n, 1))], 0)), `bias_rows ${n}`);
    });
  }
});

test('pool2d forward/backward kernels (max, avg, sum, lp) match the reference', () => {
  const types = ['max', 'avg', 'sum', 'lp'] as const, codes = [0, 1, 2, 3];
  for (const W of [...WIDTHS, 224]) for (const [k, s, p] of [[2, 2, 0], [3, 2, 1], [3, 1, 1], [2, 1, 0]]) for (let t = 0; t < 4; t++) {
    const H = 5, P = 2, Ho = refPoolOut(H, k, s, p, false), Wo = refPoolOut(W, k, s, p, false);
    if (Ho < 1 || Wo < 1 || k > W + 2 * p) continue;
    const g = { P, H, W, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, type: types[t], full: false, countIncludePad: true, p: 2 };
    const x = randArray(P * H * W, W + t), dy = randArray(P * Ho * Wo, 5);
    withBufs([x, P * Ho * Wo, dy, P * H * W], ([ox, oy, ody, odx]) => {
      const args = { P, H, W, Ho, Wo, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, type: codes[t], countPad: 1 };
      kernelCall(K, 'f32_pool2d__simd128', { x: ox, y: oy, ...args });
      const y = refPool(x, g);
      check(read(oy, P * Ho * Wo), y, `pool ${types[t]} W=${W} k=${k} s=${s}`);
      kernelCall(K, 'f32_pool2d_bwd__simd128', { x: ox, y: oy, dy: ody, dx: odx, ...args });
      check(read(odx, P * H * W), refPoolBackward(x, read(oy, P * Ho * Wo), dy, g), `pool bwd ${types[t]} W=${W}`);
    });
  }
});

test('global pool kernel (max, avg, sum)', () => {
  for (const n of [...WIDTHS.filter((w) => w > 0), 3136]) for (let t = 0; t < 3; t++) {
    const x = randArray(3 * n, n);
    withBufs([x, 3], ([ox, oy]) => {
      kernelCall(K, 'f32_global_pool__simd128', { x: ox, y: oy, P: 3, n, type: t });
      const want = [0, 1, 2].map((p) => { const v = Array.from(x.subarray(p * n, (p + 1) * n)); return t === 0 ? Math.max(...v) : v.reduce((a, c) => a + c, 0) / (t === 1 ? n : 1); });
      check(read(oy, 3), want, `global ${t} n=${n}`);
    });
  }
});

test.run();
