// Init ops without inputs (_zeros, _ones, _full) and mx.sym.zeros / ones / full: values and dtypes, graphs that use
// them (forward, backward, JSON as MXNet writes it), errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, invoke } from '../helpers.js';

test('_zeros / _ones / _full: shape, dtype and value as asked (odd sizes, int32)', () => {
  for (const shape of [[1], [7], [3, 5], [2, 3, 17]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const [z] = invoke('_zeros', [], { shape }), [o] = invoke('_ones', [], { shape }), [f] = invoke('_full', [], { shape, value: -2.5 });
    assert.equal(z.shape, shape); assert.is(z.dtype, 'float32');
    assert.equal(Array.from(z.data), new Array(n).fill(0));
    assert.equal(Array.from(o.data), new Array(n).fill(1));
    assert.equal(Array.from(f.data), new Array(n).fill(-2.5));
  }
  const [i] = invoke('_full', [], { shape: [4], value: 7, dtype: 'int32' });
  assert.is(i.dtype, 'int32'); assert.equal(Array.from(i.data), [7, 7, 7, 7]);
});

test('mx.sym.zeros / ones / full in a graph: forward, backward through the other inputs, JSON as MXNet writes it', () => {
  const x = mx.sym.Variable('x');
  const y = mx.sym.elemwise_mul(mx.sym.elemwise_add(x, mx.sym.full([2, 3], 0.5)), mx.sym.ones([2, 3]));
  const net = mx.sym.Group([y, mx.sym.broadcast_add(mx.sym.zeros([1, 3], { name: 'h0' }), x)]);
  assert.equal(net.listArguments(), ['x']);
  const e = net.simpleBind({ shapes: { x: [2, 3] }, gradReq: 'write' });
  e.argDict.x.data.set([1, 2, 3, 4, 5, 6]);
  e.forward({ isTrain: true });
  assert.equal(Array.from(e.outputs[0].data), [1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
  assert.equal(Array.from(e.outputs[1].data), [1, 2, 3, 4, 5, 6]);
  e.backward([mx.nd.ones([2, 3]), mx.nd.ones([2, 3])]);
  assert.equal(Array.from(e.gradDict.x.data), [2, 2, 2, 2, 2, 2]);
  const j = JSON.parse(net.toJSON());
  const h0 = j.nodes.find((n: { name: string }) => n.name === 'h0');
  assert.equal(h0, { op: '_zeros', name: 'h0', attrs: { dtype: 'float32', shape: '(1, 3)' }, inputs: [] });
  assert.equal(mx.sym.fromJSON(net.toJSON()).listOutputs(), net.listOutputs());
  assert.ok(j.nodes.some((n: { op: string; attrs?: Record<string, string> }) => n.op === '_full' && n.attrs?.value === '0.5'));
});

test('init op errors name the op and node', () => {
  assert.throws(() => invoke('_zeros', [], { shape: [] }, { node: 'z0' }), (e: Error) => /z0/.test(e.message) && /_zeros/.test(e.message) && /shape/.test(e.message));
  assert.throws(() => invoke('_ones', [], { shape: [2], dtype: 'float64' }, { node: 'o0' }), (e: Error) => /o0/.test(e.message) && /float64/.test(e.message));
  assert.throws(() => invoke('_full', [], { shape: [2] }, { node: 'f0' }), (e: Error) => /f0/.test(e.message) && /value/.test(e.message));
});

test.run();
