/**
 * `mxwasm train --model lenet|mlp --data <dir> [--epochs 10] [--batch-size 64] [--optimizer sgd]
 * [--lr 0.1] [--momentum 0.9] [--wd 0.0001] [--threads N] [--seed 42] [--out prefix]`:
 * trains on MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, optionally
 * t10k-*; gzipped or not) with mx.mod.Module, shows progress, reports validation accuracy and
 * samples/sec, and saves an MXNet checkpoint when --out is given.
 */
import * as mx from '../entry/node.js';
import { isMxError } from '../errors.js';
import { nodeFs } from '../format/fs.js';
import { parseArgs } from './predict.js';
import type { Symbol } from '../symbol/symbol.js';

/** MXNet tutorial MLP: 128-64-10 relu, SoftmaxOutput. @example mlp().listArguments() */
export function mlp(): Symbol {
  const data = mx.sym.Variable('data');
  const f = mx.sym.Flatten({ data, name: 'flatten' });
  const fc1 = mx.sym.FullyConnected({ data: f, num_hidden: 128, name: 'fc1' });
  const a1 = mx.sym.Activation({ data: fc1, act_type: 'relu', name: 'relu1' });
  const fc2 = mx.sym.FullyConnected({ data: a1, num_hidden: 64, name: 'fc2' });
  const a2 = mx.sym.Activation({ data: fc2, act_type: 'relu', name: 'relu2' });
  const fc3 = mx.sym.FullyConnected({ data: a2, num_hidden: 10, name: 'fc3' });
  return mx.sym.SoftmaxOutput({ data: fc3, name: 'softmax' });
}

/** MXNet tutorial LeNet: conv20 5x5 tanh, max pool, conv50 5x5 tanh, max pool, FC500 tanh, FC10. @example lenet() */
export function lenet(): Symbol {
  const data = mx.sym.Variable('data');
  let x = mx.sym.Convolution({ data, kernel: [5, 5], num_filter: 20, name: 'conv1' });
  x = mx.sym.Activation({ data: x, act_type: 'tanh', name: 'tanh1' });
  x = mx.sym.Pooling({ data: x, pool_type: 'max', kernel: [2, 2], stride: [2, 2], name: 'pool1' });
  x = mx.sym.Convolution({ data: x, kernel: [5, 5], num_filter: 50, name: 'conv2' });
  x = mx.sym.Activation({ data: x, act_type: 'tanh', name: 'tanh2' });
  x = mx.sym.Pooling({ data: x, pool_type: 'max', kernel: [2, 2], stride: [2, 2], name: 'pool2' });
  x = mx.sym.Flatten({ data: x, name: 'flatten' });
  x = mx.sym.FullyConnected({ data: x, num_hidden: 500, name: 'fc1' });
  x = mx.sym.Activation({ data: x, act_type: 'tanh', name: 'tanh3' });
  x = mx.sym.FullyConnected({ data: x, num_hidden: 10, name: 'fc2' });
  return mx.sym.SoftmaxOutput({ data: x, name: 'softmax' });
}

const USAGE = 'usage: mxwasm train --model lenet|mlp --data <dir with MNIST IDX files> [--epochs 10] [--batch-size 64] [--optimizer sgd] [--lr 0.1] [--momentum 0.9] [--wd 0.0001] [--threads N] [--seed 42] [--out prefix]';

function findIdx(dir: string, stem: string): string | undefined {
  const fs = nodeFs()!;
  for (const n of [stem, `${stem}.gz`, stem.replace(/-idx(\d)-/, '.idx$1-'), `${stem.replace(/-idx(\d)-/, '.idx$1-')}.gz`]) {
    const p = `${dir.replace(/\/$/, '')}/${n}`;
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

const num = (v: string | undefined, d: number, what: string) => {
  if (v === undefined) return d;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new mx.ArgumentError(`${what} must be a number, got '${v}'`);
  return x;
};

/** Runs the command; returns the exit code. @example await main(['--model', 'mlp', '--data', 'mnist/', '--epochs', '1']) */
export async function main(argv: string[]): Promise<number> {
  if (!nodeFs()) { console.error('mxwasm train needs Node'); return 1; }
  try {
    const a = parseArgs(argv, ['help']);
    const o = (k: string) => a.opt[k]?.[a.opt[k].length - 1];
    if (o('help') || !o('data')) { console.log(USAGE); return o('help') ? 0 : 1; }
    const model = o('model') ?? 'lenet';
    if (model !== 'lenet' && model !== 'mlp') throw new mx.ArgumentError(`--model must be lenet or mlp, got '${model}'`);
    const epochs = num(o('epochs'), 10, '--epochs'), batch = num(o('batch-size'), 64, '--batch-size');
    const lr = num(o('lr'), 0.1, '--lr'), momentum = num(o('momentum'), 0.9, '--momentum'), wd = num(o('wd'), 1e-4, '--wd');
    if (o('threads')) mx.setNumThreads(num(o('threads'), 1, '--threads'));
    await mx.threadsReady();
    mx.random.seed(num(o('seed'), 42, '--seed'));
    const dir = o('data')!;
    const ti = findIdx(dir, 'train-images-idx3-ubyte'), tl = findIdx(dir, 'train-labels-idx1-ubyte');
    if (!ti || !tl) throw new mx.ArgumentError(`--data ${dir}: no train-images-idx3-ubyte[.gz] / train-labels-idx1-ubyte[.gz] there`);
    const flat = model === 'mlp';
    const train = new mx.io.MNISTIter({ image: ti, label: tl, batchSize: batch, shuffle: true, flat, seed: 10 });
    const vi = findIdx(dir, 't10k-images-idx3-ubyte'), vl = findIdx(dir, 't10k-labels-idx1-ubyte');
    const val = vi && vl ? new mx.io.MNISTIter({ image: vi, label: vl, batchSize: Math.min(100, batch), shuffle: false, flat }) : undefined;
    const nb = Math.floor(train.numData / batch);
    console.log(`mxwasm train: ${model}, ${train.numData} samples (${nb} batches of ${batch})${val ? `, ${val.numData} validation` : ''}, ${mx.getNumThreads()} thread(s)`);
    const mod = new mx.mod.Module({ symbol: model === 'lenet' ? lenet() : mlp() });
    let trainSec = 0, timed = 0, last = 0;
    mod.fit(train, {
      evalData: val, numEpoch: epochs, optimizer: o('optimizer') ?? 'sgd',
      optimizerParams: { learning_rate: lr, ...(['sgd', 'nag', 'signum'].includes(o('optimizer') ?? 'sgd') ? { momentum } : {}), wd },
      initializer: new mx.init.Xavier({ factor_type: 'in', magnitude: 2.34 }),
      batchEndCallback: [(p) => { const t = performance.now(); if (p.nbatch > 0) { trainSec += (t - last) / 1000; timed += batch; } last = t; }, mx.callback.ProgressBar(nb, { batchSize: batch })],
    });
    const speed = trainSec > 0 ? timed / trainSec : NaN;
    if (val) console.log(`validation accuracy: ${(mod.score(val, 'acc')[0][1] * 100).toFixed(2)}%`);
    console.log(`training speed: ${speed.toFixed(0)} samples/sec`);
    if (o('out')) { mod.saveCheckpoint(o('out')!, epochs); console.log(`saved ${o('out')}-symbol.json and ${o('out')}-${String(epochs).padStart(4, '0')}.params`); }
    mx.shutdown();
    return 0;
  } catch (e) {
    console.error(isMxError(e) ? `mxwasm train: ${e.message}` : e);
    return 1;
  }
}
