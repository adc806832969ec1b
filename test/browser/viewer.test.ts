// The model viewer as a user meets it: the graph laid out by dagre (branches side by side, one edge per connected
// pair, not one long column with doubled edges), and a warning when the input shape does not fit the parameters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mx } from '../helpers.js';
import { launch, noBrowser, openPage, outDir } from './browser.js';

const env = await launch();
const dir = `${outDir}/viewer-model`;
mkdirSync(dir, { recursive: true });
// LeNet with its parameters (zeros: only their shapes matter here).
const lenet = mx.models.lenet();
const inf = lenet.inferShape({ data: [1, 1, 28, 28] });
const params: Record<string, any> = {};
lenet.listArguments().forEach((n: string, i: number) => { if (n !== 'data' && !n.endsWith('_label')) params[`arg:${n}`] = mx.nd.zeros(inf.argShapes[i]); });
writeFileSync(`${dir}/lenet-symbol.json`, lenet.toJSON());
writeFileSync(`${dir}/lenet-0001.params`, mx.nd.save(null, params));
Object.values(params).forEach((a) => a.dispose());
// A residual block that feeds one node twice (x + x) and branches.
const x = mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 8, name: 'fc1' });
const r = mx.sym.Activation({ data: x, act_type: 'relu', name: 'relu1' });
const twice = mx.sym.elemwise_add(x, x, { name: 'twice' });
const sum = mx.sym.elemwise_add(twice, r, { name: 'sum' });
writeFileSync(`${dir}/res-symbol.json`, mx.sym.SoftmaxOutput({ data: sum, name: 'softmax' }).toJSON());

const view = (q: string) => `/web/viewer.html?${q}`;
async function open(q: string) {
  const { page, errors } = await openPage(env!, view(q));
  await page.waitForFunction(() => (window as any).viewerReady, null, { timeout: 20_000 });
  return { page, errors, r: await page.evaluate(() => (window as any).viewerResult) };
}

test('browser: model viewer lays the graph out with dagre: branches side by side, no doubled edges', async () => {
  if (!env) return noBrowser();
  const { page, errors, r } = await open('symbol=/test-output/viewer-model/res-symbol.json&shape=2,5');
  assert.ok(r.ok, JSON.stringify(r));
  // data, fc1, relu1, twice, sum, softmax_label, softmax (weights hidden); fc1->twice once although twice reads it twice.
  assert.is(r.graph.nodes, 7);
  assert.is(r.graph.edges, 7);
  const edges = await page.$$eval('#graph svg polyline.edge', (ls) => ls.length);
  assert.is(edges, 7);
  const xs: number[] = await page.$$eval('#graph svg g.node rect', (rs) => rs.map((e) => Number(e.getAttribute('x'))));
  assert.ok(new Set(xs).size >= 2, `laid out in more than one column: ${xs}`);
  assert.ok(await page.locator('#warning').isHidden());
  assert.match(await page.locator('#graph svg').textContent() ?? '', /2×8/); // edges carry inferred shapes
  assert.equal(errors, []);
  await page.screenshot({ path: `${outDir}/viewer-dagre.png`, fullPage: true });
  await page.close();
});

test('browser: model viewer warns when the input shape does not match the parameters, and not when it does', async () => {
  if (!env) return noBrowser();
  const base = 'symbol=/test-output/viewer-model/lenet-symbol.json&params=/test-output/viewer-model/lenet-0001.params';
  const ok = await open(`${base}&shape=1,1,28,28`);
  assert.ok(ok.r.ok && ok.r.warnings.length === 0, JSON.stringify(ok.r));
  assert.ok(await ok.page.locator('#warning').isHidden());
  await ok.page.close();
  const bad = await open(`${base}&shape=1,3,28,28`);
  assert.ok(bad.r.ok, JSON.stringify(bad.r));
  assert.ok(await bad.page.locator('#warning').isVisible());
  const text = await bad.page.locator('#warning').innerText();
  assert.match(text, /input shape \[1,3,28,28\] does not match the parameters: conv1_weight is \(20, 1, 5, 5\) in the \.params file but \(20, 3, 5, 5\)/);
  assert.is(await bad.page.locator('#graph svg').count(), 1, 'the graph is still drawn');
  await bad.page.screenshot({ path: `${outDir}/viewer-warning.png`, fullPage: true });
  const tiny = await open(`${base}&shape=1,1,4,4`);
  assert.match(await tiny.page.locator('#warning').innerText(), /does not fit this model/);
  assert.equal([...ok.errors, ...bad.errors, ...tiny.errors], []);
  await bad.page.close(); await tiny.page.close();
});

test.after(async () => { await env?.close(); });
test.run();
