// Data-parallel worker death (issue 14): a killed executor worker fails the step (and `fit`) with a KernelError
// naming it, at once rather than after the 60 s bound, even though the main thread is blocked in its wait (the
// death reaches it through shared memory: src/parallel/watchdog.ts); the Module binds fresh workers on its next
// step and trains on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { isMxError } from '../../src/errors.js';
import { dataParallelAvailable, type ExecutorGroup } from '../../src/parallel/dp.js';

const skip = !dataParallelAvailable();
if (skip) console.log('  (data-parallel death tests skipped: no shared memory workers here)');

function setup() {
  const data = mx.sym.Variable('data');
  let x = mx.sym.FullyConnected({ data, num_hidden: 16, name: 'fc1' });
  x = mx.sym.Activation({ data: x, act_type: 'relu', name: 'r1' });
  const sym = mx.sym.SoftmaxOutput({ data: mx.sym.FullyConnected({ data: x, num_hidden: 3, name: 'fc2' }), name: 'softmax' });
  const it = new mx.io.NDArrayIter({ data: mx.nd.array(randArray(40 * 5, 3), { shape: [40, 5] }), label: mx.nd.array(Float32Array.from({ length: 40 }, (_, i) => i % 3)), batch_size: 8 });
  const mod = new mx.mod.Module({ symbol: sym, context: [mx.cpu(0), mx.cpu(1)], logger: () => undefined });
  return { mod, it };
}
const groupOf = (mod: unknown) => (mod as { dp?: { group: ExecutorGroup } }).dp!.group;
const fit = (mod: InstanceType<typeof mx.mod.Module>, it: unknown, epochs = 1) => {
  const old = mx.callback.setLogger(() => {});
  try { mod.fit(it as never, { numEpoch: epochs, optimizer: 'sgd', optimizerParams: { learning_rate: 0.1 }, initializer: new mx.init.Xavier() }); } finally { mx.callback.setLogger(old); }
};
function expectDeath(f: () => void, what: string): string {
  try { f(); } catch (e) {
    assert.ok(isMxError(e), `${what}: ${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, /data-parallel worker 1 died/, what);
    assert.not.match((e as Error).message, /no answer within/, `${what}: seen through the death, not the time bound`);
    return (e as Error).message;
  }
  assert.unreachable(`${what}: no error`);
  return '';
}

test('a data-parallel worker that exits in the middle of a step: fit fails naming it; the next fit runs on fresh workers', () => {
  if (skip) return;
  const { mod, it } = setup();
  try {
    fit(mod, it);
    const g = groupOf(mod), before = mod.getParams()[0].fc1_weight.toTypedArray();
    g.killWorkerForTests(1); // process.exit(3) when it takes its next step: only the watchdog can tell
    const msg = expectDeath(() => fit(mod, it), 'exit mid-step');
    assert.match(msg, /exited, crashed or was terminated/);
    assert.ok(g.broken, 'the group knows it is broken');
    fit(mod, it, 2);
    assert.ok(groupOf(mod) !== g, 'fresh workers');
    assert.is(groupOf(mod).broken, undefined);
    const after = mod.getParams()[0].fc1_weight.toTypedArray();
    assert.ok(after.every(Number.isFinite) && after.some((v, i) => v !== before[i]), 'training went on');
  } finally { mod.dispose(); }
});

test('a data-parallel worker terminated while idle: the next step fails naming it, the one after runs', () => {
  if (skip) return;
  const { mod, it } = setup();
  try {
    fit(mod, it);
    const g = groupOf(mod);
    (g as unknown as { workers: { terminate(): unknown }[] }).workers[0].terminate();
    expectDeath(() => fit(mod, it), 'terminated idle');
    fit(mod, it);
    assert.ok(groupOf(mod) !== g && !groupOf(mod).broken, 'fresh workers');
  } finally { mod.dispose(); }
});

test('a broken group refuses to run again (its Module rebinds instead of hanging)', () => {
  if (skip) return;
  const { mod, it } = setup();
  try {
    fit(mod, it);
    const g = groupOf(mod);
    g.killWorkerForTests(1);
    expectDeath(() => fit(mod, it), 'exit mid-step');
    assert.throws(() => g.run(4), /bind again/);
  } finally { mod.dispose(); }
});

test.run();
