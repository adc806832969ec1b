/**
 * `mxwasm train --data <dir> [--model lenet|mlp] [--epochs 10] [--lr 0.01] [--out model/lenet] ...`:
 * trains on MNIST/Fashion-MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, optionally
 * t10k-*; gzipped or not) with mx.mod.Module, shows progress, reports validation accuracy and samples/sec.
 * Keeps its work: creates the --out folder, saves a checkpoint after every epoch, and writes beside it the
 * preprocessing it used (`-preprocess.json`, which `mxwasm predict` applies) and the training curves (`-training.svg`).
 */
import * as mx from '../entry/node.js';
import { nodeFs, writeFileBytes } from '../format/fs.js';
import type { Symbol } from '../symbol/symbol.js';
import { trainingCurvesSVG, type EpochRecord } from '../viz/curves.js';
import { num, runCommand, UsageError, type CliIO, type Command } from './args.js';
import { ensureDirFor, preprocessFile, writePreprocess } from './checkpoint-files.js';

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

function findIdx(dir: string, stem: string): string | undefined {
  const fs = nodeFs()!;
  for (const n of [stem, `${stem}.gz`, stem.replace(/-idx(\d)-/, '.idx$1-'), `${stem.replace(/-idx(\d)-/, '.idx$1-')}.gz`]) {
    const p = `${dir.replace(/\/$/, '')}/${n}`;
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

const writeText = (path: string, text: string) => writeFileBytes(path, new TextEncoder().encode(text), 'train');

/** `mxwasm train`: a LeNet or MLP on MNIST-format IDX files, checkpointed every epoch. */
export const trainCommand: Command = {
  name: 'train',
  brief: 'trains a LeNet or MLP on MNIST/Fashion-MNIST, checkpointing every epoch',
  summary: 'Trains a LeNet or an MLP on MNIST / Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-* for validation), saving a checkpoint after every epoch.',
  options: {
    data: { type: 'string', value: 'dir', help: 'folder with the IDX files (required)' },
    model: { type: 'string', value: 'lenet|mlp', default: 'lenet', help: 'the network' },
    epochs: { type: 'string', value: 'N', default: '10', help: 'passes over the training set' },
    'batch-size': { type: 'string', value: 'B', default: '64', help: 'samples per batch' },
    optimizer: { type: 'string', value: 'name', default: 'sgd', help: 'any mx.optimizer name (sgd, adam, nag, rmsprop, ...)' },
    lr: { type: 'string', value: 'rate', default: '0.01', help: 'learning rate (0.01 with momentum 0.9 suits both nets; 0.1 diverges on Fashion-MNIST)' },
    momentum: { type: 'string', value: 'm', default: '0.9', help: 'momentum (sgd, nag, signum)' },
    wd: { type: 'string', value: 'w', default: '0.0001', help: 'weight decay' },
    threads: { type: 'string', value: 'N', help: 'kernel threads (default: MXWASM_NUM_THREADS or the core count)' },
    seed: { type: 'string', value: 'S', default: '42', help: 'random seed (initialisation, shuffling)' },
    out: { type: 'string', value: 'prefix', help: 'checkpoint prefix; its folder is created (default: model/<model>)' },
  },
  notes: [
    'writes <prefix>-symbol.json and <prefix>-NNNN.params after every epoch, <prefix>-preprocess.json (pixel scaling and',
    'input shape, which mxwasm predict applies) and <prefix>-training.svg (loss and accuracy per epoch).',
    'example: mxwasm train --data ./fashion-mnist --epochs 5 --out model/fm',
  ],
  run: async ({ values: v }, io) => {
    if (!nodeFs()) { io.err('mxwasm train needs Node'); return 1; }
    if (typeof v.data !== 'string') throw new UsageError('--data <dir> is required (a folder with train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz])');
    const model = v.model as string;
    if (model !== 'lenet' && model !== 'mlp') throw new UsageError(`--model must be lenet or mlp, got '${model}'`);
    const epochs = num(v, 'epochs', { int: true, min: 1 }), batch = num(v, 'batch-size', { int: true, min: 1 });
    const lr = num(v, 'lr', { gt: 0 }), momentum = num(v, 'momentum', { min: 0 }), wd = num(v, 'wd', { min: 0 }), seed = num(v, 'seed', { int: true });
    const optimizer = v.optimizer as string;
    try { mx.optimizer.create(optimizer, { learning_rate: lr }); } catch { throw new UsageError(`--optimizer: unknown optimizer '${optimizer}'`); }
    const prefix = (v.out as string | undefined) ?? `model/${model}`;
    const dir = v.data;
    const ti = findIdx(dir, 'train-images-idx3-ubyte'), tl = findIdx(dir, 'train-labels-idx1-ubyte');
    if (!ti || !tl) throw new mx.ArgumentError(`--data ${dir}: no train-images-idx3-ubyte[.gz] / train-labels-idx1-ubyte[.gz] there`);
    if (v.threads !== undefined) mx.setNumThreads(num(v, 'threads', { int: true, min: 1 }));
    await mx.threadsReady();
    mx.random.seed(seed);
    const flat = model === 'mlp';
    // MNISTIter scales pixels to [0, 1]: recorded so predict does the same to its inputs.
    const train = new mx.io.MNISTIter({ image: ti, label: tl, batchSize: batch, shuffle: true, flat, seed: 10 });
    const vi = findIdx(dir, 't10k-images-idx3-ubyte'), vl = findIdx(dir, 't10k-labels-idx1-ubyte');
    const val = vi && vl ? new mx.io.MNISTIter({ image: vi, label: vl, batchSize: Math.min(100, batch), shuffle: false, flat }) : undefined;
    const nb = Math.floor(train.numData / batch);
    ensureDirFor(prefix);
    writePreprocess(prefix, { mean: [0], scale: 1 / 255, shape: [1, ...train.provideData[0].shape.slice(1)], note: 'mxwasm train: pixels 0..255 scaled to [0, 1] (MNISTIter)' });
    io.out(`mxwasm train: ${model}, ${train.numData} samples (${nb} batches of ${batch})${val ? `, ${val.numData} validation` : ''}, ${mx.getNumThreads()} thread(s), lr ${lr}, saving to ${prefix}-*`);
    const mod = new mx.mod.Module({ symbol: model === 'lenet' ? mx.models.lenet() : mlp() });
    const history: EpochRecord[] = [];
    const record = (epoch: number, kind: string, m: { getNameValue(): [string, number][] } | null) => {
      if (!m) return;
      const r = history.find((h) => h.epoch === epoch) ?? (history.push({ epoch, values: {} }), history[history.length - 1]);
      for (const [n, x] of m.getNameValue()) r.values[`${kind}-${n}`] = x;
      writeText(`${prefix}-training.svg`, trainingCurvesSVG(history, model));
    };
    let trainSec = 0, timed = 0, last = 0;
    mod.fit(train, {
      evalData: val, numEpoch: epochs, optimizer, evalMetric: ['acc', 'ce'],
      optimizerParams: { learning_rate: lr, ...(['sgd', 'nag', 'signum'].includes(optimizer) ? { momentum } : {}), wd },
      initializer: new mx.init.Xavier({ factor_type: 'in', magnitude: 2.34 }),
      batchEndCallback: [(p) => {
        const t = performance.now(); if (p.nbatch > 0) { trainSec += (t - last) / 1000; timed += batch; } last = t;
        if (p.nbatch === nb - 1) record(p.epoch + 1, 'train', p.evalMetric);
      }, mx.callback.ProgressBar(nb, { batchSize: batch })],
      epochEndCallback: (epoch) => { mod.saveCheckpoint(prefix, epoch + 1); },
      evalEndCallback: (p) => record(p.epoch + 1, 'validation', p.evalMetric),
    });
    const speed = trainSec > 0 ? timed / trainSec : NaN;
    if (val) io.out(`validation accuracy: ${(mod.score(val, 'acc')[0][1] * 100).toFixed(2)}%`);
    io.out(`training speed: ${speed.toFixed(0)} samples/sec`);
    io.out(`saved ${prefix}-symbol.json, ${prefix}-0001..${String(epochs).padStart(4, '0')}.params, ${preprocessFile(prefix)}, ${prefix}-training.svg`);
    io.out(`next: mxwasm info ${prefix}   |   mxwasm predict ${prefix} --input image.pgm`);
    return 0;
  },
};

/**
 * Runs `mxwasm train`; resolves to the exit code (0 ok, 1 error, 2 usage mistake).
 * @example await main(['--model', 'mlp', '--data', 'mnist/', '--epochs', '1'])
 */
export const main = (argv: string[], io?: CliIO): Promise<number> => runCommand(trainCommand, argv, io);
