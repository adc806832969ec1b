// Use after dispose and bad API input (issue 14): every access to a freed array, and every malformed
// input, is an MxError naming the argument; nothing reads or writes another array's memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, expectMx } from '../helpers.js';

const fcNet = () => mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 2, name: 'fc' });

test('views of a disposed array: reshape, slice and at throw instead of aliasing new arrays', () => {
  const a = mx.nd.array([1, 2, 3, 4]);
  a.dispose();
  expectMx(() => a.reshape([2, 2]), 'reshape', /disposed/);
  expectMx(() => a.slice(0, 2), 'slice', /disposed/);
  expectMx(() => a.at(0), 'at', /disposed/);
  expectMx(() => a.data, 'data');
  expectMx(() => a.byteOffset, 'byteOffset');
  const b = mx.nd.array([9, 9, 9, 9]);
  assert.equal(Array.from(b.data), [9, 9, 9, 9]);
  b.dispose();
});

test('a view made before its base was disposed keeps the memory; once both are gone, both throw', () => {
  const a = mx.nd.array([1, 2, 3, 4]);
  const v = a.reshape([2, 2]), s = a.slice(1, 3);
  a.dispose();
  assert.equal(v.toArray(), [[1, 2], [3, 4]]);
  v.dispose(); s.dispose();
  assert.ok(v.isDisposed && s.isDisposed);
  expectMx(() => s.toArray(), 'slice after all disposed');
  const b = mx.nd.array([5, 6, 7, 8]);
  expectMx(() => { s.data[0] = -1; }, 'write through a dead view');
  assert.equal(Array.from(b.data), [5, 6, 7, 8]);
  b.dispose();
});

test('executor forward, backward head gradient, Predictor.forward and bind refuse disposed arrays', () => {
  const net = fcNet();
  const exe = net.simpleBind({ shapes: { data: [1, 3] } });
  const d = mx.nd.ones([1, 3]); d.dispose();
  expectMx(() => exe.forward({ data: d }), 'forward', /'data'.*disposed/);
  exe.forward({ isTrain: true, data: [1, 2, 3] });
  const hg = mx.nd.ones([1, 2]); hg.dispose();
  expectMx(() => exe.backward([hg]), 'backward', /head gradient 0.*disposed/);
  exe.dispose();
  const w = mx.nd.ones([2, 3]), bias = mx.nd.zeros([2]), x = mx.nd.ones([1, 3]);
  w.dispose();
  expectMx(() => net.bind({ args: { data: x, fc_weight: w, fc_bias: bias } }), 'bind', /'fc_weight'.*disposed/);
  const p = mx.Predictor.load({ symbol: net.toJSON(), params: { fc_weight: mx.nd.ones([2, 3]), fc_bias: bias }, inputShapes: { data: [1, 3] } });
  x.dispose();
  expectMx(() => p.forward(x), 'Predictor.forward', /disposed/);
  p.dispose(); bias.dispose();
});

test('forward inputs: numbers, strings, non-numeric elements and wrong shapes are ArgumentError / ShapeError naming the input', () => {
  const exe = fcNet().simpleBind({ shapes: { data: [2, 3] }, gradReq: 'null' });
  for (const bad of [5, 'abc', null, true, [1, 'x', 3, 4, 5, 6], [null, 1, 2, 3, 4, 5], ['', 1, 2, 3, 4, 5], [true, 1, 2, 3, 4, 5], [[1, 2, 3], [4, 5, 6]]]) {
    expectMx(() => exe.forward({ data: bad as never }), `forward data=${JSON.stringify(bad)}`, /'data'/);
  }
  const wrong = mx.nd.ones([3, 2]);
  expectMx(() => exe.forward({ data: wrong }), 'same size, other shape', /'data' has shape \(3,2\)/);
  wrong.dispose();
  expectMx(() => exe.forward({ nope: [1] }), 'unknown name', /'nope'/);
  exe.forward({ data: new Float32Array(6).fill(1) }); // typed arrays and number arrays still work
  exe.forward({ data: [1, 2, 3, 4, 5, 6] });
  exe.dispose();
  expectMx(() => fcNet().simpleBind({ data: [1, 3] } as never), 'simpleBind without shapes', /shapes/);
});

test('a simpleBind that fails part way (out of memory) frees what it allocated', () => {
  const before = mx.memoryStats().bytesInUse;
  const big = mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 30000, name: 'fc' });
  // weight 30000 x 20000 floats = 2.4 GB: data and the bias are allocated first, then the weight fails
  expectMx(() => big.simpleBind({ shapes: { data: [1, 20000] } }), 'simpleBind oom');
  assert.is(mx.memoryStats().bytesInUse, before);
});

test.run();
