// mx.sym: naming, argument/output lists, internals, composition, inference, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';
import { hasOp } from '../../src/ops/registry.js';

const { sym } = mx;
const throwsMsg = (f: () => unknown, re: RegExp) => {
  try { f(); } catch (e) { assert.match((e as Error).message, re); return e as Error; }
  assert.unreachable(`expected an error matching ${re}`);
};

test('automatic names: per-op counters, weight/bias variables', () => {
  sym.NameManager.reset();
  const data = sym.Variable('data');
  const a = sym.FullyConnected({ data, num_hidden: 4 });
  const b = sym.FullyConnected(a, { num_hidden: 3 });
  assert.is(a.name, 'fullyconnected0');
  assert.is(b.name, 'fullyconnected1');
  assert.equal(b.listArguments(), ['data', 'fullyconnected0_weight', 'fullyconnected0_bias', 'fullyconnected1_weight', 'fullyconnected1_bias']);
  assert.equal(b.listOutputs(), ['fullyconnected1_output']);
  assert.equal(b.listInputs(), b.listArguments());
  assert.equal(b.listAuxiliaryStates(), []);
});

test('explicit names, attributes as MXNet stores them, auto variables inherit them', () => {
  const data = sym.Variable('data', { shape: [1, 8], lr_mult: 2, init: 'zeros', dtype: 'float32' });
  const fc = sym.FullyConnected({ data, num_hidden: 10, no_bias: true, name: 'fc1', attr: { __wd_mult__: 0 } });
  assert.equal(fc.listArguments(), ['data', 'fc1_weight']);
  const d = fc.attrDict();
  assert.equal(d.data, { __shape__: '(1, 8)', __lr_mult__: '2', __init__: 'zeros', __dtype__: '0' });
  assert.equal(d.fc1, { num_hidden: '10', no_bias: 'True', __wd_mult__: '0' });
  assert.equal(d.fc1_weight, d.fc1);
  assert.is(fc.attr('num_hidden'), '10');
  assert.equal(fc.listAttr(), d.fc1);
  assert.is(fc.numOutputs, 1);
  assert.is(sym.var('x').name, 'x');
});

test('ops set initializer hints on the variables they create (MXNet FSetInputVarAttrOnCompose)', () => {
  const data = mx.sym.Variable('data');
  const d = mx.sym.UpSampling({ data: mx.sym.LeakyReLU({ data, act_type: 'prelu', name: 'act' }), scale: 2, sample_type: 'bilinear', num_filter: 3, num_args: 2, name: 'up' }).attrDict();
  assert.equal(d.act_gamma.__init__, '["Constant", {"value": 0.25}]');
  assert.equal(d.up_weight.__init__, '["bilinear", {}]');
  const own = mx.sym.Variable('w', { init: new mx.init.Zero() });
  assert.equal(mx.sym.UpSampling({ data, weight: own, scale: 2, sample_type: 'bilinear', num_filter: 3, num_args: 2 }).attrDict().w.__init__, '["zero", {}]', 'a variable\'s own init stays');
  const plain = mx.sym.Variable('upw');
  mx.sym.UpSampling({ data, weight: plain, scale: 2, sample_type: 'bilinear', num_filter: 3, num_args: 2 });
  assert.equal(plain.attrDict().upw?.__init__, '["bilinear", {}]', 'a given variable without one gets the hint');
});

test('AttrScope and name prefixes; bare hidden keys become __key__', () => {
  const net = sym.AttrScope.with({ ctx_group: 'dev1' }, () => sym.NameManager.withPrefix('m_', () => {
    const x = sym.Variable('x', { attr: { mood: 'calm' } });
    return sym.FullyConnected({ data: x, num_hidden: 2, lr_mult: 0.5, name: 'fc' });
  }));
  const d = net.attrDict();
  assert.equal(d.x, { __ctx_group__: 'dev1', mood: 'calm' });
  assert.equal(d.m_fc, { __ctx_group__: 'dev1', __lr_mult__: '0.5', num_hidden: '2' });
  assert.equal(net.listArguments(), ['x', 'm_fc_weight', 'm_fc_bias']);
  assert.equal(sym.Variable('y').attrDict(), {});
});

