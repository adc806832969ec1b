import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gzipSync } from 'node:zlib';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx } from '../helpers.js';

function mxnetData() {
  const data = new Float32Array(1000 * 4), label = new Float32Array(1000);
  for (let i = 0; i < 1000; i++) { data.fill(i / 100, i * 4, i * 4 + 4); label[i] = i / 100; }
  return { data: mx.nd.array(data, { shape: [1000, 2, 2] }), label: mx.nd.array(label, { shape: [1000, 1] }) };
}

test('NDArrayIter last_batch_handle pad/discard/roll_over: MXNet _test_last_batch_handle counts', () => {
  const { data, label } = mxnetData();
  const expect: Record<string, [number, number, number]> = { pad: [124, 100, 8], discard: [100, 96, 7], roll_over: [100, 96, 7] };
  for (const h of ['pad', 'discard', 'roll_over'] as const) {
    const it = new mx.io.NDArrayIter({ data, label, batch_size: 128, last_batch_handle: h });
    const counts = new Array(10).fill(0); let nb = 0;
    for (const b of it) {
      const l = b.label![0].data, d = b.data[0].data;
      for (let i = 0; i < l.length; i++) { assert.is(d[i * 4], l[i]); counts[Math.trunc(l[i])]++; }
      nb++;
    }
    assert.equal([counts[0], counts[8], nb], expect[h], h);
  }
});

test('NDArrayIter pad count and roll_over second epoch (8 batches, first carries the leftover)', () => {
  const { data, label } = mxnetData();
  const it = new mx.io.NDArrayIter({ data, label, batch_size: 128 });
  const pads = [...it].map((b) => b.pad);
  assert.equal(pads, [0, 0, 0, 0, 0, 0, 0, 24]);
  const r = new mx.io.NDArrayIter({ data, label, batch_size: 128, last_batch_handle: 'roll_over' });
  assert.is([...r].length, 7);
  r.reset();
  const second = [...r];
  assert.is(second.length, 8);
  assert.is(second[0].data[0].data[0], Math.fround(8.96));
  assert.is(second[0].pad, 104);
  assert.equal(second[0].data[0].shape, [128, 2, 2]);
});

test('NDArrayIter: shuffle is a seeded permutation, label follows data; dict and list inputs; provideData', () => {
  const x = mx.nd.array(Float32Array.from({ length: 10 }, (_, i) => i), { shape: [10, 1] });
  const it = new mx.io.NDArrayIter({ data: { a: x, b: x }, label: Float32Array.from({ length: 10 }, (_, i) => i), batch_size: 4, shuffle: true, seed: 3 });
  assert.equal(it.provideData.map((d) => [d.name, d.shape]), [['a', [4, 1]], ['b', [4, 1]]]);
  assert.equal(it.provideLabel[0].name, 'softmax_label');
  const seen: number[] = [];
  for (const b of it) { const a = b.data[0].data, l = b.label![0].data; for (let i = 0; i < 4; i++) { assert.is(a[i], l[i]); if (i < 4 - b.pad) seen.push(a[i]); } }
  assert.equal(seen.slice().sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.not.equal(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const l = new mx.io.NDArrayIter([x, x], null, 5);
  assert.equal(l.provideData.map((d) => d.name), ['data', '_1_data']);
  assert.throws(() => new mx.io.NDArrayIter({ data: x, label: mx.nd.zeros([3]) }), /same first dimension/);
});

function idx(magic: number, dims: number[], payload: number[]): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length + payload.length), dv = new DataView(b.buffer);
  dv.setUint32(0, magic, false); dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false)); b.set(payload, 4 + 4 * dims.length);
  return b;
}

test('MNISTIter: IDX (gzipped) parsing, /255 scaling, flat, drops the last partial batch; clear errors', () => {
  const n = 5, px = Array.from({ length: n * 4 }, (_, i) => (i * 13) % 256);
  const img = idx(0x803, [n, 2, 2], px), lab = idx(0x801, [n], [3, 1, 4, 1, 5]);
  const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
  writeFileSync(join(dir, 'img.gz'), gzipSync(img) as Uint8Array); writeFileSync(join(dir, 'lab'), lab);
  const it = new mx.io.MNISTIter({ image: join(dir, 'img.gz'), label: join(dir, 'lab'), batch_size: 2, shuffle: false });
  const bs = [...it];
  assert.is(bs.length, 2);
  assert.equal(bs[0].data[0].shape, [2, 1, 2, 2]);
  assert.equal([...bs[1].label![0].data], [4, 1]);
  assert.ok(Math.abs(bs[0].data[0].data[1] - 13 / 255) < 1e-7);
  const flat = new mx.io.MNISTIter({ image: img, label: lab, batch_size: 5, flat: true, shuffle: true, seed: 1 });
  const b = flat.next();
  assert.equal(b.data[0].shape, [5, 4]);
  assert.equal([...b.label![0].data].sort(), [1, 1, 3, 4, 5]);
  assert.throws(() => new mx.io.MNISTIter({ image: lab, label: img }), /1 dimensions, expected 3/);
  assert.throws(() => new mx.io.MNISTIter({ image: img.subarray(0, 20), label: lab }), /truncated IDX data/);
  assert.throws(() => new mx.io.MNISTIter({ image: new Uint8Array([1, 2, 3, 4, 5]), label: lab }), /not an IDX file/);
  assert.throws(() => new mx.io.MNISTIter({ image: join(dir, 'missing'), label: lab }), /cannot read/);
});

test('CSVIter with round_batch pad; ResizeIter; PrefetchingIter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csv-'));
  writeFileSync(join(dir, 'x.csv'), '1,2\n3,4\n5,6\n'); writeFileSync(join(dir, 'y.csv'), '0\n1\n2\n');
  const it = new mx.io.CSVIter({ data_csv: join(dir, 'x.csv'), data_shape: [2], label_csv: join(dir, 'y.csv'), batch_size: 2 });
  const bs = [...it];
  assert.equal(bs.map((b) => [...b.data[0].data]), [[1, 2, 3, 4], [5, 6, 1, 2]]);
  assert.equal(bs.map((b) => b.pad), [0, 1]);
  const r = new mx.io.ResizeIter(it, 5); r.reset();
  assert.is([...r].length, 5);
  const p = new mx.io.PrefetchingIter([it, it], [{ data: 'a' }, { data: 'b' }]); p.reset();
  assert.equal(p.provideData.map((d) => d.name), ['a', 'b']);
  assert.is(p.next().data.length, 2);
});

test.run();
