// Worker death and synchronous start (issues 14 and 16): a kernel worker that dies idle is reported at once by
// getNumThreads()/runtimeInfo() and replaced by a fresh pool on the next call; one that dies holding part of a job
// fails that call with a KernelError (not a 60 s wait); and a synchronous loop after setNumThreads(2) uses the
// workers without awaiting anything (they announce themselves in shared memory).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mx, randArray } from '../helpers.js';
import { isMxError } from '../../src/errors.js';
import { poolForTests } from '../../src/parallel/threads.js';
import { rt } from '../../src/runtime/runtime.js';

const supervised = () => rt().shared && rt().features.sharedPostable;
const matrix = () => mx.nd.array(randArray(256 * 256, 7), { shape: [256, 256] });

test('a worker killed while idle: reported at once, the next parallel call starts a fresh pool', async () => {
  if (!supervised()) return;
  mx.setNumThreads(2);
  await mx.threadsReady();
  const p = poolForTests()!;
  p.killWorkerForTests(1, false);
  for (let i = 0; i < 5e8 && mx.getNumThreads() !== 1; i++) { /* no await: the death is seen through shared memory */ }
  assert.is(mx.getNumThreads(), 1);
  assert.match(mx.runtimeInfo().notes.join('\n'), /worker 1/);
  const a = matrix(), ref = mx.nd.dot(a, a); // runs (on one thread while the new workers start)
  await mx.threadsReady();
  assert.is(mx.getNumThreads(), 2);
  assert.ok(poolForTests() && poolForTests() !== p, 'a fresh pool');
  const b = mx.nd.dot(a, a);
  assert.equal(Array.from(b.data.subarray(0, 64)), Array.from(ref.data.subarray(0, 64)));
  for (const x of [a, ref, b]) x.dispose();
});

test('a worker dying while it holds part of a job: that call throws a KernelError naming the death, the next runs', async () => {
  if (!supervised()) return;
  mx.setNumThreads(2);
  await mx.threadsReady();
  const a = matrix(), ref = mx.nd.dot(a, a);
  poolForTests()!.killWorkerForTests(1, true);
  let err: unknown;
  for (let i = 0; i < 200 && !err; i++) { try { mx.nd.dot(a, a).dispose(); } catch (e) { err = e; } } // until the worker takes a part
  assert.ok(isMxError(err), String(err));
  assert.match((err as Error).message, /worker 1 (died|exited)/);
  assert.not.match((err as Error).message, /did not finish/);
  const b = mx.nd.dot(a, a); // the next call: a fresh pool (single-threaded until it is up)
  assert.equal(Array.from(b.data.subarray(0, 64)), Array.from(ref.data.subarray(0, 64)));
  await mx.threadsReady();
  assert.is(mx.getNumThreads(), 2);
  for (const x of [a, ref, b]) x.dispose();
});

test('a synchronous loop after setNumThreads(2) uses the workers without awaiting (fresh process)', () => {
  const entry = fileURLToPath(new URL('../../src/entry/node.ts', import.meta.url));
  const script = `import * as mx from ${JSON.stringify(entry)};
mx.setNumThreads(2);
const a = mx.nd.ones([256, 256]);
let share = 0, n = 0;
const t0 = performance.now();
while (performance.now() - t0 < 30000) { mx.nd.dot(a, a).dispose(); n++; share = mx.threadStats()?.workerShare ?? 0; if (share > 0) break; }
console.log(JSON.stringify({ share, n, ms: performance.now() - t0, shared: mx.runtimeInfo().mode, notes: mx.runtimeInfo().notes, stats: mx.threadStats() }));
mx.shutdown();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MXWASM_NUM_THREADS: '' } });
  assert.is(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  if (o.shared !== 'shared') return;
  assert.ok(o.share > 0, `worker share ${o.share} after ${o.n} products: ${JSON.stringify(o)}`);
  if (process.env.MXWASM_TRACE_THREADS) console.log(`  first worker part after ${o.ms.toFixed(1)} ms (${o.n} products)`);
});

test.run();
