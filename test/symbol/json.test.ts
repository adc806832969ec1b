// Symbol JSON: MXNet's exact text layout, round trips, real files, malformed input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx, assertClose, randArray } from '../helpers.js';
import { hasOp } from '../../src/ops/registry.js';
import { fixtureText, haveFixtures, skip } from '../format/fixtures.js';

const { sym } = mx;

const MLP_JSON = `{
  "nodes": [
    {
      "op": "null", 
      "name": "data", 
      "inputs": []
    }, 
    {
      "op": "null", 
      "name": "fc1_weight", 
      "attrs": {"num_hidden": "16"}, 
      "inputs": []
    }, 
    {
      "op": "null", 
      "name": "fc1_bias", 
      "attrs": {"num_hidden": "16"}, 
      "inputs": []
    }, 
    {
      "op": "FullyConnected", 
      "name": "fc1", 
      "attrs": {"num_hidden": "16"}, 
      "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]
    }, 
    {
      "op": "null", 
      "name": "fc2_weight", 
      "attrs": {
        "flatten": "False", 
        "no_bias": "True", 
        "num_hidden": "4"
      }, 
      "inputs": []
    }, 
    {
      "op": "FullyConnected", 
      "name": "fc2", 
      "attrs": {
        "flatten": "False", 
        "no_bias": "True", 
        "num_hidden": "4"
      }, 
      "inputs": [[3, 0, 0], [4, 0, 0]]
    }
  ], 
  "arg_nodes": [0, 1, 2, 4], 
  "node_row_ptr": [0, 1, 2, 3, 4, 5, 6], 
  "heads": [[5, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10901]}
}`;

function mlp() {
  const data = sym.Variable('data');
  const fc1 = sym.FullyConnected({ data, num_hidden: 16, name: 'fc1' });
  return sym.FullyConnected(fc1, { num_hidden: 4, no_bias: true, flatten: false, name: 'fc2' });
}

test('toJSON writes MXNet 1.x JSON in dmlc JSONWriter layout', () => {
  assert.is(mlp().toJSON(), MLP_JSON);
});

test('fromJSON → toJSON is byte-identical; lists survive', () => {
  const s = sym.fromJSON(MLP_JSON);
  assert.is(s.toJSON(), MLP_JSON);
  assert.equal(s.listArguments(), ['data', 'fc1_weight', 'fc1_bias', 'fc2_weight']);
  assert.equal(s.inferShape({ data: [2, 5] }).outShapes, [[2, 4]]);
});

test('long arrays go one element per line (more than 10 elements)', () => {
  let x = sym.Variable('data');
  for (let i = 0; i < 4; i++) x = sym.FullyConnected({ data: x, num_hidden: 3, name: `f${i}` });
  const text = x.toJSON();
  assert.match(text, /"arg_nodes": \[0, 1, 2, 4, 5, 7, 8, 10, 11\]/);
  assert.match(text, /"node_row_ptr": \[\n    0, \n    1, \n/);
  assert.is(sym.fromJSON(text).toJSON(), text);
});

test('malformed JSON, unknown operators and wrong arity give errors naming the node', () => {
  const bad = (t: string, re: RegExp) => { try { sym.fromJSON(t); } catch (e) { assert.match((e as Error).message, re); return; } assert.unreachable(); };
  bad('{', /does not parse/);
  bad('{"nodes": []}', /heads/);
  bad(JSON.stringify({ nodes: [{ op: 'null', name: 'x', inputs: [] }, { op: 'NoSuchOp', name: 'weird1', inputs: [[0, 0, 0]] }], arg_nodes: [0], heads: [[1, 0, 0]] }), /weird1.*NoSuchOp|NoSuchOp.*weird1/);
  bad(JSON.stringify({ nodes: [{ op: 'null', name: 'x', inputs: [] }, { op: 'FullyConnected', name: 'fcx', attrs: { num_hidden: '2' }, inputs: [[0, 0, 0]] }], arg_nodes: [0], heads: [[1, 0, 0]], attrs: { mxnet_version: ['int', 10901] } }), /fcx.*expects 3 inputs/);
  bad(JSON.stringify({ nodes: [{ op: 'elemwise_add', name: 'p', inputs: [[3, 0, 0], [0, 0, 0]] }], arg_nodes: [], heads: [[0, 0, 0]] }), /node 3|earlier node/);
});

function opsOf(text: string): string[] { return [...new Set((JSON.parse(text).nodes as { op: string }[]).map((n) => n.op).filter((o) => o !== 'null'))]; }

test('real files: load, lists, shapes and a byte-identical round trip where MXNet wrote the same layout', () => {
  if (!haveFixtures) { skip('fixtures absent'); return; }
  const text = fixtureText('fcrc-demo/lenet-symbol.json');
  const missing = opsOf(text).filter((o) => !hasOp(o));
  if (missing.length) { skip(`lenet-symbol.json needs ops ${missing.join(', ')}`); return; }
  const s = sym.fromJSON(text);
  assert.equal(s.listArguments().length, 9);
  assert.equal(s.listArguments()[0], 'data');
  assert.equal(s.inferShape({ data: [1, 1, 28, 28] }).outShapes, [[1, 10]]);
  const again = sym.fromJSON(s.toJSON());
  assert.equal(again.listArguments(), s.listArguments());
  assert.equal(again.attrDict(), s.attrDict());
  // Same text as MXNet wrote, except our version and node_row_ptr (that build counted MKLDNN's hidden Pooling output).
  const norm = (t: string) => t.replace(/"mxnet_version": \["int", \d+\]/, 'V').replace(/"node_row_ptr": \[[^\]]*\]/, 'R');
  assert.is(norm(s.toJSON()), norm(text));
});

