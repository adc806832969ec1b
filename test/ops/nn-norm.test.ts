// BatchNorm, LayerNorm, InstanceNorm, L2Normalization: forward vs reference, finite-difference gradients,
// BatchNorm moving statistics (updated in backward, as MXNet's CPU kernel does).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose, gradCheck, invoke, invokeWithGrad } from '../helpers.js';
import * as ref from '../../src/reference/nn.js';

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const arr = (n: number, seed: number, lo = -1, hi = 1, shape?: number[]) => mx.nd.array(randArray(n, seed, lo, hi), shape ? { shape } : {});

function bnInputs(s: number[], axis: number) {
  const C = s[axis < 0 ? axis + s.length : axis];
  return { C, ins: [arr(prod(s), 1, -2, 3, s), arr(C, 2, 0.5, 1.5), arr(C, 3), arr(C, 4), arr(C, 5, 0.5, 2)] };
}

test('BatchNorm forward (train, inference, use_global_stats, fix_gamma both ways, axis 1 and -1) vs reference', () => {
  for (const [s, axis] of [[[1, 3, 5], 1], [[4, 3, 2, 3], 1], [[6, 5], -1], [[2, 3, 4], -1], [[2, 3, 4], 2]] as const) {
    for (const fix_gamma of [true, false]) {
      for (const [isTrain, ugs] of [[true, false], [false, false], [true, true]]) {
        const { C, ins } = bnInputs(s as unknown as number[], axis);
        const ax = axis < 0 ? axis + s.length : axis, o = prod(s.slice(0, ax)), i = prod(s.slice(ax + 1));
        const outs = invoke('BatchNorm', ins, { fix_gamma, axis, use_global_stats: ugs, output_mean_var: true }, { isTrain });
        assert.equal(outs.length, 3);
        const want = new Float64Array(prod(s as unknown as number[]));
        const v = ins.map((t) => t.toTypedArray());
        const [mu, is] = ref.batchNorm(v[0], want, v[1], v[2], v[3], v[4], o, C, i, 1e-3, isTrain && !ugs, fix_gamma);
        assertClose(outs[0].toTypedArray(), want, 1e-4, 2e-5, `bn ${s} ${axis} ${fix_gamma} ${isTrain} ${ugs}`);
        assertClose(outs[1].toTypedArray(), mu, 1e-5, 1e-6); assertClose(outs[2].toTypedArray(), is, 1e-5, 1e-6);
      }
    }
  }
  assert.equal(invoke('BatchNorm', bnInputs([2, 3], 1).ins, {}).length, 1, 'one visible output by default');
});

test('BatchNorm gradCheck in training (fix_gamma both ways), use_global_stats, inference, axis -1', () => {
  for (const [s, attrs, isTrain] of [
    [[3, 2, 4], { fix_gamma: false }, true], [[3, 2, 4], { fix_gamma: true }, true], [[5, 3], { fix_gamma: false, axis: -1 }, true],
    [[2, 3, 2, 2], { fix_gamma: false, use_global_stats: true }, true], [[2, 3, 5], { fix_gamma: false }, false],
    [[5, 6], { fix_gamma: false }, true], [[4, 6], { fix_gamma: false, use_global_stats: true }, true], [[3, 9], { fix_gamma: true }, false],
  ] as const) {
    const { ins } = bnInputs(s as unknown as number[], ((attrs as Record<string, unknown>).axis as number | undefined) ?? 1);
    gradCheck('BatchNorm', ins, attrs, { isTrain, skip: [3, 4], eps: 5e-3, rtol: 3e-2, atol: 3e-3 });
  }
});

