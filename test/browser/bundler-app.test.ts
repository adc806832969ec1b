// A new user's app built by a real bundler (Vite, a devDependency): `import * as mx from 'mxwasm'` resolves to the
// browser entry, Vite finds the kernels through `new URL('../kernels.wasm', import.meta.url)` and the
// data-parallel worker through `new Worker(new URL('./dp-worker.js', import.meta.url), { type: 'module' })`,
// copies/bundles them with hashed names and rewrites the URLs. The built app then runs in Chromium, served by
// `vite preview` with COOP/COEP (cross-origin isolated: threads): inference on the page, data-parallel training in
// the app's own worker. (Vite 8.4.1's rolldown panics on this app with `base: './'`, "entered unreachable code:
// Always rewrite to MemberExpression for nested MemberExpression": a worker the app starts, importing mxwasm,
// which starts its own worker; the default base builds.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, noBrowser, root } from './browser.js';
import { skip } from '../skip.js';

const app = join(root, '.tmp', `vite-app-${process.pid}`);

const MAIN = `
import * as mx from 'mxwasm';
await mx.ready();
await mx.threadsReady();
const a = mx.nd.array([1, 2, 3, 4], { shape: [2, 2] });
const data = mx.sym.Variable('data');
const exe = mx.sym.FullyConnected({ data, num_hidden: 2, name: 'fc' }).simpleBind({ shapes: { data: [1, 2] } });
exe.argDict.data.data.set([1, 2]);
exe.argDict.fc_weight.data.set([1, 0, 0, 1]);
exe.argDict.fc_bias.data.set([0.5, -0.5]);
exe.forward();
const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
const trained = await new Promise((res, rej) => { worker.onmessage = (e) => res(e.data); worker.onerror = (e) => rej(new Error(e.message)); });
window.result = { dot: Array.from(mx.nd.dot(a, a).data), fc: Array.from(exe.outputs[0].data), info: mx.runtimeInfo(), trained };
`;

/** In the app's dedicated worker (a page's main thread cannot block): one executor vs two (Vite-bundled dp workers). */
const TRAIN_WORKER = `
import * as mx from 'mxwasm';
await mx.ready();
await mx.threadsReady();
function train(context) {
  const data = mx.sym.Variable('data');
  let x = mx.sym.FullyConnected({ data, num_hidden: 12, name: 'fc1' });
  x = mx.sym.FullyConnected({ data: mx.sym.Activation({ data: x, act_type: 'tanh' }), num_hidden: 4, name: 'fc2' });
  const notes = [];
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
  const w = Array.from(mod.getParams()[0].fc1_weight.data);
  const dp = !!mod.dp;
  mod.dispose();
  return { w, dp, notes };
}
const one = train(undefined), two = train([mx.cpu(0), mx.cpu(1)]);
postMessage({ dp: two.dp, notes: two.notes, maxDiff: Math.max(...one.w.map((v, i) => Math.abs(v - two.w[i]))) });
`;

let vite: typeof import('vite');

/** Vite's build of the app into app/dist; undefined when Vite cannot run here (said why). */
async function buildApp(): Promise<string[] | undefined> {
  try { vite = await import('vite'); } catch (e) { skip(`vite cannot run here (${String(e).slice(0, 160)}): npm install`); return undefined; }
  rmSync(app, { recursive: true, force: true });
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(root, join(app, 'node_modules', 'mxwasm'), 'dir'); // as if installed: resolved by its "exports"
  writeFileSync(join(app, 'index.html'), '<!doctype html><title>app</title><script type="module" src="./main.js"></script>\n');
  writeFileSync(join(app, 'main.js'), MAIN);
  writeFileSync(join(app, 'train-worker.js'), TRAIN_WORKER);
  await vite.build({
    root: app, configFile: false, logLevel: 'warn',
    build: { outDir: 'dist', chunkSizeWarningLimit: 4096 },
    worker: { format: 'es' }, // module workers with top-level await (the default 'iife' has none)
  });
  return readdirSync(join(app, 'dist', 'assets'));
}

test('vite: an app importing mxwasm builds (kernels and workers found through import.meta.url) and runs in Chromium', async () => {
  const env = await launch();
  if (!env) return noBrowser();
  let stop = async (): Promise<void> => {};
  try {
    const assets = await buildApp();
    if (!assets) return;
    // The kernels were found and copied (hashed), the worker bundled; no URL still points into the package.
    for (const k of ['kernels', 'kernels.noshared', 'kernels.relaxed']) assert.ok(assets.some((f) => new RegExp(`^${k}-[\\w-]+\\.wasm$`).test(f)), `${k} in ${assets}`);
    assert.ok(assets.some((f) => /^dp-worker-[\w-]+\.js$/.test(f)), `dp-worker bundled: ${assets}`);
    for (const f of assets.filter((f) => f.endsWith('.js'))) {
      assert.not.match(readFileSync(join(app, 'dist', 'assets', f), 'utf8'), /\.\.\/kernels\.wasm|"\.\/dp-worker\.js"/, `${f} keeps a package-relative URL`);
    }
    const server = await vite.preview({
      root: app, configFile: false, logLevel: 'warn', build: { outDir: 'dist' },
      preview: { host: '127.0.0.1', port: 4173 + (process.pid % 1000), headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } },
    });
    // close() waits for every open connection: drop Chromium's keep-alive ones too, or a finished test can hang.
    stop = () => new Promise<void>((res) => {
      server.httpServer.close(() => res());
      (server.httpServer as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
    const page = await env.browser.newPage();
    const errors: string[] = [], failed: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(String(e)));
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    await page.goto(server.resolvedUrls!.local[0]);
    await page.waitForFunction(() => (window as any).result, null, { timeout: 50_000 });
    const r = await page.evaluate(() => (window as any).result);
    assert.equal(r.dot, [7, 10, 15, 22]);
    assert.equal(r.fc, [1.5, 1.5]);
    assert.is(r.info.mode, 'shared', `cross-origin isolated: ${JSON.stringify(r.info)}`);
    assert.ok(r.trained.dp, `two executors in the app's worker: ${JSON.stringify(r.trained.notes)}`);
    assert.ok(r.trained.maxDiff < 1e-5, `weights differ by ${r.trained.maxDiff}`);
    assert.equal(errors, []);
    assert.equal(failed, []);
  } finally {
    await stop();
    await env.close();
    rmSync(app, { recursive: true, force: true });
  }
});

test.run();
