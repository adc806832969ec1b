// ONNX LSTM / GRU / RNN with layout = 1 (batch first, opset 14+), with and without sequence_lens: onnxruntime refuses
// layout 1 for recurrent ops ("Batchwise recurrent operations (layout == 1) are not supported"), so the oracle is the
// same model in layout 0 run by onnxruntime on transposed inputs, its outputs transposed back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mxRun, ortRun, rnd, fileSeed, type Feeds } from './oracle.js';
import { encodeModel, type TensorSpec } from '../../src/onnx/encode.js';
import { closeMsg } from '../helpers.js';

fileSeed(test, 'ops-rnn-layout');

const T = 5, N = 3, I = 4, H = 3, I32 = 6;
const G = { LSTM: 4, GRU: 3, RNN: 1 } as const;

/** Transposes a dense row-major array of `dims` by `perm`. */
function transpose(a: Float32Array, dims: number[], perm: number[]): Float32Array {
  const od = perm.map((p) => dims[p]), out = new Float32Array(a.length), st = dims.map((_, k) => dims.slice(k + 1).reduce((p, v) => p * v, 1));
  const idx = new Array(od.length).fill(0);
  for (let o = 0; o < a.length; o++) {
    let src = 0;
    for (let k = 0; k < od.length; k++) src += idx[k] * st[perm[k]];
    out[o] = a[src];
    for (let k = od.length - 1; k >= 0 && ++idx[k] === od[k]; k--) idx[k] = 0;
  }
  return out;
}

test('layout 1 (batch first) = layout 0 on transposed data: LSTM / GRU / RNN, every direction, sequence_lens, initial states', async () => {
  for (const kind of ['LSTM', 'GRU', 'RNN'] as const) for (const [direction, D] of [['forward', 1], ['reverse', 1], ['bidirectional', 2]] as const) {
    for (const lens of [undefined, [5, 2, 4], 'computed'] as const) {
      const g = G[kind], outs = kind === 'LSTM' ? ['y', 'yh', 'yc'] : ['y', 'yh'], states = kind === 'LSTM' ? ['h0', 'c0'] : ['h0'];
      const p = (name: string, dims: number[]): TensorSpec => ({ name, dims, data: rnd(dims, -0.6, 0.6) });
      const w = [p('W', [D, g * H, I]), p('R', [D, g * H, H]), p('B', [D, 2 * g * H])], lv = [3, 5, 1];
      const x0 = rnd([T, N, I]), s0 = states.map(() => rnd([D, N, H]));
      const model = (layout: number) => encodeModel({
        opset: 14,
        graph: {
          nodes: [...(lens === 'computed' ? [{ opType: 'Cast', inputs: ['lf'], outputs: ['sl'], attrs: { to: I32 } }] : []),
            { opType: kind, inputs: ['x', 'W', 'R', 'B', lens ? 'sl' : '', ...states], outputs: outs, attrs: { hidden_size: H, direction, layout, ...(kind === 'GRU' ? { linear_before_reset: 1 } : {}) } }],
          initializers: [...w, ...(Array.isArray(lens) ? [{ name: 'sl', dims: [N], data: lens, type: I32 }] : [])],
          inputs: [{ name: 'x', dims: layout ? [N, T, I] : [T, N, I] }, ...(lens === 'computed' ? [{ name: 'lf', dims: [N] }] : []),
            ...states.map((name) => ({ name, dims: layout ? [N, D, H] : [D, N, H] }))],
          outputs: outs.map((name) => ({ name })),
        },
      });
      const feeds = (layout: number): Feeds => ({
        x: { data: layout ? transpose(x0, [T, N, I], [1, 0, 2]) : x0, dims: layout ? [N, T, I] : [T, N, I] },
        ...(lens === 'computed' ? { lf: { data: Float32Array.from(lv), dims: [N] } } : {}),
        ...Object.fromEntries(states.map((s, k) => [s, { data: layout ? transpose(s0[k], [D, N, H], [1, 0, 2]) : s0[k], dims: layout ? [N, D, H] : [D, N, H] }])),
      });
      const want = await ortRun(model(0), feeds(0)), got = mxRun(model(1), feeds(1)), what = `${kind} ${direction} lens ${lens ?? 'none'}`;
      assert.is(got.length, want.length, what);
      const back = [transpose(want[0], [T, D, N, H], [2, 0, 1, 3]), ...want.slice(1).map((a) => transpose(a, [D, N, H], [1, 0, 2]))];
      back.forEach((wv, k) => { const m = closeMsg(got[k], wv, 1e-4, 1e-5); if (m) assert.unreachable(`${what} output ${k}: ${m}`); });
    }
  }
});

test.run();
