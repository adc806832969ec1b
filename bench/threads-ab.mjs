// Thread speedup measured as a ratio in one process: every workload alternates between all threads and
// the calling thread only (kernel threads suspended, workers kept) in ~100 ms rounds, so load from other
// tenants of a shared machine hits both sides alike. Prints median times and the speedup over all rounds,
// and over the rounds in which a compute-bound probe, before and after, found every core there (see FULL below).
//   node --import tsx bench/threads-ab.mjs [--threads 2] [--rounds 20] [--only name] [--adapt 0] [--json out.json]   (npm run bench:threads)
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as mx from '../src/entry/node.js';
import { setKernelThreadsSuspended, setThreadAdaptive } from '../src/parallel/threads.js';

const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const T = Number(arg('--threads', '2')), rounds = Number(arg('--rounds', '20'));
const rand = (n, s) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 32 - 0.5; } return a; };
const median = (x) => { const s = [...x].sort((a, b) => a - b); return s[s.length >> 1]; };

function lenetInfer(B) {
  const exe = mx.models.lenet().simpleBind({ shapes: { data: [B, 1, 28, 28] }, gradReq: 'null' });
  for (const [k, v] of Object.entries(exe.argDict)) if (k !== 'softmax_label') v.data.set(rand(v.size, k.length).map((x) => x * 0.1));
  const data = rand(B * 784, 9);
  return { run: () => { exe.forward({ data }); exe.outputs[0].data[0]; }, dispose: () => exe.dispose() };
}
function trainStep(net, B) {
  const shape = net === 'mlp' ? [B, 784] : [B, 1, 28, 28];
  const mod = new mx.mod.Module({ symbol: net === 'mlp' ? mx.models.mlp() : mx.models.lenet(), logger: () => {} });
  mod.bind({ dataShapes: [['data', shape]], labelShapes: [['softmax_label', [B]]] });
  mod.initParams({ initializer: new mx.init.Xavier() });
  mod.initOptimizer({ optimizer: 'sgd', optimizerParams: { learning_rate: 0.01, momentum: 0.9 } });
  const batch = new mx.io.DataBatch({ data: [mx.nd.array(rand(B * 784, 3), { shape })], label: [mx.nd.array(Array.from({ length: B }, (_, i) => i % 10))] });
  return { run: () => { mod.forwardBackward(batch); mod.update(); }, dispose: () => mod.dispose() };
}
function gemm(n) {
  const a = mx.nd.array(rand(n * n, 1), { shape: [n, n] }), b = mx.nd.array(rand(n * n, 2), { shape: [n, n] });
  return { run: () => mx.nd.dot(a, b).dispose(), dispose: () => { a.dispose(); b.dispose(); } };
}

const fcB1 = () => { // FullyConnected 784 -> 500 at batch 1 (a GEMV: the small end of the split rules)
  const exe = mx.sym.FullyConnected({ data: mx.sym.Variable('data'), num_hidden: 500, name: 'fc' }).simpleBind({ shapes: { data: [1, 784] }, gradReq: 'null' });
  exe.argDict.fc_weight.data.set(rand(500 * 784, 4));
  const data = rand(784, 5);
  return { run: () => { exe.forward({ data }); exe.outputs[0].data[0]; }, dispose: () => exe.dispose() };
};
// --only <substring>: some workloads; --adapt 0: the small-call cost model off (every small call splits, as before it).
const only = arg('--only', '');
if (arg('--adapt', '1') === '0') setThreadAdaptive(false);
const workloads = [['GEMM 512³', () => gemm(512)], ['GEMM 96³', () => gemm(96)], ['FC 784-500 b1', fcB1], ['LeNet inference b1', () => lenetInfer(1)],
  ['LeNet inference b64', () => lenetInfer(64)], ['MLP train step b64', () => trainStep('mlp', 64)], ['LeNet train step b64', () => trainStep('lenet', 64)]]
  .filter(([n]) => n.toLowerCase().includes(only.toLowerCase()));
