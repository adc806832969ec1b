// Real-browser harness: Debian's Chromium driven by playwright-core, pages served by scripts/serve.mjs.
// Where Chromium is absent, `launch()` returns undefined and the tests say so and skip.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { skip } from '../skip.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const outDir = fileURLToPath(new URL('../../test-output/', import.meta.url));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

/** Why a browser test skips where Chromium is absent (`if (!env) return noBrowser();`). */
export const noBrowser = (): void => skip('browser test: no chromium (.ci/run installs it with apt-get)');

/** Launch flags that work as root in this sandbox (wasm-build.md, env notes). */
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function launch() {
  if (!CHROMIUM) return undefined;
  const { chromium } = await import('playwright-core');
  mkdirSync(outDir, { recursive: true });
  const { bundle } = await import(new URL('../../scripts/bundle.mjs', import.meta.url).href);
  await bundle(root);
  const { serve } = await import(new URL('../../scripts/serve.mjs', import.meta.url).href);
  const { server, url } = await serve(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return { browser, url, close: async () => { await browser.close(); server.close(); } };
}

/** A new page at `path` of the test server, with the page errors it throws collected in `errors`. */
export async function openPage(env: NonNullable<Awaited<ReturnType<typeof launch>>>, path: string) {
  const page = await env.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e: Error) => errors.push(String(e)));
  await page.goto(`${env.url}${path}`);
  return { page, errors };
}
