// `npm run bench [-- filters...]`: runs the workloads of bench/workloads/*.mjs (mxwasm and the peers,
// interleaved), prints a table, writes bench/results/latest.json (and --json <path>). See bench/README.md.
// Usage: node --import tsx bench/run.mjs [name-substring ...] [--json out.json] [--threads N] [--quick]
//        [--no-peers] [--peers tfjs-wasm,ort-web] [--list] [--heavy] [--exact] [--runs N] [--min-ms MS] [--max-ms MS]
//        [--no-quiesce] [--warmup N]
import { readdirSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { PEERS, loadPeers } from './lib/peers.mjs';
import { measure } from './lib/measure.mjs';
import { formatTable } from './lib/table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function parseArgs(argv) {
  const o = { filters: [], json: undefined, threads: 1, quick: false, peers: PEERS, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = argv[++i];
    else if (a === '--threads') o.threads = Number(argv[++i]);
    else if (a === '--quick') o.quick = true;
    else if (a === '--no-peers') o.peers = [];
    else if (a === '--peers') o.peers = argv[++i].split(',').filter(Boolean);
    else if (a === '--list') o.list = true;
    else if (a === '--heavy') o.heavy = true;
    else if (a === '--exact') o.exact = true; // filters name workloads exactly (conv-dw-3x3-32, not its -bound / -bwd rows)
    else if (a === '--runs') o.minRuns = Number(argv[++i]); // at least N timed runs per implementation (default 15)
    else if (a === '--min-ms') o.minMs = Number(argv[++i]); // at least this much timed time per implementation (default 1000)
    else if (a === '--max-ms') o.maxMs = Number(argv[++i]); // at most this much (default 8000): a time budget
    else if (a === '--no-quiesce') o.quiesce = false; // chunks start without waiting for the process's threads to idle
    else if (a === '--warmup') o.warmup = Number(argv[++i]); // untimed runs per implementation first (default 5)
    else if (a === '--help' || a === '-h') { console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 4).join('\n')); process.exit(0); }
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.filters.push(a);
  }
  if (!Number.isInteger(o.threads) || o.threads < 1) throw new Error('--threads needs a positive integer');
  return o;
}

async function loadWorkloads(filters, heavy, exact) {
  const dir = join(here, 'workloads');
  const all = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.mjs')).sort()) {
    const m = await import(pathToFileURL(join(dir, f)).href);
    const list = m.default ?? m.workloads ?? [];
    for (const w of list) all.push({ ...w, file: f });
  }
  // A typo'd name among others used to vanish silently (the run went on without it): named, not fatal (quiet scripts rely on that).
  for (const s of filters) if (!all.some((w) => w.name === s || (!exact && (w.name.includes(s) || w.group === s)))) console.error(`no workload matches '${s}': skipped (--list names them)`);
  // A heavy workload (big networks, batch 8) runs only with --heavy or when a filter names it (not by its group).
  if (exact) return all.filter((w) => filters.includes(w.name));
  return all.filter((w) => (!filters.length && (!w.heavy || heavy)) || filters.some((s) => w.name.includes(s) || (w.group === s && (!w.heavy || heavy))));
}

function cpuModel() {
  try { const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8')); if (m) return m[1].trim(); } catch { /* not Linux */ }
  return os.cpus()[0]?.model ?? 'unknown';
}
function gitCommit() { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return undefined; } }

const tty = process.stderr.isTTY;
let lastLen = 0;
function progress(msg, final = false) {
  if (tty) { process.stderr.write(`\r\x1b[K${msg.slice(0, (process.stderr.columns || 100) - 1)}`); if (final) process.stderr.write('\n'); lastLen = msg.length; }
  else if (final) process.stderr.write(`${msg}\n`);
}

const opts = parseArgs(process.argv.slice(2));
const workloads = await loadWorkloads(opts.filters, opts.heavy, opts.exact);
if (opts.list) { for (const w of workloads) console.log(`${w.group.padEnd(10)} ${w.name.padEnd(24)} ${Object.keys(w.impls).join(', ')}  ${w.desc ?? ''}`); process.exit(0); }
if (!workloads.length) { console.error(`no workload matches ${opts.filters.join(' ')} (try --list)`); process.exit(1); }

