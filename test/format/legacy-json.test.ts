import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';
import { isMxError } from '../../src/errors.js';
import { upgradeSymbolJSON, parseSymbolJSON, symbolVersion, MXNET_VERSION } from '../../src/format/legacy-json.js';
import { haveFixtures, fixtureText, skip } from './fixtures.js';

const v = (n: object[], heads: number[][], ver?: number) => ({ nodes: n, heads, ...(ver ? { attrs: { mxnet_version: ['int', ver] } } : {}) });
const errOf = (f: () => unknown): any => { try { f(); } catch (e) { return e; } assert.unreachable('no error'); };

test('1.x input passes through (attrs sorted, 3-element entries, arg_nodes recomputed)', () => {
  const j = upgradeSymbolJSON(v([
    { op: 'null', name: 'data', inputs: [] },
    { op: 'null', name: 'fc_weight', inputs: [] },
    { op: 'FullyConnected', name: 'fc', attrs: { num_hidden: '4', no_bias: 'True' }, inputs: [[0, 0, 0], [1, 0, 0]] },
  ], [[2, 0, 0]], 10600));
  assert.equal(j.arg_nodes, [0, 1]);
  assert.equal(j.nodes[2].attrs, { no_bias: 'True', num_hidden: '4' });
  assert.equal(Object.keys(j.nodes[2].attrs!), ['no_bias', 'num_hidden']);
  assert.equal(j.attrs.mxnet_version, ['int', MXNET_VERSION]);
  assert.is(symbolVersion({ nodes: [] }), 800);
});

test('0.9 attr key, two-element inputs, argmax axis -1 dropped before 0.9.5', () => {
  const j = upgradeSymbolJSON(v([
    { op: 'null', name: 'x', inputs: [] },
    { op: 'argmax', name: 'am', attr: { axis: '-1' }, inputs: [[0, 0]] },
    { op: 'argmax', name: 'am2', attr: { axis: '1' }, inputs: [[0, 0]] },
  ], [[1, 0], [2, 0]], 903));
  assert.equal(j.nodes[1].inputs, [[0, 0, 0]]);
  assert.is(j.nodes[1].attrs, undefined);
  assert.equal(j.nodes[2].attrs, { axis: '1' });
  assert.equal(j.heads, [[1, 0, 0], [2, 0, 0]]);
});

test('hidden keys: bare → __key__, <arg>_key → on that input variable, __key__ untouched', () => {
  const j = upgradeSymbolJSON(v([
    { op: 'null', name: 'data', attr: { lr_mult: '0.5', ctx_group: 'a' }, inputs: [] },
    { op: 'null', name: 'w', attr: { weight_lr_mult: '2' }, inputs: [] },
    { op: 'null', name: 'b', inputs: [] },
    { op: 'FullyConnected', name: 'fc', param: { num_hidden: '3' }, attr: { bias_wd_mult: '0', __mirror_stage__: 'x', force_mirroring: 'True' }, inputs: [[0, 0], [1, 0], [2, 0]] },
  ], [[3, 0]], 10000));
  assert.equal(j.nodes[0].attrs, { __ctx_group__: 'a', __lr_mult__: '0.5' });
  assert.equal(j.nodes[1].attrs, { weight_lr_mult: '2' }); // variables keep suffixed keys (MXNet does too)
  assert.equal(j.nodes[2].attrs, { __wd_mult__: '0' });
  assert.equal(j.nodes[3].attrs, { __force_mirroring__: 'True', __mirror_stage__: 'x', num_hidden: '3' });
});

test('BatchNorm without aux inputs (0.8) gains moving_mean/var variables with init hints; prelu gamma init', () => {
  const j = upgradeSymbolJSON(v([
    { op: 'null', name: 'x', inputs: [] },
    { op: 'null', name: 'bn_gamma', inputs: [] },
    { op: 'null', name: 'bn_beta', inputs: [] },
    { op: 'BatchNorm', name: 'bn', param: { eps: '0.001' }, inputs: [[0, 0], [1, 0], [2, 0]] },
    { op: 'null', name: 'g', inputs: [] },
    { op: 'LeakyReLU', name: 'p', param: { act_type: 'prelu' }, inputs: [[3, 0], [4, 0]] },
  ], [[5, 0]]));
  assert.equal(j.nodes.map((n) => n.name), ['x', 'bn_gamma', 'bn_beta', 'bn_moving_mean', 'bn_moving_var', 'bn', 'g', 'p']);
  assert.equal(j.nodes[5].inputs, [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 1], [4, 0, 1]]);
  assert.equal(j.nodes[3].attrs, { __init__: '["zero", {}]', eps: '0.001' });
  assert.is(j.nodes[4].attrs!.__init__, '["one", {}]');
  assert.is(j.nodes[6].attrs!.__init__, '["Constant", {"value": 0.25}]');
  assert.equal(j.nodes[7].inputs, [[5, 0, 0], [6, 0, 0]]);
  assert.equal(j.heads, [[7, 0, 0]]);
  assert.equal(j.arg_nodes, [0, 1, 2, 3, 4, 6]);
});

