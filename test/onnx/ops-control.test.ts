// ONNX If (constant or foldable condition inlined; run-time condition: both branches and `where`), Loop (constant trip count, foldable condition; carried values and scan
// outputs) and Scan (9+, both directions and axes) resolved at import, vs onnxruntime-web; other run-time control refused.
import { test } from 'uvu';
import { agree, rnd, fileSeed } from './oracle.js';
import { encodeModel, type GraphSpec, type NodeSpec } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-control');

const I64 = 7, BOOL = 9;
const feed = (dims: number[]) => ({ x: { data: rnd(dims), dims } });
const model = (opset: number, nodes: NodeSpec[], inits: GraphSpec['initializers'], dims: number[]) =>
  encodeModel({ opset, graph: { nodes, initializers: inits, inputs: [{ name: 'x', dims }], outputs: [{ name: 'y' }] } });
const branch = (op: string, out: string): GraphSpec => ({ nodes: [{ opType: op, inputs: ['x'], outputs: [out] }], inputs: [], outputs: [{ name: out, dims: [2, 3] }] });

test('If: constant conditions and a condition folded from a shape take the right branch (outer values visible)', async () => {
  for (const [opset, v] of [[11, 1], [13, 0], [16, 1]] as const) {
    const m = model(opset, [{ opType: 'If', inputs: ['c'], outputs: ['y'], attrs: { then_branch: { g: branch('Relu', 't') }, else_branch: { g: branch('Neg', 'e') } } }],
      [{ name: 'c', dims: [], data: [v], type: BOOL }], [2, 3]);
    await agree(m, feed([2, 3]), `if ${opset} ${v}`);
  }
  const shaped = model(13, [{ opType: 'Shape', inputs: ['x'], outputs: ['s'] }, { opType: 'Gather', inputs: ['s', 'zero'], outputs: ['d0'], attrs: { axis: 0 } },
    { opType: 'Equal', inputs: ['d0', 'two'], outputs: ['c'] },
    { opType: 'If', inputs: ['c'], outputs: ['y'], attrs: { then_branch: { g: branch('Sigmoid', 't') }, else_branch: { g: branch('Neg', 'e') } } }],
  [{ name: 'zero', dims: [], data: [0], type: I64 }, { name: 'two', dims: [], data: [2], type: I64 }], [2, 3]);
  await agree(shaped, feed([2, 3]), 'if on a shape');
});

test('If with a run-time condition (opsets 11 / 13 / 16): both branches mapped, `where` selects; constant branch outputs, dynamic batch', async () => {
  const constOut: GraphSpec = { nodes: [{ opType: 'Identity', inputs: ['k'], outputs: ['e'] }], inputs: [], outputs: [{ name: 'e' }] };
  const two: GraphSpec = { nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['t'] }, { opType: 'Abs', inputs: ['x'], outputs: ['t2'] }], inputs: [], outputs: [{ name: 't' }, { name: 't2' }] };
  const two2: GraphSpec = { nodes: [{ opType: 'Neg', inputs: ['x'], outputs: ['e'] }, { opType: 'Identity', inputs: ['k'], outputs: ['e2'] }], inputs: [], outputs: [{ name: 'e' }, { name: 'e2' }] };
  for (const opset of [11, 13, 16]) {
    for (const [dims, feedDims] of [[[2, 3], [2, 3]], [['N', 3], [4, 3]]] as const) {
      const m = encodeModel({
        opset,
        graph: {
          nodes: [{ opType: 'ReduceSum', inputs: ['x'], outputs: ['r'], attrs: { keepdims: 0 } }, { opType: 'Greater', inputs: ['r', 'z'], outputs: ['c'] },
            { opType: 'If', inputs: ['c'], outputs: ['y'], attrs: { then_branch: { g: { ...branch('Relu', 't'), outputs: [{ name: 't' }] } }, else_branch: { g: dims[0] === 2 ? constOut : { ...branch('Neg', 'e'), outputs: [{ name: 'e' }] } } } }],
          initializers: [{ name: 'z', dims: [], data: [0] }, { name: 'k', dims: [2, 3], data: rnd([2, 3]) }],
          inputs: [{ name: 'x', dims: [...dims] }], outputs: [{ name: 'y' }],
        },
      });
      for (const sign of [1, -1]) {
        const d = Float32Array.from(rnd([...feedDims]), (v) => sign * Math.abs(v));
        await agree(m, { x: { data: d, dims: [...feedDims] } }, `run-time if ${opset} ${dims} sign ${sign}`);
      }
    }
  }
  const m2 = encodeModel({
    opset: 13,
    graph: {
      nodes: [{ opType: 'ReduceMax', inputs: ['x'], outputs: ['r'], attrs: { keepdims: 1 } }, { opType: 'Greater', inputs: ['r', 'z'], outputs: ['c'] },
        { opType: 'If', inputs: ['c'], outputs: ['y', 'y2'], attrs: { then_branch: { g: two }, else_branch: { g: two2 } } }],
      initializers: [{ name: 'z', dims: [], data: [0.5] }, { name: 'k', dims: [2, 3], data: rnd([2, 3]) }],
      inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y' }, { name: 'y2' }],
    },
  });
  for (const off of [0, -3]) await agree(m2, { x: { data: rnd([2, 3]).map((v) => v + off), dims: [2, 3] } }, `run-time if, two outputs, cond [1, 1], offset ${off}`);
});

