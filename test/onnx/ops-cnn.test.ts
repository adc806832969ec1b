// ONNX CNN / MLP ops imported onto mxwasm vs onnxruntime-web, at several opsets (1e-4 relative).
import { test } from 'uvu';
import { rnd, unit, fileSeed } from './oracle.js';

fileSeed(test, 'ops-cnn');

const I64 = 7;

test('Conv: bias, group, strides, dilations, asymmetric pads, auto_pad', async () => {
  const w = (d: number[]) => ['w', d, rnd(d)] as [string, number[], Float32Array];
  for (const opset of [7, 11, 13, 21]) {
    await unit({ op: 'Conv', opset, ins: [['x', [2, 3, 7, 6]]], consts: [w([4, 3, 3, 3]), ['b', [4], rnd([4])]], attrs: { pads: [1, 1, 1, 1] } });
  }
  await unit({ op: 'Conv', opset: 13, ins: [['x', [1, 4, 9, 8]]], consts: [w([6, 2, 3, 2])], attrs: { group: 2, strides: [2, 1], dilations: [1, 2] } }, 'conv group/stride/dilation');
  await unit({ op: 'Conv', opset: 13, ins: [['x', [1, 3, 7, 7]]], consts: [w([2, 3, 3, 3])], attrs: { pads: [0, 1, 2, 1], strides: [2, 2] } }, 'conv asymmetric pads');
  await unit({ op: 'Conv', opset: 11, ins: [['x', [1, 3, 8, 7]]], consts: [w([2, 3, 3, 3])], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } }, 'conv SAME_UPPER');
  await unit({ op: 'Conv', opset: 11, ins: [['x', [1, 3, 8, 7]]], consts: [w([2, 3, 4, 4])], attrs: { auto_pad: 'SAME_LOWER' } }, 'conv SAME_LOWER');
  await unit({ op: 'Conv', opset: 13, ins: [['x', [2, 8, 5, 5]]], consts: [w([8, 1, 3, 3]), ['b', [8], rnd([8])]], attrs: { group: 8, pads: [1, 1, 1, 1] } }, 'depthwise');
});

test('ConvTranspose: strides, pads, output_padding, group', async () => {
  await unit({ op: 'ConvTranspose', opset: 13, ins: [['x', [1, 4, 5, 5]]], consts: [['w', [4, 3, 3, 3], rnd([4, 3, 3, 3])], ['b', [3], rnd([3])]], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } });
  await unit({ op: 'ConvTranspose', opset: 11, ins: [['x', [2, 4, 3, 4]]], consts: [['w', [4, 2, 2, 2], rnd([4, 2, 2, 2])]], attrs: { group: 2, strides: [2, 2] } }, 'convT group');
});

test('pools: max/avg, pads, ceil_mode, count_include_pad, global', async () => {
  for (const opset of [7, 10, 11, 13, 19]) {
    await unit({ op: 'MaxPool', opset, ins: [['x', [2, 3, 7, 8]]], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } });
    await unit({ op: 'AveragePool', opset, ins: [['x', [2, 3, 7, 8]]], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } });
    await unit({ op: 'AveragePool', opset, ins: [['x', [1, 2, 6, 6]]], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 } }, `avg cip ${opset}`);
  }
  await unit({ op: 'MaxPool', opset: 13, ins: [['x', [1, 2, 8, 8]]], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } }, 'max ceil');
  await unit({ op: 'MaxPool', opset: 13, ins: [['x', [1, 2, 8, 8]]], attrs: { kernel_shape: [2, 2], pads: [0, 0, 1, 1], strides: [2, 2] } }, 'max asymmetric pads');
  await unit({ op: 'GlobalAveragePool', opset: 13, ins: [['x', [2, 5, 3, 4]]] });
  await unit({ op: 'GlobalMaxPool', opset: 13, ins: [['x', [2, 5, 3, 4]]] });
});

