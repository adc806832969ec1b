// exportModel with integer tensors: int32 / uint8 / int8 inputs and Cast-to-integer outputs are declared with their ONNX
// types, and onnxruntime-web gives typed outputs equal (bit for bit) to mxwasm's; an imported ONNX model with int64
// inputs and int64 / bool outputs survives import -> export -> onnxruntime with the same values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ort from 'onnxruntime-web';
import { mx } from '../helpers.js';
import { rnd, fileSeed } from './oracle.js';
import { encodeModel } from '../../src/onnx/encode.js';
import type { Symbol } from '../../src/symbol/symbol.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

fileSeed(test, 'export-typed');
const S = mx.sym as any;
type Feed = { data: Int32Array | Uint8Array | Float32Array | BigInt64Array; dims: number[]; type: ort.Tensor.Type };

async function ortTyped(bytes: Uint8Array, feeds: Record<string, Feed>): Promise<ArrayLike<number | bigint>[]> {
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor(v.type, v.data as never, v.dims)])));
  await s.release();
  return s.outputNames.map((n) => r[n].data as ArrayLike<number | bigint>);
}

function mxTyped(sym: Symbol, params: Record<string, NDArray>, feeds: Record<string, Feed>): (Int32Array | Uint8Array | Int8Array | Float32Array)[] {
  const p = mx.Predictor.load({ symbol: sym, params: { argParams: params }, inputShapes: Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.dims])) });
  try { return p.forward(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.data])) as never).map((o) => o.data.slice() as never); } finally { p.dispose(); }
}

function equalTyped(what: string, got: ArrayLike<number>, want: ArrayLike<number | bigint>, ctor: string): void {
  assert.is(got.constructor.name, ctor, `${what} type`);
  assert.is(got.length, want.length, `${what} size`);
  for (let i = 0; i < want.length; i++) if (got[i] !== Number(want[i])) assert.unreachable(`${what} at ${i}: ${got[i]} vs onnxruntime ${want[i]}`);
}

test('a symbol with an int32 input and Cast-to-int32 / uint8 / int8 outputs round-trips through onnxruntime, opsets 11 / 13 / 17', async () => {
  const ids = S.Variable('ids', { dtype: 'int32' }), data = S.Variable('data');
  const emb = S.Embedding(S.Cast(ids, { dtype: 'float32', name: 'idsf' }), { input_dim: 9, output_dim: 4, name: 'emb' });
  const fc = S.FullyConnected(data, { num_hidden: 5, name: 'fc' });
  const am = S.Cast(S.argmax(fc, { axis: 1, name: 'am' }), { dtype: 'int32', name: 'am_i32' });
  const q = S.Cast(S.clip(S._mul_scalar(fc, { scalar: 40, name: 'sc' }), { a_min: 0, a_max: 255, name: 'cl' }), { dtype: 'uint8', name: 'q' });
  const s8 = S.Cast(S._mul_scalar(fc, { scalar: 30, name: 'sc8' }), { dtype: 'int8', name: 's8' });
  const sym = S.Group([emb, am, q, s8]);
  const params = { emb_weight: mx.nd.array(rnd([36]), { shape: [9, 4] }), fc_weight: mx.nd.array(rnd([30]), { shape: [5, 6] }), fc_bias: mx.nd.array(rnd([5]), { shape: [5] }) };
  const feeds: Record<string, Feed> = { ids: { data: new Int32Array([3, 0, 8, 8, 1]), dims: [5], type: 'int32' }, data: { data: rnd([18]), dims: [3, 6], type: 'float32' } };
  const want = mxTyped(sym, params, feeds);
  assert.equal(want.map((w) => w.constructor.name), ['Float32Array', 'Int32Array', 'Uint8Array', 'Int8Array']);
  for (const opset of [11, 13, 17]) {
    const bytes = mx.onnx.exportModel(sym, { argParams: params }, { ids: [5], data: [3, 6] }, { opset });
    const meta = mx.onnx.getModelMetadata(bytes);
    assert.equal(meta.inputs.map((i) => i.dtype), ['int32', 'float32'], `inputs ${opset}`);
    assert.equal(meta.outputs.map((o) => o.dtype), ['float32', 'int32', 'uint8', 'int8'], `outputs ${opset}`);
    const got = await ortTyped(bytes, feeds);
    // float32 outputs within rounding; integer outputs exactly (float32 clipping and scaling are the same IEEE ops on both sides)
    got[0] && assert.ok(Array.from(got[0] as ArrayLike<number>).every((v, i) => Math.abs(v - want[0][i]) <= 1e-6 * (1 + Math.abs(v))), `emb ${opset}`);
    want.slice(1).forEach((w, k) => equalTyped(`output ${k + 1} opset ${opset}`, w, got[k + 1], w.constructor.name));
  }
  Object.values(params).forEach((a) => a.dispose());
});

test('import -> export -> onnxruntime: int64 ids in, int64 (as int32) and bool (as uint8) outputs keep their values', async () => {
  const I64 = 7, BOOL = 9;
  const m = encodeModel({ opset: 13, graph: {
    nodes: [{ opType: 'Gather', inputs: ['emb', 'ids'], outputs: ['e'] }, { opType: 'ArgMax', inputs: ['e'], outputs: ['am'], attrs: { axis: 1, keepdims: 0 } },
      { opType: 'Less', inputs: ['e', 'zero'], outputs: ['lt'] }],
    initializers: [{ name: 'emb', dims: [6, 3], data: rnd([18]) }, { name: 'zero', dims: [], data: [0] }],
    inputs: [{ name: 'ids', dims: [4], type: I64 }], outputs: [{ name: 'e', type: 1 }, { name: 'am', type: I64 }, { name: 'lt', type: BOOL }],
  } });
  const ids = BigInt64Array.from([5n, 0n, 2n, 5n]);
  const orig = await ortTyped(m, { ids: { data: ids, dims: [4], type: 'int64' } });
  const im = mx.onnx.importModel(m);
  try {
    const bytes = mx.onnx.exportModel(im.symbol, { argParams: im.argParams, auxParams: im.auxParams }, { ids: [4] });
    assert.equal(mx.onnx.getModelMetadata(bytes).outputs.map((o) => o.dtype), ['float32', 'int32', 'uint8']);
    const back = await ortTyped(bytes, { ids: { data: new Int32Array([5, 0, 2, 5]), dims: [4], type: 'int32' } });
    assert.equal(Array.from(back[0] as Float32Array), Array.from(orig[0] as Float32Array));
    assert.equal(Array.from(back[1], Number), Array.from(orig[1], Number));
    assert.equal(Array.from(back[2], Number), Array.from(orig[2], Number));
  } finally { for (const a of Object.values(im.argParams)) a.dispose(); }
});

test.run();
