import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAttrs, formatAttr } from '../../src/ops/attrs.js';
import { mx } from '../helpers.js';

test('attrs: MXNet strings and JS values parse alike', () => {
  const specs = { kernel: { type: 'shape' as const }, no_bias: { type: 'bool' as const, default: false }, eps: { type: 'float' as const, default: 1e-3 }, p: { type: 'floatOrNone' as const } };
  assert.equal(parseAttrs('X', specs, { kernel: '(3, 3)', no_bias: 'True', p: 'None' }), { kernel: [3, 3], no_bias: true, p: null, eps: 1e-3 });
  assert.equal(parseAttrs('X', specs, { kernel: [3, 3], no_bias: true, eps: 0.5 }), { kernel: [3, 3], no_bias: true, eps: 0.5, p: null });
  assert.is(formatAttr([3, 3]), '(3, 3)'); assert.is(formatAttr([2]), '(2,)'); assert.is(formatAttr(true), 'True'); assert.is(formatAttr(null), 'None');
});

test('attrs: unknown, missing and malformed attributes name the op and node', () => {
  assert.throws(() => parseAttrs('Convolution', { kernel: { type: 'shape', required: true } }, {}, 'conv1'), /Error in operator conv1.*required attribute 'kernel'/);
  assert.throws(() => parseAttrs('Convolution', { kernel: { type: 'shape' } }, { kernal: '(3,3)' }, 'conv1'), /unknown attribute 'kernal'/);
  assert.throws(() => parseAttrs('Convolution', { num_filter: { type: 'int' } }, { num_filter: '8.5' }, 'conv1'), /num_filter/);
});

test('attrs: num_args / num_outputs out of range are MxErrors, not RangeErrors (untrusted files)', () => {
  for (const bad of ['-1', '0', '100000000']) {
    assert.throws(() => mx.sym.Concat({ data: [mx.sym.Variable('a')], num_args: bad }), (e: Error) => e.name === 'ArgumentError' && /num_args/.test(e.message));
  }
  assert.throws(() => mx.nd.SliceChannel(mx.nd.ones([2, 4]), { num_outputs: -3 }), /num_outputs/);
});

test.run();