test('forward references are reordered; cycles, missing nodes and bad fields name the node', () => {
  const j = upgradeSymbolJSON(v([
    { op: 'relu', name: 'r', inputs: [[1, 0, 0]] },
    { op: 'null', name: 'x', inputs: [] },
  ], [[0, 0, 0]], 10901));
  assert.equal(j.nodes.map((n) => n.name), ['x', 'r']);
  assert.equal(j.heads, [[1, 0, 0]]);
  const cyc = errOf(() => upgradeSymbolJSON(v([{ op: 'relu', name: 'a', inputs: [[1, 0, 0]] }, { op: 'relu', name: 'b', inputs: [[0, 0, 0]] }], [[1, 0, 0]], 10901)));
  assert.is(cyc.name, 'FormatError'); assert.match(cyc.message, /node \d \([ab]\) is part of a cycle/);
  const self = errOf(() => upgradeSymbolJSON(v([{ op: 'relu', name: 'a', inputs: [[0, 0, 0]] }], [[0, 0, 0]], 10901)));
  assert.match(self.message, /cycle/);
  const missing = errOf(() => upgradeSymbolJSON(v([{ op: 'null', name: 'x', inputs: [] }, { op: 'relu', name: 'r', inputs: [[7, 0, 0]] }], [[1, 0, 0]], 10901)));
  assert.match(missing.message, /node 1 \(r\): input 0 points at node 7, which does not exist/);
  assert.equal(missing.where, { node: 1 });
  const cases: [unknown, RegExp][] = [
    [null, /expected an object/], [{ nodes: 3, heads: [] }, /"nodes" must be an array/], [{ nodes: [] }, /"heads" must be an array/],
    [v([{ op: 'null', inputs: [] }], []), /node 0: "name" must be a string/],
    [v([{ op: 5, name: 'q', inputs: [] }], []), /node 0 \(q\): "op" must be/],
    [v([{ op: 'null', name: 'x', inputs: [[0, 0]] }], []), /variable .* cannot have inputs/],
    [v([{ op: 'null', name: 'x', inputs: [] }, { op: 'relu', name: 'r', inputs: [[0, -1, 0]] }], []), /node 1 \(r\): input 0 has a non-integer or negative/],
    [v([{ op: 'null', name: 'x', inputs: [] }, { op: 'relu', name: 'r', inputs: [[0, 2, 0]] }], []), /reads output 2 of variable node 0/],
    [v([{ op: 'null', name: 'x', inputs: [] }], [[3, 0]]), /head 0: entry points at node 3/],
    [v([{ op: 'null', name: 'x', attrs: { a: { b: 1 } }, inputs: [] }], []), /attribute "a" in "attrs" must be a string/],
    [{ nodes: [], heads: [], attrs: { mxnet_version: 'x' } }, /mxnet_version/],
    ['{"nodes": [', /not valid JSON/],
  ];
  for (const [obj, re] of cases) {
    const e = errOf(() => upgradeSymbolJSON(obj));
    assert.is(e.name, 'FormatError', String(e)); assert.match(e.message, re);
  }
  assert.throws(() => parseSymbolJSON('[[['.repeat(5) + '1'), /not valid JSON/);
});

