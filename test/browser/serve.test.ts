// `npm run serve` as a new user meets it: start the real script, open the URL it prints, and follow every
// link of the landing page; no request may fail (404 assets), no page may throw or stay on "loading…".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { launch, noBrowser, outDir, root } from './browser.js';

const env = await launch();
let server: ChildProcess | undefined;

/** Starts scripts/serve.mjs on a free port; resolves to the URLs it prints. */
function startServer(): Promise<string[]> {
  server = spawn(process.execPath, ['scripts/serve.mjs', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    server!.stdout!.on('data', (d) => {
      text += d;
      const urls = text.match(/https?:\/\/\S+/g);
      if (urls && urls.length >= 2) resolve(urls);
    });
    server!.on('exit', (c) => reject(new Error(`serve.mjs exited (${c}): ${text}`)));
  });
}

async function visit(url: string) {
  const page = await env!.browser.newPage();
  const failed: string[] = [], errors: string[] = [];
  page.on('response', (r: any) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  page.on('requestfailed', (r: any) => failed.push(`failed ${r.url()}`));
  page.on('pageerror', (e: Error) => errors.push(String(e)));
  const res = await page.goto(url);
  // The API reference answers 404 with a page saying how to build it until `npm run docs` ran (checked below).
  assert.ok(res && (res.ok() || (res.status() === 404 && url.includes('/docs/api/'))), `${url}: HTTP ${res?.status()}`);
  await page.waitForLoadState('networkidle');
  return { page, failed, errors };
}

test('npm run serve: the printed URLs load, with their assets, and every landing-page link loads', async () => {
  if (!env) return noBrowser();
  const [isolated, plain] = await startServer();
  for (const url of [isolated, plain]) {
    const { page, failed, errors } = await visit(url);
    await page.waitForFunction(() => !/loading/.test(document.getElementById('runtime')?.textContent ?? 'loading'), null, { timeout: 20_000 });
    assert.equal(failed, [], url);
    assert.equal(errors, [], url);
    assert.ok(await page.evaluate(() => getComputedStyle(document.body).fontFamily !== 'Times New Roman' && document.styleSheets.length > 0), 'style.css applied');
    if (url === isolated) await page.screenshot({ path: `${outDir}/landing.png`, fullPage: true });
    const links: string[] = await page.$$eval('a[href]', (as) => [...new Set(as.map((a) => (a as HTMLAnchorElement).href))]);
    assert.ok(links.length >= 3, `links: ${links}`);
    await page.close();
    for (const link of links.filter((l) => l.startsWith(new URL(url).origin))) {
      const v = await visit(link);
      // The digit page looks for the checkpoint `npm start` writes; before that it must say so.
      const probes = v.failed.filter((f) => f.includes('/examples/out/'));
      if (probes.length) assert.match((await v.page.textContent('body')) ?? '', /npm start/, link);
      // The API reference exists once `npm run docs` ran (npm run serve runs it; test/docs-api.test.ts checks it served).
      const noDocs = v.failed.filter((f) => f.startsWith('404') && f.includes('/docs/api/'));
      if (noDocs.length) { assert.match((await v.page.textContent('body')) ?? '', /npm run docs/, link); probes.push(...noDocs); }
      assert.equal(v.failed.filter((f) => !probes.includes(f)), [], link);
      assert.equal(v.errors, [], link);
      await v.page.close();
    }
  }
});

test.after(async () => { server?.kill(); await env?.close(); });
test.run();
