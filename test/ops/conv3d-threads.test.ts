// The 3-D kernels' thread splits (src/ops/conv/vol-splits.ts: vol2col / col2vol by channels, 3-D pooling by volumes)
// on 2 threads give bitwise the 1-thread results, forward and backward; the splits cut where they should.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, invokeWithGrad } from '../helpers.js';
import { VOL_SPLITS } from '../../src/ops/conv/vol-splits.js';

const arr = (v: ArrayLike<number>, shape: number[]) => mx.nd.array(v, { shape });
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function run(op: string, shapes: number[][], attrs: Record<string, unknown>, outShape: number[]): Float32Array[] {
  const ins = shapes.map((s, i) => arr(randArray(size(s), 10 + i), s));
  const { outs, grads } = invokeWithGrad(op, ins, attrs, [arr(randArray(size(outShape), 99), outShape)]);
  return [...outs, ...grads].map((t) => t!.toTypedArray() as Float32Array);
}

const CASES: [string, string, number[][], Record<string, unknown>, number[]][] = [
  ['conv 3x3x3 p1 (vol2col / col2vol split by channels)', 'Convolution', [[2, 7, 9, 10, 17], [5, 7, 3, 3, 3], [5]], { kernel: [3, 3, 3], pad: [1, 1, 1], num_filter: 5 }, [2, 5, 9, 10, 17]],
  ['max pool 3x3x3 s2 p1', 'Pooling', [[2, 16, 17, 18, 19]], { kernel: [3, 3, 3], stride: [2, 2, 2], pad: [1, 1, 1] }, [2, 16, 9, 9, 10]],
  ['avg pool 2x2x2 s1', 'Pooling', [[2, 9, 12, 13, 21]], { kernel: [2, 2, 2], pool_type: 'avg' }, [2, 9, 11, 12, 20]],
];

test('3-D conv and pooling on 2 threads == 1 thread, bitwise', async () => {
  const before = mx.getNumThreads();
  try {
    for (const [name, op, shapes, attrs, outShape] of CASES) {
      mx.setNumThreads(1);
      const one = run(op, shapes, attrs, outShape);
      mx.setNumThreads(2);
      await mx.threadsReady();
      const two = run(op, shapes, attrs, outShape);
      one.forEach((a, i) => {
        const b = two[i];
        assert.is(a.length, b.length, `${name} result ${i} length`);
        for (let j = 0; j < a.length; j++) if (!Object.is(a[j], b[j])) assert.unreachable(`${name} result ${i} differs at ${j}: ${a[j]} vs ${b[j]}`);
      });
    }
  } finally { mx.setNumThreads(before); }
});

test('the 3-D splits cut pointers and counts consistently (parts tile the whole call)', () => {
  // vol2col (x, col, C=5, D, H, W, k.., s.., p.., d.., Do, Ho, Wo) cut into 2: channels 0-2 and 3-4.
  const a = [1000, 2000000, 5, 4, 5, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 5, 6];
  const [p, q] = VOL_SPLITS.f32_vol2col__simd128.split(a, 2);
  assert.equal([p[2], q[2]], [3, 2]);
  assert.is(q[0] - a[0], 3 * 4 * 5 * 6 * 4, 'x advances 3 volumes');
  assert.is(q[1] - a[1], 3 * 27 * 120 * 4, 'col advances 3 channels of rows');
  const b = [0, 0, 0, 0, 64, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1]; // (x, y, dy, dx, P = 64, 4^3 -> 2^3, ...)
  const parts = VOL_SPLITS.f32_pool3d_bwd__simd128.split(b, 3);
  assert.equal(parts.map((r) => r[4]), [22, 22, 20]);
  assert.equal(parts[1].slice(0, 4), [22 * 64 * 4, 22 * 8 * 4, 22 * 8 * 4, 22 * 64 * 4]);
});

test.run();