mx.setNumThreads(T);
await mx.threadsReady();
const env = { node: process.version, cores: cpus().length, cpu: cpus()[0]?.model, variant: mx.runtimeInfo().variant, threads: T, date: new Date().toISOString() };
console.log(`${env.cpu}, ${env.cores} cores, Node ${env.node}, kernels ${env.variant}; ${T} threads vs 1, interleaved, ${rounds} rounds\n`);
// The machine's own parallel capacity, probed every round: a 384³ GEMM (compute-bound, scales ~T-fold
// when T cores are free) on all threads against one. A virtual machine's cores are not always all there
// (another tenant on a sibling hyperthread, a descheduled vCPU): rounds whose probe falls short say so.
const probeA = mx.nd.array(rand(384 * 384, 1), { shape: [384, 384] }), probeB = mx.nd.array(rand(384 * 384, 2), { shape: [384, 384] });
const probeSide = (one) => { setKernelThreadsSuspended(one); try { const t = []; for (let i = 0; i < 5; i++) { const s = performance.now(); mx.nd.dot(probeA, probeB).dispose(); t.push(performance.now() - s); } return median(t); } finally { setKernelThreadsSuspended(false); } };
const FULL = 0.875 * T; // a round counts as "all cores there" when the probe reaches this speedup (1.75x on 2 threads)
const made = workloads.map(([, make]) => make());
const stat = () => { const s = mx.threadStats(); return s ? [s.parts, s.parts * s.workerShare] : [0, 0]; };
const side = (w, one) => { setKernelThreadsSuspended(one); try { const t = []; const end = performance.now() + 100; do { const s = performance.now(); w.run(); t.push(performance.now() - s); } while (performance.now() < end || t.length < 3); return median(t); } finally { setKernelThreadsSuspended(false); } };
const one = made.map(() => []), many = made.map(() => []), share = made.map(() => []), probes = made.map(() => []);
for (const w of made) { side(w, true); side(w, false); }
for (let r = 0; r < rounds; r++) {
  made.forEach((w, i) => {
    // Probed right before and right after the workload's pair (the host changes within seconds): the lower counts.
    const before = probeSide(true) / probeSide(false);
    one[i].push(side(w, true));
    const s0 = stat(); many[i].push(side(w, false)); const s1 = stat();
    share[i].push((s1[1] - s0[1]) / Math.max(1, s1[0] - s0[0]));
    probes[i].push(Math.min(before, probeSide(true) / probeSide(false)));
  });
}
made.forEach((w) => w.dispose());
console.log(`| workload | 1 thread ms | ${T} threads ms | speedup, all rounds | rounds with all cores there | speedup in those | parts run by workers |`);
console.log('|---|---:|---:|---:|---:|---:|---:|');
const rows = workloads.map(([name], i) => {
  const ratio = one[i].map((x, r) => x / many[i][r]), fr = ratio.filter((_, r) => probes[i][r] >= FULL);
  const row = { name, oneMs: median(one[i]), manyMs: median(many[i]), speedup: median(ratio), roundsAllCores: fr.length, speedupAllCores: fr.length ? median(fr) : null, workerShare: median(share[i]), probes: probes[i] };
  console.log(`| ${name} | ${row.oneMs.toFixed(3)} | ${row.manyMs.toFixed(3)} | ${row.speedup.toFixed(2)}x | ${fr.length} of ${rounds} | ${fr.length ? row.speedupAllCores.toFixed(2) + 'x' : '-'} | ${(row.workerShare * 100).toFixed(0)}% |`);
  return row;
});
console.log(`\n"All cores there": a 384³ GEMM run just before and just after the pair reached ${FULL.toFixed(2)}x on ${T} threads both times (it scales ~${T}-fold on free cores).`);
const j = arg('--json');
if (j) writeFileSync(j, JSON.stringify({ env, rows }, null, 2));
mx.shutdown();
