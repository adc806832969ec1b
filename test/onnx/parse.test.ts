// ONNX protobuf parsing: round trip of the writer, metadata (symbolic dims kept as names),
// malformed and truncated files give FormatErrors (MxError), never other exceptions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';
import { isMxError } from '../../src/errors.js';
import { decodeModel } from '../../src/onnx/proto.js';
import { encodeModel } from '../../src/onnx/encode.js';
import { WireReader, WireWriter } from '../../src/onnx/wire.js';
import { tensorValues } from '../../src/onnx/tensor.js';

const model = () => encodeModel({
  opset: 13,
  graph: {
    name: 'g',
    nodes: [{ opType: 'Gemm', inputs: ['x', 'w', 'b'], outputs: ['y'], name: 'fc', attrs: { transB: 1, alpha: { f: 0.5 } } }],
    initializers: [{ name: 'w', dims: [3, 4], data: new Float32Array(12).map((_, i) => i) }, { name: 'b', dims: [3], data: [1, 2, 3] }],
    inputs: [{ name: 'x', dims: ['batch', 4] }, { name: 'w', dims: [3, 4] }],
    outputs: [{ name: 'y', dims: ['batch', 3] }],
  },
});

test('varints: int64 -1, 2^53 and 32-bit boundaries round trip', () => {
  const vals = [0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, -1, -(2 ** 31), -5];
  const w = new WireWriter();
  for (const v of vals) w.int(1, v);
  const r = new WireReader(w.finish(), 'test');
  for (const v of vals) { r.key(); assert.is(r.varint(), v); }
  assert.not.ok(r.more());
});

test('decode: nodes, attributes, initializers, typed dims', () => {
  const m = decodeModel(model());
  assert.is(m.irVersion, 8);
  assert.equal(m.opsetImport, [{ domain: '', version: 13 }]);
  const n = m.graph.node[0];
  assert.is(n.opType, 'Gemm');
  assert.equal(n.input, ['x', 'w', 'b']);
  assert.is(n.attribute.find((a) => a.name === 'transB')!.i, 1);
  assert.ok(Math.abs(n.attribute.find((a) => a.name === 'alpha')!.f! - 0.5) < 1e-7);
  const w = tensorValues(m.graph.initializer[0]);
  assert.equal(w.dims, [3, 4]);
  assert.equal(Array.from(w.data), Array.from({ length: 12 }, (_, i) => i));
});

test('getModelMetadata: data inputs only, symbolic dims as names', () => {
  const md = mx.onnx.getModelMetadata(model());
  assert.equal(md.inputs, [{ name: 'x', shape: ['batch', 4], dtype: 'float32' }]);
  assert.equal(md.outputs, [{ name: 'y', shape: ['batch', 3], dtype: 'float32' }]);
  assert.is(md.opset, 13);
  assert.equal(md.ops, { Gemm: 1 });
});

test('every truncation and corrupted length gives an MxError', () => {
  const b = model();
  for (let n = 0; n < b.length; n++) {
    try { mx.onnx.getModelMetadata(b.subarray(0, n)); } catch (e) { assert.ok(isMxError(e), `truncated at ${n}: ${e}`); }
  }
  for (let i = 0; i < b.length; i++) {
    for (const v of [0xff, 0x80, 0x7f, 0]) {
      const c = b.slice(); c[i] = v;
      try { mx.onnx.importModel(c); } catch (e) { assert.ok(isMxError(e), `byte ${i} = ${v}: ${(e as Error).stack}`); }
    }
  }
});

test('not ONNX: empty, JSON text, random bytes', () => {
  for (const bad of [new Uint8Array(0), new TextEncoder().encode('{"nodes": []}'), new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]) {
    assert.throws(() => mx.onnx.importModel(bad), (e: unknown) => isMxError(e));
  }
});

test('unsupported op names the node, op and opset', () => {
  const b = encodeModel({ opset: 17, graph: { nodes: [{ opType: 'NonMaxSuppression', name: 'nms1', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'y' }] } });
  try { mx.onnx.importModel(b); assert.unreachable(); } catch (e) {
    assert.ok(isMxError(e));
    assert.match((e as Error).message, /nms1.*NonMaxSuppression.*opset 17/);
  }
});

test('external data is refused without a model path', () => {
  const b = encodeModel({ graph: { nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }] } });
  const m = decodeModel(b);
  m.graph.initializer.push({ name: 'e', dims: [2], dataType: 1, floatData: [], int32Data: [], int64Data: [], doubleData: [], uint64Data: [], stringData: [], dataLocation: 1, externalData: { location: 'w.bin' } });
  assert.throws(() => tensorValues(m.graph.initializer[0]), /outside the model file/);
});

test.run();
