// ONNX ops added in the sixth session vs onnxruntime-web: GroupNormalization (per-group scale at 18, per-channel
// at 21), QuantizeLinear / DequantizeLinear (weights folded at import; activations as float ops; per-tensor,
// per-axis, blocked); malformed attributes refused with the node named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agree, rnd, unit, fileSeed } from './oracle.js';
import { encodeModel } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-more');

test('GroupNormalization: opset 18 (scale per group) and 21 (per channel), 3-D and 4-D, odd sizes', async () => {
  await unit({ op: 'GroupNormalization', opset: 18, ins: [['x', [2, 6, 3, 5]]], consts: [['s', [3], rnd([3])], ['b', [3], rnd([3])]], attrs: { num_groups: 3 } }, 'gn 18');
  await unit({ op: 'GroupNormalization', opset: 18, ins: [['x', [1, 4, 7]]], consts: [['s', [1], rnd([1])], ['b', [1], rnd([1])]], attrs: { num_groups: 1, epsilon: { f: 1e-3 } } }, 'gn 18 one group');
  await unit({ op: 'GroupNormalization', opset: 21, ins: [['x', [2, 6, 3, 5]]], consts: [['s', [6], rnd([6])], ['b', [6], rnd([6])]], attrs: { num_groups: 2 } }, 'gn 21');
  await unit({ op: 'GroupNormalization', opset: 21, ins: [['x', [3, 5, 4]]], consts: [['s', [5], rnd([5])], ['b', [5], rnd([5])]], attrs: { num_groups: 5 } }, 'gn 21 3-d');
});

test('GroupNormalization: malformed num_groups and scale shapes are refused naming the node', () => {
  const gn = (opset: number, G: number, sc: number) => encodeModel({
    opset,
    graph: {
      nodes: [{ opType: 'GroupNormalization', name: 'gn', inputs: ['x', 's', 'b'], outputs: ['y'], attrs: { num_groups: G } }],
      initializers: [{ name: 's', dims: [sc], data: new Array(sc).fill(1) }, { name: 'b', dims: [sc], data: new Array(sc).fill(0) }],
      inputs: [{ name: 'x', dims: [1, 6, 4] }], outputs: [{ name: 'y' }],
    },
  });
  expectMx(() => mx.onnx.importModel(gn(18, 4, 4)), 'unsupported', /'gn' \(GroupNormalization, opset 18\).*num_groups 4/);
  expectMx(() => mx.onnx.importModel(gn(18, 0, 1)), 'unsupported', /num_groups 0/);
  expectMx(() => mx.onnx.importModel(gn(21, 3, 3)), 'unsupported', /scale must be \(6\) at opset 21/);
});

const U8 = 2, I8 = 3;
const ints = (n: number, lo: number, hi: number, k = 7) => Array.from({ length: n }, (_, i) => lo + ((i * k + 3) % (hi - lo + 1)));

test('DequantizeLinear on weights folds at import: per-tensor (10), per-axis (13), blocked (21), uint8 / int8', async () => {
  const model = (opset: number, w: number[], wt: number, s: number[], sd: number[], zp: number[] | undefined, attrs = {}) => encodeModel({
    opset,
    graph: {
      nodes: [{ opType: 'DequantizeLinear', name: 'dq', inputs: ['wq', 's', ...(zp ? ['z'] : [])], outputs: ['w'], attrs },
        { opType: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } }],
      initializers: [{ name: 'wq', dims: [4, 3, 3, 3], data: w, type: wt }, { name: 's', dims: sd, data: s }, ...(zp ? [{ name: 'z', dims: sd, data: zp, type: wt }] : [])],
      inputs: [{ name: 'x', dims: [1, 3, 5, 6] }], outputs: [{ name: 'y' }],
    },
  });
  const x = { x: { data: rnd([1, 3, 5, 6]), dims: [1, 3, 5, 6] } };
  await agree(model(10, ints(108, 0, 255), U8, [0.013], [], [128]), x, 'dq 10 uint8 per tensor');
  await agree(model(13, ints(108, -128, 127), I8, [0.02, 0.01, 0.03, 0.005], [4], [0, 1, -2, 3], { axis: 0 }), x, 'dq 13 int8 per axis');
  await agree(model(13, ints(108, -128, 127), I8, [0.02], [], undefined), x, 'dq 13 no zero point');
  const bs = Array.from({ length: 4 * 2 * 9 }, (_, i) => 0.001 * (1 + (i % 7)));
  await agree(model(21, ints(108, -128, 127, 5), I8, bs, [4, 2, 3, 3], undefined, { axis: 1, block_size: 2 }), x, 'dq 21 blocked');
  const m = mx.onnx.importModel(model(13, ints(108, -128, 127), I8, [0.02, 0.01, 0.03, 0.005], [4], [0, 1, -2, 3], { axis: 0 }));
  assert.not.ok(m.symbol.toJSON().includes('Dequantize'), 'folded');
  for (const a of Object.values(m.argParams)) a.dispose();
});

