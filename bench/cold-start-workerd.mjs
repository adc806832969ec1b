// Cold start in Cloudflare's workerd (the edge entry, dist/edge/index.js, with the kernels imported as a wasm
// module, as a Workers deploy bundles them): fresh `workerd serve` processes, alternated round by round, one with an
// empty worker and one whose fetch handler runs one elemwise_add of 4 values on mxwasm and reads it back. Measured
// per process: wall time from spawn to the first response, and CPU time of all its threads until then
// (/proc/<pid>/task/*/schedstat, ns); "over empty" is the per-round difference's median. The mxwasm worker's
// global scope (the import: init of the runtime on the wasm module workerd compiled) runs at startup, the op in
// the first request. The binary: --workerd <path>, $WORKERD, or node_modules/.bin / .tmp/runtimes (scripts/runtimes.mjs).
// --parts adds three workers that split the cost: `wasm` only imports the kernel module (workerd compiles it at
// startup, per isolate) and instantiates nothing; `js` imports the library (dist/browser/mxwasm.js: parse and
// evaluation of the JavaScript) without the edge entry's runtime init; `init` imports the edge entry (runtime
// init included) and runs no op.
//   node bench/cold-start-workerd.mjs [--rounds 15] [--workerd path] [--dist other/dist] [--json out.json] [--parts]
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { findRuntime } from '../scripts/runtimes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const rounds = +arg('--rounds', 15);
const bin = arg('--workerd') ?? process.env.WORKERD ?? findRuntime('workerd');
if (!bin || !existsSync(bin)) { console.log('no workerd binary (npm install workerd, or --workerd <path>): nothing measured'); process.exit(0); }
const dist = arg('--dist', join(root, 'dist'));
const dir = join(root, '.tmp', 'cold-start-workerd');
mkdirSync(dir, { recursive: true });

const WORKERS = {
  empty: 'export default { async fetch() { return Response.json({ ok: true }); } };',
  mxwasm: `import * as mx from ${JSON.stringify(join(dist, 'edge', 'index.js'))};
export default { async fetch() {
  const a = mx.nd.array([1, 2, 3, 4]);
  return Response.json({ ok: true, sum: mx.nd.elemwise_add(a, a).toArray(), variant: mx.runtimeInfo().variant });
} };`,
  ...(process.argv.includes('--parts') ? {
    wasm: `import k from ${JSON.stringify(join(dist, 'kernels.noshared.wasm'))};
export default { async fetch() { return Response.json({ ok: k instanceof WebAssembly.Module }); } };`,
    js: `import * as mx from ${JSON.stringify(join(dist, 'browser', 'mxwasm.js'))};
export default { async fetch() { return Response.json({ ok: Object.keys(mx).length > 0 }); } };`,
    init: `import * as mx from ${JSON.stringify(join(dist, 'edge', 'index.js'))};
export default { async fetch() { return Response.json({ ok: mx.isReady() }); } };`,
  } : {}),
};
const WITH_WASM = new Set(['mxwasm', 'wasm', 'init']);

const { build } = await import('esbuild');
for (const [name, src] of Object.entries(WORKERS)) {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'src.mjs'), src);
  // As a Workers deploy: one ES module bundle, the .wasm kept as a module of its own.
  await build({
    entryPoints: [join(d, 'src.mjs')], outfile: join(d, 'worker.mjs'), bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', logLevel: 'error',
    plugins: [{ name: 'wasm', setup(b) { b.onResolve({ filter: /\.wasm$/ }, (a) => ({ path: './' + a.path.split('/').pop(), external: true })); } }],
  });
  if (WITH_WASM.has(name)) copyFileSync(join(dist, 'kernels.noshared.wasm'), join(d, 'kernels.noshared.wasm'));
}

const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
/** CPU seconds (ms) of every thread of a process so far, from schedstat (ns resolution). */
/** Minor page faults of a process so far (fresh memory touched), from /proc/<pid>/stat. */
const faultsOf = (pid) => +readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[7];
const cpuOf = (pid) => {
  let ns = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) { try { ns += +readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]; } catch { /* thread ended */ } }
  return ns / 1e6;
};

