import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { launch, noBrowser, openPage, outDir } from './browser.js';
import { mx } from '../helpers.js';
// @ts-ignore: plain JS module
import { mnistSplit } from '../../examples/mnist-data.mjs';

const env = await launch();

/** Trains a small LeNet-input MLP on the bundled digits (seconds) and saves an MXNet checkpoint for the page. */
function trainModel(prefix: string): number {
  const { train, test: held } = mnistSplit();
  mx.random.seed(1);
  const it = new mx.io.NDArrayIter({ data: mx.nd.array(train.images, { shape: [train.n, 1, 28, 28] }), label: mx.nd.array(train.labels), batch_size: 64, shuffle: true, seed: 3 });
  const mod = new mx.mod.Module({ symbol: mx.models.mlp() });
  mod.fit(it, { numEpoch: 4, initializer: new mx.init.Xavier({ magnitude: 2.24 }), optimizer: 'sgd', optimizerParams: { learning_rate: 0.1, momentum: 0.9 } });
  const testIt = new mx.io.NDArrayIter({ data: mx.nd.array(held.images, { shape: [held.n, 1, 28, 28] }), label: mx.nd.array(held.labels), batch_size: 100 });
  const [[, acc]] = mod.score(testIt, 'acc');
  mod.saveCheckpoint(prefix, 4);
  return acc;
}

async function stroke(page: any, pts: [number, number][]) {
  const box = await page.locator('#pad').boundingBox();
  await page.mouse.move(box.x + pts[0][0], box.y + pts[0][1]);
  await page.mouse.down();
  for (const [x, y] of pts.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
  await page.mouse.up();
}

test('browser: the digit page recognises drawn strokes (synthesised pointer events)', async () => {
  if (!env) return noBrowser();
  mkdirSync(`${outDir}/digit-model`, { recursive: true });
  const acc = trainModel(`${outDir}/digit-model/mlp`);
  assert.ok(acc > 0.9, `model accuracy ${acc}`);
  const { page, errors } = await openPage(env, `/web/digit.html?prefix=/test-output/digit-model/mlp&epoch=4`);
  await page.waitForFunction(() => (window as any).digitReady, null, { timeout: 20_000 });
  assert.is(await page.evaluate(() => (window as any).digitError), undefined);
  // A "1": one vertical stroke.
  await stroke(page, [[140, 40], [142, 120], [143, 200], [144, 240]]);
  await page.waitForFunction(() => (window as any).digitResult, null, { timeout: 10_000 });
  let r = await page.evaluate(() => (window as any).digitResult);
  await page.screenshot({ path: `${outDir}/digit-1.png` });
  assert.is(r.best, 1, `probabilities ${r.probs.map((p: number) => p.toFixed(2))}`);
  assert.ok(Math.abs(r.probs.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-4);
  // A "0": a closed loop.
  await page.click('#clear');
  const loop: [number, number][] = Array.from({ length: 25 }, (_, i) => { const t = (i / 24) * 2 * Math.PI; return [140 + 60 * Math.sin(t), 140 - 90 * Math.cos(t)]; });
  await stroke(page, loop);
  await page.waitForTimeout(200);
  r = await page.evaluate(() => (window as any).digitResult);
  await page.screenshot({ path: `${outDir}/digit-0.png` });
  assert.is(r.best, 0, `probabilities ${r.probs.map((p: number) => p.toFixed(2))}`);
  assert.equal(errors, []);
  await page.close();
});

test('browser: the model viewer shows the layer table and the graph of a symbol file with its params', async () => {
  if (!env) return noBrowser();
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/web/viewer.html?symbol=/test-output/digit-model/mlp-symbol.json&params=/test-output/digit-model/mlp-0004.params&shape=1,1,28,28`);
  await page.waitForFunction(() => (window as any).viewerReady, null, { timeout: 20_000 });
  const r = await page.evaluate(() => (window as any).viewerResult);
  assert.ok(r?.ok, JSON.stringify(r));
  assert.match(await page.locator('#summary').innerText(), /fc1/);
  assert.match(await page.locator('#paramsInfo').innerText(), /6 arrays/);
  assert.ok(await page.locator('#graph svg').count() === 1);
  await page.screenshot({ path: `${outDir}/viewer.png`, fullPage: true });
  await page.close();
});

test('browser: the model viewer opens an ONNX model (the same MLP exported with mx.onnx.exportModel)', async () => {
  if (!env) return noBrowser();
  const { symbol, argParams, auxParams } = mx.model.loadCheckpoint(`${outDir}/digit-model/mlp`, 4);
  writeFileSync(`${outDir}/digit-model/mlp.onnx`, mx.onnx.exportModel(symbol, { argParams, auxParams }, { data: [1, 1, 28, 28] }, { dynamicBatch: 'N' }));
  const { page, errors } = await openPage(env, '/web/viewer.html?symbol=/test-output/digit-model/mlp.onnx');
  await page.waitForFunction(() => (window as any).viewerReady, null, { timeout: 20_000 });
  const r = await page.evaluate(() => (window as any).viewerResult);
  assert.ok(r?.ok, JSON.stringify(r));
  assert.match(await page.locator('#summary').innerText(), /fc1/);
  assert.match(await page.locator('#paramsInfo').innerText(), /ONNX opset 13.*data \[N, 1, 28, 28\]/);
  assert.ok(await page.locator('#graph svg').count() === 1);
  await page.screenshot({ path: `${outDir}/viewer-onnx.png`, fullPage: true });
  assert.equal(errors, []);
  await page.close();
});

test('browser: the digit page explains a missing model', async () => {
  if (!env) return noBrowser();
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/plain/web/digit.html?prefix=/nowhere/lenet&epoch=1`);
  await page.waitForFunction(() => (window as any).digitReady, null, { timeout: 20_000 });
  assert.match(await page.locator('#model').innerText(), /npm start/);
  await page.close();
});

test.after(async () => { await env?.close(); });
test.run();
