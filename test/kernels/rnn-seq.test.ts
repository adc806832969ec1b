// The whole-sequence RNN kernels (assembly/kernels/f32-rnn-seq.ts: each step's recurrent matrix-vector product and
// cell math, all steps of a layer direction in one call) vs the float64 step references (src/reference/rnn.ts)
// chained over the steps: odd hidden sizes (K tails, 3H not a multiple of 4, chunks of units with a short last
// one), forward and reversed time, strided h rows, state clipping; the step counters; the kernels' thread split
// (test/parallel/rnn-threads.test.ts runs them on two threads).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, wasmScratch, randArray, assertClose } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { i32 } from '../../src/runtime/view.js';
import { gruStepRef, lstmStepRef } from '../../src/reference/rnn.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';

void mx;
const R = rt(), K = R.K;
const { put, get, free } = wasmScratch();
const SIZES = [1, 3, 4, 5, 7, 8, 13, 33, 40];

test('f32_lstm_seq vs the step reference chained: H 1..40, T 1 and 4, both directions, 1-4 chunks a step, strided h, clip', () => {
  for (const H of SIZES) for (const T of [1, 4]) for (const rev of [0, 1]) for (const clip of [undefined, [-0.3, 0.25] as [number, number]]) {
    const ldy = 2 * H + 3, nch = 1 + ((H + T + rev) % 4), what = `H${H} T${T} rev${rev} nch${nch}${clip ? ' clip' : ''}`;
    const g = randArray(T * 4 * H, H + T, -2, 2), W = randArray(4 * H * H, H + 7, -0.5, 0.5), bh = randArray(4 * H, H + 8, -1, 1);
    const hx = randArray(H, H + 9, -1, 1), cx = randArray(H, H + 10, -1, 1);
    const go = put(g), Yo = put(new Float32Array(T * ldy).fill(7)), co = put(new Float32Array(T * H)), sync = put(new Int32Array(2 * T) as unknown as number[]);
    kernelCall(K, 'f32_lstm_seq__simd128', { g: go, W: put(W), bh: put(bh), hx: put(hx), Y: Yo, ldy, c: co, cx: put(cx), T, H, rev,
      lo: clip?.[0] ?? 0, hi: clip?.[1] ?? 0, clip: clip ? 1 : 0, nch, sync });
    let hp: ArrayLike<number> = hx, cp: ArrayLike<number> = cx;
    const Y = get(Yo, T * ldy), C = get(co, T * H), G = get(go, T * 4 * H);
    for (let s = 0; s < T; s++) {
      const t = rev ? T - 1 - s : s, ref = lstmStepRef(g.subarray(t * 4 * H, (t + 1) * 4 * H), W, bh, hp, H, cp, 1, H, clip);
      assertClose(G.subarray(t * 4 * H, (t + 1) * 4 * H), ref.act, 1e-5, 2e-6, `${what} activations t${t}`);
      assertClose(C.subarray(t * H, (t + 1) * H), ref.c, 1e-5, 2e-6, `${what} c t${t}`);
      assertClose(Y.subarray(t * ldy, t * ldy + H), ref.h, 1e-5, 2e-6, `${what} h t${t}`);
      assert.ok(Y.subarray(t * ldy + H, (t + 1) * ldy).every((v) => v === 7), `${what}: writes only H values per row of Y`);
      hp = Y.subarray(t * ldy, t * ldy + H); cp = C.subarray(t * H, (t + 1) * H);
    }
    const chunks = Math.ceil(H / Math.max(8, Math.ceil(H / (8 * nch)) * 8));
    const cnt = Array.from(i32(sync, 2 * T));
    for (let s = 0; s < T; s++) assert.equal([cnt[2 * s] - chunks, cnt[2 * s + 1]], [1, chunks], `${what}: step ${s} counters (one failed claim, every chunk done)`);
    free();
  }
});

test('f32_gru_seq vs the step reference chained: H 1..40 (3H odd), T 1 and 4, both directions, 1-4 chunks a step, strided h', () => {
  for (const H of SIZES) for (const T of [1, 4]) for (const rev of [0, 1]) {
    const ldy = H + 5, nch = 1 + ((H + T + rev) % 4), what = `H${H} T${T} rev${rev} nch${nch}`;
    const g = randArray(T * 3 * H, H + T, -2, 2), W = randArray(3 * H * H, H + 7, -0.5, 0.5), bh = randArray(3 * H, H + 8, -1, 1), hx = randArray(H, H + 9, -1, 1);
    // hg: the product's 3H-float scratch; a guard after it must survive (the last block of rows stores only real rows)
    const go = put(g), Yo = put(new Float32Array(T * ldy).fill(7)), hno = put(new Float32Array(T * H)), hg = put(new Float32Array(3 * H + 4).fill(9));
    kernelCall(K, 'f32_gru_seq__simd128', { g: go, W: put(W), bh: put(bh), hx: put(hx), Y: Yo, ldy, hn: hno, hg, T, H, rev, nch, sync: put(new Float32Array(2 * T)) });
    assert.ok(get(hg + 12 * H, 4).every((v) => v === 9), `${what}: hg scratch overrun`);
    let hp: ArrayLike<number> = hx;
    const Y = get(Yo, T * ldy), G = get(go, T * 3 * H), HN = get(hno, T * H);
    for (let s = 0; s < T; s++) {
      const t = rev ? T - 1 - s : s, ref = gruStepRef(g.subarray(t * 3 * H, (t + 1) * 3 * H), W, bh, hp, H, 1, H);
      assertClose(G.subarray(t * 3 * H, (t + 1) * 3 * H), ref.act, 1e-5, 2e-6, `${what} activations t${t}`);
      assertClose(HN.subarray(t * H, (t + 1) * H), ref.hn, 1e-5, 2e-6, `${what} hg_n t${t}`);
      assertClose(Y.subarray(t * ldy, t * ldy + H), ref.h, 1e-5, 2e-6, `${what} h t${t}`);
      hp = Y.subarray(t * ldy, t * ldy + H);
    }
    free();
  }
});

test.run();
