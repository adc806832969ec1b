// ONNX graphs with integer and bool inputs and outputs, vs onnxruntime-web: outputs come out in the declared dtype
// (int64 as Int32Array, int32, uint8, int8, bool as Uint8Array) with values equal to onnxruntime's, and integer inputs
// take Int32Array / BigInt64Array / Uint8Array values (float arrays refused, naming the input).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ort from 'onnxruntime-web';
import { rnd, fileSeed } from './oracle.js';
import { encodeModel, type ModelSpec, type NodeSpec, type TensorSpec } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'typed-io');
const F = 1, U8 = 2, I8 = 3, I32 = 6, I64 = 7, BOOL = 9;
const ORT_TYPE: Record<number, ort.Tensor.Type> = { [F]: 'float32', [U8]: 'uint8', [I8]: 'int8', [I32]: 'int32', [I64]: 'int64', [BOOL]: 'bool' };
const WANT: Record<number, string> = { [F]: 'Float32Array', [U8]: 'Uint8Array', [I8]: 'Int8Array', [I32]: 'Int32Array', [I64]: 'Int32Array', [BOOL]: 'Uint8Array' };

type In = { name: string; dims: number[]; type: number; data: ArrayLike<number> };

function model(opset: number, nodes: NodeSpec[], ins: In[], outs: [string, number][], inits: TensorSpec[] = []): Uint8Array {
  const spec: ModelSpec = { opset, graph: { nodes, initializers: inits, inputs: ins.map(({ name, dims, type }) => ({ name, dims, type })), outputs: outs.map(([name, type]) => ({ name, type })) } };
  return encodeModel(spec);
}

const toOrt = (v: In) => {
  const t = ORT_TYPE[v.type];
  const d = t === 'int64' ? BigInt64Array.from(v.data, (x) => BigInt(x)) : t === 'bool' ? Uint8Array.from(v.data) : t === 'uint8' ? Uint8Array.from(v.data)
    : t === 'int8' ? Int8Array.from(v.data) : t === 'int32' ? Int32Array.from(v.data) : Float32Array.from(v.data);
  return new ort.Tensor(t, d as never, v.dims);
};

/** mxwasm outputs (typed arrays as the Predictor returns them) and onnxruntime's, checked equal value for value and typed as declared. */
async function same(what: string, bytes: Uint8Array, ins: In[], outs: [string, number][], feed?: Record<string, unknown>): Promise<void> {
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run(Object.fromEntries(ins.map((v) => [v.name, toOrt(v)])));
  await s.release();
  const p = mx.Predictor.load({ symbol: bytes, inputShapes: Object.fromEntries(ins.map((v) => [v.name, v.dims])) });
  try {
    const got = p.forward((feed ?? Object.fromEntries(ins.map((v) => [v.name, toOrt(v).data]))) as never);
    outs.forEach(([name, type], k) => {
      const w = Array.from(r[name].data as ArrayLike<number | bigint>, Number), g = got[k].data;
      assert.is(g.constructor.name, WANT[type], `${what} output ${name} type`);
      assert.is(g.length, w.length, `${what} output ${name} size`);
      for (let i = 0; i < w.length; i++) if (g[i] !== w[i]) assert.unreachable(`${what} output ${name} at ${i}: ${g[i]} vs onnxruntime ${w[i]}`);
    });
  } finally { p.dispose(); }
}

