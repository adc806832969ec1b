import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';
import { loadWithInfo, load, save, storedInfo } from '../../src/format/ndarray-io.js';
import { writeNDArrayList, parseNDArrayList, type WriteRecord } from '../../src/format/ndarray-file.js';
import { encode, halfToFloat, floatToHalf } from '../../src/format/convert.js';
import { ByteWriter } from '../../src/format/reader.js';
import { haveFixtures, fixture, fixtureBytes, skip } from './fixtures.js';

const f32bytes = (a: number[]) => new Uint8Array(new Float32Array(a).buffer);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

test('list vs dict, names with arg:/aux: prefixes, round trip', () => {
  const a = mx.nd.array([[1, 2, 3], [4, 5, 6]]), b = mx.nd.array([7, 8], { dtype: 'int32' });
  const list = load(save(null, [a, b])) as ReturnType<typeof mx.nd.zeros>[];
  assert.ok(Array.isArray(list));
  assert.equal(list[0].toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.is(list[1].dtype, 'int32');
  assert.equal(list[1].toArray(), [7, 8]);
  const dict = load(save(null, { 'arg:fc_weight': a, 'aux:bn_moving_mean': b, plain: a })) as Record<string, any>;
  assert.equal(Object.keys(dict), ['arg:fc_weight', 'aux:bn_moving_mean', 'plain']);
  assert.equal(dict['aux:bn_moving_mean'].toArray(), [7, 8]);
  const single = load(save(null, a)) as any[];
  assert.is(single.length, 1);
});

test('writes V2 exactly as MXNet (FORMATS.md 1.4 layout)', () => {
  const bytes = save(null, { 'arg:w': mx.nd.array([1.5]) });
  const dv = new DataView(bytes.buffer);
  assert.is(dv.getBigUint64(0, true), 0x112n);
  assert.is(dv.getBigUint64(8, true), 0n);
  assert.is(dv.getBigUint64(16, true), 1n);
  assert.is(dv.getUint32(24, true), 0xf993fac9);
  assert.is(dv.getInt32(28, true), 0); // stype
  assert.is(dv.getInt32(32, true), 1); // ndim
  assert.is(dv.getBigInt64(36, true), 1n);
  assert.equal([dv.getInt32(44, true), dv.getInt32(48, true), dv.getInt32(52, true)], [1, 0, 0]);
  assert.is(dv.getFloat32(56, true), 1.5);
  assert.is(dv.getBigUint64(60, true), 1n);
  assert.is(dv.getBigUint64(68, true), 5n);
  assert.is(new TextDecoder().decode(bytes.subarray(76)), 'arg:w');
  assert.is(bytes.length, 81);
});

test('every stored dtype loads, converts with a note, and saves back byte-identical', () => {
  const vals = [0, 1, -2, 3.25, 127, -128, 1e-3];
  const recs: WriteRecord[] = [];
  for (let code = 0; code <= 12; code++) {
    const v = code === 3 || code === 7 || code === 9 || code === 10 || code === 11 ? vals.map((x) => Math.abs(Math.trunc(x)) % 2) : vals;
    recs.push({ shape: [v.length], typeCode: code, devType: 2, devId: code, data: encode(code, v) });
  }
  // int64 beyond int32, float64 not representable in float32
  const big = new ByteWriter(); big.i64(2n ** 40n); big.i64(-5n);
  recs.push({ shape: [2], typeCode: 6, data: big.finish() });
  recs.push({ shape: [1], typeCode: 1, data: new Uint8Array(new Float64Array([0.1]).buffer) });
  const file = writeNDArrayList(recs, null);
  const r = loadWithInfo(file);
  const want: Record<number, string> = { 0: 'float32', 1: 'float32', 2: 'float32', 3: 'uint8', 4: 'int32', 5: 'int8', 6: 'int32', 7: 'uint8', 8: 'int32', 9: 'int32', 10: 'int32', 11: 'int32', 12: 'float32' };
  for (let code = 0; code <= 12; code++) assert.is(r.arrays[code].dtype, want[code], `code ${code}`);
  assert.equal(Array.from(r.arrays[2].data), vals.map((x) => halfToFloat(floatToHalf(x))));
  assert.equal(Array.from(r.arrays[6].data), [0, 1, -2, 3, 127, -128, 0]);
  assert.is(r.arrays[13].dtype, 'float32');
  assert.is(r.arrays[13].data[0], 2 ** 40);
  assert.ok(r.notes.some((n) => n.startsWith('array 1: float64 stored as float32')), r.notes.join('\n'));
  assert.ok(r.notes.some((n) => n.startsWith('array 13: int64 stored as float32 (values rounded)')), r.notes.join('\n'));
  assert.is(r.notes.length, 11);
  assert.is(storedInfo(r.arrays[4])!.devType, 2);
  assert.is(storedInfo(r.arrays[4])!.devId, 4);
  assert.ok(same(save(null, r.arrays), file), 'round trip');
  // a modified converted array is re-encoded in its stored dtype
  r.arrays[14].data[0] = 0.5;
  const again = parseNDArrayList(save(null, r.arrays));
  assert.is(again.records[14].typeCode, 1);
  assert.is(new DataView(again.records[14].data.slice().buffer).getFloat64(0, true), 0.5);
});

test('float16: all 65536 bit patterns survive load and save', () => {
  const h = new Uint16Array(65536).map((_, i) => i);
  const file = writeNDArrayList([{ shape: [65536], typeCode: 2, data: new Uint8Array(h.buffer) }], null);
  assert.ok(same(save(null, loadWithInfo(file).arrays), file));
});

test('record versions: V0, V1, V3 scalar and unknown shape, V2 none array', () => {
  const w = new ByteWriter();
  w.u64(0x112); w.u64(0); w.u64(5);
  w.u32(2); w.u32(1); w.u32(2); w.i32(1); w.i32(0); w.i32(0); w.bytes(f32bytes([1, 2])); // V0 (1,2)
  w.u32(0xf993fac8); w.i32(1); w.i64(3); w.i32(1); w.i32(0); w.i32(4); w.bytes(new Uint8Array(new Int32Array([4, 5, 6]).buffer)); // V1
  w.u32(0xf993faca); w.i32(0); w.i32(0); w.i32(1); w.i32(0); w.i32(0); w.bytes(f32bytes([9])); // V3 scalar
  w.u32(0xf993faca); w.i32(0); w.i32(-1); // V3 unknown
  w.u32(0xf993fac9); w.i32(0); w.i32(0); // V2 none
  w.u64(0);
  const r = loadWithInfo(w.finish());
  assert.equal(r.arrays.map((a) => a.shape), [[1, 2], [3], [], [0], [0]]);
  assert.equal(r.info.map((i) => i.version), [0, 1, 3, 3, 2]);
  assert.is(r.arrays[2].data[0], 9);
  assert.equal(r.arrays[1].toArray(), [4, 5, 6]);
  assert.ok(r.info[3].none && r.info[4].none);
  const back = parseNDArrayList(save(null, r.arrays));
  assert.equal(back.records.map((x) => [x.version, x.shape]), [[2, [1, 2]], [2, [3]], [3, []], [3, null], [2, null]]);
});

test('sparse records: a clear unsupported MxError', () => {
  const w = new ByteWriter();
  w.u64(0x112); w.u64(0); w.u64(1); w.u32(0xf993fac9); w.i32(2); w.i32(1); w.i64(4);
  try { load(w.finish()); assert.unreachable(); } catch (e: any) {
    assert.is(e.name, 'MxError'); assert.is(e.kind, 'unsupported'); assert.match(e.message, /csr/);
  }
});

test('malformed files: FormatError naming what and where', () => {
  const good = save(null, { 'arg:w': mx.nd.ones([4, 4]) });
  const expectErr = (b: Uint8Array, re: RegExp) => {
    try { load(b); assert.unreachable(); } catch (e: any) { assert.is(e.name, 'FormatError', e.message); assert.match(e.message, re); }
  };
  expectErr(good.slice(0, 50), /truncated.*at byte/);
  const bad = good.slice(); bad[0] = 0x13; expectErr(bad, /wrong magic 0x113/);
  const huge = good.slice(); new DataView(huge.buffer).setBigUint64(16, 2n ** 60n, true); expectErr(huge, /array count 1152921504606846976.*at byte 16/);
  const dim = good.slice(); new DataView(dim.buffer).setBigInt64(36, 2n ** 60n, true); expectErr(dim, /dim 0 1152921504606846976 out of range.*at byte 36/);
  new DataView(dim.buffer).setBigInt64(36, 2n ** 40n, true); expectErr(dim, /needs more than/);
  const names = good.slice(); new DataView(names.buffer).setBigUint64(good.length - 21, 2n, true); expectErr(names, /name count/);
  const dtype = good.slice(); new DataView(dtype.buffer).setInt32(60, 99, true); expectErr(dtype, /unknown dtype code 99/);
  expectErr(new Uint8Array(3), /truncated/);
});

if (!haveFixtures) skip('fixture tests (no ../shared/fixtures/mxnet)');
else {
  test('legacy_ndarray.v0: six arrays equal to arange(128) (test_ndarray_legacy_load)', () => {
    const arrs = load(fixture('apache-mxnet/legacy_ndarray.v0')) as any[];
    assert.is(arrs.length, 6);
    const want = Array.from({ length: 128 }, (_, i) => i);
    for (const a of arrs) { assert.equal(a.shape, [128]); assert.equal(Array.from(a.data), want); }
  });

  test('fcrc-demo lenet-0001.params: names, shapes, byte-identical re-save', () => {
    const bytes = fixtureBytes('fcrc-demo/lenet-0001.params');
    const p = load(bytes) as Record<string, any>;
    assert.equal(Object.keys(p).length, 8);
    assert.equal(p['arg:hybridsequential0_conv0_weight'].shape, [5, 1, 5, 5]);
    assert.equal(p['arg:hybridsequential0_dense0_weight'].shape, [32, 80]);
    assert.ok(Math.abs(p['arg:hybridsequential0_conv0_weight'].data[0] - 0.1603) < 1e-3);
    assert.ok(same(save(null, p), bytes));
  });
}

test.run();
