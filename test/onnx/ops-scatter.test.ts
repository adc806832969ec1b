// ONNX ScatterND, ScatterElements and opset-9 Scatter (onto _scatter_set_nd) vs onnxruntime-web at opsets 9 to 18:
// constant and computed indices, negative indices, slices and single elements, reductions add, mul, max, min; unknown reductions and bad indices refused.
import { test } from 'uvu';
import { agree, rnd, unit, fileSeed } from './oracle.js';
import { encodeModel } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-scatter');

const I64 = 7;

test('ScatterND: elements and slices, negative indices, opsets 11 / 13 / 16 / 18', async () => {
  for (const opset of [11, 13, 16, 18]) {
    await unit({ op: 'ScatterND', opset, ins: [['x', [4, 3, 5]], ['u', [2, 5]]], consts: [['i', [2, 2], [0, 1, -1, 2], I64]], order: ['x', 'i', 'u'] }, `scatternd rows ${opset}`);
  }
  await unit({ op: 'ScatterND', opset: 13, ins: [['x', [4, 3]], ['u', [3]]], consts: [['i', [3, 2], [0, 0, 3, 2, 1, 1], I64]], order: ['x', 'i', 'u'] }, 'scatternd elements');
  await unit({ op: 'ScatterND', opset: 13, ins: [['x', [5, 2, 3]], ['u', [2, 1, 2, 3]]], consts: [['i', [2, 1, 1], [4, 0], I64]], order: ['x', 'i', 'u'] }, 'scatternd blocks, 3-d indices');
  // reduction add (16+): repeated indices accumulate
  await unit({ op: 'ScatterND', opset: 16, ins: [['x', [4, 3]], ['u', [4, 3]]], consts: [['i', [4, 1], [1, 3, 1, 1], I64]], attrs: { reduction: 'add' }, order: ['x', 'i', 'u'] }, 'scatternd add');
  await unit({ op: 'ScatterElements', opset: 18, ins: [['x', [3, 4]], ['u', [3, 2]]], consts: [['i', [3, 2], [0, 0, 3, 1, 2, 2], I64]], attrs: { axis: 1, reduction: 'add' }, order: ['x', 'i', 'u'] }, 'scatterelements add');
});

test('Scatter reductions mul (16, 18), max and min (18): repeated indices combine in order; constant and computed indices', async () => {
  for (const [opset, reds] of [[16, ['mul']], [18, ['mul', 'max', 'min']]] as const) for (const reduction of reds) {
    await unit({ op: 'ScatterND', opset, ins: [['x', [4, 3]], ['u', [5, 3]]], consts: [['i', [5, 1], [1, 3, 1, -4, 1], I64]], attrs: { reduction }, order: ['x', 'i', 'u'] }, `scatternd ${reduction} ${opset}`);
    await unit({ op: 'ScatterND', opset, ins: [['x', [1, 3, 5]], ['u', [3]]], consts: [['i', [3, 3], [0, 2, 4, 0, 2, 4, 0, 0, 1], I64]], attrs: { reduction }, order: ['x', 'i', 'u'] }, `scatternd ${reduction} elements batch 1`);
    await unit({ op: 'ScatterElements', opset, ins: [['x', [3, 5]], ['u', [3, 4]]], consts: [['i', [3, 4], [0, 0, 4, 1, 2, 2, 2, -1, 3, 1, 3, 3], I64]], attrs: { axis: 1, reduction }, order: ['x', 'i', 'u'] }, `scatterelements ${reduction} ${opset}`);
    await unit({ op: 'ScatterElements', opset, ins: [['x', [2, 3, 2]], ['u', [3, 3, 2]]], consts: [['i', [3, 3, 2], [0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1], I64]], attrs: { axis: 0, reduction }, order: ['x', 'i', 'u'] }, `scatterelements ${reduction} axis 0`);
  }
  // computed indices (Floor(Abs(f)) in {0, 1}), repeated rows allowed: the reduction combines them in order as onnxruntime
  for (const reduction of ['mul', 'max', 'min']) {
    const m = encodeModel({
      opset: 18,
      graph: {
        nodes: [{ opType: 'Abs', inputs: ['f'], outputs: ['a'] }, { opType: 'Floor', inputs: ['a'], outputs: ['b'] }, { opType: 'Cast', inputs: ['b'], outputs: ['i'], attrs: { to: I64 } },
          { opType: 'ScatterND', inputs: ['x', 'i', 'u'], outputs: ['y'], attrs: { reduction } }],
        initializers: [], inputs: [{ name: 'x', dims: [2, 4] }, { name: 'f', dims: [3, 1] }, { name: 'u', dims: [3, 4] }], outputs: [{ name: 'y' }],
      },
    });
    await agree(m, { x: { data: rnd([2, 4]), dims: [2, 4] }, f: { data: rnd([3, 1]), dims: [3, 1] }, u: { data: rnd([3, 4]), dims: [3, 4] } }, `scatternd ${reduction} data indices`);
  }
});