test('QuantizeLinear -> DequantizeLinear on activations (QDQ): rounding half to even, saturation, per-axis, int8 / uint8', async () => {
  const qdq = (opset: number, s: number[], zp: number[], zt: number, sd: number[], attrs = {}) => encodeModel({
    opset,
    graph: {
      nodes: [{ opType: 'QuantizeLinear', inputs: ['x', 's', 'z'], outputs: ['q'], attrs }, { opType: 'DequantizeLinear', inputs: ['q', 's', 'z'], outputs: ['d'], attrs },
        { opType: 'Relu', inputs: ['d'], outputs: ['y'] }],
      initializers: [{ name: 's', dims: sd, data: s }, { name: 'z', dims: sd, data: zp, type: zt }],
      inputs: [{ name: 'x', dims: [2, 3, 4] }], outputs: [{ name: 'y' }],
    },
  });
  // x / 0.5 hits exact halves (ties to even), and large values saturate
  const ties = Float32Array.from({ length: 24 }, (_, i) => (i - 12) * 0.25 + (i % 5 === 0 ? 60 * Math.sign(i - 11) : 0));
  const feed = (d: Float32Array) => ({ x: { data: d, dims: [2, 3, 4] } });
  await agree(qdq(10, [0.5], [3], U8, []), feed(ties), 'qdq 10 uint8 ties');
  await agree(qdq(13, [0.5], [-5], I8, []), feed(ties), 'qdq 13 int8 ties');
  await agree(qdq(13, [0.05], [10], I8, []), feed(rnd([2, 3, 4], -9, 9)), 'qdq 13 int8 saturating');
  await agree(qdq(13, [0.5, 0.02, 0.1], [0, 7, -3], I8, [3], { axis: 1 }), feed(ties), 'qdq 13 per axis');
  await agree(qdq(19, [0.03, 0.5, 0.25, 0.1], [128, 0, 3, 255], U8, [4], { axis: -1 }), feed(rnd([2, 3, 4], -5, 5)), 'qdq 19 per last axis');
  // Q of a constant folds too (ties and saturation on the host)
  const folded = encodeModel({
    opset: 13,
    graph: {
      nodes: [{ opType: 'QuantizeLinear', inputs: ['c', 's', 'z'], outputs: ['q'], attrs: { axis: 0 } }, { opType: 'DequantizeLinear', inputs: ['q', 's', 'z'], outputs: ['d'], attrs: { axis: 0 } },
        { opType: 'Add', inputs: ['x', 'd'], outputs: ['y'] }],
      initializers: [{ name: 'c', dims: [2, 3, 4], data: ties }, { name: 's', dims: [2], data: [0.5, 0.25] }, { name: 'z', dims: [2], data: [1, -100], type: I8 }],
      inputs: [{ name: 'x', dims: [2, 3, 4] }], outputs: [{ name: 'y' }],
    },
  });
  await agree(folded, feed(rnd([2, 3, 4])), 'q of a constant');
});

test('QuantizeLinear / DequantizeLinear: malformed scales and unsupported forms are refused naming the node', () => {
  const m = (opset: number, op: string, sd: number[], attrs = {}, constScale = true) => encodeModel({
    opset,
    graph: {
      nodes: [{ opType: op, name: 'qn', inputs: ['x', 's'], outputs: ['y'], attrs }],
      initializers: constScale ? [{ name: 's', dims: sd, data: new Array(sd.reduce((p, v) => p * v, 1)).fill(0.1) }] : [],
      inputs: [{ name: 'x', dims: [2, 3, 4] }, ...(constScale ? [] : [{ name: 's', dims: sd }])], outputs: [{ name: 'y' }],
    },
  });
  expectMx(() => mx.onnx.importModel(m(13, 'QuantizeLinear', [4], { axis: 1 })), 'per-axis length', /'qn' \(QuantizeLinear, opset 13\).*per-axis scale must be \(3\)/);
  expectMx(() => mx.onnx.importModel(m(10, 'DequantizeLinear', [3])), 'vector before 13', /scalar before opset 13/);
  expectMx(() => mx.onnx.importModel(m(21, 'DequantizeLinear', [2, 2, 4], { axis: 1, block_size: 2 })), 'blocked on data', /blocked quantization/);
  expectMx(() => mx.onnx.importModel(m(21, 'DequantizeLinear', [2, 3, 4], { axis: 1, block_size: 2 })), 'blocked shape', /blocked scale must be \[2, 2, 4\]/);
  expectMx(() => mx.onnx.importModel(m(13, 'QuantizeLinear', [], {}, false)), 'scale not constant', /must be constants/);
  expectMx(() => mx.onnx.importModel(m(21, 'QuantizeLinear', [], { output_dtype: 6 })), 'int32', /int32 is not supported/);
});

test.run();
