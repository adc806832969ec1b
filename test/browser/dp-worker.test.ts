// Data-parallel Module in a browser: a page's main thread cannot block, so mxwasm runs in a dedicated worker,
// which starts the executor workers from dist/browser/dp-worker.js. Two executors at batch B must reach the
// weights of one executor at batch B (as in test/parallel/dp.test.ts); the page's main thread says why it
// runs one executor.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { launch, noBrowser, openPage } from './browser.js';

const env = await launch();

/** Module source run in a dedicated worker (and, for the fallback, on the page): trains and posts the result. */
const TRAIN = (bundle: string) => `
import * as mx from '${bundle}';
await mx.ready();
await mx.threadsReady(); // in browsers this also starts the executor workers ahead

const notes = [];
function train(context) {
  const data = mx.sym.Variable('data');
  let x = mx.sym.FullyConnected({ data, num_hidden: 12, name: 'fc1' });
  x = mx.sym.Activation({ data: x, act_type: 'tanh', name: 't1' });
  x = mx.sym.FullyConnected({ data: x, num_hidden: 4, name: 'fc2' });
  const mod = new mx.mod.Module({ symbol: mx.sym.SoftmaxOutput({ data: x, name: 'softmax' }), context, logger: (m) => notes.push(m) });
  mod.bind({ dataShapes: [['data', [8, 9]]], labelShapes: [['softmax_label', [8]]] });
  mx.random.seed(11);
  mod.initParams({ initializer: new mx.init.Xavier() });
  mod.initOptimizer({ optimizer: 'sgd', optimizerParams: { learning_rate: 0.1, momentum: 0.9, rescale_grad: 1 / 8 } });
  for (let s = 0; s < 4; s++) {
    const d = Float32Array.from({ length: 72 }, (_, i) => Math.sin(i * 0.37 + s));
    const l = Float32Array.from({ length: 8 }, (_, i) => (i + s) % 4);
    mod.forwardBackward(new mx.io.DataBatch({ data: [mx.nd.array(d, { shape: [8, 9] })], label: [mx.nd.array(l)] }));
    mod.update();
  }
  const [args] = mod.getParams();
  const w = Array.from(args.fc1_weight.data).concat(Array.from(args.fc2_weight.data));
  const dp = !!mod.dp;
  mod.dispose();
  return { w, dp };
}
const one = train(undefined), two = train([mx.cpu(0), mx.cpu(1)]);
const maxDiff = Math.max(...one.w.map((v, i) => Math.abs(v - two.w[i])));
return_({ maxDiff, dpOne: one.dp, dpTwo: two.dp, notes, info: mx.runtimeInfo() });
`;

test('browser: a data-parallel Module in a dedicated worker runs two executors and matches one executor', async () => {
  if (!env) return noBrowser();
  const { page, errors } = await openPage(env, `/web/index.html`);
  const src = TRAIN(`${env.url}/dist/browser/index.js`).replace('return_(', 'postMessage(');
  const r = await page.evaluate((code) => new Promise<any>((res, rej) => {
    const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), { type: 'module' });
    w.onmessage = (e) => { res(e.data); w.terminate(); };
    w.onerror = (e) => rej(new Error(e.message || 'worker error'));
    setTimeout(() => rej(new Error('no answer in 60 s')), 60_000);
  }), src);
  assert.is(r.dpOne, false);
  assert.is(r.dpTwo, true, `the worker ran one executor: ${JSON.stringify(r.notes)} ${JSON.stringify(r.info)}`);
  assert.ok(r.maxDiff < 1e-5, `weights differ by ${r.maxDiff}`);
  assert.equal(errors, []);
  await page.close();
});

test('browser: on the page\'s main thread (cannot block) a data-parallel Module runs one executor and says why', async () => {
  if (!env) return noBrowser();
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/web/index.html`);
  const src = TRAIN(`${env.url}/dist/browser/index.js`).replace('return_(', 'window.__dpResult = (');
  await page.addScriptTag({ type: 'module', content: src });
  await page.waitForFunction(() => (window as any).__dpResult, null, { timeout: 60_000 });
  const r = await page.evaluate(() => (window as any).__dpResult);
  assert.is(r.dpTwo, false);
  assert.ok(r.notes.some((n: string) => /one executor/.test(n)), JSON.stringify(r.notes));
  assert.ok(r.maxDiff < 1e-6, `weights differ by ${r.maxDiff}`);
  await page.close();
});

test.after(async () => { await env?.close(); });
test.run();
