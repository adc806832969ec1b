// The API reference as a new user gets it: `npm run docs` (TypeDoc over the JSDoc) builds docs/api, and the page
// the landing page links to loads in Chromium with its assets, listing the public API (NDArray, Module, nd ops).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launch, noBrowser, root } from './browser/browser.js';

let built = false;

test('npm run docs builds the API reference from the JSDoc', () => {
  const before = existsSync(join(root, 'docs/api/index.html')) ? statSync(join(root, 'docs/api/index.html')).mtimeMs : 0;
  const r = spawnSync('npm', ['run', '--silent', 'docs'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  assert.is(r.status, 0, `npm run docs failed:\n${r.stdout}\n${r.stderr}`);
  assert.not.match(r.stdout + r.stderr, /\[error\]/);
  const index = readFileSync(join(root, 'docs/api/index.html'), 'utf8');
  assert.ok(statSync(join(root, 'docs/api/index.html')).mtimeMs > before, 'index.html rewritten');
  for (const name of ['NDArray', 'Symbol', 'Predictor', 'tidy', 'gluon', 'mod']) assert.match(index, new RegExp(`>${name}<`), name);
  // JSDoc examples come through (the @example of NDArray's methods).
  assert.match(readFileSync(join(root, 'docs/api/classes/NDArray.html'), 'utf8'), /Example/);
  built = true;
});

test('the API reference is served: landing-page link → index → NDArray page, no failed request or page error', async () => {
  if (!built) return assert.unreachable('docs did not build');
  const env = await launch();
  if (!env) return noBrowser();
  try {
    const page = await env.browser.newPage();
    const failed: string[] = [], errors: string[] = [];
    page.on('response', (r: any) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    page.on('pageerror', (e: Error) => errors.push(String(e)));
    await page.goto(`${env.url}/web/index.html`);
    await page.click('main a:has-text("API reference")');
    await page.waitForLoadState('networkidle');
    assert.match(page.url(), /\/docs\/api\/index\.html$/);
    assert.is(await page.title(), 'mxwasm API');
    await page.click('a[href="classes/NDArray.html"] >> nth=0');
    await page.waitForLoadState('networkidle');
    assert.match((await page.textContent('h1')) ?? '', /NDArray/);
    assert.equal(failed, []);
    assert.equal(errors, []);
  } finally { await env.close(); }
});

test.run();
