// nn kernels (assembly/kernels/f32-nn*.ts) vs the float64 references (src/reference/nn.ts): SIZES, tails,
// row and column line modes, approximation error bounds of exp / log / tanh / erf.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, wasmScratch, randArray, assertClose, SIZES } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import * as ref from '../../src/reference/nn.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';

void mx;
const R = rt(), K = R.K;
const { put, get, free } = wasmScratch();

const TYPES = Object.values(ref.ACT);

test('f32_act / f32_act_bwd: every type at every size vs reference', () => {
  for (const n of SIZES) {
    for (const t of TYPES) {
      const x = randArray(n, 3 + t, -4, 4), dyA = randArray(n, 9, -1, 1), a = t === 6 ? 1 : 0.2;
      const xo = put(x), yo = put(new Float32Array(n)), dyo = put(dyA), dxo = put(new Float32Array(n));
      kernelCall(K, 'f32_act__simd128', { x: xo, y: yo, n, t, a });
      const y = get(yo, n);
      assertClose(y, Array.from(x, (v) => ref.act(t, v, a)), 2e-6, 2e-6, `act ${t} n=${n}`);
      kernelCall(K, 'f32_act_bwd__simd128', { x: xo, y: yo, dy: dyo, dx: dxo, n, t, a });
      assertClose(get(dxo, n), Array.from(x, (v, i) => dyA[i] * ref.actGrad(t, v, y[i], a)), 1e-5, 3e-6, `act_bwd ${t} n=${n}`);
      free();
    }
  }
});

test('approximation error over dense grids (exp via elu, tanh, sigmoid, erf via gelu, log via softrelu)', () => {
  const n = 200001, x = new Float32Array(n);
  const worst = (t: number, lo: number, hi: number, f: (v: number, y: number) => number) => {
    for (let i = 0; i < n; i++) x[i] = lo + (hi - lo) * i / (n - 1);
    const xo = put(x), yo = put(new Float32Array(n));
    kernelCall(K, 'f32_act__simd128', { x: xo, y: yo, n, t, a: 1 });
    const y = get(yo, n); let m = 0;
    for (let i = 0; i < n; i++) m = Math.max(m, f(x[i], y[i]));
    free(); return m;
  };
  const rel = (t: number) => (v: number, y: number) => { const r = ref.act(t, v, 1); return Math.abs(y - r) / Math.max(Math.abs(r), 1e-30); };
  const abs = (t: number) => (v: number, y: number) => Math.abs(y - ref.act(t, v, 1));
  const e = {
    sigmoidRel: worst(1, -80, 20, rel(1)), tanhAbs: worst(2, -10, 10, abs(2)), tanhRel: worst(2, -10, 10, rel(2)),
    eluAbs: worst(6, -80, 0, abs(6)), geluAbs: worst(8, -8, 8, abs(8)), softreluRel: worst(3, -80, 30, rel(3)),
  };
  if (process.env.NN_ERRORS) console.log(e);
  // Measured (f32-math.ts): sigmoid rel 1.8e-7 (2 ulp), tanh rel and abs 3.2e-7 (5 ulp, the rational fit);
  // a wrong coefficient or a broken range reduction shows up far above these bounds.
  assert.ok(e.sigmoidRel < 2.5e-7, JSON.stringify(e));
  assert.ok(e.tanhAbs < 3.5e-7 && e.tanhRel < 3.5e-7, JSON.stringify(e));
  assert.ok(e.eluAbs < 5e-7 && e.geluAbs < 2e-6 && e.softreluRel < 1e-6, JSON.stringify(e));
});

test('exp edge cases: -inf, large negative (no denormals), overflow, NaN', () => {
  const x = [-Infinity, -1e30, -90, -87.4, 88.8, 100, Infinity, NaN];
  const xo = put(x), yo = put(new Float32Array(x.length));
  kernelCall(K, 'f32_act__simd128', { x: xo, y: yo, n: x.length, t: ref.ACT.sigmoid, a: 0 });
  const y = get(yo, x.length);
  assert.equal(Array.from(y.slice(0, 3)), [0, 0, 0]);
  assert.equal(y[5], 1); assert.equal(y[6], 1); assert.ok(Number.isNaN(y[7]));
  free();
});

