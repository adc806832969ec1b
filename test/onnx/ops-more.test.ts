// ONNX ops added in the sixth session vs onnxruntime-web: GroupNormalization (per-group scale at 18, per-channel
// at 21); malformed attributes refused with the node named.
import { test } from 'uvu';
import { rnd, unit } from './oracle.js';
import { encodeModel } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

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

test.run();
