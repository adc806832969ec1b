// Cold start in Chromium (Debian's, through playwright-core, as the browser tests): a fresh browser context (empty
// caches) loads a page whose module script imports dist/browser/index.js, awaits mx.ready() (fetch + compile +
// instantiate the kernels), runs one elemwise_add of 4 values and reads it back; beside it, the same page with an
// empty module script. Alternating rounds, medians of performance.now() at the end of the script (from the
// navigation's start) and of the page's own phases. The server sends no-store and COOP/COEP (threads available).
//   node bench/cold-start-browser.mjs [--rounds 15] [--json out.json]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const rounds = +arg('--rounds', 15);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (!CHROMIUM) { console.log('no chromium: nothing measured'); process.exit(0); }
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const dir = join(root, '.tmp', 'cold-start');
mkdirSync(dir, { recursive: true });
const page = (body) => `<!doctype html><meta charset="utf-8"><script type="module">\n${body}\n</script>`;
writeFileSync(join(dir, 'empty.html'), page('window.result = { end: performance.now() };'));
// The bundle's bytes alone (fetch + read as text), for what the network part of the import is here.
writeFileSync(join(dir, 'fetch.html'), page(`const t0 = performance.now(); const n = (await (await fetch('/dist/browser/index.js')).text()).length;
window.result = { end: performance.now(), fetchMs: performance.now() - t0, n };`));
writeFileSync(join(dir, 'mxwasm.html'), page(`const t0 = performance.now();
const mx = await import('/dist/browser/index.js');
const t1 = performance.now();
await mx.ready();
const t2 = performance.now();
const a = mx.nd.array([1, 2, 3, 4]); mx.nd.elemwise_add(a, a).toArray();
const t3 = performance.now();
window.result = { start: t0, importMs: t1 - t0, readyMs: t2 - t1, opMs: t3 - t2, end: t3, info: mx.runtimeInfo().variant + ' ' + mx.runtimeInfo().mode };`));

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const { chromium } = await import('playwright-core');
const { serve } = await import('../scripts/serve.mjs');
const { server, url } = await serve(0);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const res = { empty: [], mxwasm: [], fetch: [] };
const load0 = loadavg()[0];
// A time limit (`timeout` signals the process group, Chromium too) ends the run with the rounds done so far.
let stopping = false, done = 0;
process.once('SIGTERM', () => { stopping = true; });
try {
  for (let r = -1; r < rounds && !stopping; r++) {
    for (const n of r % 2 ? ['empty', 'mxwasm', 'fetch'] : ['fetch', 'mxwasm', 'empty']) {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await p.goto(`${url}/.tmp/cold-start/${n}.html`);
      await p.waitForFunction(() => window.result !== undefined, null, { timeout: 60_000 });
      const x = await p.evaluate(() => window.result);
      if (r >= 0) res[n].push(x);
      await ctx.close();
    }
    if (r >= 0) done++;
    process.stderr.write(`\rround ${r + 1}/${rounds}`);
  }
} catch (e) {
  if (!stopping || !done) throw e;
} finally { await browser.close().catch(() => {}); server.close(); }
if (stopping) process.stderr.write(`\nSIGTERM: ${done} rounds done`);
for (const k of Object.keys(res)) res[k].length = done;
process.stderr.write('\n');
const version = browser.version();
const m = (k) => median(res.mxwasm.map((x) => x[k]));
const over = median(res.mxwasm.map((x, i) => x.end - res.empty[i].end));
const out = {
  browser: `Chromium ${version}`, rounds: done, load: [load0, loadavg()[0]], kernels: res.mxwasm[0]?.info,
  emptyEndMs: median(res.empty.map((x) => x.end)), mxwasmEndMs: m('end'), overEmptyMs: over, importMs: m('importMs'), readyMs: m('readyMs'), opMs: m('opMs'),
  bundleFetchMs: median(res.fetch.map((x) => x.fetchMs)),
};
console.log(`Chromium ${version}, ${done} alternating rounds (fresh context each), load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}; kernels ${out.kernels}`);
console.log(`empty page: script end at ${out.emptyEndMs.toFixed(1)} ms; mxwasm page: ${out.mxwasmEndMs.toFixed(1)} ms (+${over.toFixed(1)} ms, per-round difference, median)`);
console.log(`  mxwasm page phases (medians): import ${out.importMs.toFixed(1)} ms, ready (fetch + compile + instantiate) ${out.readyMs.toFixed(1)} ms, first op ${out.opMs.toFixed(1)} ms; fetching the bundle's text alone: ${out.bundleFetchMs.toFixed(1)} ms`);
const json = arg('--json');
if (json) writeFileSync(json, JSON.stringify(out, null, 2));
