// ONNX integer ops (MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv) vs onnxruntime-web: float inputs quantized
// in the graph (QuantizeLinear), constant and computed weights, per-tensor and per-channel zero points and scales,
// pads / strides / groups / auto_pad, int32 bias, and K large enough that the import splits the accumulation (2^24).
// Every output must equal onnxruntime's exactly: int32 accumulators, and the requantized uint8/int8 outputs too (the same
// float32 multiplier, one rounding of the exact accumulator, rint half to even).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ortRun, mxRun, rnd, fileSeed, type Feeds } from './oracle.js';
import { encodeModel, type NodeSpec, type TensorSpec } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-qlinear');
const U8 = 2, I8 = 3, I32 = 6;

/** Integer weights in [lo, hi] (seeded from the data generator). */
const ints = (n: number, lo: number, hi: number) => Array.from(rnd([n], 0, 1), (v) => Math.min(hi, lo + Math.floor(v * (hi - lo + 1))));

/** x (float) -> QuantizeLinear(xs, xzp) -> `node` -> outputs; compared against onnxruntime. */
async function check(what: string, opset: number, xDims: number[], node: NodeSpec, inits: TensorSpec[], outs: string[], extra: Record<string, number[]> = {}): Promise<void> {
  const m = encodeModel({
    opset,
    graph: {
      nodes: [{ opType: 'QuantizeLinear', inputs: ['x', 'xs', 'xzp'], outputs: ['q'] }, ...Object.keys(extra).map((k) => ({ opType: 'QuantizeLinear', inputs: [k, 'xs', 'xzp'], outputs: [`${k}_q`] })), node],
      initializers: inits, inputs: [{ name: 'x', dims: xDims }, ...Object.entries(extra).map(([name, dims]) => ({ name, dims }))], outputs: outs.map((name) => ({ name })),
    },
  });
  const feeds: Feeds = { x: { data: rnd(xDims, -3, 3), dims: xDims }, ...Object.fromEntries(Object.entries(extra).map(([k, d]) => [k, { data: rnd(d, -3, 3), dims: d }])) };
  const want = await ortRun(m, feeds), got = mxRun(m, feeds);
  assert.is(got.length, want.length, what);
  want.forEach((w, o) => {
    assert.is(got[o].length, w.length, `${what} output ${o} size`);
    for (let i = 0; i < w.length; i++) {
      if (got[o][i] !== w[i]) assert.unreachable(`${what} output ${o} at ${i}: ${got[o][i]} vs onnxruntime ${w[i]}`);
    }
  });
}

const xq = (zp: number, type = U8, xs = 0.025): TensorSpec[] => [{ name: 'xs', dims: [], data: [xs] }, { name: 'xzp', dims: [], data: [zp], type }];

test('MatMulInteger: constant int8 / uint8 weights, per-column zero points, computed B, batch 1 and > 1, opsets 10 / 13 / 21', async () => {
  for (const opset of [10, 13, 21]) {
    await check(`mmi int8 ${opset}`, opset, [2, 3, 5], { opType: 'MatMulInteger', inputs: ['q', 'b', 'xzp', 'bzp'], outputs: ['y'] },
      [...xq(131), { name: 'b', dims: [5, 7], data: ints(35, -128, 127), type: I8 }, { name: 'bzp', dims: [], data: [3], type: I8 }], ['y']);
  }
  await check('mmi uint8 per-column zp, batch 1', 13, [1, 9], { opType: 'MatMulInteger', inputs: ['q', 'b', 'xzp', 'bzp'], outputs: ['y'] },
    [...xq(0), { name: 'b', dims: [9, 4], data: ints(36, 0, 255), type: U8 }, { name: 'bzp', dims: [4], data: [0, 255, 128, 7], type: U8 }], ['y']);
  await check('mmi no zero points', 13, [4, 6], { opType: 'MatMulInteger', inputs: ['q', 'b'], outputs: ['y'] },
    [...xq(0), { name: 'b', dims: [6, 3], data: ints(18, 0, 255), type: U8 }], ['y']);
  await check('mmi computed B (batch_dot)', 13, [2, 3, 4], { opType: 'MatMulInteger', inputs: ['q', 'w_q', 'xzp', 'xzp'], outputs: ['y'] }, xq(100), ['y'], { w: [2, 4, 5] });
});