test('through mx.sym.fromJSON: unknown operators and bad attribute values name the node', () => {
  const j = (op: string, attrs: object) => v([{ op: 'null', name: 'x', inputs: [] }, { op, name: 'layer7', attrs, inputs: [[0, 0, 0]] }], [[1, 0, 0]], 10901);
  const e1 = errOf(() => mx.sym.fromJSON(j('NoSuchOp', {})));
  assert.ok(isMxError(e1)); assert.match(e1.message, /layer7/); assert.match(e1.message, /NoSuchOp/);
  const e2 = errOf(() => mx.sym.fromJSON(j('Activation', { act_type: 'nope' })));
  assert.ok(isMxError(e2)); assert.match(e2.message, /layer7/); assert.match(e2.message, /act_type/);
  const e3 = errOf(() => mx.sym.fromJSON(j('Concat', { num_args: '-1' })));
  assert.is(e3.name, 'FormatError'); assert.match(e3.message, /node 1 \(layer7\): attribute num_args '-1'/);
  assert.equal(mx.sym.fromJSON(j('Activation', { act_type: 'relu', some_future_key: '1' })).listOutputs(), ['layer7_output']);
});

test('subgraphs are checked and upgraded too', () => {
  const sub = v([{ op: 'null', name: 's', inputs: [] }, { op: 'relu', name: 'bad', inputs: [[9, 0]] }], [[1, 0]]);
  const e = errOf(() => upgradeSymbolJSON(v([{ op: 'null', name: 'x', inputs: [] }, { op: '_foreach', name: 'f', inputs: [[0, 0]], subgraphs: [sub] }], [[1, 0]], 10901)));
  assert.match(e.message, /node 1 \(f\) subgraph 0: node 1 \(bad\): input 0 points at node 9/);
});

if (!haveFixtures) skip('fixture tests (no ../shared/fixtures/mxnet)');
else {
  test('save_000800.json: moving stats added, hidden attributes as in test_load_000800', () => {
    const j = upgradeSymbolJSON(fixtureText('apache-mxnet/save_000800.json'));
    const by = Object.fromEntries(j.nodes.map((n) => [n.name, n.attrs ?? {}]));
    assert.ok('batchnorm0_moving_mean' in by && 'batchnorm0_moving_var' in by);
    // the __x__ attributes of the freshly built symbol in MXNet's test
    const want: Record<string, Record<string, string>> = {
      data: { __ctx_group__: 'stage1', __lr_mult__: '0.2' },
      fc1_weight: { __ctx_group__: 'stage1', __lr_mult__: '1.2' },
      fc1: { __ctx_group__: 'stage1', __wd_mult__: '0.3' },
      relu1: { __ctx_group__: 'stage1' },
      fc2_weight: { __ctx_group__: 'stage2', __lr_mult__: '0.01' },
      fc2: { __ctx_group__: 'stage2', __lr_mult__: '0.01' },
      fc3: { __ctx_group__: 'stage2' }, batchnorm0: { __ctx_group__: 'stage2' },
      batchnorm0_moving_mean: { __ctx_group__: 'stage2', __init__: '["zero", {}]' },
      batchnorm0_moving_var: { __ctx_group__: 'stage2', __init__: '["one", {}]' },
      softmax: { __ctx_group__: 'stage2' }, softmax_label: { __ctx_group__: 'stage2' },
    };
    for (const [node, attrs] of Object.entries(want)) for (const [k, val] of Object.entries(attrs)) assert.is(by[node][k], val, `${node}.${k}`);
    const bn = j.nodes.find((n) => n.name === 'batchnorm0')!;
    assert.is(bn.inputs.length, 5);
    assert.equal(j.arg_nodes.map((i) => j.nodes[i].name), ['data', 'fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias', 'fc3_weight', 'fc3_bias',
      'batchnorm0_gamma', 'batchnorm0_beta', 'batchnorm0_moving_mean', 'batchnorm0_moving_var', 'softmax_label']);
  });

  test('every fixture symbol JSON upgrades (0.8, 0.9.3, 0.11, 1.2, 1.4)', () => {
    for (const [f, ver, nodes] of [['apache-mxnet/save_000800.json', 800, 19], ['SqueezeNet_v1.2/model-symbol.json', 903, 113],
      ['mobilenet-mxnet/mobilenet_v2-symbol.json', 1100, 425], ['apache-mxnet/test_mkldnn_test_mkldnn_model_model1.json', 10200, 73],
      ['fcrc-demo/lenet-symbol.json', 10401, 19]] as const) {
      const text = fixtureText(f);
      assert.is(symbolVersion(JSON.parse(text)), ver, f);
      const j = upgradeSymbolJSON(text);
      assert.is(j.nodes.length, nodes, f);
      for (const n of j.nodes) for (const e of n.inputs) assert.is(e.length, 3);
      assert.equal(upgradeSymbolJSON(j), j, `${f}: upgrading twice changes nothing`);
    }
  });
}

test.run();
