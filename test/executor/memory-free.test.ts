// How memory is freed (issue 14): an out-of-memory MemoryError counts the arrays alive and not disposed and
// points to dispose()/mx.tidy; Module.dispose() frees the optimizer states too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from '../helpers.js';
import { isMxError } from '../../src/errors.js';

test('MemoryError says how many arrays are alive and how to free them', () => {
  const keep = [mx.nd.zeros([1000]), mx.nd.zeros([1000])];
  try { mx.nd.zeros([2 ** 29 + 1]); assert.unreachable('no error'); } catch (e) {
    assert.ok(isMxError(e) && (e as Error).name === 'MemoryError', String(e));
    assert.match((e as Error).message, /\d+ NDArrays are alive and not disposed \([\d.]+ MiB in use\): call dispose\(\).*mx\.tidy/);
    assert.ok(((e as { where?: { liveArrays?: number } }).where?.liveArrays ?? 0) >= 2);
  }
  for (const a of keep) a.dispose();
});

test('Module.dispose frees executors and optimizer states (Adam, with and without a kvstore)', () => {
  for (const kvstore of ['local', null] as const) {
    const before = mx.memoryStats().bytesInUse;
    const data = mx.sym.Variable('data');
    const net = mx.sym.SoftmaxOutput({ data: mx.sym.FullyConnected({ data, num_hidden: 4, name: 'fc' }), name: 'softmax' });
    const mod = new mx.mod.Module({ symbol: net });
    mod.bind({ dataShapes: [['data', [8, 16]]], labelShapes: [['softmax_label', [8]]] });
    mod.initParams();
    mod.initOptimizer({ optimizer: 'adam', kvstore });
    const x = mx.nd.ones([8, 16]), y = mx.nd.zeros([8]);
    mod.forwardBackward(new mx.io.DataBatch({ data: [x], label: [y] })); mod.update();
    x.dispose(); y.dispose();
    mod.dispose();
    assert.is(mx.memoryStats().bytesInUse, before, `kvstore ${kvstore}: memory left after dispose`);
  }
});

test.run();