async function once(name) {
  const d = join(dir, name);
  const port = await freePort();
  writeFileSync(join(d, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),${WITH_WASM.has(name) ? '\n    (name = "kernels.noshared.wasm", wasm = embed "kernels.noshared.wasm"),' : ''}
  ],
  compatibilityDate = "2024-09-23",
);
`);
  const t0 = performance.now();
  const proc = spawn(bin, ['serve', join(d, 'config.capnp')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (x) => { log += x; });
  try {
    for (;;) {
      if (stopping) throw new Error('stopped');
      if (performance.now() - t0 > 30_000) throw new Error(`${name}: no answer in 30 s: ${log.slice(-400)}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/`);
        const body = await r.json();
        const wall = performance.now() - t0, cpu = cpuOf(proc.pid), pf = faultsOf(proc.pid);
        if (!body.ok) throw new Error(`${name}: ${JSON.stringify(body)}`);
        if (name === 'mxwasm' && body.sum.join() !== '2,4,6,8') throw new Error(`wrong sum ${body.sum}`);
        return { wall, cpu, pf, variant: body.variant };
      } catch (e) {
        if (e.message.startsWith(name) || e.message.startsWith('wrong')) throw e;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  } finally { proc.kill('SIGKILL'); await new Promise((r) => proc.once('exit', r)); }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const names = Object.keys(WORKERS);
const res = Object.fromEntries(names.map((n) => [n, []]));
const load0 = loadavg()[0];
// A time limit (SIGTERM from `timeout`, which signals workerd too) ends the run with the rounds done so far.
let stopping = false, done = 0;
process.once('SIGTERM', () => { stopping = true; });
try {
  for (let r = -1; r < rounds && !stopping; r++) {
    for (const n of r % 2 ? names : [...names].reverse()) { const x = await once(n); if (r >= 0) res[n].push(x); }
    if (r >= 0) done++;
    process.stderr.write(`\rround ${r + 1}/${rounds}`);
  }
} catch (e) { if (!stopping || !done) throw e; }
process.stderr.write(stopping ? `\nSIGTERM: ${done} rounds done\n` : '\n');
for (const k of Object.keys(res)) res[k].length = done;
const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
const m = (n, k) => median(res[n].map((x) => x[k]));
const over = (k, n = 'mxwasm') => median(res[n].map((x, i) => x[k] - res.empty[i][k]));
const out = { workerd: version, rounds: done, load: [load0, loadavg()[0]], variant: res.mxwasm[0].variant,
  emptyWallMs: m('empty', 'wall'), emptyCpuMs: m('empty', 'cpu'), mxwasmWallMs: m('mxwasm', 'wall'), mxwasmCpuMs: m('mxwasm', 'cpu'), overEmptyWallMs: over('wall'), overEmptyCpuMs: over('cpu'),
  overEmptyPageFaults: over('pf') };
console.log(`${version}, ${done} alternating rounds, load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}; kernels ${out.variant}`);
console.log('| worker | CPU ms to first response (median) | over empty | wall ms (median) | over empty | page faults over empty |');
console.log('|---|---:|---:|---:|---:|---:|');
console.log(`| empty | ${out.emptyCpuMs.toFixed(1)} | | ${out.emptyWallMs.toFixed(1)} | | |`);
console.log(`| mxwasm (import + one op) | ${out.mxwasmCpuMs.toFixed(1)} | +${out.overEmptyCpuMs.toFixed(1)} | ${out.mxwasmWallMs.toFixed(1)} | ` +
  `+${out.overEmptyWallMs.toFixed(1)} | +${out.overEmptyPageFaults} |`);
const PARTS = { wasm: 'kernel module only (compiled, not instantiated)', js: 'library JS only (no runtime init)', init: 'import of the edge entry (runtime init), no op' };
for (const n of names.filter((x) => PARTS[x])) {
  out[`${n}CpuMs`] = m(n, 'cpu'); out[`${n}OverEmptyCpuMs`] = over('cpu', n); out[`${n}OverEmptyWallMs`] = over('wall', n); out[`${n}OverEmptyPageFaults`] = over('pf', n);
  console.log(`| ${PARTS[n]} | ${m(n, 'cpu').toFixed(1)} | +${over('cpu', n).toFixed(1)} | ${m(n, 'wall').toFixed(1)} | +${over('wall', n).toFixed(1)} | +${over('pf', n)} |`);
}
const json = arg('--json');
if (json) writeFileSync(json, JSON.stringify(out, null, 2));
