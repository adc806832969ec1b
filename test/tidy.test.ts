// mx.tidy / mx.keep / mx.memory, and Module.fitAsync (the browser form of fit: same loop, yields between batches).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx } from './helpers.js';

test('tidy disposes the temporaries, keeps what it returns (also inside arrays/objects), nests', () => {
  const x = mx.nd.array([1, -2, 3]);
  const before = mx.memory();
  let tmp: any;
  const y = mx.tidy(() => { tmp = x.mul(2); return mx.nd.relu(tmp.add(1)); });
  assert.ok(tmp.isDisposed, 'temporary disposed');
  assert.not.ok(y.isDisposed);
  assert.equal(y.toArray(), [3, 0, 7]);
  assert.is(mx.memory().numArrays, before.numArrays + 1);
  const { a, list } = mx.tidy(() => ({ a: x.mul(3), list: [x.add(1), mx.tidy(() => x.sub(1).mul(1))] }));
  assert.equal([a.toArray(), list[0].toArray(), list[1].toArray()], [[3, -6, 9], [2, -1, 4], [0, -3, 2]]);
  assert.is(mx.memory().numArrays, before.numArrays + 4);
  for (const z of [y, a, ...list]) z.dispose();
  assert.is(mx.memory().numArrays, before.numArrays);
  assert.not.ok(x.isDisposed, 'arrays from outside the scope are untouched');
});

test('1,000 temporaries in tidy leave no bytes behind; keep() survives; a throw disposes everything', () => {
  const x = mx.nd.ones([256, 256]);
  const base = mx.memory().numBytes;
  let kept: any;
  mx.tidy(() => {
    for (let i = 0; i < 1000; i++) x.mul(2);
    kept = mx.keep(x.add(1));
  });
  assert.is(mx.memory().numBytes, base + 256 * 256 * 4, 'only the kept array remains');
  kept.dispose();
  assert.is(mx.memory().numBytes, base);
  let leaked: any;
  assert.throws(() => mx.tidy(() => { leaked = x.mul(2); throw new Error('boom'); }), /boom/);
  assert.ok(leaked.isDisposed);
  assert.throws(() => mx.tidy((async () => x.mul(2)) as any), /synchronous/);
  x.dispose();
  assert.is(mx.memory().numBytes, base - 256 * 256 * 4);
  assert.ok(mx.memory().memoryBytes >= mx.memory().peakBytes);
});

test('Module.fitAsync: the same training as fit (bitwise), same callbacks, yields to the event loop between batches', async () => {
  const make = () => {
    mx.random.seed(7);
    const data = mx.nd.random.uniform(0, 1, [64, 10]), label = mx.nd.array(Array.from({ length: 64 }, (_, i) => i % 3));
    const net = mx.sym.SoftmaxOutput({ data: mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 3, name: 'fc' }), name: 'softmax' });
    const it = new mx.io.NDArrayIter({ data, label, batchSize: 8 });
    return { it, mod: new mx.mod.Module({ symbol: net }) };
  };
  const opts = (calls: string[]) => ({
    numEpoch: 2, initializer: new mx.init.Xavier(), optimizerParams: { learning_rate: 0.1 },
    batchEndCallback: (p: any) => calls.push(`b${p.epoch}.${p.nbatch}`), epochEndCallback: (e: number) => calls.push(`e${e}`),
  });
  const s = make(), sc: string[] = [];
  s.mod.fit(s.it, opts(sc));
  const a = make(), ac: string[] = [];
  let ticks = 0, done = false;
  const ticker = setInterval(() => { if (!done) ticks++; }, 0);
  await a.mod.fitAsync(a.it, { ...opts(ac), yieldEveryMs: 0 });
  done = true; clearInterval(ticker);
  assert.equal(ac, sc);
  assert.is(ac.length, 2 * 8 + 2);
  assert.ok(ticks > 0, 'timers ran while training');
  const w = (m: any) => Array.from(m.getParams()[0].fc_weight.data);
  assert.equal(w(a.mod), w(s.mod));
});

test.run();