test('int64 token ids in, Gather / ArgMax (int64) / Greater (bool) / Shape (int64) out, opsets 11, 13, 21', async () => {
  for (const opset of [11, 13, 21]) {
    const emb: TensorSpec = { name: 'emb', dims: [10, 4], data: rnd([40]) };
    const ids: In = { name: 'ids', dims: [2, 3], type: I64, data: [1, 9, 0, 3, 3, 7] };
    const nodes: NodeSpec[] = [
      { opType: 'Gather', inputs: ['emb', 'ids'], outputs: ['e'] },
      { opType: 'ArgMax', inputs: ['e'], outputs: ['am'], attrs: { axis: 2, keepdims: 0 } },
      { opType: 'Greater', inputs: ['e', 'zero'], outputs: ['gt'] },
      { opType: 'Shape', inputs: ['e'], outputs: ['sh'] },
      { opType: 'Identity', inputs: ['ids'], outputs: ['ids_out'] },
    ];
    const outs: [string, number][] = [['e', F], ['am', I64], ['gt', BOOL], ['sh', I64], ['ids_out', I64]];
    const m = model(opset, nodes, [ids], outs, [emb, { name: 'zero', dims: [], data: [0] }]);
    await same(`ids ${opset}`, m, [ids], outs);
    await same(`ids as BigInt64Array ${opset}`, m, [ids], outs, { ids: BigInt64Array.from([1n, 9n, 0n, 3n, 3n, 7n]) });
    await same(`ids as numbers ${opset}`, m, [ids], outs, { ids: [1, 9, 0, 3, 3, 7] });
  }
});

test('Cast at opsets 7, 13, 19: float to int32 / int8 / uint8 truncates toward zero, to bool is x != 0; int32 input', async () => {
  for (const opset of [7, 13, 19]) {
    const x: In = { name: 'x', dims: [3, 5], type: F, data: [-2.9, -1.5, -0.5, -0.0, 0, 0.5, 1.5, 2.5, 3.99, 100.7, -100.7, 7, 0.25, -3, 42.9] };
    const k: In = { name: 'k', dims: [4], type: I32, data: [-7, 0, 2 ** 20, 5] };
    const outs: [string, number][] = [['a', I32], ['b', I8], ['c', BOOL], ['d', I32], ['e', F], ['f', U8]];
    const m = model(opset, [
      { opType: 'Cast', inputs: ['x'], outputs: ['a'], attrs: { to: I32 } },
      { opType: 'Cast', inputs: ['x'], outputs: ['b'], attrs: { to: I8 } },
      { opType: 'Cast', inputs: ['x'], outputs: ['c'], attrs: { to: BOOL } },
      { opType: 'Neg', inputs: ['k'], outputs: ['d'] },
      { opType: 'Cast', inputs: ['k'], outputs: ['e'], attrs: { to: F } },
      { opType: 'Cast', inputs: ['xa'], outputs: ['f'], attrs: { to: U8 } },
      { opType: 'Abs', inputs: ['x'], outputs: ['xa'] },
    ].sort((p, q) => (p.outputs[0] === 'xa' ? -1 : q.outputs[0] === 'xa' ? 1 : 0)), [x, k], outs);
    await same(`cast ${opset}`, m, [x, k], outs);
  }
});

