// ONNX LSTM / GRU / RNN (unrolled at import) vs onnxruntime-web: directions, initial states, both GRU reset
// placements, batch-first layout, every output; and a 2-layer LSTM classifier.
import { test } from 'uvu';
import { rnd, unit, agreeSpec } from './oracle.js';
import type { NodeSpec } from '../../src/onnx/encode.js';

const T = 5, N = 3, I = 4, H = 6;
const w = (g: number, D: number) => [['W', [D, g * H, I], rnd([D, g * H, I], -0.5, 0.5)], ['R', [D, g * H, H], rnd([D, g * H, H], -0.5, 0.5)], ['B', [D, 2 * g * H], rnd([D, 2 * g * H], -0.5, 0.5)]] as [string, number[], Float32Array][];

test('LSTM: forward / reverse / bidirectional, initial h and c, all outputs', async () => {
  for (const [direction, D] of [['forward', 1], ['reverse', 1], ['bidirectional', 2]] as const) {
    await unit({ op: 'LSTM', opset: 14, ins: [['x', [T, N, I]]], consts: w(4, D), attrs: { hidden_size: H, direction }, outs: 3 }, `lstm ${direction}`);
  }
  await unit({ op: 'LSTM', opset: 7, ins: [['x', [T, N, I]], ['h0', [1, N, H]], ['c0', [1, N, H]]], consts: w(4, 1), order: ['x', 'W', 'R', 'B', '', 'h0', 'c0'], attrs: { hidden_size: H }, outs: 3 }, 'lstm initial state');
});

test('GRU: linear_before_reset 0 and 1, bidirectional; RNN tanh', async () => {
  for (const lbr of [0, 1]) await unit({ op: 'GRU', opset: 14, ins: [['x', [T, N, I]]], consts: w(3, 1), attrs: { hidden_size: H, linear_before_reset: lbr }, outs: 2 }, `gru lbr ${lbr}`);
  await unit({ op: 'GRU', opset: 7, ins: [['x', [T, N, I]], ['h0', [2, N, H]]], consts: w(3, 2), order: ['x', 'W', 'R', 'B', '', 'h0'], attrs: { hidden_size: H, direction: 'bidirectional' }, outs: 2 }, 'gru bidirectional h0');
  await unit({ op: 'RNN', opset: 14, ins: [['x', [T, N, I]]], consts: w(1, 1), attrs: { hidden_size: H }, outs: 2 }, 'rnn');
});

test('a 2-layer LSTM classifier (Squeeze between layers, last step, Gemm)', async () => {
  const nodes: NodeSpec[] = [
    { opType: 'LSTM', inputs: ['x', 'W1', 'R1', 'B1'], outputs: ['y1'], attrs: { hidden_size: H } },
    { opType: 'Squeeze', inputs: ['y1', 'ax1'], outputs: ['s1'] },
    { opType: 'LSTM', inputs: ['s1', 'W2', 'R2', 'B2'], outputs: ['', 'h2'], attrs: { hidden_size: H } },
    { opType: 'Squeeze', inputs: ['h2', 'ax0'], outputs: ['last'] },
    { opType: 'Gemm', inputs: ['last', 'Wf', 'bf'], outputs: ['y'], attrs: { transB: 1 } },
  ];
  const p = (name: string, dims: number[]) => ({ name, dims, data: rnd(dims, -0.5, 0.5) });
  await agreeSpec({
    opset: 13,
    graph: {
      nodes,
      initializers: [p('W1', [1, 4 * H, I]), p('R1', [1, 4 * H, H]), p('B1', [1, 8 * H]), p('W2', [1, 4 * H, H]), p('R2', [1, 4 * H, H]), p('B2', [1, 8 * H]),
        p('Wf', [3, H]), p('bf', [3]), { name: 'ax1', dims: [1], data: [1], type: 7 }, { name: 'ax0', dims: [1], data: [0], type: 7 }],
      inputs: [{ name: 'x', dims: [T, N, I] }], outputs: [{ name: 'y' }],
    },
  }, { x: { data: rnd([T, N, I]), dims: [T, N, I] } }, 'lstm classifier');
});

test.run();