const mx = await import('../src/entry/node.js');
const { rt } = await import('../src/runtime/runtime.js');
const { setKernelThreadsSuspended } = await import('../src/parallel/threads.js');
// With --threads N > 1, every mxwasm workload also runs on the calling thread alone (kernel threads
// suspended, workers kept), interleaved with the N-thread runs: its column's ratio is the speedup.
const ONE = 'mxwasm-1t';
if (opts.threads > 1) {
  for (const w of workloads) {
    const setup = w.impls.mxwasm;
    if (!setup) continue;
    // The same instance for both columns (set up once): separate instances differ by where their arrays sit in
    // memory, which moved small calls by up to 20% here.
    let inst;
    w.impls = { mxwasm: async (c) => (inst = await setup(c)), [ONE]: async () => inst && {
      run() { setKernelThreadsSuspended(true); try { return inst.run(); } finally { setKernelThreadsSuspended(false); } },
    }, ...Object.fromEntries(Object.entries(w.impls).filter(([k]) => k !== 'mxwasm')) };
  }
}
const { gemmKernel } = await import('../src/ops/linalg/gemm.js');
mx.setNumThreads(opts.threads);
await mx.threadsReady();
const wantPeers = opts.peers.filter((p) => workloads.some((w) => w.impls[p]));
const columns = opts.threads > 1 ? [ONE, ...wantPeers] : wantPeers;
const { libs, notes } = await loadPeers(wantPeers, { threads: opts.threads });
const r = rt();
const env = {
  date: new Date().toISOString(), commit: gitCommit(), node: process.version, v8: process.versions.v8,
  platform: `${process.platform}-${process.arch}`, cpu: cpuModel(), cores: os.cpus().length, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  mxwasm: { variant: r.variant, relaxedSimdAvailable: r.features.relaxedSimd, sharedMemory: r.shared, threads: mx.getNumThreads() },
  peers: notes, loadavgStart: os.loadavg().map((x) => +x.toFixed(2)),
  method: opts.quick ? 'quick: 2 warm-ups, median of >= 5 runs / >= 0.2 s' : '5 warm-ups, median of >= 15 runs and >= 1 s per implementation, implementations interleaved in ~100 ms rounds',
};
// The cost of an empty parallel call back to back (all threads run a no-op kernel): the pool's own overhead.
if (opts.threads > 1) env.dispatchUs = +mx.probe.dispatchOverhead().microseconds.toFixed(2);
const share0 = mx.threadStats(); // the workloads' share of parts is counted from here
const mopts = opts.quick ? { warmup: 2, minRuns: 5, minMs: 200, maxMs: 2000 } : {};
for (const k of ['minRuns', 'minMs', 'maxMs']) if (opts[k] !== undefined) { if (!(opts[k] > 0)) throw new Error(`--${k}: expected a positive number`); mopts[k] = opts[k]; }
if (opts.quiesce === false) mopts.quiesce = false;
else env.method += '; each chunk starts once the process\'s threads are idle (< 25% of a core over 2 ms; onnxruntime-web\'s pool spins ~15-20 ms after a run)';
if (opts.warmup !== undefined) { if (!(Number.isInteger(opts.warmup) && opts.warmup >= 0)) throw new Error('--warmup: expected a count'); mopts.warmup = opts.warmup; env.method += ` (${opts.warmup} warm-ups)`; }
if (process.env.BENCH_FRESH_PER_RUN !== '0' && workloads.some((w) => w.freshOutput)) env.method += '; rows with a fresh output each run (plain API rows): implementations alternate run by run, 5-95% trimmed mean (bench/README.md)';
if (mopts.minRuns || mopts.minMs) env.method += ` (this run: >= ${mopts.minRuns ?? 15} runs, >= ${mopts.minMs ?? 1000} ms, <= ${mopts.maxMs ?? 8000} ms)`;
const ctx = { mx, rt, gemmKernel, libs };