test('tanh / sigmoid specials: +-0, subnormals and tiny x (tanh x = x), saturation, +-inf, NaN', () => {
  const x = Float32Array.from([0, -0, 1e-40, -1e-40, 1e-20, -3e-8, 9, 9.5, 1e30, -1e30, Infinity, -Infinity, NaN]);
  const xo = put(x), yo = put(new Float32Array(x.length));
  kernelCall(K, 'f32_act__simd128', { x: xo, y: yo, n: x.length, t: ref.ACT.tanh, a: 0 });
  const y = Array.from(f32(yo, x.length));
  assert.ok(Object.is(y[0], 0) && Object.is(y[1], -0), `${y}`);
  assert.equal(y.slice(2, 6), Array.from(x.slice(2, 6)));
  assert.equal(y.slice(6, 12), [1, 1, 1, -1, 1, -1]); assert.ok(Number.isNaN(y[12]));
  kernelCall(K, 'f32_act__simd128', { x: xo, y: yo, n: x.length, t: ref.ACT.sigmoid, a: 0 });
  const s = Array.from(f32(yo, x.length));
  assert.equal([...s.slice(0, 5), ...s.slice(8, 12)], [0.5, 0.5, 0.5, 0.5, 0.5, 1, 0, 1, 0]); assert.ok(Number.isNaN(s[12]));
  free();
});

test('f32_act / f32_act_bwd cut across threads (splits.ts) equal one thread, odd count, absent x', async () => {
  const before = mx.getNumThreads(), n = 300_003, x = randArray(n, 5, -6, 6), dy = randArray(n, 6);
  const xo = put(x), yo = put(new Float32Array(n)), dyo = put(dy), dxo = put(new Float32Array(n));
  const runAll = () => [0, 1, 2, 6, 8].map((t) => {
    kernelCall(K, 'f32_act__simd128', { x: xo, y: yo, n, t, a: 0.5 });
    kernelCall(K, 'f32_act_bwd__simd128', { x: t === 8 ? xo : 0, y: yo, dy: dyo, dx: dxo, n, t, a: 0.5 });
    return [Float32Array.from(f32(yo, n)), Float32Array.from(f32(dxo, n))];
  });
  mx.setNumThreads(2); await mx.threadsReady();
  const two = runAll();
  mx.setNumThreads(1);
  const one = runAll();
  mx.setNumThreads(before); if (before > 1) await mx.threadsReady();
  for (let k = 0; k < one.length; k++) for (let j = 0; j < 2; j++) assert.equal(two[k][j], one[k][j], `case ${k} output ${j}`);
  free();
});

test('f32_softmax / bwd: rows and columns, all sizes, temperature, softmin, log, lengths', () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [2, 3, 1], [3, 17, 1], [2, 64, 1], [1, 65, 1], [2, 5, 3], [3, 4, 4], [2, 7, 9], [1, 1031, 1], [2, 3, 17]];
  for (const n of SIZES.slice(1, 13)) shapes.push([2, n, 1], [1, n, 5]);
  for (const [o, n, i] of shapes) {
    for (const [sc, lg, useLen] of [[1, 0, 0], [0.5, 1, 0], [-2, 0, 0], [1, 0, 1], [1, 1, 1]] as const) {
      const sz = o * n * i, x = randArray(sz, sz + n, -5, 5), dy = randArray(sz, 7);
      const len = useLen ? Array.from({ length: o * i }, (_, k) => (k * 5) % (n + 2)) : undefined;
      const xo = put(x), yo = put(new Float32Array(sz)), dyo = put(dy), dxo = put(new Float32Array(sz)), lo = len ? put(len) : 0;
      kernelCall(K, 'f32_softmax__simd128', { x: xo, y: yo, len: lo, li: 0, outer: o, n, inner: i, sc, lg });
      const want = new Float64Array(sz); ref.softmax(x, want, o, n, i, sc, !!lg, len);
      const y = get(yo, sz);
      assertClose(y, want, 2e-6, 1e-6, `softmax ${[o, n, i, sc, lg, useLen]}`);
      kernelCall(K, 'f32_softmax_bwd__simd128', { y: yo, dy: dyo, dx: dxo, len: lo, li: 0, outer: o, n, inner: i, sc, lg });
      const gw = new Float64Array(sz); ref.softmaxBwd(Float32Array.from(y), dy, gw, o, n, i, sc, !!lg, len);
      assertClose(get(dxo, sz), gw, 1e-5, 2e-6, `softmax_bwd ${[o, n, i, sc, lg, useLen]}`);
      free();
    }
  }
});

