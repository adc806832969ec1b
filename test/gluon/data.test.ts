// gluon.data: ArrayDataset / SimpleDataset / DataLoader (batch sizes, lastBatch keep/discard/rollover, shuffle,
// batchify of tuples), transforms, and vision.MNIST reading gzipped and plain IDX files (truncated ones refused).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx, assertClose } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { gluon, nd } = mx;
const { data } = gluon;
const T = data.vision.transforms;

test('DataLoader: ArrayDataset batches (rows gathered), lastBatch keep/discard/rollover, lengths', () => {
  const x = nd.arange(0, 20).reshape([10, 2]), y = Array.from({ length: 10 }, (_, i) => i * 10);
  const ds = new data.ArrayDataset(x, y);
  assert.is(ds.length, 10);
  assert.equal((ds.get(3) as [NDArray, number])[0].toArray(), [6, 7]);
  const keep = [...new data.DataLoader(ds, { batchSize: 4 })];
  assert.equal(keep.map(([d]) => d.shape[0]), [4, 4, 2]);
  assert.equal(keep[2][0].toArray(), [[16, 17], [18, 19]]);
  assert.equal(keep[1][1].toArray(), [40, 50, 60, 70]);
  const disc = new data.DataLoader(ds, { batchSize: 4, lastBatch: 'discard' });
  assert.is(disc.length, 2); assert.is([...disc].length, 2);
  const roll = new data.DataLoader(ds, { batchSize: 4, lastBatch: 'rollover' });
  const e1 = [...roll], e2 = [...roll];
  assert.equal(e1.length, 2); assert.equal(e2.length, 3);
  assert.equal(e2[0][1].toArray(), [80, 90, 0, 10]); // leftover first
  assert.is(new data.DataLoader(ds, { batchSize: 3 }).length, 4);
});

test('DataLoader: shuffle is a seeded permutation; SimpleDataset, transform, custom batchify, argument errors', () => {
  const ds = new data.SimpleDataset(Array.from({ length: 9 }, (_, i) => i));
  mx.random.seed(1);
  const a = [...new data.DataLoader(ds, { batchSize: 9, shuffle: true })][0].toArray();
  mx.random.seed(1);
  const b = [...new data.DataLoader(ds, { batchSize: 9, shuffle: true })][0].toArray();
  assert.equal(a, b);
  assert.equal([...a].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.not.equal(a, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const t = ds.transform((v: number) => v * 2);
  assert.equal([...new data.DataLoader(t, { batchSize: 3 })][1].toArray(), [6, 8, 10]);
  const pairs = new data.SimpleDataset([[nd.array([1]), 5], [nd.array([2]), 6]]);
  const [[d, l]] = [...new data.DataLoader(pairs, { batchSize: 2 })];
  assert.equal(d.toArray(), [[1], [2]]); assert.equal(l.toArray(), [5, 6]);
  assert.equal([...new data.DataLoader(ds, { batchSize: 4, batchifyFn: (s) => s.length })], [4, 4, 1]);
  assert.throws(() => new data.DataLoader(ds, {}), /batch_size/);
  assert.throws(() => new data.DataLoader(ds, { batchSize: 2, lastBatch: 'x' as never }), /last_batch/);
  assert.throws(() => new data.DataLoader(ds, { batchSize: 2, shuffle: true, sampler: [0, 1] }), /shuffle/);
  assert.throws(() => new data.ArrayDataset(nd.ones([3]), [1, 2]), /same length/);
  assert.equal([...new data.DataLoader(ds, { batchSampler: [[0, 8], [4]] })].map((v) => v.toArray()), [[0, 8], [4]]);
});

test('transforms: ToTensor (HWC uint8 → CHW /255), Normalize, Compose, Resize, CenterCrop, RandomFlipLeftRight', () => {
  const img = nd.array(Array.from({ length: 2 * 3 * 2 }, (_, i) => i * 10), { shape: [2, 3, 2], dtype: 'uint8' });
  const t = new T.ToTensor().forward(img);
  assert.equal(t.shape, [2, 2, 3]);
  assertClose(t.data, [0, 20, 40, 60, 80, 100, 10, 30, 50, 70, 90, 110].map((v) => v / 255));
  const n = new T.Normalize([0.5, 0], [0.5, 2]).forward(t);
  assertClose(n.data.subarray(0, 3), [-1, 20 / 255 / 0.5 - 1, 40 / 255 / 0.5 - 1], 1e-6);
  assertClose(n.data.subarray(6), [10, 30, 50, 70, 90, 110].map((v) => v / 255 / 2), 1e-6);
  assert.equal(new T.Compose([new T.ToTensor(), new T.Normalize(0, 1)]).forward(img).shape, [2, 2, 3]);
  const sq = nd.array(Array.from({ length: 16 }, (_, i) => i), { shape: [4, 4, 1] });
  assert.equal(new T.CenterCrop(2).forward(sq).toArray().flat(2), [5, 6, 9, 10]);
  assert.equal(new T.Resize(2).forward(sq).toArray().flat(2), [5, 7, 13, 15]);
  const flips = Array.from({ length: 20 }, () => new T.RandomFlipLeftRight().forward(sq).data[0]);
  assert.ok(flips.includes(0) && flips.includes(3));
});

test('vision.MNIST reads gzipped and plain IDX files; truncated files are a FormatError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxwasm-mnist-'));
  try {
    const idx = (dims: number[], body: number[]): Uint8Array => {
      const h = new Uint8Array(4 + 4 * dims.length + body.length), dv = new DataView(h.buffer);
      h[2] = 8; h[3] = dims.length;
      dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
      h.set(body, 4 + 4 * dims.length);
      return h;
    };
    const pixels = Array.from({ length: 3 * 2 * 2 }, (_, i) => i);
    writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), new Uint8Array(gzipSync(idx([3, 2, 2], pixels))));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([3], [7, 1, 4]));
    const ds = new data.vision.MNIST({ root: dir });
    assert.is(ds.length, 3);
    const [im, lab] = ds.get(1) as [NDArray, number];
    assert.equal(im.shape, [2, 2, 1]); assert.is(im.dtype, 'uint8');
    assert.equal(im.toArray().flat(2), [4, 5, 6, 7]); assert.is(lab, 1);
    const tds = ds.transformFirst(new T.ToTensor());
    const [[x, y]] = [...new data.DataLoader(tds, { batchSize: 3 })];
    assert.equal(x.shape, [3, 1, 2, 2]); assert.equal(y.toArray(), [7, 1, 4]);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([3, 2, 2], pixels.slice(0, 5)));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([3], [1, 2, 3]));
    try { new data.vision.FashionMNIST({ root: dir, train: false }); assert.unreachable(); } catch (e) {
      assert.ok(mx.isMxError(e)); assert.match((e as Error).message, /truncated/);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