/** Loop body: acc' = acc + x * i (outer x), scan output acc' * 2; the condition passed through. */
const loopBody: GraphSpec = {
  nodes: [{ opType: 'Cast', inputs: ['i'], outputs: ['fi'], attrs: { to: 1 } }, { opType: 'Mul', inputs: ['x', 'fi'], outputs: ['xi'] },
    { opType: 'Add', inputs: ['acc', 'xi'], outputs: ['acc2'] }, { opType: 'Add', inputs: ['acc2', 'acc2'], outputs: ['sc'] },
    { opType: 'Identity', inputs: ['cin'], outputs: ['cout'] }],
  inputs: [{ name: 'i', dims: [], type: I64 }, { name: 'cin', dims: [], type: BOOL }, { name: 'acc', dims: [2, 3] }],
  outputs: [{ name: 'cout', dims: [], type: BOOL }, { name: 'acc2', dims: [2, 3] }, { name: 'sc', dims: [2, 3] }],
};

test('Loop: constant trip count with carried values and scan outputs (opsets 11, 13, 16), one iteration', async () => {
  for (const [opset, M] of [[11, 3], [13, 1], [16, 4]]) {
    const m = encodeModel({
      opset,
      graph: {
        nodes: [{ opType: 'Loop', inputs: ['M', 'c', 'a0'], outputs: ['y', 'ys'], attrs: { body: { g: loopBody } } }],
        initializers: [{ name: 'M', dims: [], data: [M], type: I64 }, { name: 'c', dims: [], data: [1], type: BOOL }, { name: 'a0', dims: [2, 3], data: rnd([2, 3]) }],
        inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y' }, { name: 'ys' }],
      },
    });
    await agree(m, feed([2, 3]), `loop ${opset} M ${M}`);
  }
});

