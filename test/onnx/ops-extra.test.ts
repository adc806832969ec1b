// ONNX ops composed from mxwasm ops vs onnxruntime-web at several opsets: Round (half to even), Celu, ThresholdedRelu,
// Shrink, ReduceL1 / SumSquare / LogSum / LogSumExp (axes attribute and input forms), LRN, Gelu tanh, Trilu,
// DynamicQuantizeLinear (all three outputs, all-zero input); malformed attributes refused naming node, op and opset.
import { test } from 'uvu';
import { agree, rnd, unit, fileSeed } from './oracle.js';
import { encodeModel } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-extra');
const I64 = 7;

test('Round (ties to even), Celu, ThresholdedRelu, Shrink, Gelu tanh: odd sizes, batch 1 and > 1', async () => {
  const ties = encodeModel({ opset: 11, graph: { nodes: [{ opType: 'Round', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x', dims: [8] }], outputs: [{ name: 'y' }] } });
  await agree(ties, { x: { data: Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, 0.49999997, 3.7, -2.2]), dims: [8] } }, 'round ties', 0, 0);
  for (const opset of [11, 13, 21]) await unit({ op: 'Round', opset, ins: [['x', [3, 5]]] });
  for (const opset of [12, 13, 21]) for (const alpha of [1, 0.7]) await unit({ op: 'Celu', opset, ins: [['x', [2, 3, 5]]], attrs: { alpha: { f: alpha } } }, `celu ${opset} ${alpha}`);
  for (const opset of [10, 13, 21]) await unit({ op: 'ThresholdedRelu', opset, ins: [['x', [1, 7]]], attrs: { alpha: { f: 0.3 } } }, `thresholdedrelu ${opset}`);
  await unit({ op: 'ThresholdedRelu', opset: 13, ins: [['x', [4, 3]]] }, 'thresholdedrelu default');
  for (const opset of [9, 13, 21]) await unit({ op: 'Shrink', opset, ins: [['x', [3, 7]]], attrs: { lambd: { f: 0.8 }, bias: { f: 0.3 } } }, `shrink ${opset}`);
  await unit({ op: 'Shrink', opset: 13, ins: [['x', [5]]] }, 'shrink defaults');
  await unit({ op: 'Gelu', opset: 20, ins: [['x', [2, 9]]], attrs: { approximate: 'tanh' } }, 'gelu tanh 20');
  await unit({ op: 'Gelu', opset: 21, ins: [['x', [1, 4, 3]]], attrs: { approximate: 'tanh' } }, 'gelu tanh 21');
});

test('ReduceL1 / ReduceSumSquare / ReduceLogSum / ReduceLogSumExp: axes attribute (<= 17) and input (18+), keepdims, all axes', async () => {
  for (const op of ['ReduceL1', 'ReduceSumSquare', 'ReduceLogSum', 'ReduceLogSumExp']) {
    const pos = op === 'ReduceLogSum'; // log of a sum: positive inputs
    for (const opset of [11, 13]) {
      await unit({ op, opset, ins: [['x', [3, 4, 5]]], attrs: { axes: [1], keepdims: 0 } }, `${op} ${opset} axis 1`);
      await unit({ op, opset, ins: [['x', [2, 3, 5]]], attrs: { axes: [0, -1] } }, `${op} ${opset} axes 0,-1 keepdims`);
    }
    await unit({ op, opset: 18, ins: [['x', [3, 4, 5]]], consts: [['a', [1], [2], I64]], attrs: { keepdims: 0 } }, `${op} 18 axes input`);
    await unit({ op, opset: 18, ins: [['x', [1, 4, 3]]] }, `${op} 18 all axes`);
    if (pos) {
      const m = encodeModel({ opset: 13, graph: { nodes: [{ opType: 'Abs', inputs: ['x'], outputs: ['a'] }, { opType: op, inputs: ['a'], outputs: ['y'], attrs: { axes: [1] } }], inputs: [{ name: 'x', dims: [3, 6] }], outputs: [{ name: 'y' }] } });
      await agree(m, { x: { data: rnd([3, 6]), dims: [3, 6] } }, `${op} positive`);
    }
  }
  // large values: the max shift keeps ReduceLogSumExp finite where exp overflows
  const big = encodeModel({ opset: 13, graph: { nodes: [{ opType: 'ReduceLogSumExp', inputs: ['x'], outputs: ['y'], attrs: { axes: [1], keepdims: 0 } }], inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y' }] } });
  await agree(big, { x: { data: Float32Array.from([100, 200, 300, -1, 0, 1]), dims: [2, 3] } }, 'logsumexp large');
});

test('LRN (odd sizes), Trilu (upper / lower, k, batch dims), opsets 13 / 14 / 21', async () => {
  for (const opset of [13, 21]) for (const size of [1, 3, 5]) {
    await unit({ op: 'LRN', opset, ins: [['x', [2, 7, 3, 4]]], attrs: { size, alpha: { f: 0.01 }, beta: { f: 0.6 }, bias: { f: 1.5 } } }, `lrn ${opset} size ${size}`);
  }
  await unit({ op: 'LRN', opset: 13, ins: [['x', [1, 4, 5, 1]]], attrs: { size: 3 } }, 'lrn defaults, batch 1');
  for (const opset of [14, 21]) for (const upper of [1, 0]) for (const k of [0, 1, -2]) {
    await unit({ op: 'Trilu', opset, ins: [['x', [2, 4, 5]]], consts: [['k', [], [k], I64]], attrs: { upper } }, `trilu ${opset} upper ${upper} k ${k}`);
  }
  await unit({ op: 'Trilu', opset: 14, ins: [['x', [3, 3]]] }, 'trilu default');
});

test('DynamicQuantizeLinear (11, 13, 21): y, scale and zero point; all-negative, all-positive and all-zero inputs', async () => {
  const m = (opset: number) => encodeModel({ opset, graph: { nodes: [{ opType: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['y', 's', 'z'] }], inputs: [{ name: 'x', dims: [3, 5] }], outputs: [{ name: 'y' }, { name: 's' }, { name: 'z' }] } });
  for (const opset of [11, 13, 21]) await agree(m(opset), { x: { data: rnd([3, 5], -3, 5), dims: [3, 5] } }, `dql ${opset}`, 0, 0);
  await agree(m(13), { x: { data: rnd([3, 5], -4, -1), dims: [3, 5] } }, 'dql negative', 0, 0);
  await agree(m(13), { x: { data: rnd([3, 5], 0.5, 2), dims: [3, 5] } }, 'dql positive', 0, 0);
  await agree(m(13), { x: { data: new Float32Array(15), dims: [3, 5] } }, 'dql zeros', 0, 0);
  // the usual dynamic quantization chain: DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul(scales)
  const chain = encodeModel({
    opset: 13,
    graph: {
      nodes: [{ opType: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['q', 's', 'z'] }, { opType: 'MatMulInteger', inputs: ['q', 'w', 'z', 'wz'], outputs: ['a'] },
        { opType: 'Cast', inputs: ['a'], outputs: ['af'], attrs: { to: 1 } }, { opType: 'Mul', inputs: ['s', 'ws'], outputs: ['sw'] }, { opType: 'Mul', inputs: ['af', 'sw'], outputs: ['y'] }],
      initializers: [{ name: 'w', dims: [6, 4], data: Array.from({ length: 24 }, (_, i) => ((i * 37) % 255) - 127), type: 3 }, { name: 'wz', dims: [], data: [0], type: 3 }, { name: 'ws', dims: [], data: [0.02] }],
      inputs: [{ name: 'x', dims: [2, 3, 6] }], outputs: [{ name: 'y' }],
    },
  });
  await agree(chain, { x: { data: rnd([2, 3, 6]), dims: [2, 3, 6] } }, 'dynamic quantization chain');
});

test('composed ops: malformed attributes refused naming node, op and opset', () => {
  const m = (op: string, attrs: Record<string, unknown>, opset = 13, dims = [1, 4, 3]) => encodeModel({ opset, graph: { nodes: [{ opType: op, name: 'nn', inputs: ['x'], outputs: ['y'], attrs: attrs as never }], inputs: [{ name: 'x', dims }], outputs: [{ name: 'y' }] } });
  expectMx(() => mx.onnx.importModel(m('LRN', { size: 3 })), 'lrn 3-d', /'nn' \(LRN, opset 13\): the input must be 4-d/);
  expectMx(() => mx.onnx.importModel(m('LRN', { size: 4 })), 'lrn even', /'nn' \(LRN, opset 13\): size 4 must be odd/);
  expectMx(() => mx.onnx.importModel(m('LRN', {})), 'lrn no size', /'nn' \(LRN, opset 13\): size 0 must be odd/);
  expectMx(() => mx.onnx.importModel(m('Shrink', { lambd: { f: -1 } })), 'shrink lambd', /'nn' \(Shrink, opset 13\): lambd -1 must not be negative/);
  expectMx(() => mx.onnx.importModel(m('Gelu', { approximate: 'fast' }, 20)), 'gelu', /'nn' \(Gelu, opset 20\): approximate=fast is not none or tanh/);
  expectMx(() => mx.onnx.importModel(m('Trilu', {}, 14, [4])), 'trilu rank', /'nn' \(Trilu, opset 14\): the input needs a known shape of rank >= 2/);
  expectMx(() => mx.onnx.importModel(m('Trilu', {}, 14, ['N', 'M'] as never)), 'trilu dynamic', /the last two dims must be static/);
});

test.run();
