// ONNX elementwise, comparison, logical, variadic and reduction ops that the other files do not reach, vs
// onnxruntime-web at several opsets: Exp, Log, Reciprocal, Ceil, Sin, Cos, Sign, Max/Min/Sum/Mean (variadic,
// broadcast), Less/GreaterOrEqual/LessOrEqual, Not/And/Or, ReduceL2/ReduceMin/ReduceProd, ArgMin, and the folded
// Constant / ConstantOfShape / Range / Size nodes feeding a computation. (Unique / Compress: ops-dynamic.test.ts.)
import { test } from 'uvu';
import { agree, rnd, unit, fileSeed } from './oracle.js';
import { encodeModel, type NodeSpec } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-elementwise');
const I64 = 7, F = 1;
const x = (dims: number[]) => ({ x: { data: rnd(dims), dims } });
const graph = (opset: number, nodes: NodeSpec[], dims: (number | string)[], outs = ['y'], inits: { name: string; dims: number[]; data: number[]; type?: number }[] = []) =>
  encodeModel({ opset, graph: { nodes, initializers: inits, inputs: [{ name: 'x', dims }], outputs: outs.map((name) => ({ name })) } });

test('unary: Exp, Log (of |x|), Reciprocal, Ceil, Sin, Cos, Sign (opsets 7 / 13 / 21), odd sizes, batch 1', async () => {
  for (const opset of [7, 13, 21]) {
    for (const op of ['Exp', 'Reciprocal', 'Ceil', 'Sin', 'Cos']) await unit({ op, opset, ins: [['x', [3, 5]]] }, `${op} ${opset}`);
    await agree(graph(opset, [{ opType: 'Abs', inputs: ['x'], outputs: ['a'] }, { opType: 'Log', inputs: ['a'], outputs: ['y'] }], [1, 7]), x([1, 7]), `log ${opset}`);
  }
  await unit({ op: 'Sign', opset: 9, ins: [['x', [2, 7]]] });
  await unit({ op: 'Sign', opset: 13, ins: [['x', [1, 3]]] });
});

test('variadic Max / Min / Sum / Mean (broadcast, 1 to 3 inputs), opsets 8 / 13', async () => {
  for (const opset of [8, 13]) for (const op of ['Max', 'Min', 'Sum', 'Mean']) {
    await unit({ op, opset, ins: [['x', [2, 3, 4]], ['y', [3, 1]], ['z', [4]]] }, `${op} ${opset} x3`);
    await unit({ op, opset, ins: [['x', [3, 5]], ['y', [3, 5]]] }, `${op} ${opset} x2`);
    await unit({ op, opset, ins: [['x', [1, 5]]] }, `${op} ${opset} x1`);
  }
});

test('comparisons and logic: Less, GreaterOrEqual, LessOrEqual, Not, And, Or (bool outputs), opsets 9 / 12 / 16', async () => {
  for (const opset of [9, 13]) await unit({ op: 'Less', opset, ins: [['x', [2, 5]], ['y', [5]]] }, `less ${opset}`);
  for (const opset of [12, 16]) for (const op of ['GreaterOrEqual', 'LessOrEqual']) await unit({ op, opset, ins: [['x', [2, 5]], ['y', [2, 1]]] }, `${op} ${opset}`);
  await unit({ op: 'LessOrEqual', opset: 12, ins: [['x', [4]]], consts: [['y', [4], [0, 0.5, -1, 2]]] }, 'lessorequal const');
  for (const opset of [7, 13]) {
    const m = graph(opset, [{ opType: 'Greater', inputs: ['x', 'z'], outputs: ['a'] }, { opType: 'Less', inputs: ['x', 'h'], outputs: ['b'] },
      { opType: 'And', inputs: ['a', 'b'], outputs: ['y'] }, { opType: 'Or', inputs: ['a', 'b'], outputs: ['y2'] }, { opType: 'Not', inputs: ['a'], outputs: ['y3'] }],
    [3, 4], ['y', 'y2', 'y3'], [{ name: 'z', dims: [], data: [0] }, { name: 'h', dims: [4], data: [1, -1, 0.5, 2] }]);
    await agree(m, x([3, 4]), `and/or/not ${opset}`);
  }
});

