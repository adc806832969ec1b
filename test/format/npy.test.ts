import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gzipSync, constants } from 'node:zlib';
import { mx } from '../helpers.js';
import { load, loadWithInfo, saveNumpy } from '../../src/format/ndarray-io.js';
import { parseNpy, writeNpy, parseNpz } from '../../src/format/npy.js';
import { writeZip, readZip, gunzip, crc32 } from '../../src/format/zip.js';
import { FormatError } from '../../src/errors.js';
import { zipSync } from 'fflate';
import { mulberry32 } from '../../src/util/random.js';
import { writeNDArrayList } from '../../src/format/ndarray-file.js';
import { encode } from '../../src/format/convert.js';

const enc = new TextEncoder();
// Deflated archives (np.savez_compressed) come from fflate's writer; the library writes stored ones (np.savez).
const zipOf = (members: { name: string; data: Uint8Array }[], compress: boolean) =>
  compress ? zipSync(Object.fromEntries(members.map((m) => [m.name, m.data]))) : writeZip(members);
function npyWith(header: string, data: Uint8Array, major = 1): Uint8Array {
  const h = enc.encode(header);
  const pre = major === 1 ? [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 255, h.length >> 8] : [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0, h.length & 255, h.length >> 8, 0, 0];
  const out = new Uint8Array(pre.length + h.length + data.length);
  out.set(pre); out.set(h, pre.length); out.set(data, pre.length + h.length);
  return out;
}

test('crc32 check value', () => { assert.is(crc32(enc.encode('123456789')), 0xcbf43926); });

test('gunzip (fflate) matches zlib: stored, fixed and dynamic blocks, many sizes', () => {
  const r = mulberry32(3);
  for (const n of [0, 1, 7, 100, 1000, 70000, 300000]) {
    for (const kind of ['random', 'text', 'zeros']) {
      const src = new Uint8Array(n);
      for (let i = 0; i < n; i++) src[i] = kind === 'random' ? (r() * 256) | 0 : kind === 'text' ? 97 + ((r() * 4) | 0) : 0;
      for (const level of [0, 1, 9]) {
        const z = gzipSync(src, { level, strategy: level === 1 ? constants.Z_FIXED : constants.Z_DEFAULT_STRATEGY });
        const out = gunzip(new Uint8Array(z), 'x.gz');
        assert.ok(out.length === n && out.every((x, i) => x === src[i]), `n=${n} ${kind} level ${level}`);
      }
    }
  }
});

test('gunzip refuses impossible sizes, truncated and corrupt streams with a FormatError', () => {
  const z = new Uint8Array(gzipSync(new Uint8Array(100).map((_, i) => i)));
  const withSize = (n: number) => { const c = z.slice(); new DataView(c.buffer).setUint32(c.length - 4, n, true); return c; };
  const bad: [Uint8Array, RegExp][] = [
    [withSize(2 ** 32 - 1), /cannot come from/], [withSize(99), /corrupt gzip/], [withSize(101), /101 declared/],
    [z.subarray(0, 12), /not a gzip file/], [z.subarray(0, z.length - 12), /corrupt|truncated|cannot come from/], [new Uint8Array(30).fill(0x1f), /not a gzip/],
  ];
  const flipped = z.slice(); flipped[20] ^= 0x55; bad.push([flipped, /corrupt|CRC/]);
  for (const [b, re] of bad) {
    try { gunzip(b, 'x.gz'); assert.unreachable(`${re} not thrown`); } catch (e: any) { assert.instance(e, FormatError); assert.match(e.message, re); assert.match(e.message, /^x\.gz: /); }
  }
});

test('zip: stored and deflated members round trip through fflate; truncated and corrupt archives are FormatErrors', () => {
  const members = [{ name: 'a.npy', data: new Uint8Array(1000).map((_, i) => i % 7) }, { name: 'b.npy', data: new Uint8Array(3) }];
  for (const compress of [false, true]) {
    const z = zipOf(members, compress);
    assert.equal(readZip(z).map((m) => [m.name, Array.from(m.data)]), members.map((m) => [m.name, Array.from(m.data)]));
    if (!compress) assert.equal(writeZip(members), z, 'same arrays, same bytes');
    for (const cut of [4, 30, 100, z.length - 30, z.length - 1]) {
      try { readZip(z.subarray(0, cut), 'm.npz'); assert.unreachable(`cut ${cut}`); } catch (e: any) { assert.instance(e, FormatError, `cut ${cut}: ${e}`); assert.match(e.message, /^m\.npz: /); }
    }
    const big = z.slice(); new DataView(big.buffer).setUint32(z.length - 22 - 46 * 2 - 10 + 24, 0x7fffffff, true); // a.npy's directory size field
    try { readZip(big, 'm.npz'); assert.unreachable(); } catch (e: any) { assert.instance(e, FormatError); assert.match(e.message, /cannot come from|CRC|ends after/); }
  }
  const many = writeZip(members), mv = new DataView(many.buffer); mv.setUint16(many.length - 22 + 8, 0xffff, true); mv.setUint16(many.length - 22 + 10, 0xffff, true);
  try { readZip(many, 'm.npz'); assert.unreachable(); } catch (e: any) { assert.instance(e, FormatError); assert.match(e.message, /^m\.npz: .*(directory entries|appears twice|cannot come from|compression method|truncated)/); }
});