test('MatMulInteger / ConvInteger past 2^24: the import splits K and sums exactly (int32 outputs equal onnxruntime\'s)', async () => {
  // 255 * 127 * 2000 > 2^24 and the inputs mostly saturate (scale 0.005): sums near 3e7, which float32 accumulation
  // would round (a mutation to the 2^24 limit fails here); the split gives float(exact), the same as float(int32)
  const big = Array.from({ length: 2000 * 3 }, (_, i) => (i % 7 === 0 ? 125 : 127));
  await check('mmi K 2000', 13, [2, 2000], { opType: 'MatMulInteger', inputs: ['q', 'b', 'xzp'], outputs: ['y'] }, [...xq(0, U8, 0.005), { name: 'b', dims: [2000, 3], data: big, type: I8 }], ['y']);
  await check('mmi computed B K 300', 13, [3, 300], { opType: 'MatMulInteger', inputs: ['q', 'w_q', 'xzp', 'xzp'], outputs: ['y'] }, xq(0), ['y'], { w: [300, 2] });
  const cw = Array.from({ length: 2 * 200 * 9 }, (_, i) => (i % 5 === 0 ? 3 : 255));
  await check('convinteger C 200 3x3', 13, [1, 200, 4, 5], { opType: 'ConvInteger', inputs: ['q', 'w', 'xzp', 'wzp'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } },
    [...xq(0, U8, 0.005), { name: 'w', dims: [2, 200, 3, 3], data: cw, type: U8 }, { name: 'wzp', dims: [], data: [0], type: U8 }], ['y']);
});

test('ConvInteger: pads, strides, dilations, groups, auto_pad, odd sizes, batch 1 and > 1', async () => {
  const w = (n: number) => ({ name: 'w', dims: [4, 3, 3, 2], data: ints(n, 0, 255), type: U8 });
  await check('convinteger plain', 10, [2, 3, 5, 6], { opType: 'ConvInteger', inputs: ['q', 'w', 'xzp', 'wzp'], outputs: ['y'] }, [...xq(128), w(72), { name: 'wzp', dims: [], data: [120], type: U8 }], ['y']);
  await check('convinteger pads strides', 13, [1, 3, 7, 5], { opType: 'ConvInteger', inputs: ['q', 'w', 'xzp', 'wzp'], outputs: ['y'], attrs: { pads: [1, 0, 2, 1], strides: [2, 1], dilations: [1, 2] } },
    [...xq(10), w(72), { name: 'wzp', dims: [], data: [3], type: U8 }], ['y']);
  await check('convinteger auto_pad', 21, [1, 3, 6, 5], { opType: 'ConvInteger', inputs: ['q', 'w', 'xzp'], outputs: ['y'], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } }, [...xq(0), w(72)], ['y']);
  await check('convinteger group 2', 13, [2, 4, 5, 5], { opType: 'ConvInteger', inputs: ['q', 'w', 'xzp'], outputs: ['y'], attrs: { group: 2 } },
    [...xq(7), { name: 'w', dims: [6, 2, 3, 3], data: ints(108, 0, 255), type: U8 }], ['y']);
});

