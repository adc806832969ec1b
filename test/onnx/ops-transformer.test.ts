// ONNX transformer-block ops vs onnxruntime-web: LayerNormalization, Erf, Gelu, Where, Pow, Sqrt,
// ReduceMean (axes attribute and input), batched MatMul, Split, Slice, Gather, Expand, Unsqueeze;
// shape subgraphs folded at import; a dynamic batch re-bound through Predictor.reshape.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, closeMsg } from '../helpers.js';
import { agree, ortRun, rnd, unit, fileSeed } from './oracle.js';
import { encodeModel } from '../../src/onnx/encode.js';
import { encoderLayerOnnx } from '../../bench/lib/onnx-models.mjs';

fileSeed(test, 'ops-transformer');

const I64 = 7;

test('LayerNormalization, Erf, Gelu, HardSwish, Pow, Sqrt, Where', async () => {
  await unit({ op: 'LayerNormalization', opset: 17, ins: [['x', [2, 5, 8]]], consts: [['g', [8], rnd([8])], ['b', [8], rnd([8])]], attrs: { epsilon: { f: 1e-5 } } });
  await unit({ op: 'LayerNormalization', opset: 18, ins: [['x', [3, 8]]], consts: [['g', [8], rnd([8])]] }, 'layernorm no bias');
  await unit({ op: 'Erf', opset: 9, ins: [['x', [3, 7]]] });
  await unit({ op: 'Erf', opset: 13, ins: [['x', [2, 3, 5]]] });
  await unit({ op: 'Gelu', opset: 20, ins: [['x', [2, 9]]] });
  await unit({ op: 'HardSwish', opset: 14, ins: [['x', [2, 9]]] });
  await unit({ op: 'Pow', opset: 13, ins: [['x', [2, 5]]], consts: [['e', [], [2]]] }, 'pow scalar');
  await unit({ op: 'Pow', opset: 7, ins: [['x', [2, 5]], ['e', [5]]] }, 'pow bcast');
  await unit({ op: 'Sqrt', opset: 13, ins: [['x', [2, 5]]], consts: [] }, 'sqrt (NaN for negatives on both)');
  await unit({ op: 'Where', opset: 9, ins: [['x', [2, 3, 4]], ['y', [4]]], consts: [['c', [3, 1], [1, 0, 1], 9]], order: ['c', 'x', 'y'] }, 'where bcast');
});

test('ReduceMean / ReduceSum / ReduceMax (axes as attribute and as input), ArgMax', async () => {
  for (const opset of [11, 13]) await unit({ op: 'ReduceMean', opset, ins: [['x', [2, 3, 4]]], attrs: { axes: [-1], keepdims: 1 } });
  await unit({ op: 'ReduceMean', opset: 18, ins: [['x', [2, 3, 4]]], consts: [['a', [2], [0, 2], I64]], attrs: { keepdims: 0 } });
  await unit({ op: 'ReduceSum', opset: 13, ins: [['x', [2, 3, 4]]], consts: [['a', [1], [1], I64]] });
  await unit({ op: 'ReduceSum', opset: 11, ins: [['x', [2, 3, 4]]], attrs: { keepdims: 0 } }, 'reducesum all');
  await unit({ op: 'ReduceMax', opset: 13, ins: [['x', [2, 3, 4]]], attrs: { axes: [1] } });
  await unit({ op: 'ArgMax', opset: 13, ins: [['x', [3, 5]]], attrs: { axis: 1, keepdims: 0 } });
});

test('Split, Slice (steps, negative, clamped), Gather, Expand, Unsqueeze, Squeeze, Tile', async () => {
  await unit({ op: 'Split', opset: 13, ins: [['x', [2, 6, 3]]], consts: [['s', [3], [1, 2, 3], I64]], attrs: { axis: 1 }, outs: 3 });
  await unit({ op: 'Split', opset: 11, ins: [['x', [4, 6]]], attrs: { axis: 1 }, outs: 2 }, 'split equal 11');
  await unit({ op: 'Split', opset: 18, ins: [['x', [4, 7]]], attrs: { axis: 1, num_outputs: 3 }, outs: 3 }, 'split num_outputs');
  await unit({ op: 'Slice', opset: 13, ins: [['x', [4, 6, 5]]], consts: [['s', [2], [1, -1], I64], ['e', [2], [1000, -6], I64], ['a', [2], [1, 2], I64], ['st', [2], [2, -1], I64]] });
  await unit({ op: 'Slice', opset: 9, ins: [['x', [4, 6]]], attrs: { starts: [1, 0], ends: [3, 4] } }, 'slice 9');
  await unit({ op: 'Gather', opset: 13, ins: [['x', [5, 4]]], consts: [['i', [2, 2], [0, 4, -1, 2], I64]] });
  await unit({ op: 'Gather', opset: 13, ins: [['x', [3, 5, 4]]], consts: [['i', [], [2], I64]], attrs: { axis: 1 } }, 'gather scalar');
  await unit({ op: 'Expand', opset: 13, ins: [['x', [3, 1]]], consts: [['s', [3], [2, 3, 4], I64]] });
  await unit({ op: 'Unsqueeze', opset: 13, ins: [['x', [3, 4]]], consts: [['a', [2], [0, -1], I64]] });
  await unit({ op: 'Unsqueeze', opset: 11, ins: [['x', [3, 4]]], attrs: { axes: [1] } }, 'unsqueeze 11');
  await unit({ op: 'Squeeze', opset: 13, ins: [['x', [3, 1, 4, 1]]], consts: [['a', [1], [3], I64]] });
  await unit({ op: 'Tile', opset: 13, ins: [['x', [2, 3]]], consts: [['r', [2], [2, 1], I64]] });
});

