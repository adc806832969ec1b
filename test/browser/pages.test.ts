import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { launch, noBrowser, openPage, outDir } from './browser.js';

const env = await launch();

test('browser: index page runs a kernel, cross-origin isolated (shared memory, threads)', async () => {
  if (!env) return noBrowser();
  const { page, errors } = await openPage(env, `/web/index.html`);
  await page.waitForFunction(() => (window as any).smokeResult, null, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => (window as any).smokeResult), [[2, 4], [6, 8]]);
  const info = await page.evaluate(() => (window as any).mxInfo);
  assert.is(await page.evaluate(() => crossOriginIsolated), true);
  assert.is(info.mode, 'shared');
  assert.ok(info.threads >= 1);
  await page.screenshot({ path: `${outDir}/index-isolated.png` });
  assert.equal(errors, []);
  await page.close();
});

test('browser: without COOP/COEP the same page falls back to one thread', async () => {
  if (!env) return noBrowser();
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/plain/web/index.html`);
  await page.waitForFunction(() => (window as any).smokeResult, null, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => (window as any).smokeResult), [[2, 4], [6, 8]]);
  assert.is(await page.evaluate(() => crossOriginIsolated), false);
  const info = await page.evaluate(() => (window as any).mxInfo);
  assert.is(info.threads, 1);
  assert.ok(info.notes.some((n: string) => /cross-origin|posted/.test(n)), JSON.stringify(info.notes));
  await page.screenshot({ path: `${outDir}/index-plain.png` });
  await page.close();
});

test('browser: the benchmark page completes (quick) and draws its charts', async () => {
  if (!env) return noBrowser();
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/web/bench.html?autorun&quick&only=simd&only=gemm-128&only=lenet-infer-b1&only=dispatch`);
  await page.waitForFunction(() => (window as any).benchResult, null, { timeout: 60_000 });
  const r = await page.evaluate(() => (window as any).benchResult);
  assert.ok(r.rows.find((x: any) => x.name === 'simd-peak').value > 0.5);
  assert.ok(r.rows.find((x: any) => x.name === 'gemm-128').gflops > 0.1);
  assert.ok(r.rows.some((x: any) => x.name === 'lenet-infer-b1'));
  assert.ok(await page.locator('#chart .bar-row').count() >= 3);
  // Charts drawn while the suite runs: one redraw per finished row before the final one, growing.
  const renders: { rows: number; finished: boolean }[] = await page.evaluate(() => (window as any).benchRenders);
  const during = renders.filter((x) => !x.finished);
  assert.ok(during.length >= 3, JSON.stringify(renders));
  assert.equal(during.map((x) => x.rows), during.map((_, i) => i + 1), 'one more row at each redraw');
  assert.ok(during[0].rows < r.rows.length);
  await page.screenshot({ path: `${outDir}/bench.png`, fullPage: true });
  await page.close();
});

test('browser: the benchmark page warns about coarse timers without cross-origin isolation, not with it', async () => {
  if (!env) return noBrowser();
  for (const [path, coarse] of [['/plain/web/bench.html', true], ['/web/bench.html', false]] as const) {
    const { page, errors } = await openPage(env, path);
    await page.waitForFunction(() => (window as any).timerResolutionMs !== undefined, null, { timeout: 20_000 });
    const shown = await page.evaluate(() => !(document.getElementById('warning') as HTMLElement).hidden);
    assert.is(shown, coarse, `${path}: resolution ${await page.evaluate(() => (window as any).timerResolutionMs)} ms`);
    if (coarse) assert.match(await page.textContent('#warning') ?? '', /Coarse timers.*not cross-origin isolated/);
    assert.equal(errors, []);
    await page.close();
  }
});

test.after(async () => { await env?.close(); });
test.run();
