// The byte-copy layout ops on integer dtypes (uint8, int8 through x8_copynd__scalar; int32 through the 32-bit copies):
// each output equals the float32 path's (checked against the references in the other layout tests) value for value,
// in the input's dtype, at odd sizes, batch 1 and > 1; and x8_copynd__scalar against a plain strided loop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { invoke, mx } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { kernelCall } from '../../src/ops/helpers.js';
import { descriptor } from '../../src/ops/tensor/common.js';

const CASES: [string, number[], Record<string, unknown>, number?][] = [
  ['transpose', [3, 5], {}], ['transpose', [2, 3, 5, 7], { axes: [0, 2, 3, 1] }], ['transpose', [1, 17, 3], { axes: [2, 0, 1] }],
  ['SwapAxis', [2, 3, 5], { dim1: 0, dim2: 2 }], ['Concat', [2, 3, 5], { num_args: 2, dim: 1 }, 2], ['Concat', [1, 7], { num_args: 3, dim: 0 }, 3],
  ['stack', [3, 5], { num_args: 2, axis: 1 }, 2], ['SliceChannel', [2, 6, 5], { num_outputs: 3, axis: 1 }], ['slice_axis', [4, 7], { axis: 1, begin: 1, end: 6 }],
  ['slice', [3, 7, 5], { begin: [1, 0, 4], end: [3, 7, 0], step: [1, 2, -1] }], ['slice_like', [4, 9], {}, 1], ['broadcast_to', [1, 3, 1], { shape: [2, 3, 5] }],
  ['broadcast_axis', [3, 1], { axis: 1, size: 4 }], ['tile', [2, 3], { reps: [2, 3] }], ['repeat', [2, 3], { repeats: 2, axis: 0 }],
  ['depth_to_space', [2, 8, 3, 1], { block_size: 2 }], ['space_to_depth', [1, 3, 4, 6], { block_size: 2 }],
];

const VALS = { uint8: (i: number) => (i * 37 + 11) % 256, int8: (i: number) => ((i * 53 + 7) % 256) - 128, int32: (i: number) => (i * 7919) % 100003 - 50000 };

test('layout ops on uint8 / int8 / int32 equal the float32 path in the input dtype', () => {
  for (const [dt, f] of Object.entries(VALS)) {
    for (const [op, shape, attrs, k] of CASES) {
      const n = shape.reduce((p, d) => p * d, 1), v = Array.from({ length: n }, (_, i) => f(i));
      const x = mx.nd.array(v, { dtype: dt as never }).reshape(shape), xf = mx.nd.array(v).reshape(shape);
      const ins = op === 'slice_like' ? [x, mx.nd.zeros([2, 5], dt as never)] : Array(k ?? 1).fill(x);
      const insf = op === 'slice_like' ? [xf, mx.nd.zeros([2, 5])] : Array(k ?? 1).fill(xf);
      const y = invoke(op, ins, attrs), yf = invoke(op, insf, attrs);
      y.forEach((o, j) => {
        assert.is(o.dtype, dt, `${op} ${dt} dtype`);
        assert.equal(o.shape, yf[j].shape, `${op} ${dt} shape`);
        assert.equal(Array.from(o.data), Array.from(yf[j].data), `${op} ${dt} ${shape} output ${j}`);
      });
    }
  }
});

test('x8_copynd__scalar: contiguous rows, strided, broadcast (stride 0) and reversed (negative stride) copies', () => {
  const R = rt(), x = R.alloc.alloc(4096), y = R.alloc.alloc(4096);
  try {
    const src = new Uint8Array(R.memory.buffer, x, 4096);
    for (let i = 0; i < 4096; i++) src[i] = (i * 31) & 255;
    const cases: [number[], number[], number[], number][] = [
      [[1, 1, 1, 3, 5, 17], [0, 0, 0, 85, 17, 1], [0, 0, 0, 85, 17, 1], 0], // contiguous
      [[1, 1, 2, 3, 4, 5], [0, 0, 60, 20, 5, 1], [0, 0, 60, 1, 3, 12], 0], // permuted
      [[1, 1, 1, 2, 3, 7], [0, 0, 0, 7, 0, 1], [0, 0, 0, 21, 7, 1], 0], // broadcast middle
      [[1, 1, 1, 1, 3, 9], [0, 0, 0, 0, 9, -1], [0, 0, 0, 0, 9, 1], 8], // reversed rows
    ];
    for (const [n, sx, sy, base] of cases) {
      const total = n.reduce((p, d) => p * d, 1);
      new Uint8Array(R.memory.buffer, y, 4096).fill(0);
      kernelCall(R.K, 'x8_copynd__scalar', { x: x + base, y, d: descriptor([...n, ...sx, ...sy]) });
      const out = new Uint8Array(R.memory.buffer, y, 4096);
      for (let i = 0; i < total; i++) {
        let r = i, ox = base, oy = 0;
        for (let d = 5; d >= 0; d--) { const c = r % n[d]; r = (r - c) / n[d]; ox += c * sx[d]; oy += c * sy[d]; }
        if (out[oy] !== src[ox]) assert.unreachable(`n=${n} element ${i}: ${out[oy]} vs ${src[ox]}`);
      }
    }
  } finally { R.alloc.free(x); R.alloc.free(y); }
});

test.run();