/** A BERT-style encoder layer (seq S, hidden H, heads 2) with a PyTorch-like shape subgraph. */
/** The encoder layer the bench times too (one builder: bench/lib/onnx-models.mjs), small. */
const encoderLayer = (S: number, H: number, nh: number, batch: string | number) => encoderLayerOnnx(mx, S, H, nh, { batch, ffn: 2, scale: 0.3 });

test('a BERT-style encoder layer (shape subgraph folded, batched attention, GELU via Erf)', async () => {
  const m = encoderLayer(6, 8, 2, 2);
  await agree(m, { x: { data: rnd([2, 6, 8]), dims: [2, 6, 8] } }, 'encoder layer');
});

test('dynamic batch: import once, Predictor.reshape to another batch, matches onnxruntime', async () => {
  const bytes = encoderLayer(5, 8, 2, 'N');
  const meta = mx.onnx.getModelMetadata(bytes);
  assert.equal(meta.inputs[0].shape, ['N', 5, 8]);
  const m = mx.onnx.importModel(bytes);
  assert.equal(m.inputShapes, { x: [1, 5, 8] });
  const p = mx.Predictor.load({ symbol: m.symbol, params: m, inputShapes: m.inputShapes });
  for (const b of [1, 3, 2]) {
    p.reshape({ x: [b, 5, 8] });
    const x = rnd([b, 5, 8]), [want] = await ortRun(bytes, { x: { data: x, dims: [b, 5, 8] } });
    const got = p.forward(x)[0].data;
    const msg = closeMsg(got, want, 1e-4, 1e-5);
    if (msg) throw new Error(`batch ${b}: ${msg}`);
  }
  p.dispose();
  for (const a of [...Object.values(m.argParams), ...Object.values(m.auxParams)]) a.dispose();
});

test('symbolic batch and sequence length: an encoder layer and an LSTM re-bound for other (batch, seq), matching onnxruntime', async () => {
  const lstm = encodeModel({
    opset: 14,
    graph: {
      nodes: [{ opType: 'LSTM', inputs: ['x', 'W', 'R', 'B'], outputs: ['y', 'h'], attrs: { hidden_size: 6 } }],
      initializers: [{ name: 'W', dims: [1, 24, 4], data: rnd([1, 24, 4]) }, { name: 'R', dims: [1, 24, 6], data: rnd([1, 24, 6]) }, { name: 'B', dims: [1, 48], data: rnd([1, 48]) }],
      inputs: [{ name: 'x', dims: ['T', 'N', 4] }], outputs: [{ name: 'y' }, { name: 'h' }],
    },
  });
  const enc = encoderLayerOnnx(mx, 'S' as unknown as number, 8, 2, { batch: 'N', ffn: 2, scale: 0.3 });
  for (const [bytes, shapes] of [[enc, [[2, 5, 8], [1, 7, 8], [3, 1, 8]]], [lstm, [[5, 2, 4], [9, 3, 4], [1, 1, 4]]]] as const) {
    const m = mx.onnx.importModel(bytes), p = mx.Predictor.load({ symbol: m.symbol, params: m, inputShapes: m.inputShapes });
    for (const s of shapes) {
      p.reshape({ x: [...s] });
      const x = rnd([...s]), want = await ortRun(bytes, { x: { data: x, dims: [...s] } }), got = p.forward(x);
      want.forEach((w, i) => { const msg = closeMsg(Float32Array.from(got[i].data), w, 1e-4, 1e-5); if (msg) throw new Error(`${s} output ${i}: ${msg}`); });
    }
    p.dispose();
  }
});

test('dynamic batch through a CNN with a PyTorch-style flatten (Shape/Gather/Concat/Reshape)', async () => {
  const w = rnd([4, 2, 3, 3]), fw = rnd([4 * 4 * 4, 3]);
  const bytes = encodeModel({
    opset: 13,
    graph: {
      nodes: [
        { opType: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } }, { opType: 'Relu', inputs: ['c'], outputs: ['r'] },
        { opType: 'Shape', inputs: ['r'], outputs: ['s'] }, { opType: 'Gather', inputs: ['s', 'z'], outputs: ['n'], attrs: { axis: 0 } },
        { opType: 'Unsqueeze', inputs: ['n', 'ax'], outputs: ['n1'] }, { opType: 'Concat', inputs: ['n1', 'm1'], outputs: ['ns'], attrs: { axis: 0 } },
        { opType: 'Reshape', inputs: ['r', 'ns'], outputs: ['f'] }, { opType: 'MatMul', inputs: ['f', 'fw'], outputs: ['y'] },
      ],
      initializers: [{ name: 'w', dims: [4, 2, 3, 3], data: w }, { name: 'fw', dims: [64, 3], data: fw }, { name: 'z', dims: [], data: [0], type: I64 }, { name: 'ax', dims: [1], data: [0], type: I64 }, { name: 'm1', dims: [1], data: [-1], type: I64 }],
      inputs: [{ name: 'x', dims: ['batch', 2, 4, 4] }], outputs: [{ name: 'y', dims: ['batch', 3] }],
    },
  });
  const m = mx.onnx.importModel(bytes), p = mx.Predictor.load({ symbol: m.symbol, params: m, inputShapes: { x: [4, 2, 4, 4] } });
  const x = rnd([4, 2, 4, 4]), [want] = await ortRun(bytes, { x: { data: x, dims: [4, 2, 4, 4] } });
  const msg = closeMsg(p.forward(x)[0].data, want, 1e-4, 1e-5);
  p.dispose();
  for (const a of Object.values(m.argParams)) a.dispose();
  if (msg) throw new Error(msg);
});

test.run();