test('f32_softmax: large inputs give exact results (test_softmax_with_large_inputs)', () => {
  for (const v of [1e30, 3.4e38]) {
    const xo = put([v, -v, v, v, -v, -v]), yo = put(new Float32Array(6));
    kernelCall(K, 'f32_softmax__simd128', { x: xo, y: yo, len: 0, li: 0, outer: 3, n: 2, inner: 1, sc: 1, lg: 0 });
    assert.equal(Array.from(get(yo, 6)), [1, 0, 0.5, 0.5, 0.5, 0.5]);
    kernelCall(K, 'f32_softmax__simd128', { x: xo, y: yo, len: 0, li: 0, outer: 6, n: 1, inner: 1, sc: 1, lg: 0 }); // axis of size 1
    assert.equal(Array.from(get(yo, 6)), [1, 1, 1, 1, 1, 1]);
    free();
  }
});

test('f32_softmax_ce_bwd vs reference (ignore, valid, smoothing, out-of-range labels)', () => {
  for (const [o, Kc, i] of [[1, 1, 1], [3, 5, 1], [2, 4, 7], [4, 17, 1], [2, 3, 5]] as const) {
    for (const flags of [0, 1, 2, 3]) {
      for (const alpha of [0, 0.1]) {
        const sz = o * Kc * i, y = randArray(sz, 5, 0, 1), lab = Array.from({ length: o * i }, (_, k) => (k % (Kc + 2)) - 1);
        const yo = put(y), lo = put(lab), dxo = put(new Float32Array(sz));
        kernelCall(K, 'f32_softmax_ce_bwd__simd128', { y: yo, label: lo, dx: dxo, outer: o, K: Kc, inner: i, ignore: -1, flags, scale: 0.7, alpha });
        const want = new Float64Array(sz); ref.softmaxCeBwd(y, lab, want, o, Kc, i, -1, flags, 0.7, alpha);
        assertClose(get(dxo, sz), want, 1e-5, 1e-6, `ce ${[o, Kc, i, flags, alpha]}`);
        free();
      }
    }
  }
});

test('f32_bn_fwd (train / moving stats, fix_gamma) vs reference at odd sizes', () => {
  for (const [o, C, i] of [[1, 1, 1], [2, 3, 5], [4, 2, 17], [3, 5, 1], [1, 3, 64], [2, 1, 65]] as const) {
    for (const flags of [0, 1, 2, 3]) {
      const sz = o * C * i, x = randArray(sz, sz, -2, 3), g = randArray(C, 2, 0.5, 1.5), b = randArray(C, 3), rm = randArray(C, 4), rv = randArray(C, 5, 0.5, 2);
      const xo = put(x), yo = put(new Float32Array(sz)), go = put(g), bo = put(b), mo = put(new Float32Array(C)), vo = put(new Float32Array(C));
      kernelCall(K, 'f32_bn_fwd__simd128', { x: xo, y: yo, g: go, b: bo, mean: mo, vr: vo, rm: put(rm), rv: put(rv), outer: o, C, inner: i, eps: 1e-3, flags });
      const want = new Float64Array(sz);
      const [mu, is] = ref.batchNorm(x, want, g, b, rm, rv, o, C, i, 1e-3, !!(flags & 1), !!(flags & 2));
      assertClose(get(yo, sz), want, 1e-4, 2e-5, `bn ${[o, C, i, flags]}`);
      assertClose(get(mo, C), mu, 1e-5, 1e-6); assertClose(get(vo, C), is, 1e-5, 1e-6);
      free();
    }
  }
});

