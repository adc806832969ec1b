// The fused RNN op: forward vs the scalar reference (every mode, 1-2 layers, both directions, projection, clip,
// odd sizes, batch 1 and >1), gradients by finite differences, shapes / parameter size, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, gradCheck, invoke, assertClose } from '../helpers.js';
import { rnnRef, type RnnRefOpts } from '../../src/reference/rnn.js';
import { rnnParamSize } from '../../src/ops/seq/rnn-layout.js';

const MODES = ['rnn_relu', 'rnn_tanh', 'lstm', 'gru'] as const;
const arr = (n: number, seed: number, s = 1) => mx.nd.array(randArray(n, seed, -s, s));

function inputs(o: RnnRefOpts, T: number, N: number, I: number, seed = 1) {
  const Ho = o.P || o.H, size = rnnParamSize(o.mode, o.L, I, o.H, o.D, o.P ?? 0);
  const x = arr(T * N * I, seed).reshape([T, N, I]), w = arr(size, seed + 1, 0.5);
  const hx = arr(o.L * o.D * N * Ho, seed + 2).reshape([o.L * o.D, N, Ho]);
  const cx = o.mode === 'lstm' ? arr(o.L * o.D * N * o.H, seed + 3).reshape([o.L * o.D, N, o.H]) : null;
  return { x, w, hx, cx, list: cx ? [x, w, hx, cx] : [x, w, hx] };
}
const attrsOf = (o: RnnRefOpts, extra: Record<string, unknown> = {}) => ({
  mode: o.mode, state_size: o.H, num_layers: o.L, bidirectional: o.D === 2, state_outputs: true,
  ...(o.P ? { projection_size: o.P } : {}), ...(o.clip ? { lstm_state_clip_min: o.clip[0], lstm_state_clip_max: o.clip[1] } : {}), ...extra,
});

test('parameter size matches MXNet GetRnnParamSize', () => {
  assert.is(rnnParamSize('lstm', 1, 10, 20, 1, 0), 4 * 20 * (10 + 20 + 2));
  assert.is(rnnParamSize('gru', 2, 3, 5, 2, 0), (3 + 5 + 2) * 15 * 2 + (10 + 5 + 2) * 15 * 2);
  assert.is(rnnParamSize('lstm', 2, 3, 8, 1, 4), (3 + 4 + 2) * 32 + (4 + 4 + 2) * 32 + 4 * 8 * 2);
  const s = mx.sym.RNN(mx.sym.Variable('data'), mx.sym.Variable('p'), mx.sym.Variable('h'), mx.sym.Variable('c'), { mode: 'lstm', state_size: 20, num_layers: 2, bidirectional: true });
  const r = s.inferShape({ data: [7, 3, 10] });
  assert.equal(r.argShapes, [[7, 3, 10], [rnnParamSize('lstm', 2, 10, 20, 2, 0)], [4, 3, 20], [4, 3, 20]]);
  assert.equal(r.outShapes, [[7, 3, 40]]);
  assert.equal(s.listOutputs().length, 1);
});

test('forward vs reference: every mode, layers 1-2, uni / bidirectional, batch 1 and 3, odd sizes', () => {
  for (const mode of MODES) for (const L of [1, 2]) for (const D of [1, 2]) for (const [T, N, I, H] of [[1, 1, 1, 1], [3, 3, 5, 7], [5, 2, 4, 9]]) {
    const o: RnnRefOpts = { mode, H, L, D }, { x, w, hx, cx, list } = inputs(o, T, N, I, T + N + H);
    const outs = invoke('RNN', list, attrsOf(o));
    assert.is(outs.length, mode === 'lstm' ? 3 : 2);
    const ref = rnnRef(x.data, w.data, hx.data, cx?.data ?? null, T, N, I, o);
    const what = `${mode} L${L} D${D} T${T} N${N} I${I} H${H}`;
    assertClose(outs[0].data, ref.out, 2e-5, 2e-6, what);
    assertClose(outs[1].data, ref.hy, 2e-5, 2e-6, `${what} hy`);
    if (cx) assertClose(outs[2].data, ref.cy, 2e-5, 2e-6, `${what} cy`);
  }
});

test('LSTM projection and state clipping vs reference', () => {
  for (const [L, D] of [[1, 1], [2, 2]]) {
    const o: RnnRefOpts = { mode: 'lstm', H: 9, L, D, P: 5 }, { x, w, hx, cx, list } = inputs(o, 4, 3, 6);
    const outs = invoke('RNN', list, attrsOf(o));
    assert.equal(outs[0].shape, [4, 3, D * 5]); assert.equal(outs[1].shape, [L * D, 3, 5]); assert.equal(outs[2].shape, [L * D, 3, 9]);
    const ref = rnnRef(x.data, w.data, hx.data, cx!.data, 4, 3, 6, o);
    assertClose(outs[0].data, ref.out, 2e-5, 2e-6); assertClose(outs[1].data, ref.hy, 2e-5, 2e-6); assertClose(outs[2].data, ref.cy, 2e-5, 2e-6);
  }
  const o: RnnRefOpts = { mode: 'lstm', H: 6, L: 1, D: 1, clip: [-0.3, 0.25] }, { x, w, hx, cx, list } = inputs(o, 5, 2, 3);
  const outs = invoke('RNN', list, attrsOf(o));
  const ref = rnnRef(x.data, w.data, hx.data, cx!.data, 5, 2, 3, o);
  assertClose(outs[0].data, ref.out, 2e-5, 2e-6); assertClose(outs[2].data, ref.cy, 2e-5, 2e-6);
  assert.ok(Array.from(outs[2].data).some((v) => v === 0.25 || Math.fround(v) === Math.fround(-0.3)), 'some cell is clipped');
});

