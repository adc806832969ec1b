// ONNX LSTM / GRU / RNN vs onnxruntime-web: onto the fused RNN op (GRU linear_before_reset 0 unrolled),
// directions, initial states, every output, Relu RNN, sequence_lens, a dynamic batch; a 2-layer LSTM classifier.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rnd, unit, agreeSpec, ortRun, fileSeed } from './oracle.js';
import { encodeModel, type NodeSpec } from '../../src/onnx/encode.js';
import { closeMsg, expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-rnn');

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
  await unit({ op: 'GRU', opset: 14, ins: [['x', [T, N, I]], ['h0', [2, N, H]]], consts: w(3, 2), order: ['x', 'W', 'R', 'B', '', 'h0'], attrs: { hidden_size: H, direction: 'bidirectional', linear_before_reset: 1 }, outs: 2 }, 'gru lbr 1 bidirectional h0');
  await unit({ op: 'GRU', opset: 14, ins: [['x', [T, N, I]]], consts: w(3, 1), attrs: { hidden_size: H, linear_before_reset: 1, direction: 'reverse' }, outs: 2 }, 'gru lbr 1 reverse');
  await unit({ op: 'RNN', opset: 14, ins: [['x', [T, N, I]]], consts: w(1, 1), attrs: { hidden_size: H }, outs: 2 }, 'rnn');
  await unit({ op: 'RNN', opset: 14, ins: [['x', [T, N, I]]], consts: w(1, 2), attrs: { hidden_size: H, direction: 'bidirectional', activations: { strings: ['Relu', 'Relu'] } }, outs: 2 }, 'rnn relu bidirectional', 1e-4);
});

const opsOf = (bytes: Uint8Array) => JSON.parse(mx.onnx.importModel(bytes).symbol.toJSON()).nodes.map((n: { op: string }) => n.op) as string[];
const one = (op: string, attrs: Record<string, unknown>, g: number, D: number, extra: [string, number[], number[], number][] = [], order?: string[]) => encodeModel({
  opset: 14,
  graph: {
    nodes: [{ opType: op, inputs: order ?? ['x', 'W', 'R', 'B'], outputs: ['y', 'h'], attrs: { hidden_size: H, ...attrs } }],
    initializers: [...w(g, D).map(([name, dims, data]) => ({ name, dims, data })), ...extra.map(([name, dims, data, type]) => ({ name, dims, data, type }))],
    inputs: [{ name: 'x', dims: [T, 'N', I] }], outputs: [{ name: 'y' }, { name: 'h' }],
  },
});

test('mapped onto the fused RNN op (one node, no per-step ops), except GRU linear_before_reset 0', () => {
  for (const [op, g, attrs] of [['LSTM', 4, {}], ['GRU', 3, { linear_before_reset: 1 }], ['RNN', 1, {}]] as const) {
    const ops = opsOf(one(op, { direction: 'bidirectional', ...attrs }, g, 2));
    assert.equal(ops.filter((o) => o === 'RNN').length, 1, op);
    assert.not.ok(ops.includes('FullyConnected'), `${op}: ${ops.join(',')}`);
  }
  assert.not.ok(opsOf(one('GRU', {}, 3, 1)).includes('RNN'), 'GRU lbr 0 is unrolled');
});

test('sequence_lens equal to the sequence length stays on the fused op; unsupported attributes refused', async () => {
  const lens = (v: number[]) => one('LSTM', {}, 4, 1, [['sl', [N], v, 6]], ['x', 'W', 'R', 'B', 'sl']);
  const x = rnd([T, N, I]), full = lens([T, T, T]);
  const want = await ortRun(full, { x: { data: x, dims: [T, N, I] } });
  const m = mx.onnx.importModel(full), p = mx.Predictor.load({ symbol: m.symbol, params: m, inputShapes: { x: [T, N, I] } });
  const got = p.forward(x).map((o) => Float32Array.from(o.data));
  p.dispose();
  want.forEach((v, i) => { const msg = closeMsg(got[i], v, 1e-4, 1e-5); if (msg) throw new Error(`output ${i}: ${msg}`); });
  assert.ok(opsOf(full).includes('RNN'), 'fused');
  expectMx(() => mx.onnx.importModel(lens([T, 0, T])), 'zero sequence_lens', /sequence_lens must be in \[1, 5\]/);
  expectMx(() => mx.onnx.importModel(one('LSTM', { clip: { f: -1 } }, 4, 1)), 'clip', /clip -1 must be positive/);
  expectMx(() => mx.onnx.importModel(one('LSTM', { activations: { strings: ['Sigmoid', 'Relu', 'Tanh'] } }, 4, 1)), 'activations', /activations/);
  expectMx(() => mx.onnx.importModel(one('LSTM', { hidden_size: H + 1 }, 4, 1)), 'W of the wrong size', /do not match/);
});

test('dynamic batch: an LSTM imported once and re-bound for batches 1, 4, 2 (zero initial state follows the batch)', async () => {
  const bytes = one('LSTM', { direction: 'bidirectional' }, 4, 2), m = mx.onnx.importModel(bytes);
  const p = mx.Predictor.load({ symbol: m.symbol, params: m, inputShapes: m.inputShapes });
  for (const b of [1, 4, 2]) {
    p.reshape({ x: [T, b, I] });
    const x = rnd([T, b, I]), want = await ortRun(bytes, { x: { data: x, dims: [T, b, I] } }), got = p.forward(x);
    want.forEach((v, i) => { const msg = closeMsg(Float32Array.from(got[i].data), v, 1e-4, 1e-5); if (msg) throw new Error(`batch ${b} output ${i}: ${msg}`); });
  }
  p.dispose();
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
