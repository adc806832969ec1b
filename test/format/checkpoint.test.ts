import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mx } from '../helpers.js';
import { haveFixtures, fixture, fixtureBytes, fixtureText, skip } from './fixtures.js';

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

test('mx.nd gains save/load; mx.model and mx.Predictor are exported', () => {
  for (const f of ['save', 'load', 'loadWithInfo', 'loadAsync', 'saveNumpy']) assert.type((mx.nd as any)[f], 'function', f);
  assert.type(mx.model.loadCheckpoint, 'function');
  assert.type(mx.Predictor.load, 'function');
  assert.equal(mx.model.checkpointFiles('a/b', 7), { symbol: 'a/b-symbol.json', params: 'a/b-0007.params' });
  assert.is(mx.model.checkpointFiles('m', 12345).params, 'm-12345.params');
  assert.throws(() => mx.model.checkpointFiles('m', -1), /non-negative integer/);
});

test('saveCheckpoint / loadCheckpoint round trip (arg: then aux:, symbol JSON)', () => {
  const data = mx.sym.Variable('data');
  const fc = mx.sym.FullyConnected({ data, num_hidden: 3, name: 'fc' });
  const net = mx.sym.BatchNorm({ data: fc, name: 'bn' });
  const arg = { fc_weight: mx.nd.ones([3, 4]), fc_bias: mx.nd.array([1, 2, 3]), bn_gamma: mx.nd.ones([3]), bn_beta: mx.nd.zeros([3]) };
  const aux = { bn_moving_mean: mx.nd.array([0.5, 0, 0]), bn_moving_var: mx.nd.ones([3]) };
  const { symbolJSON, params } = mx.model.checkpointBytes(net, arg, aux);
  const names = Object.keys(mx.nd.load(params));
  assert.equal(names, ['arg:fc_weight', 'arg:fc_bias', 'arg:bn_gamma', 'arg:bn_beta', 'aux:bn_moving_mean', 'aux:bn_moving_var']);
  const ck = mx.model.loadCheckpointFromBytes(symbolJSON, params);
  assert.equal(ck.symbol.listArguments(), net.listArguments());
  assert.equal(ck.symbol.listAuxiliaryStates(), ['bn_moving_mean', 'bn_moving_var']);
  assert.equal(ck.auxParams.bn_moving_mean.toArray(), [0.5, 0, 0]);
  const dir = mkdtempSync(join(tmpdir(), 'mxwasm-ck-'));
  try {
    mx.model.saveCheckpoint(join(dir, 'net'), 3, net, arg, aux);
    assert.ok(same(new Uint8Array(readFileSync(join(dir, 'net-0003.params'))), params));
    assert.is(readFileSync(join(dir, 'net-symbol.json'), 'utf8'), symbolJSON);
    const back = mx.model.loadCheckpoint(join(dir, 'net'), 3);
    assert.equal(back.argParams.fc_bias.toArray(), [1, 2, 3]);
    assert.throws(() => mx.model.loadCheckpoint(join(dir, 'net'), 4), /cannot read .*net-0004.params/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
  assert.throws(() => mx.model.loadCheckpointFromBytes(symbolJSON, mx.nd.save(null, [mx.nd.ones([1])])), /unnamed list/);
  assert.throws(() => mx.model.loadCheckpointFromBytes('{"nodes": [', params), (e: any) => e.name === 'FormatError');
});

if (!haveFixtures) skip('checkpoint fixture tests (no ../shared/fixtures/mxnet)');
else {
  test('fcrc-demo LeNet checkpoint: loads, splits arg:, saves back to the same bytes', async () => {
    const ck = mx.model.loadCheckpoint(fixture('fcrc-demo/lenet'), 1);
    assert.equal(Object.keys(ck.auxParams), []);
    assert.equal(ck.symbol.listArguments().slice(1), Object.keys(ck.argParams));
    assert.equal(ck.symbol.listOutputs(), ['hybridsequential0_dense1_fwd_output']);
    assert.ok(same(mx.model.checkpointBytes(ck.symbol, ck.argParams, ck.auxParams).params, fixtureBytes('fcrc-demo/lenet-0001.params')));
    const a = await mx.model.loadCheckpointAsync({ symbol: new Response(fixtureText('fcrc-demo/lenet-symbol.json')), params: fixtureBytes('fcrc-demo/lenet-0001.params') });
    assert.equal(Object.keys(a.argParams), Object.keys(ck.argParams));
    const b = await mx.model.loadCheckpointAsync(fixture('fcrc-demo/lenet'), 1);
    assert.equal(b.argParams.hybridsequential0_dense1_bias.toArray(), ck.argParams.hybridsequential0_dense1_bias.toArray());
  });
}

test.run();