test('files of older generations load (legacy upgrade first)', () => {
  if (!haveFixtures) { skip('fixtures absent'); return; }
  for (const f of ['apache-mxnet/save_000800.json', 'apache-mxnet/test_mkldnn_test_mkldnn_model_model1.json', 'SqueezeNet_v1.2/model-symbol.json', 'mobilenet-mxnet/mobilenet_v2-symbol.json']) {
    const text = fixtureText(f);
    const missing = opsOf(text).filter((o) => !hasOp(o));
    if (missing.length) { skip(`${f} needs ops ${missing.join(', ')}`); continue; }
    const s = sym.fromJSON(text);
    assert.ok(s.listArguments().length > 0, f);
    const again = sym.fromJSON(s.toJSON());
    assert.equal(again.listArguments(), s.listArguments(), f);
    assert.equal(again.listAuxiliaryStates(), s.listAuxiliaryStates(), f);
  }
});

test('MXNet test_load_000800: the 0.8 file equals the same net built in scopes (hidden attrs, outputs)', () => {
  if (!haveFixtures) { skip('fixtures absent'); return; }
  const { AttrScope } = sym;
  const act1 = AttrScope.with({ ctx_group: 'stage1' }, () => {
    const data = sym.Variable('data', { lr_mult: 0.2 });
    const weight = sym.Variable('fc1_weight', { lr_mult: 1.2 });
    const fc1 = sym.FullyConnected({ data, weight, name: 'fc1', num_hidden: 128, wd_mult: 0.3 });
    return sym.Activation({ data: fc1, name: 'relu1', act_type: 'relu' });
  });
  const sym1 = AttrScope.with({ ctx_group: 'stage2' }, () => {
    const fc2 = sym.FullyConnected({ data: act1, name: 'fc2', num_hidden: 64, lr_mult: 0.01 });
    const act2 = sym.Activation({ data: fc2, name: 'relu2', act_type: 'relu' });
    const fc3 = sym.BatchNorm(sym.FullyConnected({ data: act2, name: 'fc3', num_hidden: 10 }), { name: 'batchnorm0' });
    return sym.SoftmaxOutput({ data: fc3, name: 'softmax' });
  });
  const sym2 = sym.fromJSON(fixtureText('apache-mxnet/save_000800.json'));
  const a1 = sym1.attrDict(), a2 = sym2.attrDict();
  for (const [k, v1] of Object.entries(a1)) {
    assert.ok(k in a2, k);
    for (const [kk, vv] of Object.entries(v1)) if (kk.startsWith('__') && kk.endsWith('__')) assert.is(a2[k][kk], vv, `${k}.${kk}`);
  }
  assert.equal(sym2.listArguments(), sym1.listArguments());
  assert.equal(sym2.listAuxiliaryStates(), sym1.listAuxiliaryStates());
  const e1 = sym1.simpleBind({ shapes: { data: [1, 200] }, gradReq: 'null' }), e2 = sym2.simpleBind({ shapes: { data: [1, 200] }, gradReq: 'null' });
  e1.argArrays.forEach((x, i) => { const v = randArray(x.size, i); x.set(v); e2.argArrays[i].set(v); });
  e1.auxArrays.forEach((x, i) => { x.set(i); e2.auxArrays[i].set(i); });
  assertClose(e2.forward()[0].data, e1.forward()[0].data, 1e-6, 1e-7);
  e1.dispose(); e2.dispose();
});

test('MXNet test_mkldnn_model: infer (32, 3, 300, 300); bind with all-ones args, forward(train) + backward twice', () => {
  if (!haveFixtures) { skip('fixtures absent'); return; }
  const s = sym.fromJSON(fixtureText('apache-mxnet/test_mkldnn_test_mkldnn_model_model1.json'));
  assert.equal(s.inferShape({ data: [32, 3, 300, 300] }).outShapes, [[32, 1000]]);
  const exe = s.simpleBind({ shapes: { data: [1, 3, 32, 32] } }); // small input: the same graph, a fraction of the work
  for (const a of exe.argArrays) a.set(1);
  for (let k = 0; k < 2; k++) { exe.forward({ isTrain: true }); exe.backward(); }
  assert.equal(exe.outputs[0].shape, [1, 1000]);
  exe.dispose();
});

test('save/load through files (Node)', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mxwasm-sym-')), 'net-symbol.json');
  mlp().save(path);
  assert.is(readFileSync(path, 'utf8'), MLP_JSON);
  assert.equal(sym.load(path).listArguments(), mlp().listArguments());
  sym.save(path, mlp());
  assert.is(sym.load(path).toJSON(), MLP_JSON);
});

test.run();