test('f32_rownorm (LayerNorm and InstanceNorm modes), f32_layernorm_cols and f32_l2norm (rows and columns) vs reference', () => {
  for (const [rows, n, C] of [[1, 1, 0], [3, 5, 0], [2, 17, 0], [4, 64, 0], [1, 1031, 0], [6, 7, 3], [4, 65, 2]] as const) {
    const sz = rows * n, x = randArray(sz, n, -3, 3), P = C || n, g = randArray(P, 2), b = randArray(P, 3);
    const xo = put(x), yo = put(new Float32Array(sz));
    kernelCall(K, 'f32_rownorm__simd128', { x: xo, y: yo, g: put(g), b: put(b), mean: put(new Float32Array(rows)), sd: put(new Float32Array(rows)), rows, n, G: C, Sg: C ? n : 0, eps: 1e-5 });
    const want = new Float64Array(sz); ref.rowNorm(x, want, g, b, rows, n, C, 1e-5);
    assertClose(get(yo, sz), want, 1e-4, 1e-5, `rownorm ${[rows, n, C]}`);
    free();
  }
  for (const [o, n, i] of [[1, 1, 2], [2, 5, 3], [3, 17, 4], [2, 3, 5], [1, 4, 17], [2, 65, 7]] as const) {
    const sz = o * n * i, x = randArray(sz, sz, -2, 2), g = randArray(n, 2), b = randArray(n, 3);
    const xo = put(x), yo = put(new Float32Array(sz));
    kernelCall(K, 'f32_layernorm_cols__simd128', { x: xo, y: yo, g: put(g), b: put(b), mean: put(new Float32Array(o * i)), sd: put(new Float32Array(o * i)), outer: o, n, inner: i, eps: 1e-5 });
    const want = new Float64Array(sz);
    for (let a = 0; a < o; a++) for (let c = 0; c < i; c++) {
      const row = Array.from({ length: n }, (_, j) => x[(a * n + j) * i + c]), y = new Float64Array(n);
      ref.rowNorm(row, y, g, b, 1, n, 0, 1e-5);
      for (let j = 0; j < n; j++) want[(a * n + j) * i + c] = y[j];
    }
    assertClose(get(yo, sz), want, 1e-4, 1e-5, `layernorm_cols ${[o, n, i]}`);
    free();
  }
  for (const [o, n, i] of [[1, 1, 1], [2, 5, 1], [3, 17, 1], [2, 3, 5], [2, 4, 9], [1, 65, 4]] as const) {
    const sz = o * n * i, x = randArray(sz, sz), xo = put(x), yo = put(new Float32Array(sz));
    kernelCall(K, 'f32_l2norm__simd128', { x: yo, y: xo, nrm: put(new Float32Array(o * i)), dy: 0, dx: 0, outer: o, n, inner: i, eps: 1e-10 });
    const want = new Float64Array(sz); ref.l2norm(x, want, o, n, i, 1e-10);
    assertClose(get(yo, sz), want, 1e-5, 1e-6, `l2 ${[o, n, i]}`);
    free();
  }
});

test('f32_prelu / gamma grad / rrelu / mask_mul / embedding vs reference', () => {
  for (const [o, C, i] of [[1, 1, 1], [2, 3, 5], [1, 4, 17], [3, 2, 1]] as const) {
    const sz = o * C * i, x = randArray(sz, sz), dy = randArray(sz, 2), g = randArray(C, 3, 0, 1);
    const xo = put(x), dyo = put(dy), go = put(g), yo = put(new Float32Array(sz)), dgo = put(new Float32Array(C));
    kernelCall(K, 'f32_prelu__simd128', { c: xo, v: xo, g: go, out: yo, outer: o, C, inner: i });
    const want = new Float64Array(sz); ref.prelu(x, x, g, want, o, C, i);
    assertClose(get(yo, sz), want);
    kernelCall(K, 'f32_prelu_gamma_grad__simd128', { x: xo, dy: dyo, dg: dgo, outer: o, C, inner: i });
    const dg = new Float64Array(C); ref.preluGammaGrad(x, dy, dg, o, C, i);
    assertClose(get(dgo, C), dg, 1e-5, 1e-6);
    kernelCall(K, 'f32_rrelu__simd128', { c: xo, v: xo, m: dyo, out: yo, n: sz });
    assertClose(get(yo, sz), Array.from(x, (v, k) => (v > 0 ? v : v * dy[k])));
    kernelCall(K, 'f32_mask_mul__simd128', { x: xo, m: dyo, y: yo, n: sz });
    assertClose(get(yo, sz), Array.from(x, (v, k) => v * dy[k]));
    free();
  }
  const idx = [0, 3, -2, 7.9, 100, 2.5, NaN], V = 8, D = 5, w = randArray(V * D, 4), dy = randArray(idx.length * D, 5);
  const io = put(idx), wo = put(w), yo = put(new Float32Array(idx.length * D)), dyo = put(dy), dwo = put(new Float32Array(V * D).fill(9));
  kernelCall(K, 'f32_embedding__simd128', { idx: io, w: wo, y: yo, n: idx.length, D, V });
  const want = new Float64Array(idx.length * D); ref.embedding(idx, w, want, D, V);
  assertClose(get(yo, idx.length * D), want);
  kernelCall(K, 'f32_embedding_bwd__simd128', { idx: io, dy: dyo, dw: dwo, n: idx.length, D, V });
  const dw = new Float64Array(V * D);
  idx.forEach((v, r) => { const k = Math.min(V - 1, Math.max(0, Math.trunc(v) || 0)); for (let j = 0; j < D; j++) dw[k * D + j] += dy[r * D + j]; });
  assertClose(get(dwo, V * D), dw, 1e-6, 1e-6);
  free();
});

