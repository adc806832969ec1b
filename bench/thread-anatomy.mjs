// Where a network's second thread goes: every kernel call of one forward is timed on the calling thread alone and on
// N threads (interleaved forwards, medians per call), and marked by whether it became a parallel job. Prints the
// share of one thread's time in calls that split, what stays serial (kernels that do not split, and the JS between
// kernels), the Amdahl bound that gives for N threads, and what the split calls actually gained: the numbers that
// say why a row does or does not reach its thread target, measurable on a loaded machine (per-call medians).
// A name that is not a network is a bench row (bench/workloads/*.mjs, e.g. conv-resnet-3x3-64-bound): its mxwasm run.
//   node --import tsx bench/thread-anatomy.mjs [net | row ...] [--threads 2] [--batch 1] [--rounds 15] [--top 8] [--json f]
import { writeFileSync } from 'node:fs';
import { netBuilders } from './lib/nets.mjs';

const argv = process.argv.slice(2), nets = [];
const o = { threads: 2, batch: 1, rounds: 15, top: 8, json: '' };
for (let i = 0; i < argv.length; i++) {
  const k = argv[i].replace(/^--/, '');
  if (argv[i].startsWith('--')) o[k] = k === 'json' ? argv[++i] : Number(argv[++i]); else nets.push(argv[i]);
}
const mx = await import('../src/entry/node.js');
const { rt } = await import('../src/runtime/runtime.js');
const { GEMM_ARG } = await import('../src/runtime/manifest/linalg.js');
const { poolForTests, setKernelThreadsSuspended, setThreadAdaptive } = await import('../src/parallel/threads.js');
mx.setNumThreads(o.threads);
await mx.threadsReady();
if (process.env.MXWASM_THREAD_ADAPT === '0') setThreadAdaptive(false);

