// Bad API input (issue 14): each case is an MxError naming the argument, never a raw Error, NaN or a silently
// ignored option.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mx, expectMx } from '../helpers.js';
import { isMxError } from '../../src/errors.js';

test('unknown dtype is a DTypeError naming it', () => {
  expectMx(() => mx.nd.array([1, 2], { dtype: 'bogus' as never }), 'nd.array', /unknown dtype 'bogus'/);
  expectMx(() => mx.nd.zeros([2], 'bogus' as never), 'nd.zeros', /'bogus'/);
});

test("take mode 'raise' rejects a NaN index; clip still reads row 0", () => {
  const x = mx.nd.array([1, 2, 3]), i = mx.nd.array([NaN]);
  expectMx(() => mx.nd.take(x, i, { mode: 'raise' }), 'take raise NaN', /out of range/);
  const [y] = [mx.nd.take(x, i, { mode: 'clip' })];
  assert.equal(y.toArray(), [1]);
  x.dispose(); i.dispose(); y.dispose();
});

test('BatchNorm eps < 0 is an ArgumentError naming eps', () => {
  const x = mx.nd.ones([2, 2]), g = mx.nd.ones([2]), b = mx.nd.zeros([2]), m = mx.nd.zeros([2]), v = mx.nd.ones([2]);
  expectMx(() => mx.nd.BatchNorm(x, g, b, m, v, { eps: -1 }), 'eps -1', /'eps'/);
  for (const a of [x, g, b, m, v]) a.dispose();
});

test('mx.ready after init: options that would change the runtime throw instead of being ignored', async () => {
  mx.nd.zeros([1]).dispose(); // the runtime is up
  await mx.ready(); // no options: fine
  await mx.ready({ maxPages: 32768 }); // the default maximum again: fine
  try { await mx.ready({ maxPages: 65536 }); assert.unreachable('no error'); } catch (e) { assert.ok(isMxError(e), String(e)); assert.match((e as Error).message, /maxPages/); }
});

test('mx.ready before init: maxPages 65536, -1 and initialPages above maxPages are ArgumentErrors (a fresh process)', () => {
  const entry = fileURLToPath(new URL('../../src/entry/node.ts', import.meta.url));
  const script = `import * as mx from ${JSON.stringify(entry)};
for (const o of [{ maxPages: 65536 }, { maxPages: -1 }, { maxPages: 1000, initialPages: 2000 }, { initialPages: 1.5 }, { variant: 'x' }]) {
  try { await mx.ready(o); console.log('accepted', JSON.stringify(o)); } catch (e) { console.log(e.name, e.message.includes(Object.keys(o).at(-1)) ? 'named' : 'unnamed'); }
}
await mx.ready({ maxPages: 1024 }); console.log('max', mx.memoryStats().totalBytes <= 1024 * 65536);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), [...Array(5).fill('ArgumentError named'), 'max true']);
});

test.run();