test('.npy round trip for every dtype, 0-d and empty shapes', () => {
  for (const [dtype, vals] of [['float32', [1.5, -2]], ['int32', [7, -9]], ['uint8', [1, 255]], ['int8', [-1, 5]]] as const) {
    const a = mx.nd.array(vals as unknown as number[], { dtype });
    const back = load(saveNumpy(null, a)) as any[];
    assert.is(back[0].dtype, dtype); assert.equal(back[0].toArray(), vals);
  }
  const s = mx.nd.array(3); // 0-d
  assert.equal((load(saveNumpy(null, s)) as any[])[0].shape, []);
  assert.equal(parseNpy(writeNpy([2, 0], 0, new Uint8Array(0))).shape, [2, 0]);
  const h = writeNpy([3], 0, new Uint8Array(12));
  assert.is((h[8] | (h[9] << 8)) + 10 & 63, 0); // header padded to 64 bytes
});

test('.npy: float64/int64/float16/bool descr, big-endian, Fortran order, versions 2 and 3', () => {
  const f8 = npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", new Uint8Array(new Float64Array([0.5, 2]).buffer));
  const r = loadWithInfo(f8);
  assert.equal(Array.from(r.arrays[0].data), [0.5, 2]);
  assert.match(r.notes[0], /float64 stored as float32/);
  const be = new Uint8Array(8); new DataView(be.buffer).setInt32(0, 258); new DataView(be.buffer).setInt32(4, -3);
  assert.equal((load(npyWith("{'descr': '>i4', 'fortran_order': False, 'shape': (2,)}", be)) as any[])[0].toArray(), [258, -3]);
  const fo = new Float32Array([1, 4, 2, 5, 3, 6]); // column-major of [[1,2,3],[4,5,6]]
  assert.equal((load(npyWith("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(fo.buffer))) as any[])[0].toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal((load(npyWith("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new Uint8Array([1, 0, 1]), 2)) as any[])[0].toArray(), [1, 0, 1]);
  assert.equal((load(npyWith("{'descr': '<i8', 'fortran_order': False, 'shape': (1L,), }", new Uint8Array(new BigInt64Array([-7n]).buffer), 3)) as any[])[0].toArray(), [-7]);
  assert.throws(() => load(npyWith("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8))), /not supported/);
  assert.throws(() => load(npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000,), }", new Uint8Array(8))), /truncated/);
  assert.throws(() => load(npyWith("{'descr': '<f4', 'shape': (1,), }", new Uint8Array(4))), /needs 'descr'/);
  assert.throws(() => load(npyWith("{'descr': '<f4' 'x'", new Uint8Array(4))), /header/);
});

test('saveNumpy of loaded arrays keeps their stored dtype where .npy has one (bfloat16 becomes float32)', () => {
  const recs = [0, 1, 2, 6, 12].map((code) => ({ shape: [2], typeCode: code, data: encode(code, [1.5, -2]) }));
  const r = loadWithInfo(writeNDArrayList(recs, ['f4', 'f8', 'f2', 'i8', 'bf16']));
  const back = loadWithInfo(saveNumpy(null, Object.fromEntries(r.names!.map((n, i) => [n, r.arrays[i]]))));
  assert.equal(back.info.map((i) => i.storedDtype), ['float32', 'float64', 'float16', 'int64', 'float32']);
  assert.equal(back.arrays.map((a) => Array.from(a.data)), [[1.5, -2], [1.5, -2], [1.5, -2], [1, -2], [1.5, -2]]);
});

test('.npz: stored and deflated members (zip64: numpy\'s own files below), names; list gets arr_<i>', () => {
  const w = mx.nd.array([[1, 2], [3, 4]]), b = mx.nd.array([5], { dtype: 'int32' });
  const d = load(saveNumpy(null, { 'conv0.weight': w, 'conv0.bias': b })) as Record<string, any>;
  assert.equal(Object.keys(d), ['conv0.weight', 'conv0.bias']);
  assert.equal(d['conv0.weight'].toArray(), [[1, 2], [3, 4]]);
  assert.equal(Object.keys(load(saveNumpy(null, [w, b])) as object), ['arr_0', 'arr_1']);
  const members = [{ name: 'x.npy', data: writeNpy([3], 0, new Uint8Array(new Float32Array([1, 2, 3]).buffer)) }];
  for (const compress of [false, true]) {
    const z = zipOf(members, compress);
    assert.is(readZip(z)[0].data.length, members[0].data.length);
    assert.equal((load(z) as Record<string, any>).x.toArray(), [1, 2, 3]);
  }
  assert.throws(() => parseNpz(writeZip([{ name: 'bad.txt', data: new Uint8Array(1) }])), /not a .npy/);
  const npy1 = writeNpy([1], 0, new Uint8Array(4));
  try { load(writeZip([{ name: 'emb/data.npy', data: npy1 }, { name: 'emb/indptr.npy', data: npy1 }])); assert.unreachable(); } catch (e: any) {
    assert.is(e.kind, 'unsupported'); assert.match(e.message, /'emb' is a sparse array/);
  }
  const crcBad = writeZip(members); crcBad[80] ^= 0xff;
  assert.throws(() => load(crcBad), /CRC|header|truncated|magic/);
});

// Written by numpy 2.4 (np.savez: zip64 extras, force_zip64; np.savez_compressed: deflate; np.save of a Fortran-order float64).
const NP_SAVEZ = 'UEsDBC0AAAAAAAAAIQBM++8W//////////8FABQAdy5ucHkBABAAkAAAAAAAAACQAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAyKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAACAPwAAgD8AAIA/AACAP1BLAwQtAAAAAAAAACEADPwc6f//////////BQAUAGIubnB5AQAQAJAAAAAAAAAAkAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8aTgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgEAAAAAAAAAAgAAAAAAAABQSwECLQMtAAAAAAAAACEATPvvFpAAAACQAAAABQAAAAAAAAAAAAAAgAEAAAAAdy5ucHlQSwECLQMtAAAAAAAAACEADPwc6ZAAAACQAAAABQAAAAAAAAAAAAAAgAHHAAAAYi5ucHlQSwUGAAAAAAIAAgBmAAAAjgEAAAAA';
const NP_SAVEZ_COMPRESSED = 'UEsDBC0AAAAIAAAAIQCv3GL8//////////8FABQAdy5ucHkBABAAgAEAAAAAAADSAAAAAAAAAJ3IIWvDYBSF4VuYGKWiYmJi4hOFL4OIioowCktDKRXbiOhgg8ESlpSIsIQklEI7iJws1ExWTlZWVlZWTkZWTlbu3X7CDvc5cM/y7v7WfazJRGY6CPOXTF8p3R13tKn0OMmKzH99TrIg/N0HfpyH7HnkpyG/YZnKujTVm/p36vKX8pqyOZRYYYsK0hNpQqENGy48pCjxjgU+sMIn1thgix32+EKFA75xhDgiJzhFA02c4RwXUGjBgIk2OrDQhY0+hriBixEe8AQPASLESFFgirnzA1BLAwQtAAAACAAAACEA7hm7Xf//////////BQAUAGIubnB5AQAQAIIAAAAAAAAARgAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBek2SorqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RpGOpo6CrUKFAAuRgYAUEsBAi0DLQAAAAgAAAAhAK/cYvzSAAAAgAEAAAUAAAAAAAAAAAAAAIABAAAAAHcubnB5UEsBAi0DLQAAAAgAAAAhAO4Zu11GAAAAggAAAAUAAAAAAAAAAAAAAIABCQEAAGIubnB5UEsFBgAAAAACAAIAZgAAAIYBAAAAAA==';
const NP_FORTRAN_F8 = 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAhAAAAAAAAA8D8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEA=';

test('files written by numpy itself: savez (zip64), savez_compressed (deflate), Fortran-order float64', () => {
  const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
  const z = load(b64(NP_SAVEZ)) as Record<string, any>;
  assert.equal(z.w.toArray(), [[1, 1], [1, 1]]);
  assert.equal([z.b.dtype, z.b.toArray()], ['int32', [1, 2]]);
  const zc = loadWithInfo(b64(NP_SAVEZ_COMPRESSED));
  assert.equal(zc.names, ['w', 'b']);
  assert.equal(Array.from(zc.arrays[0].data), Array.from({ length: 64 }, (_, i) => i));
  assert.equal(zc.arrays[1].toArray(), [1, 0]);
  assert.equal(zc.info[1].storedDtype, 'bool');
  assert.equal((load(b64(NP_FORTRAN_F8)) as any[])[0].toArray(), [[0, 1, 2], [3, 4, 5]]);
});

test.run();