test('f32_lrn vs reference at SIMD-tail spatial sizes; f32_lrn_bwd matches finite differences of the reference', () => {
  for (const S of SIZES.slice(0, 13)) {
    const N = 2, C = 5, n = N * C * S, x = randArray(n, S + 1, -2, 2), dy = randArray(n, 3);
    const xo = put(x), yo = put(new Float32Array(n)), so = put(new Float32Array(n)), dyo = put(dy), dxo = put(new Float32Array(n));
    kernelCall(K, 'f32_lrn__simd128', { x: xo, y: yo, s: so, N, C, sp: S, nsize: 3, alpha: 0.3, beta: 0.75, k: 2 });
    const want = new Float64Array(n); ref.lrn(x, want, N, C, S, 3, 0.3, 0.75, 2);
    assertClose(get(yo, n), want, 1e-5, 1e-6, `lrn S=${S}`);
    kernelCall(K, 'f32_lrn_bwd__simd128', { x: xo, y: yo, s: so, dy: dyo, dx: dxo, N, C, sp: S, nsize: 3, alpha: 0.3, beta: 0.75 });
    const dx = get(dxo, n), xd = Float64Array.from(x), h = 1e-6;
    for (let p = 0; p < n; p += Math.max(1, Math.floor(n / 23))) {
      const loss = (v: number) => { xd[p] = v; const y = new Float64Array(n); ref.lrn(xd, y, N, C, S, 3, 0.3, 0.75, 2); return y.reduce((a, b, k) => a + b * dy[k], 0); };
      const x0 = xd[p], num = (loss(x0 + h) - loss(x0 - h)) / (2 * h); xd[p] = x0;
      assertClose([dx[p]], [num], 1e-4, 1e-5, `lrn_bwd S=${S} at ${p}`);
    }
    free();
  }
});

test('f32_rand_fill: keep rate, scale, uniform range, reproducible per seed; x32_expand_inplace', () => {
  const n = 100003, mo = put(new Float32Array(n));
  kernelCall(K, 'f32_rand_fill__simd128', { m: mo, n, seed: 12345, mode: 0, a: 0.3, b: 1 / 0.7 });
  const m = get(mo, n); let kept = 0;
  for (const v of m) { if (v !== 0) { kept++; assert.ok(Math.abs(v - 1 / 0.7) < 1e-6); } }
  assert.ok(Math.abs(kept / n - 0.7) < 0.01, `keep rate ${kept / n}`);
  kernelCall(K, 'f32_rand_fill__simd128', { m: mo, n, seed: 12345, mode: 0, a: 0.3, b: 1 / 0.7 });
  assert.equal(Array.from(get(mo, n)), Array.from(m));
  kernelCall(K, 'f32_rand_fill__simd128', { m: mo, n, seed: 999, mode: 1, a: 0.125, b: 0.334 });
  const u = get(mo, n); let s = 0;
  for (const v of u) { assert.ok(v >= 0.125 && v < 0.334 + 1e-7); s += v; }
  assert.ok(Math.abs(s / n - 0.2295) < 0.002);
  const eo = put(new Float32Array(2 * 3 * 4)); f32(eo, 8).set([1, 2, 3, 4, 5, 6, 7, 8]);
  kernelCall(K, 'x32_expand_inplace', { p: eo, outer: 2, rep: 3, inner: 4 });
  assert.equal(Array.from(get(eo, 24)), [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8, 5, 6, 7, 8]);
  free();
});

test.run();
