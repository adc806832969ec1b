// Steady state: forward/backward allocate nothing (no wasm blocks, no NDArrays) and programs are built once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { registry } from '../../src/ndarray/storage.js';

test('1000 forward+backward calls allocate no memory and create no NDArrays', () => {
  const { sym } = mx;
  const data = sym.Variable('data');
  const fc1 = sym.FullyConnected({ data, num_hidden: 16, name: 'fc1' });
  const fc2 = sym.FullyConnected({ data: fc1, num_hidden: 4, name: 'fc2' });
  const net = fc2.add(fc2);
  const exe = net.simpleBind({ shapes: { data: [8, 10] }, gradReq: { fc1_weight: 'write', fc1_bias: 'add', fc2_weight: 'write', fc2_bias: 'write' } });
  const x = randArray(80, 1), og = [randArray(32, 2)];
  exe.forward({ isTrain: true, data: x }); exe.backward(og); exe.forward({ isTrain: false, data: x });
  const a = rt().alloc;
  const origAlloc = a.alloc, origReg = registry.register;
  let allocs = 0, arrays = 0;
  a.alloc = function (this: typeof a, n: number) { allocs++; return origAlloc.call(this, n); };
  registry.register = function (this: typeof registry, ...args: Parameters<typeof registry.register>) { arrays++; return origReg.apply(this, args); };
  try {
    for (let i = 0; i < 1000; i++) { exe.forward({ isTrain: true, data: x }); exe.backward(og); }
    for (let i = 0; i < 1000; i++) exe.forward({ isTrain: false, data: x });
  } finally { a.alloc = origAlloc; registry.register = origReg; }
  assert.is(allocs, 0);
  assert.is(arrays, 0);
  exe.dispose();
});

test('dispose returns every block bind took', () => {
  const { sym } = mx;
  const a = rt().alloc;
  const origAlloc = a.alloc, origFree = a.free;
  const live = new Set<number>();
  a.alloc = function (this: typeof a, n: number) { const off = origAlloc.call(this, n); live.add(off); return off; };
  a.free = function (this: typeof a, off: number) { live.delete(off); return origFree.call(this, off); };
  try {
    const data = sym.Variable('data');
    const net = sym.FullyConnected({ data, num_hidden: 5, name: 'fc' });
    const exe = net.simpleBind({ shapes: { data: [3, 4] } });
    exe.forward({ isTrain: true }); exe.backward([new Float32Array(15)]);
    const small = exe.reshape({ data: [1, 4] });
    small.forward();
    assert.ok(live.size > 0);
    small.dispose(); exe.dispose();
  } finally { a.alloc = origAlloc; a.free = origFree; }
  assert.is(live.size, 0);
});

test.run();
