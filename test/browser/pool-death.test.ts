// Kernel-worker death in Chromium (issue 14): mxwasm in a dedicated worker (where the caller may block) with 2
// threads; a kernel worker whose loop an error ends marks itself dead in shared memory, so the blocked caller's
// wait fails that call with a KernelError naming it, at once (Chromium has no MessagePort 'close' event and a
// blocked worker gets no 'error' event); a terminate() through the pool's handle is reported before the next call.
// Both then run on a fresh pool. The pool's test hooks are not in the public bundle: a small bundle of the browser
// entry plus them is built beside dist/browser/index.js.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { launch, noBrowser, openPage, root } from './browser.js';

const env = await launch();
if (env) {
  await build({
    stdin: { contents: "export * from './src/entry/browser.ts'; export { poolForTests } from './src/parallel/threads.ts';", resolveDir: root, loader: 'ts' },
    bundle: true, format: 'esm', platform: 'browser', outfile: `${root}dist/browser/test-internals.js`, logLevel: 'warning', target: ['es2022'],
  });
}

const WORKER = (bundle: string, how: string) => `
import * as mx from '${bundle}';
await mx.ready();
mx.setNumThreads(2);
await mx.threadsReady();
const a = mx.nd.ones([256, 256]), ref = mx.nd.dot(a, a).data[0];
const p = mx.poolForTests();
const threads = mx.getNumThreads();
p.killWorkerForTests(1, '${how}');
const after = mx.getNumThreads();
let err = '', t0 = performance.now(), ms = 0;
for (let i = 0; i < 500 && !err; i++) { try { mx.nd.dot(a, a).dispose(); } catch (e) { err = e.name + ': ' + e.message; ms = performance.now() - t0; } }
const next = mx.nd.dot(a, a).data[0];
await mx.threadsReady();
postMessage({ threads, after, err, ms, next, ref, fresh: mx.poolForTests() !== p, threadsAgain: mx.getNumThreads(), notes: mx.runtimeInfo().notes });
`;

async function run(how: string) {
  const { page, errors } = await openPage(env!, '/web/index.html');
  const src = WORKER(`${env!.url}/dist/browser/test-internals.js`, how);
  const r = await page.evaluate((code) => new Promise<any>((res, rej) => {
    const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), { type: 'module' });
    w.onmessage = (e) => { res(e.data); w.terminate(); };
    w.onerror = (e) => rej(new Error(e.message || 'worker error'));
    setTimeout(() => rej(new Error('no answer in 50 s')), 50_000);
  }), src);
  await page.close();
  return { r, errors };
}

test('browser: a kernel worker that throws holding a part fails that call at once, naming it; the next call runs', async () => {
  if (!env) return noBrowser();
  const { r } = await run('throw');
  assert.is(r.threads, 2, JSON.stringify(r));
  assert.match(r.err, /KernelError: .*worker 1 died/, JSON.stringify(r));
  assert.not.match(r.err, /did not finish/);
  assert.is(r.next, r.ref);
  assert.ok(r.fresh && r.threadsAgain === 2, JSON.stringify(r));
  if (process.env.MXWASM_TRACE_THREADS) console.log(`  death seen ${r.ms.toFixed(1)} ms after the hook`);
});

test('browser: a kernel worker terminated through its handle is reported at once; the next call starts a fresh pool', async () => {
  if (!env) return noBrowser();
  const { r } = await run('terminate');
  assert.is(r.after, 1, JSON.stringify(r));
  assert.is(r.err, '', 'no call fails: the death was seen before the job');
  assert.is(r.next, r.ref);
  assert.ok(r.fresh && r.threadsAgain === 2, JSON.stringify(r));
});

test.after(async () => { await env?.close(); });

test.run();