test('BatchNorm: moving statistics updated by backward (m*momentum + batch*(1-momentum), biased var); fix_gamma grad 0', () => {
  for (const s of [[4, 3, 5], [6, 5], [7, 4]]) {
    const { C, ins } = bnInputs(s, 1), N = s[0], I = prod(s.slice(2));
    const rm0 = ins[3].toTypedArray(), rv0 = ins[4].toTypedArray();
    const fwd = invoke('BatchNorm', ins, { momentum: 0.8 }, { isTrain: true });
    assertClose(ins[3].toTypedArray(), rm0, 0, 0, 'forward leaves moving_mean unchanged');
    fwd.forEach((t) => t.dispose());
    const dy = arr(prod(s), 9, -1, 1, s);
    const { grads } = invokeWithGrad('BatchNorm', ins, { momentum: 0.8 }, [dy]);
    const x = ins[0].toTypedArray(), mean: number[] = [], vr: number[] = [];
    for (let c = 0; c < C; c++) {
      const v: number[] = [];
      for (let o = 0; o < N; o++) for (let i = 0; i < I; i++) v.push(x[(o * C + c) * I + i]);
      const m = v.reduce((a, b) => a + b, 0) / v.length; mean.push(m); vr.push(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    }
    assertClose(ins[3].toTypedArray(), mean.map((m, c) => rm0[c] * 0.8 + m * 0.2), 1e-5, 1e-6, `moving_mean ${s}`);
    assertClose(ins[4].toTypedArray(), vr.map((v, c) => rv0[c] * 0.8 + v * 0.2), 1e-4, 1e-5, `moving_var ${s}`);
    assertClose(grads[1]!.toTypedArray(), new Array(C).fill(0), 0, 0, 'fix_gamma: grad_gamma is 0');
    const before = ins[3].toTypedArray();
    invokeWithGrad('BatchNorm', ins, { use_global_stats: true }, [dy]);
    assertClose(ins[3].toTypedArray(), before, 0, 0, 'use_global_stats leaves moving stats');
  }
});

test('BatchNorm: shape errors name the op', () => {
  const { ins } = bnInputs([2, 3, 4], 1);
  assert.throws(() => invoke('BatchNorm', [ins[0], arr(4, 1), ins[2], ins[3], ins[4]], {}), /BatchNorm.*gamma/);
  assert.throws(() => invoke('BatchNorm', ins, { axis: 5 }), /BatchNorm.*axis/);
});

test('LayerNorm forward vs reference and gradCheck (data, gamma, beta); output_mean_var', () => {
  for (const s of [[1, 7], [3, 5], [2, 3, 17], [2, 65]]) {
    const n = s[s.length - 1], x = arr(prod(s), 3, -2, 2, s), g = arr(n, 4, 0.5, 1.5), b = arr(n, 5);
    const outs = invoke('LayerNorm', [x, g, b], { output_mean_var: true });
    assert.equal(outs.length, 3); assert.equal(outs[1].shape, [...s.slice(0, -1), 1]);
    const want = new Float64Array(prod(s)); ref.rowNorm(x.toTypedArray(), want, g.toTypedArray(), b.toTypedArray(), prod(s) / n, n, 0, 1e-5);
    assertClose(outs[0].toTypedArray(), want, 1e-4, 1e-5, `LayerNorm ${s}`);
  }
  gradCheck('LayerNorm', [arr(15, 3, -2, 2, [3, 5]), arr(5, 4, 0.5, 1.5), arr(5, 5)], {});
  gradCheck('LayerNorm', [arr(24, 6, -2, 2, [2, 3, 4]), arr(4, 4, 0.5, 1.5), arr(4, 5)], { axis: 2, eps: 1e-3 });
  assert.throws(() => invoke('LayerNorm', [arr(6, 1, -1, 1, [2, 3]), arr(2, 1), arr(2, 1)], { axis: 2 }), /LayerNorm.*axis/);
  assert.throws(() => invoke('LayerNorm', [arr(6, 1, -1, 1, [2, 3]), arr(2, 1), arr(2, 1)], {}), /LayerNorm.*gamma/);
});

/** LayerNorm over a middle axis, float64 reference: move the axis last, normalise rows, move back. */
function lnAxisRef(x: ArrayLike<number>, s: number[], ax: number, g: ArrayLike<number>, b: ArrayLike<number>, eps: number): Float64Array {
  const o = prod(s.slice(0, ax)), n = s[ax], i = prod(s.slice(ax + 1)), out = new Float64Array(x.length);
  for (let a = 0; a < o; a++) for (let c = 0; c < i; c++) {
    const row = Array.from({ length: n }, (_, j) => x[(a * n + j) * i + c]), y = new Float64Array(n);
    ref.rowNorm(row, y, g, b, 1, n, 0, eps);
    for (let j = 0; j < n; j++) out[(a * n + j) * i + c] = y[j];
  }
  return out;
}

test('LayerNorm over axis 0 / 1 / 2 of 3-D and 4-D data (column lanes, tails) and gradCheck', () => {
  for (const [s, axis] of [[[3, 4, 5], 0], [[3, 4, 5], 1], [[2, 5, 3, 7], 1], [[2, 5, 3, 7], 2], [[1, 3, 9], -2]] as const) {
    const sh = s as unknown as number[], ax = axis < 0 ? axis + sh.length : axis, n = sh[ax];
    const x = arr(prod(sh), 7, -2, 2, sh), g = arr(n, 4, 0.5, 1.5), b = arr(n, 5);
    const outs = invoke('LayerNorm', [x, g, b], { axis, output_mean_var: true });
    assert.equal(outs[1].shape, sh.map((v, k) => (k === ax ? 1 : v)));
    assertClose(outs[0].toTypedArray(), lnAxisRef(x.toTypedArray(), sh, ax, g.toTypedArray(), b.toTypedArray(), 1e-5), 1e-4, 1e-5, `LayerNorm ${s} axis ${axis}`);
    gradCheck('LayerNorm', [x, g, b], { axis, eps: 1e-2 }, { eps: 3e-3, atol: 3e-3 }); // curvature of n=3 rows: small FD step
  }
});

test('InstanceNorm forward vs reference and gradCheck', () => {
  const s = [2, 3, 2, 3], x = arr(36, 3, -2, 2, s), g = arr(3, 4, 0.5, 1.5), b = arr(3, 5);
  const [y] = invoke('InstanceNorm', [x, g, b], {});
  const want = new Float64Array(36); ref.rowNorm(x.toTypedArray(), want, g.toTypedArray(), b.toTypedArray(), 6, 6, 3, 1e-3);
  assertClose(y.toTypedArray(), want, 1e-4, 1e-5);
  gradCheck('InstanceNorm', [x, g, b], {});
  gradCheck('InstanceNorm', [arr(30, 7, -2, 2, [1, 2, 15]), arr(2, 4, 0.5, 1.5), arr(2, 5)], {});
});

test('GroupNorm (MXNet 1.x: gamma/beta per group, (G,)) forward vs reference (groups 1, 2, 3, C), batch 1 and 2, gradCheck; bad shapes name the op', () => {
  for (const N of [1, 2]) {
    const s = [N, 6, 3, 3], x = arr(N * 54, 3 + N, -2, 2, s);
    for (const G of [1, 2, 3, 6]) {
      const g = arr(G, 4, 0.5, 1.5), b = arr(G, 5);
      const outs = invoke('GroupNorm', [x, g, b], { num_groups: G, output_mean_var: true });
      assert.equal(outs[1].shape, [N, G]);
      const want = new Float64Array(N * 54); ref.rowNorm(x.toTypedArray(), want, g.toTypedArray(), b.toTypedArray(), N * G, 54 / G, G, 1e-5);
      assertClose(outs[0].toTypedArray(), want, 1e-4, 1e-5, `GroupNorm N ${N} G ${G}`);
      // by hand: element (n, c, ...) of group c / (C / G) is scaled by gamma[group] (not gamma[c])
      const x0 = x.toTypedArray() as Float32Array, grp = 54 / G, n0 = 0, r = Math.min(G - 1, 1), seg = x0.subarray(r * grp, (r + 1) * grp);
      const mu = seg.reduce((p, v) => p + v, 0) / grp, sd = Math.sqrt(seg.reduce((p, v) => p + (v - mu) ** 2, 0) / grp + 1e-5);
      assertClose([outs[0].toTypedArray()[r * grp + n0]], [(seg[n0] - mu) / sd * g.data[r] + b.data[r]], 1e-4, 1e-5);
    }
  }
  const x = arr(108, 3, -2, 2, [2, 6, 3, 3]);
  gradCheck('GroupNorm', [x, arr(2, 4, 0.5, 1.5), arr(2, 5)], { num_groups: 2, eps: 1e-3 });
  gradCheck('GroupNorm', [arr(2 * 4 * 5, 8, -2, 2, [2, 4, 5]), arr(4, 4, 0.5, 1.5), arr(4, 5)], { num_groups: 4, eps: 1e-3 });
  gradCheck('GroupNorm', [arr(1 * 6 * 7, 9, -2, 2, [1, 6, 7]), arr(3, 4, 0.5, 1.5), arr(3, 5)], { num_groups: 3, eps: 1e-3 });
  assert.throws(() => invoke('GroupNorm', [x, arr(4, 4), arr(4, 5)], { num_groups: 4 }), /GroupNorm.*num_groups/);
  assert.throws(() => invoke('GroupNorm', [x, arr(6, 4), arr(6, 5)], { num_groups: 2 }), /GroupNorm.*gamma must have shape \(2,\)/);
});

test('L2Normalization instance / channel / spatial forward vs reference and gradCheck', () => {
  const s = [2, 3, 2, 5], x = arr(60, 3, -2, 2, s);
  for (const [mode, o, n, i] of [['instance', 2, 30, 1], ['channel', 2, 3, 10], ['spatial', 6, 10, 1]] as const) {
    const [y] = invoke('L2Normalization', [x], { mode });
    const want = new Float64Array(60); ref.l2norm(x.toTypedArray(), want, o, n, i, 1e-10);
    assertClose(y.toTypedArray(), want, 1e-5, 1e-6, mode);
    gradCheck('L2Normalization', [x], { mode });
  }
  gradCheck('L2Normalization', [arr(12, 4, -2, 2, [4, 3])], {});
});

test.run();