test('BatchNormalization (opsets 7, 9, 14, 15), InstanceNormalization', async () => {
  for (const opset of [7, 9, 14, 15]) {
    const c = (n: string, lo = -1) => [n, [5], rnd([5], lo, 2)] as [string, number[], Float32Array];
    await unit({ op: 'BatchNormalization', opset, ins: [['x', [2, 5, 3, 3]]], consts: [c('s'), c('b'), c('m'), c('v', 0.1)], attrs: { epsilon: { f: 1e-3 } } });
  }
  await unit({ op: 'InstanceNormalization', opset: 13, ins: [['x', [2, 3, 4, 5]]], consts: [['s', [3], rnd([3])], ['b', [3], rnd([3])]] });
});

test('Gemm: alpha, beta, transA, transB, bias shapes', async () => {
  for (const [ta, tb] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
    const a = ta ? [5, 3] : [3, 5], b = tb ? [4, 5] : [5, 4];
    await unit({ op: 'Gemm', opset: 13, ins: [['a', a]], consts: [['b', b, rnd(b)], ['c', [4], rnd([4])]], attrs: { transA: ta, transB: tb, alpha: { f: 0.7 }, beta: { f: 1.3 } } }, `gemm ${ta}${tb}`);
  }
  await unit({ op: 'Gemm', opset: 9, ins: [['a', [3, 5]]], consts: [['b', [4, 5], rnd([4, 5])], ['c', [1], [0.5]]], attrs: { transB: 1 } }, 'gemm scalar C');
  await unit({ op: 'Gemm', opset: 11, ins: [['a', [3, 5]], ['b', [5, 4]]] }, 'gemm no C, both inputs');
  await unit({ op: 'Gemm', opset: 13, ins: [['a', [3, 5]], ['b', [5, 4]], ['c', [3, 4]]], attrs: { beta: { f: 0.5 } } }, 'gemm full C');
});

test('MatMul: weights, 2-D, batched 3-D and 4-D', async () => {
  await unit({ op: 'MatMul', opset: 13, ins: [['a', [2, 7, 5]]], consts: [['b', [5, 3], rnd([5, 3])]] }, 'matmul const');
  await unit({ op: 'MatMul', opset: 9, ins: [['a', [4, 5]], ['b', [5, 6]]] }, 'matmul 2d');
  await unit({ op: 'MatMul', opset: 13, ins: [['a', [3, 4, 5]], ['b', [3, 5, 2]]] }, 'matmul 3d');
  await unit({ op: 'MatMul', opset: 13, ins: [['a', [2, 3, 4, 5]], ['b', [2, 3, 5, 6]]] }, 'matmul 4d');
});

test('Flatten, Reshape (0, -1, allowzero), Transpose, Concat, Pad, Resize', async () => {
  for (const opset of [9, 11, 13]) await unit({ op: 'Flatten', opset, ins: [['x', [2, 3, 4, 5]]], attrs: { axis: 2 } });
  await unit({ op: 'Reshape', opset: 13, ins: [['x', [2, 3, 4]]], consts: [['s', [3], [0, -1, 2], I64]] });
  await unit({ op: 'Reshape', opset: 14, ins: [['x', [2, 3, 4]]], consts: [['s', [2], [4, 6], I64]], attrs: { allowzero: 1 } });
  await unit({ op: 'Transpose', opset: 13, ins: [['x', [2, 3, 4]]], attrs: { perm: [2, 0, 1] } });
  await unit({ op: 'Transpose', opset: 7, ins: [['x', [2, 3, 4]]] }, 'transpose reverse');
  await unit({ op: 'Concat', opset: 13, ins: [['a', [2, 3]], ['b', [2, 4]]], consts: [['c', [2, 1], [5, 6]]], attrs: { axis: -1 } });
  await unit({ op: 'Pad', opset: 11, ins: [['x', [1, 2, 3, 4]]], consts: [['p', [8], [0, 0, 1, 2, 0, 0, 2, 1], I64], ['v', [], [0.5]]] });
  await unit({ op: 'Pad', opset: 13, ins: [['x', [1, 2, 3, 4]]], consts: [['p', [8], [0, 0, 1, 2, 0, 0, 2, 1], I64]], attrs: { mode: 'reflect' } }, 'pad reflect');
  await unit({ op: 'Pad', opset: 7, ins: [['x', [1, 2, 3, 4]]], attrs: { pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: 'edge' } }, 'pad edge 7');
  await unit({ op: 'Resize', opset: 13, ins: [['x', [1, 2, 3, 4]]], consts: ['', ['s', [4], [1, 1, 2, 2]]], attrs: { mode: 'nearest' }, order: ['x', '', 's'] }, 'resize half_pixel');
  await unit({ op: 'Resize', opset: 11, ins: [['x', [1, 2, 3, 4]]], consts: [['r', [0], []], ['s', [4], [1, 1, 3, 3]]], attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } }, 'resize asym');
  await unit({ op: 'Resize', opset: 10, ins: [['x', [1, 2, 3, 4]]], consts: [['s', [4], [1, 1, 2, 2]]], attrs: { mode: 'nearest' } }, 'resize 10');
});

