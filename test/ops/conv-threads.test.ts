// The conv family's plane-split kernels (src/ops/conv/splits.ts, and vol-splits.ts for 3-D) on 2 threads give bitwise the
// 1-thread results, forward and backward.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, invokeWithGrad } from '../helpers.js';

const arr = (v: ArrayLike<number>, shape: number[]) => mx.nd.array(v, { shape });
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Forward outputs and all input gradients of one op call, as plain arrays. */
function run(op: string, shapes: number[][], attrs: Record<string, unknown>, outShape: number[]): Float32Array[] {
  const ins = shapes.map((s, i) => arr(randArray(size(s), 10 + i), s));
  const { outs, grads } = invokeWithGrad(op, ins, attrs, [arr(randArray(size(outShape), 99), outShape)]);
  return [...outs, ...grads].map((t) => t!.toTypedArray() as Float32Array);
}

const CASES: [string, string, number[][], Record<string, unknown>, number[]][] = [
  ['depthwise 3x3 s1', 'Convolution', [[2, 16, 64, 64], [16, 1, 3, 3], [16]], { kernel: [3, 3], pad: [1, 1], num_filter: 16, num_group: 16 }, [2, 16, 64, 64]],
  ['depthwise 3x3 s2', 'Convolution', [[1, 32, 65, 66], [32, 1, 3, 3], [32]], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: 32, num_group: 32 }, [1, 32, 33, 33]],
  ['im2col / col2im 3x3 s2', 'Convolution', [[1, 16, 64, 64], [8, 16, 3, 3], [8]], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: 8 }, [1, 8, 32, 32]],
  ['direct stride-2 stem 3 -> 8 (rows split)', 'Convolution', [[2, 3, 66, 65], [8, 3, 3, 3], [8]], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: 8 }, [2, 8, 33, 33]],
  ['direct stem 3x3 s1 3 -> 8 (VGG-like)', 'Convolution', [[1, 3, 40, 41], [8, 3, 3, 3], [8]], { kernel: [3, 3], pad: [1, 1], num_filter: 8 }, [1, 8, 40, 41]],
  ['direct stride-2 stem 7x7 3 -> 16', 'Convolution', [[1, 3, 64, 63], [16, 3, 7, 7], [16]], { kernel: [7, 7], stride: [2, 2], pad: [3, 3], num_filter: 16 }, [1, 16, 32, 32]],
  ['Winograd 3x3 s1 (transforms split over channels / filters)', 'Convolution', [[2, 32, 40, 40], [32, 32, 3, 3], [32]], { kernel: [3, 3], pad: [1, 1], num_filter: 32 }, [2, 32, 40, 40]],
  ['Winograd 128 -> 128 (the weight transform split over filters, flipped for dx)', 'Convolution', [[1, 128, 16, 16], [128, 128, 3, 3], [128]], { kernel: [3, 3], pad: [1, 1], num_filter: 128 }, [1, 128, 16, 16]],
  ['max pool 3x3 s2', 'Pooling', [[2, 16, 64, 64]], { kernel: [3, 3], stride: [2, 2], pad: [1, 1] }, [2, 16, 32, 32]],
  ['avg pool 2x2 s2', 'Pooling', [[2, 16, 64, 64]], { kernel: [2, 2], stride: [2, 2], pool_type: 'avg' }, [2, 16, 32, 32]],
  ['conv 3x3x3 p1 (vol2col / col2vol split by channels)', 'Convolution', [[2, 7, 9, 10, 17], [5, 7, 3, 3, 3], [5]], { kernel: [3, 3, 3], pad: [1, 1, 1], num_filter: 5 }, [2, 5, 9, 10, 17]],
  ['max pool 3x3x3 s2 p1', 'Pooling', [[2, 16, 17, 18, 19]], { kernel: [3, 3, 3], stride: [2, 2, 2], pad: [1, 1, 1] }, [2, 16, 9, 9, 10]],
  ['avg pool 2x2x2 s1', 'Pooling', [[2, 9, 12, 13, 21]], { kernel: [2, 2, 2], pool_type: 'avg' }, [2, 9, 11, 12, 20]],
  ['global avg pool', 'Pooling', [[2, 16, 64, 64]], { global_pool: true, pool_type: 'avg', kernel: [1, 1] }, [2, 16, 1, 1]],
];

test('conv family (2-D and 3-D) on 2 threads == 1 thread, bitwise', async () => {
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

test.run();