const results = [];
for (const [i, w] of workloads.entries()) {
  const tag = `[${i + 1}/${workloads.length}] ${w.name}`;
  const insts = {}, skipped = {}, setupMs = {};
  for (const [impl, setup] of Object.entries(w.impls)) {
    if (impl !== 'mxwasm' && impl !== ONE && !libs[impl]) { skipped[impl] = notes[impl] ?? 'not requested'; continue; }
    const t0 = performance.now();
    try { progress(`${tag}: setting up ${impl}`); const inst = await setup(ctx); if (inst) insts[impl] = inst; else skipped[impl] = 'not applicable'; } catch (e) { skipped[impl] = `setup failed: ${String(e?.message ?? e).split('\n')[0]}`; }
    setupMs[impl] = +(performance.now() - t0).toFixed(0);
  }
  let stats = {};
  // A fresh-output row (bench/README.md): the columns alternate run by run, so that each sees the same share of the
  // allocator's states (glibc trims its heap after V8 frees a batch of dead buffers; the next runs then fault).
  const perRun = w.freshOutput && process.env.BENCH_FRESH_PER_RUN !== '0';
  try { stats = await measure(insts, perRun ? { ...mopts, chunkMs: 0 } : mopts, (m) => progress(`${tag}: ${m}`)); } catch (e) { console.error(`\n${w.name}: ${e?.stack ?? e}`); }
  for (const inst of Object.values(insts)) { try { await inst.teardown?.(); } catch { /* ignore */ } }
  // ... and its tables read the 5-95% trimmed mean (`stat`): its runs are bimodal (bench/README.md).
  for (const [k, s] of Object.entries(stats)) { if (perRun) s.stat = 'tmean_ms'; if (w.flops) s.gflops = +(w.flops / s[s.stat ?? 'median_ms'] / 1e6).toFixed(2); s.setup_ms = setupMs[k]; }
  results.push({ name: w.name, group: w.group, desc: w.desc, flops: w.flops, impls: stats, skipped });
  // --json is rewritten after every row: a run stopped by a time limit keeps the rows it finished.
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ env: { ...env, loadavgEnd: os.loadavg().map((x) => +x.toFixed(2)), partial: true }, results }, null, 2));
  const ours = stats.mxwasm;
  progress(`${tag}: ${ours ? `${ours[ours.stat ?? 'median_ms'].toFixed(3)} ms${ours.gflops ? ` = ${ours.gflops} GFLOP/s` : ''}` : 'failed'}`, true);
}
env.loadavgEnd = os.loadavg().map((x) => +x.toFixed(2));

console.log(`\n${env.cpu}, ${env.cores} cores, Node ${env.node}; mxwasm ${env.mxwasm.variant} kernels, ${env.mxwasm.threads} thread(s), relaxed SIMD ${env.mxwasm.relaxedSimdAvailable ? 'available' : 'unavailable'}`);
for (const [p, n] of Object.entries(notes)) console.log(`  ${p}: ${n}`);
if (opts.threads > 1) {
  const s1 = mx.threadStats(), s0 = share0 ?? { parts: 0, workerShare: 0 };
  const st = s1 && { parts: s1.parts - s0.parts, workerShare: (s1.parts * s1.workerShare - s0.parts * s0.workerShare) / Math.max(1, s1.parts - s0.parts) };
  env.workerShare = st ? +st.workerShare.toFixed(3) : null;
  console.log(`  ${ONE}: mxwasm on the calling thread only, interleaved with the ${opts.threads}-thread runs (its ratio is the thread speedup)`);
  console.log(`  thread pool: an empty parallel call costs ${env.dispatchUs} µs back to back; the workers ran ${st ? (st.workerShare * 100).toFixed(0) : '-'}% of ${st?.parts ?? 0} parts`);
}
console.log(formatTable(results, columns));
console.log(`load average ${env.loadavgStart.join(' ')} -> ${env.loadavgEnd.join(' ')}; ${env.method}`);

const out = { env, results };
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(out, null, 2));
if (opts.json) writeFileSync(opts.json, JSON.stringify(out, null, 2));
mx.shutdown();
process.exit(0);
