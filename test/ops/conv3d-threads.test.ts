// The 3-D kernels' thread splits (src/ops/conv/vol-splits.ts: vol2col / col2vol by channels, 3-D pooling by volumes)
// cut where they should (2 threads == 1 thread, bitwise, is checked with the 2-D cases in conv-threads.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VOL_SPLITS } from '../../src/ops/conv/vol-splits.js';

test('the 3-D splits cut pointers and counts consistently (parts tile the whole call)', () => {
  // vol2col (x, col, C=5, D, H, W, k.., s.., p.., d.., Do, Ho, Wo) cut into 2: channels 0-2 and 3-4.
  const a = [1000, 2000000, 5, 4, 5, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 5, 6];
  const [p, q] = VOL_SPLITS.f32_vol2col__simd128.split(a, 2);
  assert.equal([p[2], q[2]], [3, 2]);
  assert.is(q[0] - a[0], 3 * 4 * 5 * 6 * 4, 'x advances 3 volumes');
  assert.is(q[1] - a[1], 3 * 27 * 120 * 4, 'col advances 3 channels of rows');
  const b = [0, 0, 0, 0, 64, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1]; // (x, y, dy, dx, P = 64, 4^3 -> 2^3, ...)
  const parts = VOL_SPLITS.f32_pool3d_bwd__simd128.split(b, 3);
  assert.equal(parts.map((r) => r[4]), [21, 22, 21], '64 volumes in 3 parts as equal as can be');
  assert.equal(parts[1].slice(0, 4), [21 * 64 * 4, 21 * 8 * 4, 21 * 8 * 4, 21 * 64 * 4]);
});

test.run();