// Every kernel of the table, wrapped outside the pool's own wrapper (before any bind captures them).
let log = null;
const K = rt().K;
for (const name of Object.keys(K)) {
  const f = K[name];
  if (typeof f !== 'function') continue;
  K[name] = (...a) => {
    if (!log) return f(...a);
    const p = poolForTests(), j0 = p ? p.stats.jobs : 0, q0 = p ? p.stats.parts : 0, t0 = performance.now();
    const r = f(...a);
    log.push([name, performance.now() - t0, (p ? p.stats.jobs : 0) - j0, a, (p ? p.stats.parts : 0) - q0]);
    return r;
  };
}
// The fastest of the rounds (10th percentile): on a loaded machine a call's median includes being descheduled; its
// fastest runs are the work itself, and the whole forward's likewise.
const q = Number(process.env.ANATOMY_Q ?? 0.1);
// Independent calls handed to the pool as one job (src/runtime/parts.ts: a grouped conv's per-group GEMMs, a Winograd
// chunk's 16 products): one entry per call, the job's time shared evenly, so calls line up with the 1-thread forward's.
const { callsRunner, setCallsRunner } = await import('../src/runtime/parts.js');
const runner = callsRunner();
if (runner) setCallsRunner((name, calls) => {
  const t0 = performance.now(), ran = runner(name, calls);
  if (ran && log) { const dt = (performance.now() - t0) / calls.length; for (const a of calls) log.push([name, dt, 1, a, 1]); }
  return ran;
});
const median = (x) => { const s = [...x].sort((a, b) => a - b); return s.length ? s[Math.floor(q * (s.length - 1))] : NaN; };
const builders = netBuilders(mx.sym), out = [];
async function rowRunner(name) {
  const { readdirSync } = await import('node:fs');
  const dir = new URL('./workloads/', import.meta.url);
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.mjs')).sort()) {
    const w = ((await import(new URL(f, dir).href)).default ?? []).find((x) => x.name === name);
    if (!w) continue;
    const { gemmKernel } = await import('../src/ops/linalg/gemm.js');
    const inst = await w.impls.mxwasm({ mx, rt, gemmKernel, libs: {} });
    return { run: () => inst.run(), dispose: () => inst.teardown?.() };
  }
  throw new Error(`${name}: neither a network (${Object.keys(builders).join(', ')}) nor a bench row`);
}
for (const net of nets.length ? nets : ['resnet18', 'mobilenet1.0', 'mobilenetv2', 'squeezenet1.1']) {
  let exe;
  if (builders[net]) {
    const e = builders[net]().simpleBind({ shapes: { data: [o.batch, 3, 224, 224] }, gradReq: 'null' });
    for (const [k, a] of Object.entries(e.argDict)) if (k !== 'data') a.data.fill(0.01);
    for (const a of Object.values(e.auxDict)) a.data.fill(1);
    const x = new Float32Array(o.batch * 3 * 224 * 224).fill(0.5);
    exe = { run: () => e.forward({ data: x })[0].toTypedArray(), dispose: () => e.dispose() };
  } else exe = await rowRunner(net);
  const fwd = (one) => {
    setKernelThreadsSuspended(one);
    log = [];
    const t0 = performance.now();
    exe.run();
    const t = performance.now() - t0, l = log;
    log = null;
    setKernelThreadsSuspended(false);
    return { t, l };
  };
  for (let i = 0; i < 3; i++) { fwd(true); fwd(false); }
  const calls = [], whole = [[], []];
  for (let r = 0; r < o.rounds; r++) {
    for (const one of r % 2 ? [true, false] : [false, true]) {
      const { t, l } = fwd(one), s = one ? 0 : 1;
      whole[s].push(t);
      l.forEach(([name, dt, jobs, a, parts], i) => {
        const c = (calls[i] ??= { name, t: [[], []], jobs: 0, shape: name.includes('gemm') ? `${a[GEMM_ARG.M]}x${a[GEMM_ARG.N]}x${a[GEMM_ARG.K]}${a[GEMM_ARG.transA] ? 'tA' : ''}${a[GEMM_ARG.transB] ? 'tB' : ''}` : '' });
        c.t[s].push(dt);
        if (!one) { c.jobs = Math.max(c.jobs, jobs); c.parts = Math.max(c.parts ?? 0, parts); }
      });
    }
  }
  exe.dispose();
  const rows = calls.map((c, i) => ({ i, name: c.name.replace(/^f32_|__(relaxed)?simd128$/g, '') + (c.shape ? ` ${c.shape}` : ''), one: median(c.t[0]), many: median(c.t[1]), split: c.jobs > 0, parts: c.parts ?? 0 }));
  const sum = (f) => rows.filter(f).reduce((s, r) => s + r.one, 0), sumN = (f) => rows.filter(f).reduce((s, r) => s + r.many, 0);
  const one = median(whole[0]), many = median(whole[1]);
  const par = sum((r) => r.split), ser = sum((r) => !r.split), js = Math.max(0, one - par - ser);
  // The bound counts kernels only: on a loaded machine the time 'between kernels' is mostly the gap between the sum of
  // per-call fastest runs and the fastest whole forward (measured: the steps' own JS is ~0.1 ms of MobileNetV2's 20).
  const bound = (par + ser) / (ser + par / o.threads);
  const res = {
    net, batch: o.batch, threads: o.threads, calls: rows.length, splitCalls: rows.filter((r) => r.split).length,
    oneMs: one, manyMs: many, speedup: one / many, splitMs1: par, splitMsN: sumN((r) => r.split), serialKernelMs: ser, serialKernelMsN: sumN((r) => !r.split), jsMs: js, amdahl: bound,
    serialTop: rows.filter((r) => !r.split).sort((a, b) => b.one - a.one).slice(0, o.top),
    worstSplit: rows.filter((r) => r.split).sort((a, b) => (b.many - b.one / o.threads) - (a.many - a.one / o.threads)).slice(0, o.top),
  };
  // Where the time over one thread's / N goes, by kernel: split calls' excess (N-thread time - 1-thread time / N) and
  // the serial calls' whole (N-1)/N share, largest first.
  const loss = new Map();
  // ANATOMY_SHAPES=1: by kernel and GEMM shape (which matrix products lose).
  for (const r of rows) { const k = (process.env.ANATOMY_SHAPES === '1' ? r.name : r.name.split(' ')[0]) + (r.split ? '' : ' (serial)'); loss.set(k, (loss.get(k) ?? 0) + (r.split ? r.many - r.one / o.threads : r.one * (1 - 1 / o.threads))); }
  res.lossByKernel = [...loss].sort((a, b) => b[1] - a[1]).slice(0, o.top);
  out.push(res);
  const f = (v) => v.toFixed(3);
  console.log(`\n${net} b${o.batch}: 1 thread ${f(one)} ms, ${o.threads} threads ${f(many)} ms (${res.speedup.toFixed(2)}x); ${rows.length} kernel calls, ${res.splitCalls} split`);
  console.log(`  1-thread time: split calls ${f(par)} ms (${(100 * par / one).toFixed(1)}%), serial kernels ${f(ser)} ms (${(100 * ser / one).toFixed(1)}%), unattributed ${f(js)} ms (${(100 * js / one).toFixed(1)}%)`);
  console.log(`  Amdahl bound (kernels) at ${o.threads} threads: ${bound.toFixed(2)}x; split calls took ${f(res.splitMsN)} ms on ${o.threads} threads (${(par / res.splitMsN).toFixed(2)}x), serial ones ${f(res.serialKernelMsN)} ms`);
  console.log('  time over 1/N by kernel (ms):', res.lossByKernel.map(([k, v]) => `${k} ${f(v)}`).join(', '));
  console.log('  largest serial calls (1t ms):', res.serialTop.map((r) => `#${r.i} ${r.name} ${f(r.one)}`).join(', '));
  console.log(`  split calls furthest from 1/${o.threads} (1t -> Nt ms):`, res.worstSplit.map((r) => `#${r.i} ${r.name} /${r.parts} ${f(r.one)}->${f(r.many)}`).join(', '));
}
const s = mx.threadStats();
console.log(`\nload ${(await import('node:os')).loadavg().map((v) => v.toFixed(1)).join(' ')}; worker share of parts ${((s?.workerShare ?? 0) * 100).toFixed(0)}%`);
if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 2));
mx.shutdown();