test('ReduceL2 / ReduceMin / ReduceProd (axes attribute <= 17, input 18+), ArgMin (keepdims, axis)', async () => {
  for (const op of ['ReduceL2', 'ReduceMin', 'ReduceProd']) {
    await unit({ op, opset: 13, ins: [['x', [3, 4, 5]]], attrs: { axes: [1], keepdims: 0 } }, `${op} 13`);
    await unit({ op, opset: 11, ins: [['x', [2, 3]]] }, `${op} 11 all`);
    await unit({ op, opset: 18, ins: [['x', [3, 4, 5]]], consts: [['a', [2], [0, -1], I64]] }, `${op} 18 axes input`);
  }
  for (const opset of [11, 13]) {
    await unit({ op: 'ArgMin', opset, ins: [['x', [3, 4, 5]]], attrs: { axis: 1 } }, `argmin ${opset}`);
    await unit({ op: 'ArgMin', opset, ins: [['x', [3, 5]]], attrs: { axis: -1, keepdims: 0 } }, `argmin ${opset} last`);
  }
});

test('folded Constant (value, value_float(s), value_int(s)), Range and Size feeding a computation', async () => {
  for (const opset of [11, 13]) {
    const m = graph(opset, [
      { opType: 'Constant', inputs: [], outputs: ['c1'], attrs: { value: { t: { dims: [4], data: [1, 2, 3, 4] } } } },
      { opType: 'Range', inputs: ['s', 'l', 'd'], outputs: ['r'] }, { opType: 'Add', inputs: ['x', 'r'], outputs: ['a'] },
      { opType: 'Size', inputs: ['x'], outputs: ['n'] }, { opType: 'Cast', inputs: ['n'], outputs: ['nf'], attrs: { to: F } },
      { opType: 'Mul', inputs: ['a', 'nf'], outputs: ['b'] }, { opType: 'Sub', inputs: ['b', 'c1'], outputs: ['y'] }],
    [2, 4], ['y'], [{ name: 's', dims: [], data: [1] }, { name: 'l', dims: [], data: [3] }, { name: 'd', dims: [], data: [0.5] }]);
    await agree(m, x([2, 4]), `constant/range/size ${opset}`);
  }
  const c13 = graph(13, [{ opType: 'Constant', inputs: [], outputs: ['c'], attrs: { value_floats: { floats: [0.5, -1, 2] } } }, { opType: 'Constant', inputs: [], outputs: ['k'], attrs: { value_float: { f: 3 } } },
    { opType: 'Mul', inputs: ['x', 'c'], outputs: ['m'] }, { opType: 'Add', inputs: ['m', 'k'], outputs: ['y'] }], [2, 3]);
  await agree(c13, x([2, 3]), 'value_floats / value_float');
  for (const opset of [9, 13, 21]) {
    const cs = graph(opset, [{ opType: 'Shape', inputs: ['x'], outputs: ['s'] }, { opType: 'ConstantOfShape', inputs: ['s'], outputs: ['k'], attrs: { value: { t: { dims: [1], data: [1.5] } } } },
      { opType: 'ConstantOfShape', inputs: ['d'], outputs: ['z'] }, { opType: 'Add', inputs: ['x', 'k'], outputs: ['a'] }, { opType: 'Add', inputs: ['a', 'z'], outputs: ['y'] }], [2, 3], ['y'], [{ name: 'd', dims: [1], data: [3], type: I64 }]);
    await agree(cs, x([2, 3]), `constantofshape ${opset}`);
  }
  const ci = graph(13, [{ opType: 'Constant', inputs: [], outputs: ['s'], attrs: { value_ints: [3, 2] } }, { opType: 'Reshape', inputs: ['x', 's'], outputs: ['y'] }], [2, 3]);
  await agree(ci, x([2, 3]), 'value_ints as a shape');
});

test.run();