test('QLinearMatMul / QLinearConv: requantized exactly as onnxruntime (per-tensor and per-channel, int8 and uint8, bias)', async () => {
  const tail = (type: number, zp: number): TensorSpec[] => [{ name: 'ys', dims: [], data: [0.31] }, { name: 'yzp', dims: [], data: [zp], type }];
  for (const opset of [10, 13, 21]) {
    await check(`qlmm ${opset}`, opset, [3, 6], { opType: 'QLinearMatMul', inputs: ['q', 'xs', 'xzp', 'b', 'bs', 'bzp', 'ys', 'yzp'], outputs: ['y'] },
      [...xq(128), { name: 'b', dims: [6, 5], data: ints(30, 0, 255), type: U8 }, { name: 'bs', dims: [], data: [0.013] }, { name: 'bzp', dims: [], data: [128], type: U8 }, ...tail(U8, 120)], ['y']);
    await check(`qlconv ${opset}`, opset, [2, 3, 6, 5], { opType: 'QLinearConv', inputs: ['q', 'xs', 'xzp', 'w', 'ws', 'wzp', 'ys', 'yzp', 'B'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1], strides: [1, 2] } },
      [...xq(128), { name: 'w', dims: [4, 3, 3, 3], data: ints(108, -127, 127), type: I8 }, { name: 'ws', dims: [4], data: [0.011, 0.004, 0.02, 0.007] }, { name: 'wzp', dims: [4], data: [0, 0, 0, 0], type: I8 },
        ...tail(U8, 128), { name: 'B', dims: [4], data: [-900, 0, 123456, 77], type: I32 }], ['y']);
  }
  // onnxruntime implements y of a's type only (uint8 -> uint8, int8 -> int8)
  await check('qlmm int8, per-column, batch 3-d', 13, [2, 3, 6], { opType: 'QLinearMatMul', inputs: ['q', 'xs', 'xzp', 'b', 'bs', 'bzp', 'ys', 'yzp'], outputs: ['y'] },
    [...xq(-5, I8), { name: 'b', dims: [6, 4], data: ints(24, -128, 127), type: I8 }, { name: 'bs', dims: [4], data: [0.01, 0.02, 0.005, 0.03] }, { name: 'bzp', dims: [4], data: [0, 0, 0, 0], type: I8 }, ...tail(I8, -3)], ['y']);
  await check('qlconv group 3 auto_pad, then DequantizeLinear', 13, [1, 3, 5, 5], { opType: 'QLinearConv', inputs: ['q', 'xs', 'xzp', 'w', 'ws', 'wzp', 'ys', 'yzp'], outputs: ['y'], attrs: { group: 3, auto_pad: 'SAME_LOWER' } },
    [...xq(100), { name: 'w', dims: [3, 1, 2, 2], data: ints(12, 0, 255), type: U8 }, { name: 'ws', dims: [], data: [0.02] }, { name: 'wzp', dims: [], data: [128], type: U8 }, ...tail(U8, 0)], ['y']);
});

test('integer ops: malformed inputs refused naming node, op and opset', () => {
  const m = (op: string, inputs: string[], inits: TensorSpec[], attrs = {}) => encodeModel({
    opset: 13,
    graph: { nodes: [{ opType: op, name: 'qn', inputs, outputs: ['y'], attrs }], initializers: inits, inputs: [{ name: 'x', dims: [1, 2, 4, 4] }, { name: 'v', dims: [1] }], outputs: [{ name: 'y' }] },
  });
  const w = { name: 'w', dims: [3, 2, 3, 3], data: new Array(54).fill(1), type: U8 };
  expectMx(() => mx.onnx.importModel(m('ConvInteger', ['x', 'v'], [])), 'weights computed', /'qn' \(ConvInteger, opset 13\).*weights must be a constant/);
  expectMx(() => mx.onnx.importModel(m('ConvInteger', ['x', 'w', '', 'v'], [w])), 'w zp computed', /'qn' \(ConvInteger, opset 13\).*w zero point \(input 3\) must be a constant$/);
  expectMx(() => mx.onnx.importModel(m('ConvInteger', ['x', 'w', 'x'], [w])), 'x zp of many values', /'qn' \(ConvInteger, opset 13\).*x zero point \(input 2\) must be a constant or a one-element value/);
  expectMx(() => mx.onnx.importModel(m('ConvInteger', ['x', 'w', '', 'z'], [w, { name: 'z', dims: [2], data: [1, 2], type: U8 }])), 'zp count', /w zero point has 2 values: 1 or 3/);
  expectMx(() => mx.onnx.importModel(m('ConvInteger', ['x', 'w', 'z'], [w, { name: 'z', dims: [], data: [1], type: I32 }])), 'zp type', /zero point of type int32 is not supported/);
  expectMx(() => mx.onnx.importModel(m('ConvInteger', ['x', 'w'], [w], { group: 2 })), 'group', /group 2: input channels 2 must be 2 x group/);
  expectMx(() => mx.onnx.importModel(m('ConvInteger', ['x', 'w'], [w], { kernel_shape: [2, 2] })), 'kernel_shape', /kernel_shape \[2, 2\] differs/);
  expectMx(() => mx.onnx.importModel(m('MatMulInteger', ['x', 'b'], [{ name: 'b', dims: [3, 2], data: [1, 2, 3, 4, 5, 6], type: U8 }])), 'inner dims', /'qn' \(MatMulInteger, opset 13\).*inner dimensions differ/);
  expectMx(() => mx.onnx.importModel(m('QLinearMatMul', ['x', 'v', '', 'b', 's', '', 's', ''], [{ name: 'b', dims: [4, 2], data: new Array(8).fill(1), type: U8 }, { name: 's', dims: [], data: [1] }])), 'scale computed', /'qn' \(QLinearMatMul, opset 13\).*input scale \(input 1\) must be a constant/);
});


test.run();