test('activations and Softmax before and after opset 13', async () => {
  for (const [op, attrs] of [['Relu', {}], ['Sigmoid', {}], ['Tanh', {}], ['LeakyRelu', { alpha: { f: 0.1 } }], ['LeakyRelu', {}], ['Elu', { alpha: { f: 0.7 } }], ['HardSigmoid', {}], ['HardSigmoid', { alpha: { f: 0.3 }, beta: { f: 0.4 } }], ['Softplus', {}], ['Selu', {}], ['Softsign', {}]] as const) {
    await unit({ op, opset: 13, ins: [['x', [2, 3, 5]]], attrs }, `${op} ${JSON.stringify(attrs)}`);
  }
  await unit({ op: 'Clip', opset: 7, ins: [['x', [3, 5]]], attrs: { min: { f: -0.5 }, max: { f: 1 } } }, 'clip 6 (at opset 7)');
  await unit({ op: 'Clip', opset: 11, ins: [['x', [3, 5]]], consts: [['lo', [], [0]], ['hi', [], [6]]] }, 'clip 11 relu6');
  await unit({ op: 'Clip', opset: 13, ins: [['x', [3, 5]]], consts: [['lo', [], [0]]] }, 'clip 13 min only');
  await unit({ op: 'PRelu', opset: 9, ins: [['x', [2, 3, 4, 4]]], consts: [['s', [3, 1, 1], [0.1, 0.2, 0.3]]] });
  for (const opset of [7, 11, 13]) {
    for (const ax of [1, 2, -1]) {
      await unit({ op: 'Softmax', opset, ins: [['x', [2, 3, 4]]], attrs: { axis: ax } }, `softmax ${opset} axis ${ax}`);
      await unit({ op: 'LogSoftmax', opset, ins: [['x', [2, 3, 4]]], attrs: { axis: ax } }, `logsoftmax ${opset} axis ${ax}`);
    }
  }
});

test('broadcast arithmetic and scalars, Dropout', async () => {
  for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
    await unit({ op, opset: 13, ins: [['a', [2, 3, 4]], ['b', [3, 1]]] }, `${op} bcast`);
    await unit({ op, opset: 7, ins: [['a', [2, 3]]], consts: [['k', [], [1.5]]] }, `${op} scalar right`);
    await unit({ op, opset: 14, ins: [['a', [2, 3]]], consts: [['k', [1], [1.5]]], order: ['k', 'a'] }, `${op} scalar left`);
  }
  await unit({ op: 'Dropout', opset: 12, ins: [['x', [2, 3]]] });
  await unit({ op: 'Dropout', opset: 7, ins: [['x', [2, 3]]], attrs: { ratio: { f: 0.3 } } }, 'dropout 7');
});

test.run();
