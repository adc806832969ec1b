// ONNX Loop decided at run time (a trip count or a condition computed from the data), mapped onto MXNet's _while_loop
// (its body a subgraph bound once and run per iteration), vs onnxruntime-web at several opsets; nested loops; scan
// outputs of a static length; refusals naming node, op and opset.
import { test } from 'uvu';
import { agree, rnd, fileSeed } from './oracle.js';
import { encodeModel, type GraphSpec, type NodeSpec } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-loop-runtime');

const I64 = 7, BOOL = 9;
/** M = int64(sum(m)) from a float input, so the trip count is data. */
const tripFrom = (m: string, out: string): NodeSpec[] => [{ opType: 'ReduceSum', inputs: [m], outputs: [`${out}_f`], attrs: { keepdims: 0 } },
  { opType: 'Cast', inputs: [`${out}_f`], outputs: [out], attrs: { to: I64 } }];
/** acc' = acc * 0.5 + x * i (outer x); the condition passed through; `scan`: also acc' + 1 per iteration. */
const body = (scan: boolean, cond: NodeSpec = { opType: 'Identity', inputs: ['cin'], outputs: ['cout'] }): GraphSpec => ({
  nodes: [{ opType: 'Cast', inputs: ['i'], outputs: ['fi'], attrs: { to: 1 } }, { opType: 'Mul', inputs: ['x', 'fi'], outputs: ['xi'] },
    { opType: 'Mul', inputs: ['acc', 'half'], outputs: ['ah'] }, { opType: 'Add', inputs: ['ah', 'xi'], outputs: ['acc2'] }, cond,
    ...(scan ? [{ opType: 'Add', inputs: ['acc2', 'one'], outputs: ['sc'] }] : [])],
  inputs: [{ name: 'i', dims: [], type: I64 }, { name: 'cin', dims: [], type: BOOL }, { name: 'acc', dims: [2, 3] }],
  outputs: [{ name: 'cout', dims: [], type: BOOL }, { name: 'acc2', dims: [2, 3] }, ...(scan ? [{ name: 'sc', dims: [2, 3] }] : [])],
});
const a0 = rnd([2, 3]);
const inits = [{ name: 'half', dims: [], data: [0.5] }, { name: 'a0', dims: [2, 3], data: a0 }];
const feeds = (m: number) => ({ x: { data: rnd([2, 3]), dims: [2, 3] }, m: { data: Float32Array.from([m]), dims: [1] } });

test('Loop with a run-time trip count M (opsets 11, 13, 16; M = 0, 1, 5, 40)', async () => {
  for (const opset of [11, 13, 16]) {
    const m = encodeModel({
      opset,
      graph: {
        nodes: [...tripFrom('m', 'M'), { opType: 'Loop', inputs: ['M', 'c', 'a0'], outputs: ['y'], attrs: { body: { g: body(false) } } }],
        initializers: [...inits, { name: 'c', dims: [], data: [1], type: BOOL }],
        inputs: [{ name: 'x', dims: [2, 3] }, { name: 'm', dims: [1] }], outputs: [{ name: 'y' }],
      },
    });
    for (const M of [0, 1, 5, 40]) await agree(m, feeds(M), `loop ${opset} run-time M ${M}`);
  }
});

/** A while body: acc' = acc * 0.5 + x * i, k' = k + 1, continue while max(acc') < lim (lim an outer value). */
const whileBody: GraphSpec = {
  nodes: [...body(false).nodes.slice(0, 4), { opType: 'ReduceMax', inputs: ['acc2'], outputs: ['mx'], attrs: { keepdims: 0 } },
    { opType: 'Less', inputs: ['mx', 'lim'], outputs: ['cout'] }, { opType: 'Add', inputs: ['k', 'onei'], outputs: ['k2'] }],
  inputs: [...body(false).inputs, { name: 'k', dims: [], type: I64 }],
  outputs: [{ name: 'cout', dims: [], type: BOOL }, { name: 'acc2', dims: [2, 3] }, { name: 'k2', dims: [], type: I64 }],
};

test('Loop with a run-time condition (a while loop, and one bounded by M), the iteration count carried out (opsets 11, 13, 16)', async () => {
  for (const [opset, M] of [[11, ''], [13, 'M'], [16, '']] as const) {
    const m = encodeModel({
      opset,
      graph: {
        nodes: [{ opType: 'ReduceSum', inputs: ['m'], outputs: ['lim'], attrs: { keepdims: 0 } }, { opType: 'ReduceMax', inputs: ['a0'], outputs: ['a0m'], attrs: { keepdims: 0 } },
          { opType: 'Less', inputs: ['a0m', 'lim'], outputs: ['c'] }, { opType: 'Loop', inputs: [M, 'c', 'a0', 'k0'], outputs: ['y', 'n'], attrs: { body: { g: whileBody } } }],
        initializers: [...inits, ...(M ? [{ name: 'M', dims: [], data: [6], type: I64 }] : []), { name: 'k0', dims: [], data: [0], type: I64 }, { name: 'onei', dims: [], data: [1], type: I64 }],
        inputs: [{ name: 'x', dims: [2, 3] }, { name: 'm', dims: [1] }], outputs: [{ name: 'y' }, { name: 'n' }],
      },
    });
    for (const lim of [-5, 3, 20]) {
      const f = feeds(lim);
      f.x.data = f.x.data.map((v) => Math.abs(v) + 0.1);
      await agree(m, f, `while loop ${opset} M '${M}' limit ${lim}`);
    }
  }
});