test('Scan (9, 11, 16): running sum over axis 0 and reversed over axis 1, scan outputs on axis 0 and 1', async () => {
  const scanBody: GraphSpec = {
    nodes: [{ opType: 'Add', inputs: ['s', 'xt'], outputs: ['s2'] }, { opType: 'Tanh', inputs: ['s2'], outputs: ['o'] }],
    inputs: [{ name: 's', dims: [4] }, { name: 'xt', dims: [4] }], outputs: [{ name: 's2', dims: [4] }, { name: 'o', dims: [4] }],
  };
  for (const [opset, inAx, inDir, outAx, outDir, dims] of [[9, 0, 0, 0, 0, [5, 4]], [11, 1, 1, 1, 0, [4, 3]], [16, -1, 0, 0, 1, [4, 6]]] as const) {
    const m = encodeModel({
      opset,
      graph: {
        nodes: [{ opType: 'Scan', inputs: ['s0', 'x'], outputs: ['y', 'ys'], attrs: { body: { g: scanBody }, num_scan_inputs: 1, scan_input_axes: [inAx], scan_input_directions: [inDir], scan_output_axes: [outAx], scan_output_directions: [outDir] } }],
        initializers: [{ name: 's0', dims: [4], data: rnd([4]) }], inputs: [{ name: 'x', dims: [...dims] }], outputs: [{ name: 'y' }, { name: 'ys' }],
      },
    });
    await agree(m, feed([...dims]), `scan ${opset} axis ${inAx} dir ${inDir} out ${outAx}/${outDir}`);
  }
});

test('If / Loop / Scan needing run-time decisions are refused naming the node, op and opset', () => {
  const shapes = model(13, [{ opType: 'ReduceSum', inputs: ['x'], outputs: ['r'], attrs: { keepdims: 0 } }, { opType: 'Greater', inputs: ['r', 'z'], outputs: ['c'] },
    { opType: 'If', name: 'iff', inputs: ['c'], outputs: ['y'], attrs: { then_branch: { g: branch('Relu', 't') }, else_branch: { g: { nodes: [{ opType: 'Transpose', inputs: ['x'], outputs: ['e'] }], inputs: [], outputs: [{ name: 'e' }] } } } }],
  [{ name: 'z', dims: [], data: [0] }], [2, 3]);
  expectMx(() => mx.onnx.importModel(shapes), 'run-time if, shapes differ', /'iff' \(If, opset 13\): output 0 is \[2, 3\] in then, \[3, 2\] in else: with a run-time condition both branches run/);
  const cond2 = model(13, [{ opType: 'Greater', inputs: ['x', 'z'], outputs: ['c'] },
    { opType: 'If', name: 'iff', inputs: ['c'], outputs: ['y'], attrs: { then_branch: { g: branch('Relu', 't') }, else_branch: { g: branch('Neg', 'e') } } }],
  [{ name: 'z', dims: [], data: [0] }], [2, 3]);
  expectMx(() => mx.onnx.importModel(cond2), 'condition of 6 elements', /'iff' \(If, opset 13\): the condition must have one element, got shape \[2, 3\]/);
  const noBranch = model(13, [{ opType: 'If', name: 'iff', inputs: ['c'], outputs: ['y'], attrs: { then_branch: { g: branch('Relu', 't') } } }], [{ name: 'c', dims: [], data: [0], type: BOOL }], [2, 3]);
  expectMx(() => mx.onnx.importModel(noBranch), 'missing branch', /else_branch \(a graph\) is required/);
  const loop = (M: number, bodyCond: NodeSpec) => encodeModel({
    opset: 13,
    graph: {
      nodes: [{ opType: 'Loop', name: 'lp', inputs: ['M', 'c', 'a0'], outputs: ['y', 'ys'], attrs: { body: { g: { ...loopBody, nodes: [...loopBody.nodes.slice(0, 4), bodyCond] } } } }],
      initializers: [{ name: 'M', dims: [], data: [M], type: I64 }, { name: 'c', dims: [], data: [1], type: BOOL }, { name: 'a0', dims: [2, 3], data: rnd([2, 3]) }],
      inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y' }, { name: 'ys' }],
    },
  });
  expectMx(() => mx.onnx.importModel(loop(3, { opType: 'ReduceMax', inputs: ['acc2'], outputs: ['cout'], attrs: { keepdims: 0 } })), 'data cond', /'lp' \(Loop, opset 13\).*condition after iteration 0 depends on run-time values/);
  expectMx(() => mx.onnx.importModel(loop(5000, loopBody.nodes[4])), 'too many', /more than 1024 iterations/);
  expectMx(() => mx.onnx.importModel(loop(0, loopBody.nodes[4])), 'zero trips', /runs zero times/);
});

test.run();