test('gradients (finite differences): every mode, 2 layers bidirectional, and 1 layer', () => {
  for (const mode of MODES) for (const [L, D] of [[1, 1], [2, 2]]) {
    const o: RnnRefOpts = { mode, H: 3, L, D }, { list } = inputs(o, 3, 2, 2, 5);
    gradCheck('RNN', list, attrsOf(o), { eps: 1e-2, rtol: 3e-2, atol: 3e-3, maxChecks: 30 });
    gradCheck('RNN', list, attrsOf(o, { state_outputs: false }), { eps: 1e-2, rtol: 3e-2, atol: 3e-3, maxChecks: 12 });
  }
});

test('gradients at batch 1 (forward through the whole-step kernels): LSTM and GRU, 1 layer and 2 layers bidirectional, clip', () => {
  for (const mode of ['lstm', 'gru'] as const) for (const [L, D] of [[1, 1], [2, 2]]) {
    const o: RnnRefOpts = { mode, H: 5, L, D }, { list } = inputs(o, 3, 1, 3, 6);
    gradCheck('RNN', list, attrsOf(o), { eps: 1e-2, rtol: 3e-2, atol: 3e-3, maxChecks: 30 });
  }
  const c: RnnRefOpts = { mode: 'lstm', H: 3, L: 1, D: 1, clip: [-0.2, 0.2] }, ic = inputs(c, 4, 1, 2, 11);
  gradCheck('RNN', ic.list, attrsOf(c), { eps: 3e-4, rtol: 5e-2, atol: 5e-3, maxChecks: 30 });
});

test('gradients: LSTM with projection and with clipping', () => {
  const o: RnnRefOpts = { mode: 'lstm', H: 5, L: 2, D: 2, P: 3 }, { list } = inputs(o, 3, 2, 4, 8);
  gradCheck('RNN', list, attrsOf(o), { eps: 1e-2, rtol: 3e-2, atol: 3e-3, maxChecks: 30 });
  // A small step: a larger one carries cells across a bound (a kink) for some checked elements.
  const c: RnnRefOpts = { mode: 'lstm', H: 4, L: 1, D: 1, clip: [-0.2, 0.2] }, ic = inputs(c, 4, 2, 3, 9);
  gradCheck('RNN', ic.list, attrsOf(c), { eps: 3e-4, rtol: 5e-2, atol: 5e-3, maxChecks: 30 });
});

test('dropout between layers: identity at inference, masks whole units in training', () => {
  const o: RnnRefOpts = { mode: 'gru', H: 8, L: 2, D: 1 }, { x, w, hx, list } = inputs(o, 4, 3, 5);
  const y = invoke('RNN', list, attrsOf(o, { p: 0.5 }))[0];
  assertClose(y.data, rnnRef(x.data, w.data, hx.data, null, 4, 3, 5, o).out, 2e-5, 2e-6);
  const yt = invoke('RNN', list, attrsOf(o, { p: 0.5 }), { isTrain: true })[0];
  assert.ok(Array.from(yt.data).some((v, i) => Math.abs(v - y.data[i]) > 1e-4), 'training output differs');
});

test('errors name the op and argument', () => {
  const o: RnnRefOpts = { mode: 'lstm', H: 4, L: 1, D: 1 }, { x, w, hx, cx } = inputs(o, 2, 2, 3);
  assert.throws(() => invoke('RNN', [x, arr(7, 1), hx, cx!], attrsOf(o)), /Error in operator .*RNN.*parameters must have shape \(144,\), got \(7,\)/);
  assert.throws(() => invoke('RNN', [x, w, arr(3, 1), cx!], attrsOf(o)), /RNN.*state must have shape/);
  assert.throws(() => invoke('RNN', [x.reshape([6, 2]), w, hx, cx!], attrsOf(o)), /RNN.*data must be \(seq_len, batch, input_size\)/);
  assert.throws(() => invoke('RNN', [x, w, hx], { mode: 'gru', state_size: 4, num_layers: 1, projection_size: 2 }), /projection_size is for mode lstm only/);
  assert.throws(() => invoke('RNN', [x, w, hx, cx!], { mode: 'lstm', state_size: 4, num_layers: 1, use_sequence_length: true }), /use_sequence_length is not supported/);
  assert.throws(() => invoke('RNN', [x, w, hx], { mode: 'bogus', state_size: 4, num_layers: 1 }), /mode/);
});

test.run();
