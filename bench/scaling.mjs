// Thread scaling of the built library (dist/node): GEMM, LeNet inference, MLP/LeNet training (kernel
// threads), LeNet training with data-parallel executors, and dispatch overhead, at each thread
// count given. Prints a markdown table and writes JSON.
//   node bench/scaling.mjs [--threads 1,2,4,8,16] [--json out.json] [--quick]
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as mx from '../dist/node/index.js';

const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const threads = arg('--threads', '1,2').split(',').map(Number);
const quick = process.argv.includes('--quick');
const rand = (n, s) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 32 - 0.5; } return a; };

function time(run, minMs = quick ? 150 : 600, minRuns = quick ? 3 : 8) {
  for (let i = 0; i < 3; i++) run();
  const t = []; let total = 0;
  while (t.length < minRuns || total < minMs) { const s = performance.now(); run(); const d = performance.now() - s; t.push(d); total += d; if (t.length > 3000) break; }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

function gemm(n) {
  const a = mx.nd.array(rand(n * n, 1), { shape: [n, n] }), b = mx.nd.array(rand(n * n, 2), { shape: [n, n] });
  const ms = time(() => mx.nd.dot(a, b).dispose());
  a.dispose(); b.dispose();
  return { ms, gflops: (2 * n ** 3) / ms / 1e6 };
}

function lenetInfer(B) {
  const exe = mx.models.lenet().simpleBind({ shapes: { data: [B, 1, 28, 28] }, gradReq: 'null' });
  for (const [k, v] of Object.entries(exe.argDict)) if (k !== 'softmax_label') v.data.set(rand(v.size, k.length).map((x) => x * 0.1));
  const ms = time(() => { exe.forward({ isTrain: false }); exe.outputs[0].data[0]; });
  exe.dispose();
  return { ms };
}

function trainStep(net, B, context) {
  const shape = net === 'mlp' ? [B, 784] : [B, 1, 28, 28];
  const mod = new mx.mod.Module({ symbol: net === 'mlp' ? mx.models.mlp() : mx.models.lenet(), context, logger: () => {} });
  mod.bind({ dataShapes: [['data', shape]], labelShapes: [['softmax_label', [B]]] });
  mod.initParams({ initializer: new mx.init.Xavier() });
  mod.initOptimizer({ optimizer: 'sgd', optimizerParams: { learning_rate: 0.01, momentum: 0.9 } });
  const batch = new mx.io.DataBatch({ data: [mx.nd.array(rand(B * 784, 3), { shape })], label: [mx.nd.array(Array.from({ length: B }, (_, i) => i % 10))] });
  const ms = time(() => { mod.forwardBackward(batch); mod.update(); });
  mod.dispose();
  return { ms, samplesPerSec: (B * 1000) / ms };
}

const rows = [];
const env = { node: process.version, cores: cpus().length, cpu: cpus()[0]?.model, variant: mx.runtimeInfo().variant, date: new Date().toISOString() };
console.error(`scaling: ${env.cpu}, ${env.cores} cores, node ${env.node}, kernels ${env.variant}`);
for (const t of threads) {
  mx.setNumThreads(t);
  await mx.threadsReady().catch(() => {});
  const r = { threads: t };
  r.dispatchUs = mx.probe.dispatchOverhead().microseconds;
  r.gemm512 = gemm(512); r.gemm1024 = gemm(1024);
  r.lenetB1 = lenetInfer(1); r.lenetB64 = lenetInfer(64);
  r.mlpTrain = trainStep('mlp', 64, undefined);
  r.lenetTrain = trainStep('lenet', 64, undefined);
  mx.setNumThreads(1);
  if (64 % t === 0) r.lenetTrainDP = trainStep('lenet', 64, { workers: t });
  if (64 % t === 0) r.mlpTrainDP = trainStep('mlp', 64, { workers: t });
  rows.push(r);
  console.error(`threads ${t} done`);
}
const f = (x, d = 1) => (x === undefined ? '-' : x.toFixed(d));
console.log(`Machine: ${env.cpu}, ${env.cores} cores, Node ${env.node}, kernels: ${env.variant}\n`);
console.log('| threads | dispatch µs | GEMM 512 GFLOP/s | GEMM 1024 GFLOP/s | LeNet b1 ms | LeNet b64 ms | MLP train b64 ms (kernel threads) | LeNet train samples/s (kernel threads) | LeNet train samples/s (data-parallel executors) | MLP train b64 ms (data-parallel) |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.threads} | ${f(r.dispatchUs, 2)} | ${f(r.gemm512.gflops)} | ${f(r.gemm1024.gflops)} | ${f(r.lenetB1.ms, 3)} | ${f(r.lenetB64.ms, 2)} | ${f(r.mlpTrain.ms, 2)} | ${f(r.lenetTrain.samplesPerSec, 0)} | ${f(r.lenetTrainDP?.samplesPerSec, 0)} | ${f(r.mlpTrainDP?.ms, 2)} |`);
const j = arg('--json');
if (j) writeFileSync(j, JSON.stringify({ env, rows }, null, 2));
mx.shutdown();