test('Nested Loops with run-time trip counts: the inner count read from the outer loop\'s carried value', async () => {
  // outer: for i < M: (acc, t) -> inner loop of int64(i) + 1 iterations over acc, t' = t + sum(inner acc)
  const inner: GraphSpec = {
    nodes: [{ opType: 'Mul', inputs: ['b', 'half'], outputs: ['bh'] }, { opType: 'Add', inputs: ['bh', 'x'], outputs: ['b2'] }, { opType: 'Identity', inputs: ['ci'], outputs: ['co'] }],
    inputs: [{ name: 'j', dims: [], type: I64 }, { name: 'ci', dims: [], type: BOOL }, { name: 'b', dims: [2, 3] }],
    outputs: [{ name: 'co', dims: [], type: BOOL }, { name: 'b2', dims: [2, 3] }],
  };
  const outer: GraphSpec = {
    nodes: [{ opType: 'Add', inputs: ['i', 'onei'], outputs: ['n'] }, { opType: 'Loop', inputs: ['n', 'cin', 'acc'], outputs: ['acc2'], attrs: { body: { g: inner } } },
      { opType: 'ReduceSum', inputs: ['acc2'], outputs: ['s'], attrs: { keepdims: 0 } }, { opType: 'Add', inputs: ['t', 's'], outputs: ['t2'] },
      { opType: 'Identity', inputs: ['cin'], outputs: ['cout'] }],
    inputs: [{ name: 'i', dims: [], type: I64 }, { name: 'cin', dims: [], type: BOOL }, { name: 'acc', dims: [2, 3] }, { name: 't', dims: [] }],
    outputs: [{ name: 'cout', dims: [], type: BOOL }, { name: 'acc2', dims: [2, 3] }, { name: 't2', dims: [] }],
  };
  for (const opset of [11, 16]) {
    const m = encodeModel({
      opset,
      graph: {
        nodes: [...tripFrom('m', 'M'), { opType: 'Loop', inputs: ['M', 'c', 'a0', 't0'], outputs: ['y', 'tt'], attrs: { body: { g: outer } } }],
        initializers: [...inits, { name: 'c', dims: [], data: [1], type: BOOL }, { name: 't0', dims: [], data: [0.25] }, { name: 'onei', dims: [], data: [1], type: I64 }],
        inputs: [{ name: 'x', dims: [2, 3] }, { name: 'm', dims: [1] }], outputs: [{ name: 'y' }, { name: 'tt' }],
      },
    });
    for (const M of [0, 3]) await agree(m, feeds(M), `nested ${opset} M ${M}`);
  }
});

test('Loop with a constant trip count over the unroll limit and a constant condition: scan outputs of static length', async () => {
  const g = body(true, { opType: 'Constant', inputs: [], outputs: ['cout'], attrs: { value: { t: { dims: [], data: [1], type: BOOL } } } });
  const m = encodeModel({
    opset: 13,
    graph: {
      nodes: [{ opType: 'Loop', inputs: ['M', 'c', 'a0'], outputs: ['y', 'ys'], attrs: { body: { g } } }],
      initializers: [...inits.map((t) => (t.name === 'half' ? { ...t, data: [0.999] } : t)), { name: 'one', dims: [], data: [1] }, { name: 'M', dims: [], data: [1500], type: I64 },
        { name: 'c', dims: [], data: [1], type: BOOL }],
      inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y' }, { name: 'ys' }],
    },
  });
  await agree(m, { x: { data: rnd([2, 3], -0.001, 0.001), dims: [2, 3] } }, 'loop M 1500 with scan outputs', 1e-3, 1e-3);
});

test('Run-time Loops that need run-time shapes are refused naming node, op and opset', () => {
  const m = encodeModel({
    opset: 13,
    graph: {
      nodes: [...tripFrom('m', 'M'), { opType: 'Loop', name: 'lp', inputs: ['M', 'c', 'a0'], outputs: ['y', 'ys'], attrs: { body: { g: body(true) } } }],
      initializers: [...inits, { name: 'one', dims: [], data: [1] }, { name: 'c', dims: [], data: [1], type: BOOL }],
      inputs: [{ name: 'x', dims: [2, 3] }, { name: 'm', dims: [1] }], outputs: [{ name: 'y' }, { name: 'ys' }],
    },
  });
  expectMx(() => mx.onnx.importModel(m), 'run-time M with scan outputs',
    /'lp' \(Loop, opset 13\): the trip count M is a run-time value, and it has scan outputs, whose length would be known only at run time/);
  const malformed = (g: GraphSpec) => encodeModel({
    opset: 13,
    graph: {
      nodes: [...tripFrom('m', 'M'), { opType: 'Loop', name: 'lp', inputs: ['M', 'c', 'a0'], outputs: ['y'], attrs: { body: { g } } }],
      initializers: [...inits, { name: 'c', dims: [], data: [1], type: BOOL }], inputs: [{ name: 'x', dims: [2, 3] }, { name: 'm', dims: [1] }], outputs: [{ name: 'y' }],
    },
  });
  const b0 = body(false);
  expectMx(() => mx.onnx.importModel(malformed({ ...b0, inputs: b0.inputs.slice(0, 2) })), 'body inputs', /'lp' \(Loop, opset 13\): the body must have 3 inputs/);
  expectMx(() => mx.onnx.importModel(malformed({ ...b0, nodes: [...b0.nodes, { opType: 'NoSuchOp', name: 'bad', inputs: ['acc2'], outputs: ['z'] }] })), 'unknown op in a run-time body',
    /'bad' \(NoSuchOp, opset 13\): operator not supported/);
  expectMx(() => mx.onnx.importModel(malformed({ ...b0, outputs: [b0.outputs[0], { name: 'nowhere' }] })), 'body output never produced', /output 'nowhere' is not produced/);
});

test.run();
