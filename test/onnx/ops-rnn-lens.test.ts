// ONNX LSTM / GRU / RNN with sequence_lens shorter than the sequence (padded batches) vs onnxruntime-web: every
// direction, every output (Y zero past each length, Y_h / Y_c at each entry's last step), initial states,
// lengths constant or computed in the graph; out-of-range lengths refused. Also clip, LSTM peepholes and input_forget.
import { test } from 'uvu';
import { agree, rnd, unit, fileSeed } from './oracle.js';
import { encodeModel } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-rnn-lens');

const T = 5, N = 4, I = 3, H = 5, I32 = 6;
const G = { LSTM: 4, GRU: 3, RNN: 1 } as const;
type Kind = keyof typeof G;

/** One recurrent node with constant (or, with `computed`, Cast-from-float) sequence_lens. */
function model(kind: Kind, D: number, lens: number[], attrs: Record<string, unknown> = {}, o: { computed?: boolean; h0?: boolean; layout?: number } = {}) {
  const g = G[kind], outs = kind === 'LSTM' ? ['y', 'yh', 'yc'] : ['y', 'yh'], layout = o.layout ?? 0;
  const xd = layout ? [N, T, I] : [T, N, I], sd = layout ? [N, D, H] : [D, N, H];
  const p = (name: string, dims: number[]) => ({ name, dims, data: rnd(dims, -0.6, 0.6) });
  return encodeModel({
    opset: 14,
    graph: {
      nodes: [...(o.computed ? [{ opType: 'Cast', inputs: ['lf'], outputs: ['sl'], attrs: { to: I32 } }] : []),
        { opType: kind, name: 'rnn', inputs: ['x', 'W', 'R', 'B', 'sl', ...(o.h0 ? ['h0'] : [])], outputs: outs, attrs: { hidden_size: H, layout, ...attrs } }],
      initializers: [p('W', [D, g * H, I]), p('R', [D, g * H, H]), p('B', [D, 2 * g * H]), ...(o.computed ? [] : [{ name: 'sl', dims: [N], data: lens, type: I32 }])],
      inputs: [{ name: 'x', dims: xd }, ...(o.computed ? [{ name: 'lf', dims: [N] }] : []), ...(o.h0 ? [{ name: 'h0', dims: sd }] : [])],
      outputs: outs.map((name) => ({ name })),
    },
  });
}
const feeds = (lens: number[], o: { computed?: boolean; h0?: boolean; layout?: number; D?: number } = {}) => ({
  x: { data: rnd([T, N, I]), dims: o.layout ? [N, T, I] : [T, N, I] },
  ...(o.computed ? { lf: { data: Float32Array.from(lens), dims: [N] } } : {}),
  ...(o.h0 ? { h0: { data: rnd([o.D ?? 1, N, H]), dims: o.layout ? [N, o.D ?? 1, H] : [o.D ?? 1, N, H] } } : {}),
});

test('LSTM with shorter sequence_lens: forward, reverse, bidirectional, all outputs', async () => {
  const lens = [5, 2, 3, 1];
  for (const [direction, D] of [['forward', 1], ['reverse', 1], ['bidirectional', 2]] as const) {
    await agree(model('LSTM', D, lens, { direction }), feeds(lens), `lstm ${direction}`);
  }
});

test('GRU (linear_before_reset 0 and 1) and RNN with shorter sequence_lens; initial states', async () => {
  const lens = [3, 5, 1, 4];
  for (const lbr of [0, 1]) await agree(model('GRU', 2, lens, { direction: 'bidirectional', linear_before_reset: lbr }), feeds(lens), `gru bidirectional lbr ${lbr}`);
  await agree(model('GRU', 1, lens, { direction: 'reverse', linear_before_reset: 1 }, { h0: true }), feeds(lens, { h0: true }), 'gru reverse h0');
  await agree(model('RNN', 1, lens, {}), feeds(lens), 'rnn tanh');
  await agree(model('LSTM', 2, lens, { direction: 'bidirectional' }, { h0: true }), feeds(lens, { h0: true, D: 2 }), 'lstm bidirectional h0');
});

test('sequence_lens computed in the graph (a run-time input cast to int32)', async () => {
  const lens = [2, 5, 4, 1];
  await agree(model('LSTM', 2, lens, { direction: 'bidirectional' }, { computed: true }), feeds(lens, { computed: true }), 'lstm run-time lens');
  await agree(model('GRU', 1, lens, { linear_before_reset: 1 }, { computed: true }), feeds(lens, { computed: true }), 'gru run-time lens');
});

test('clip (LSTM, GRU, RNN), LSTM peepholes and input_forget: unrolled exactly', async () => {
  const W = (g: number, D: number) => [['W', [D, g * H, I], rnd([D, g * H, I], -1, 1)], ['R', [D, g * H, H], rnd([D, g * H, H], -1, 1)], ['B', [D, 2 * g * H], rnd([D, 2 * g * H], -1, 1)]] as [string, number[], Float32Array][];
  const outs = (kind: Kind) => (kind === 'LSTM' ? 3 : 2);
  for (const kind of ['LSTM', 'GRU', 'RNN'] as Kind[]) {
    await unit({ op: kind, opset: 14, ins: [['x', [T, N, I]]], consts: W(G[kind], 1), attrs: { hidden_size: H, clip: { f: 0.7 }, ...(kind === 'GRU' ? { linear_before_reset: 1 } : {}) }, outs: outs(kind) }, `${kind} clip`);
  }
  const P = (D: number) => ['P', [D, 3 * H], rnd([D, 3 * H], -1, 1)] as [string, number[], Float32Array];
  await unit({ op: 'LSTM', opset: 14, ins: [['x', [T, N, I]]], consts: [...W(4, 2), P(2)], order: ['x', 'W', 'R', 'B', '', '', '', 'P'], attrs: { hidden_size: H, direction: 'bidirectional' }, outs: 3 }, 'lstm peepholes');
  await unit({ op: 'LSTM', opset: 7, ins: [['x', [T, N, I]], ['c0', [1, N, H]]], consts: [...W(4, 1), P(1)], order: ['x', 'W', 'R', 'B', '', '', 'c0', 'P'], attrs: { hidden_size: H, clip: { f: 1.5 } }, outs: 3 }, 'lstm peepholes c0 clip');
  await unit({ op: 'LSTM', opset: 14, ins: [['x', [T, N, I]]], consts: W(4, 1), attrs: { hidden_size: H, input_forget: 1 }, outs: 3 }, 'lstm input_forget');
});

test('sequence_lens out of range or of the wrong length is refused naming the node', () => {
  expectMx(() => mx.onnx.importModel(model('LSTM', 1, [5, 6, 1, 1])), 'too long', /'rnn' \(LSTM, opset 14\).*sequence_lens must be in \[1, 5\]/);
  const short = encodeModel({
    opset: 14,
    graph: {
      nodes: [{ opType: 'RNN', name: 'rnn', inputs: ['x', 'W', 'R', '', 'sl'], outputs: ['y'], attrs: { hidden_size: H } }],
      initializers: [{ name: 'W', dims: [1, H, I], data: rnd([1, H, I]) }, { name: 'R', dims: [1, H, H], data: rnd([1, H, H]) }, { name: 'sl', dims: [2], data: [1, 2], type: I32 }],
      inputs: [{ name: 'x', dims: [T, N, I] }], outputs: [{ name: 'y' }],
    },
  });
  expectMx(() => mx.onnx.importModel(short), 'wrong length', /sequence_lens \[2\] must be \(4\)/);
});

test.run();
