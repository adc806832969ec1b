// Data sharding for distributed training: num_parts / part_index on NDArrayIter and CSVIter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';

const rows = (it: InstanceType<typeof mx.io.NDArrayIter>): number[] => {
  const out: number[] = [];
  it.reset();
  for (const b of it) { const d = b.data[0].data; for (let i = 0; i < d.length - b.pad; i++) out.push(d[i]); }
  return out;
};

test('NDArrayIter num_parts/part_index: contiguous parts [floor(n/P*i), floor(n/P*(i+1))) that cover the data once', () => {
  const x = mx.nd.array(Float32Array.from({ length: 10 }, (_, i) => i), { shape: [10, 1] });
  const parts = [0, 1, 2].map((i) => rows(new mx.io.NDArrayIter({ data: x, batch_size: 2, num_parts: 3, part_index: i })));
  assert.equal(parts, [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
  // Shuffling stays inside the part.
  const sh = rows(new mx.io.NDArrayIter({ data: x, batch_size: 1, shuffle: true, seed: 3, numParts: 2, partIndex: 1 }));
  assert.equal([...sh].sort((a, b) => a - b), [5, 6, 7, 8, 9]);
  assert.throws(() => new mx.io.NDArrayIter({ data: x, num_parts: 2, part_index: 2 }), /part_index 2 of num_parts 2/);
  assert.throws(() => new mx.io.NDArrayIter({ data: x, num_parts: 0 }), /not a valid part/);
  assert.throws(() => new mx.io.NDArrayIter({ data: x, num_parts: 20, part_index: 0 }), /is empty/);
});

test('CSVIter num_parts/part_index', () => {
  const csv = new TextEncoder().encode('1,1\n2,2\n3,3\n4,4\n');
  const it = new mx.io.CSVIter({ data_csv: csv, data_shape: [2], batch_size: 1, num_parts: 2, part_index: 1 });
  assert.equal(rows(it), [3, 3, 4, 4]);
});

test.run();