test('quantized nets: uint8 / int8 / int32 outputs typed and equal to onnxruntime (QLinearConv, QLinearMatMul, MatMulInteger)', async () => {
  const q = (n: string, zp: number, type = U8): TensorSpec[] => [{ name: `${n}s`, dims: [], data: [0.02] }, { name: `${n}zp`, dims: [], data: [zp], type }];
  const w = (n: number) => Array.from(rnd([n], -127, 127), Math.round);
  const x: In = { name: 'x', dims: [1, 3, 6, 5], type: F, data: rnd([90], -2, 2) };
  const outs: [string, number][] = [['c2', U8], ['y', U8], ['mi', I32], ['xq', U8], ['x8', I8]];
  const m = model(13, [
    { opType: 'QuantizeLinear', inputs: ['x', 'as', 'azp'], outputs: ['xq'] },
    { opType: 'QuantizeLinear', inputs: ['x', 'ys', 'yzp'], outputs: ['x8'] },
    { opType: 'QLinearConv', inputs: ['xq', 'as', 'azp', 'w1', 'ws', 'wzp', 'bs', 'bzp'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
    { opType: 'QLinearConv', inputs: ['c1', 'bs', 'bzp', 'w2', 'ws', 'wzp', 'cs', 'czp'], outputs: ['c2'], attrs: { strides: [2, 2] } },
    { opType: 'Reshape', inputs: ['c2', 'shape'], outputs: ['flat'] },
    { opType: 'QLinearMatMul', inputs: ['flat', 'cs', 'czp', 'w3', 'ws', 'wzp', 'bs', 'bzp'], outputs: ['y'] },
    { opType: 'MatMulInteger', inputs: ['flat', 'w3', 'czp', 'wzp'], outputs: ['mi'] },
  ], [x], outs, [...q('a', 128), ...q('b', 120), ...q('c', 3), { name: 'ys', dims: [], data: [0.013] }, { name: 'yzp', dims: [], data: [-5], type: I8 },
    { name: 'ws', dims: [], data: [0.01] }, { name: 'wzp', dims: [], data: [0], type: I8 },
    { name: 'w1', dims: [4, 3, 3, 3], data: w(108), type: I8 }, { name: 'w2', dims: [2, 4, 2, 2], data: w(32), type: I8 },
    { name: 'shape', dims: [2], data: [1, -1], type: I64 }, { name: 'w3', dims: [12, 3], data: w(36), type: I8 }]);
  await same('qlinear net', m, [x], outs);
});

test('a uint8 image input: DequantizeLinear -> Relu -> QuantizeLinear, uint8 out; Uint8Array and numbers accepted', async () => {
  const img: In = { name: 'img', dims: [1, 2, 3, 4], type: U8, data: Array.from({ length: 24 }, (_, i) => (i * 37) % 256) };
  const outs: [string, number][] = [['y', U8], ['t', U8]];
  const m = model(13, [
    { opType: 'DequantizeLinear', inputs: ['img', 's', 'zp'], outputs: ['f'] },
    { opType: 'Relu', inputs: ['f'], outputs: ['r'] },
    { opType: 'QuantizeLinear', inputs: ['r', 's2', 'zp2'], outputs: ['y'] },
    { opType: 'Transpose', inputs: ['img'], outputs: ['t'], attrs: { perm: [0, 2, 3, 1] } },
  ], [img], outs, [{ name: 's', dims: [], data: [0.1] }, { name: 'zp', dims: [], data: [100], type: U8 }, { name: 's2', dims: [], data: [0.07] }, { name: 'zp2', dims: [], data: [0], type: U8 }]);
  await same('uint8 image', m, [img], outs);
  await same('uint8 image as numbers', m, [img], outs, { img: Array.from(img.data) });
});

test('Cast to int8 / uint8 inside the graph wraps to the low byte as onnxruntime (300.5 -> 44, -129 -> 127), run time and folded', async () => {
  const v = [-2.7, 300.5, -300.5, 255.9, 127.9, -129, 0.5, 1000.2];
  const x: In = { name: 'x', dims: [8], type: F, data: v };
  const outs: [string, number][] = [['a', F], ['b', F], ['c', F], ['d', I8]];
  const m = model(13, [
    { opType: 'Cast', inputs: ['x'], outputs: ['x8'], attrs: { to: I8 } }, { opType: 'Cast', inputs: ['x8'], outputs: ['x8f'], attrs: { to: F } },
    { opType: 'Add', inputs: ['x8f', 'one'], outputs: ['a'] },
    { opType: 'Abs', inputs: ['x'], outputs: ['xa'] }, { opType: 'Cast', inputs: ['xa'], outputs: ['xu'], attrs: { to: U8 } },
    { opType: 'Cast', inputs: ['xu'], outputs: ['b'], attrs: { to: F } },
    { opType: 'Cast', inputs: ['k'], outputs: ['k8'], attrs: { to: I8 } }, { opType: 'Cast', inputs: ['k8'], outputs: ['kf'], attrs: { to: F } },
    { opType: 'Add', inputs: ['kf', 'x'], outputs: ['c'] }, { opType: 'Identity', inputs: ['k8'], outputs: ['d'] },
  ], [x], outs, [{ name: 'one', dims: [], data: [1] }, { name: 'k', dims: [8], data: v }]);
  await same('cast 8-bit', m, [x], outs);
});

test('an imported typed model saved as MXNet symbol JSON + .params reloads with its dtypes (__dtype__ codes, Cast nodes)', () => {
  const m = model(13, [{ opType: 'Gather', inputs: ['emb', 'ids'], outputs: ['e'] }, { opType: 'ArgMax', inputs: ['e'], outputs: ['am'], attrs: { axis: 1, keepdims: 0 } }],
    [{ name: 'ids', dims: [3], type: I64, data: [] }], [['am', I64]], [{ name: 'emb', dims: [5, 4], data: rnd([20]) }]);
  const im = mx.onnx.importModel(m);
  try {
    const json = im.symbol.toJSON();
    const ids = JSON.parse(json).nodes.find((n: { name: string }) => n.name === 'ids');
    assert.is(ids.attrs.__dtype__, '4', 'int32 code in the symbol JSON');
    const bytes = mx.nd.save(null, Object.fromEntries(Object.entries(im.argParams).map(([k, v]) => [`arg:${k}`, v])));
    const p = mx.Predictor.load({ symbol: json, params: bytes, inputShapes: { ids: [3] } });
    try {
      assert.equal(p.inputDTypes, { ids: 'int32' });
      const [am] = p.forward(new Int32Array([4, 0, 2]));
      const q = mx.Predictor.load({ symbol: m });
      try { assert.equal(Array.from(am.data), Array.from(q.forward({ ids: new Int32Array([4, 0, 2]) })[0].data)); } finally { q.dispose(); }
      assert.is(am.data.constructor.name, 'Int32Array');
    } finally { p.dispose(); }
  } finally { for (const a of Object.values(im.argParams)) a.dispose(); }
});

test('wrong input dtypes: a DTypeError naming the input (float array for int64 ids, BigInt for float, out of range)', () => {
  const m = model(13, [{ opType: 'Gather', inputs: ['emb', 'ids'], outputs: ['e'] }, { opType: 'Mul', inputs: ['e', 'x'], outputs: ['y'] }],
    [{ name: 'ids', dims: [3], type: I64, data: [] }, { name: 'x', dims: [3, 2], type: F, data: [] }], [['y', F]], [{ name: 'emb', dims: [5, 2], data: rnd([10]) }]);
  const p = mx.Predictor.load({ symbol: m });
  const x = new Float32Array(6);
  try {
    expectMx(() => p.forward({ ids: new Float32Array([1, 2, 3]), x }), 'float ids', /input 'ids' is int32.*Float32Array/);
    expectMx(() => p.forward({ ids: new Int32Array([1, 2, 3]), x: new BigInt64Array(6) }), 'bigint x', /input 'x' is float32.*BigInt64Array/);
    expectMx(() => p.forward({ ids: BigInt64Array.from([1n, 2n ** 40n, 3n]), x }), 'ids out of range', /'ids'.*element 1 = 1099511627776/);
    expectMx(() => p.forward({ ids: [1, 2.5, 3], x }), 'fractional ids', /'ids'.*element 1 = 2.5/);
    expectMx(() => p.forward({ ids: new Int32Array(4), x }), 'ids count', /'ids' has 4 values/);
    const [y] = p.forward({ ids: new Int32Array([4, 0, 4]), x: new Float32Array([1, 1, 2, 2, 3, 3]) });
    assert.is(y.dtype, 'float32');
    assert.equal(p.inputShapes, { ids: [3], x: [3, 2] });
  } finally { p.dispose(); }
  const e = mx.onnx.importModel(m);
  try {
    const args = e.symbol.listArguments(), types = e.symbol.inferType({}).argTypes;
    assert.is(types[args.indexOf('ids')], 'int32', 'ids variable dtype');
  } finally { for (const a of Object.values(e.argParams)) a.dispose(); }
});

test.run();