test('Group, getInternals, get by name and index, getChildren', () => {
  const data = sym.Variable('data');
  const fc1 = sym.FullyConnected({ data, num_hidden: 5, name: 'fc1' });
  const fc2 = sym.FullyConnected({ data: fc1, num_hidden: 3, name: 'fc2' });
  const g = sym.Group([fc1, fc2]);
  assert.equal(g.listOutputs(), ['fc1_output', 'fc2_output']);
  assert.is(g.name, undefined);
  const internals = fc2.getInternals();
  assert.equal(internals.listOutputs(), ['data', 'fc1_weight', 'fc1_bias', 'fc1_output', 'fc2_weight', 'fc2_bias', 'fc2_output']);
  assert.equal(internals.get('fc1_output').listArguments(), ['data', 'fc1_weight', 'fc1_bias']);
  assert.equal(g.get(1).listOutputs(), ['fc2_output']);
  assert.equal(fc2.getChildren()!.listOutputs(), ['fc1_output', 'fc2_weight', 'fc2_bias']);
  throwsMsg(() => internals.get('nope'), /no output named 'nope'/);
  throwsMsg(() => g.get(5), /out of range/);
});

test('composition replaces variables by name or position, leaves the original intact', () => {
  const data = sym.Variable('data');
  const fc = sym.FullyConnected({ data, num_hidden: 5, name: 'fc1' });
  const x = sym.Variable('x');
  const net = sym.FullyConnected({ data: sym.Variable('h'), num_hidden: 2, name: 'head' });
  const composed = net.call({ h: fc });
  assert.equal(composed.listArguments(), ['data', 'fc1_weight', 'fc1_bias', 'head_weight', 'head_bias']);
  assert.equal(net.listArguments(), ['h', 'head_weight', 'head_bias']);
  assert.equal(fc.call(x).listArguments(), ['x', 'fc1_weight', 'fc1_bias']);
  throwsMsg(() => fc.call({ nope: x }), /no variable named 'nope'/);
});

test('arithmetic: symbol and scalar forms, saved under MXNet op names', () => {
  sym.NameManager.reset();
  const a = sym.Variable('a'), b = sym.Variable('b');
  const c = a.add(b);
  assert.is(c.name, '_plus0');
  assert.match(c.toJSON(), /"op": "elemwise_add"/);
  if (hasOp('_plus_scalar') && hasOp('_rminus_scalar')) {
    const d = a.add(1).rsub(2);
    assert.equal(d.listArguments(), ['a']);
    assert.match(d.toJSON(), /"op": "_rminus_scalar"/);
    assert.match(d.toJSON(), /"name": "_plusscalar0"/);
  }
});

test('inferShape fills weights from data; partial inference; type inference', () => {
  const data = sym.Variable('data');
  const fc = sym.FullyConnected({ data, num_hidden: 10, name: 'fc1' });
  const r = fc.inferShape({ data: [4, 7] });
  assert.equal(r.argShapes, [[4, 7], [10, 7], [10]]);
  assert.equal(r.outShapes, [[4, 10]]);
  assert.equal(r.auxShapes, []);
  assert.equal(fc.inferShape([[2, 3]]).outShapes, [[2, 10]]);
  const p = fc.inferShapePartial({});
  assert.equal(p.argShapes, [undefined, undefined, undefined]);
  throwsMsg(() => fc.inferShape({}), /cannot infer the shapes of data/);
  assert.equal(fc.inferType({ data: 'float32' }).outTypes, ['float32']);
});

test('shape errors name the node; unknown inputs and attributes are rejected', () => {
  const data = sym.Variable('data');
  const fc = sym.FullyConnected({ data, num_hidden: 10, name: 'fc1' });
  throwsMsg(() => fc.inferShape({ data: [4, 7], fc1_weight: [10, 6] }), /Error in operator fc1.*\(10,6\).*\(10,7\)|Error in operator fc1.*\(10,7\).*\(10,6\)/);
  throwsMsg(() => fc.inferShape({ datum: [4, 7] }), /'datum' is not an input/);
  // @ts-expect-error: a misspelt attribute fails to compile too (src/api/op-types.ts)
  throwsMsg(() => sym.FullyConnected({ data, num_hiden: 3, name: 'fc9' }), /fc9.*num_hiden/);
  // @ts-expect-error: so does a misspelt input name
  throwsMsg(() => sym.FullyConnected({ data, num_hidden: 3, name: 'fc8', wieght: data }), /fc8/);
  throwsMsg(() => sym.Group([fc, fc]).call(sym.Variable('a'), sym.Variable('b'), sym.Variable('c'), sym.Variable('d')), /positional/);
});

test.run();