test('ScatterElements (11, 13, 16, 18) on every axis and Scatter (9): constant and computed indices', async () => {
  for (const [opset, op] of [[9, 'Scatter'], [11, 'ScatterElements'], [13, 'ScatterElements'], [16, 'ScatterElements'], [18, 'ScatterElements']] as const) {
    for (const ax of [0, 1, -1]) {
      const shape = [3, 4, 5], isz = [2, 3, 2], lim = shape[ax < 0 ? ax + 3 : ax];
      // distinct along the axis for each fixed other coordinate (ONNX leaves duplicates unspecified)
      const idx = Array.from({ length: 12 }, (_, k) => { const pos = ax === 0 ? Math.floor(k / 6) : ax === 1 ? Math.floor(k / 2) % 3 : k % 2; return (pos + k % 2 + 1) % lim - (k % 3 === 0 ? lim : 0); });
      await unit({ op, opset, ins: [['x', shape], ['u', isz]], consts: [['i', isz, idx, I64]], attrs: { axis: ax }, order: ['x', 'i', 'u'] }, `${op} ${opset} axis ${ax}`);
    }
  }
  // indices computed in the graph (Floor(Abs(f)) cast to int64: 0 or 1): a permutation-free case with distinct rows
  const m = encodeModel({
    opset: 13,
    graph: {
      nodes: [{ opType: 'Abs', inputs: ['f'], outputs: ['a'] }, { opType: 'Floor', inputs: ['a'], outputs: ['b'] }, { opType: 'Cast', inputs: ['b'], outputs: ['i'], attrs: { to: I64 } },
        { opType: 'ScatterElements', inputs: ['x', 'i', 'u'], outputs: ['y'], attrs: { axis: 1 } }],
      initializers: [], inputs: [{ name: 'x', dims: [3, 4] }, { name: 'f', dims: [3, 1] }, { name: 'u', dims: [3, 1] }], outputs: [{ name: 'y' }],
    },
  });
  await agree(m, { x: { data: rnd([3, 4]), dims: [3, 4] }, f: { data: rnd([3, 1]), dims: [3, 1] }, u: { data: rnd([3, 1]), dims: [3, 1] } }, 'scatterelements data indices');
  const nd = encodeModel({
    opset: 13,
    graph: {
      nodes: [{ opType: 'Abs', inputs: ['f'], outputs: ['a'] }, { opType: 'Floor', inputs: ['a'], outputs: ['b'] }, { opType: 'Cast', inputs: ['b'], outputs: ['i'], attrs: { to: I64 } },
        { opType: 'ScatterND', inputs: ['x', 'i', 'u'], outputs: ['y'] }],
      initializers: [], inputs: [{ name: 'x', dims: [2, 4] }, { name: 'f', dims: [1, 1] }, { name: 'u', dims: [1, 4] }], outputs: [{ name: 'y' }],
    },
  });
  await agree(nd, { x: { data: rnd([2, 4]), dims: [2, 4] }, f: { data: rnd([1, 1]), dims: [1, 1] }, u: { data: rnd([1, 4]), dims: [1, 4] } }, 'scatternd data indices');
});

test('Scatter*: reductions, out-of-range indices and mismatched updates are refused naming the node', () => {
  const m = (op: string, opset: number, idx: number[], ishape: number[], ushape: number[], attrs = {}) => encodeModel({
    opset,
    graph: {
      nodes: [{ opType: op, name: 'sc', inputs: ['x', 'i', 'u'], outputs: ['y'], attrs }],
      initializers: [{ name: 'i', dims: ishape, data: idx, type: I64 }],
      inputs: [{ name: 'x', dims: [3, 4] }, { name: 'u', dims: ushape }], outputs: [{ name: 'y' }],
    },
  });
  expectMx(() => mx.onnx.importModel(m('ScatterND', 16, [0], [1, 1], [1, 4], { reduction: 'max' })), 'reduction max at 16', /'sc' \(ScatterND, opset 16\).*reduction max is not one of none, add, mul$/);
  expectMx(() => mx.onnx.importModel(m('ScatterElements', 18, [0], [1, 1], [1, 1], { reduction: 'prod' })), 'reduction prod', /'sc' \(ScatterElements, opset 18\).*reduction prod is not one of none, add, mul, max, min/);
  expectMx(() => mx.onnx.importModel(m('ScatterND', 13, [3], [1, 1], [1, 4])), 'out of range', /index 3 is out of range/);
  expectMx(() => mx.onnx.importModel(m('ScatterElements', 13, [0, 4], [1, 2], [1, 2], { axis: 1 })), 'out of range on axis', /index 4 is out of range for axis 1/);
  expectMx(() => mx.onnx.importModel(m('ScatterND', 13, [0], [1, 1], [1, 3])), 'updates shape', /updates \[1, 3\] must be \[1, 4\]/);
});

test.run();
