// Module.fit / score / predict: MXNet 1.9's loops (python/mxnet/module/base_module.py).
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { DataIter, StopIteration, type DataBatch } from '../io/base.js';
import { NDArrayIter } from '../io/ndarray-iter.js';
import type { Initializer } from '../init/initializer.js';
import { EvalMetric } from '../metric/base.js';
import { create as createMetric } from '../metric/metrics.js';
import type { Optimizer, OptimizerOptions } from '../optim/optimizer.js';
import { normOpts } from '../util/options.js';
import type { KVStore } from '../kv/kvstore.js';
import type { BatchEndCallback, EpochEndCallback } from '../callback/callbacks.js';
import { pyF } from '../callback/log.js';
import type { BaseModule } from './base.js';

export interface FitOptions {
  evalData?: DataIter | null; evalMetric?: EvalMetric | string | string[]; epochEndCallback?: EpochEndCallback | EpochEndCallback[];
  batchEndCallback?: BatchEndCallback | BatchEndCallback[]; kvstore?: string | KVStore | null; optimizer?: string | Optimizer;
  optimizerParams?: OptimizerOptions | [string, unknown][]; evalEndCallback?: BatchEndCallback | BatchEndCallback[];
  evalBatchEndCallback?: BatchEndCallback | BatchEndCallback[]; initializer?: Initializer | null;
  argParams?: Record<string, NDArray> | null; auxParams?: Record<string, NDArray> | null; allowMissing?: boolean;
  forceRebind?: boolean; forceInit?: boolean; beginEpoch?: number; numEpoch: number; validationMetric?: EvalMetric | string | null;
}
export interface ScoreOptions { numBatch?: number; batchEndCallback?: BatchEndCallback | BatchEndCallback[]; scoreEndCallback?: BatchEndCallback | BatchEndCallback[]; reset?: boolean; epoch?: number }
export interface PredictOptions { numBatch?: number; mergeBatches?: boolean; reset?: boolean; alwaysOutputList?: boolean }

const asList = <T>(x: T | T[] | undefined | null): T[] => (x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]);
const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;
const nextOf = (it: DataIter): DataBatch | null => { try { return it.next(); } catch (e) { if (e instanceof StopIteration) return null; throw e; } };
const metricOf = (m: EvalMetric | string | string[]) => (m instanceof EvalMetric ? m : createMetric(m as string));

/**
 * MXNet's fit as steps: bind, initParams, initOptimizer, then per epoch: forward/backward/update and the
 * train metric per batch, batch callbacks, `Epoch[k] Train-...` / `Time cost` logs, epoch callbacks,
 * validation score, reset. Yields after every batch, so the synchronous and the async form run the
 * very same loop (fitModule drains it; fitModuleAsync gives the event loop a turn between batches).
 */
function* fitSteps(mod: BaseModule, train: DataIter, opts: FitOptions): Generator<void, void, void> {
  const o = normOpts<FitOptions>(opts);
  const t = train as unknown;
  if (!t || typeof t !== 'object' || !('provideData' in t)) {
    const got = t instanceof NDArray ? 'an NDArray' : t === null ? 'null' : Array.isArray(t) ? 'an array' : typeof t;
    throw new ArgumentError(`fit: trainData must be a DataIter, e.g. new mx.io.NDArrayIter({ data, label, batchSize }), got ${got}`, { arg: 'trainData' });
  }
  if (o.numEpoch === undefined) throw new ArgumentError('please specify number of epochs');
  mod.bind({ dataShapes: train.provideData, labelShapes: train.provideLabel, forTraining: true, forceRebind: o.forceRebind });
  mod.initParams({ initializer: o.initializer, argParams: o.argParams, auxParams: o.auxParams, allowMissing: o.allowMissing, forceInit: o.forceInit });
  mod.initOptimizer({ kvstore: o.kvstore, optimizer: o.optimizer ?? 'sgd', optimizerParams: o.optimizerParams ?? { learning_rate: 0.01 } });
  const validation = o.validationMetric ?? o.evalMetric ?? 'acc';
  const metric = metricOf(o.evalMetric ?? 'acc');
  for (let epoch = o.beginEpoch ?? 0; epoch < o.numEpoch; epoch++) {
    const tic = now();
    metric.reset();
    let nbatch = 0, batch = nextOf(train);
    if (!batch) throw new ArgumentError('fit: the training iterator gave no batch (call reset()? batch_size larger than the data?)');
    let evalNV: [string, number][] = [];
    while (batch) {
      mod.forwardBackward(batch);
      mod.update();
      mod.updateMetric(metric, batch.label);
      const next = nextOf(train);
      if (!next) evalNV = metric.getGlobalNameValue();
      for (const cb of asList(o.batchEndCallback)) cb({ epoch, nbatch, evalMetric: metric, locals: { batch } });
      nbatch++;
      if (batch.transient) batch.dispose();
      batch = next;
      yield;
    }
    for (const [n, v] of evalNV) mod.logger(`Epoch[${epoch}] Train-${n}=${pyF(v)}`);
    mod.logger(`Epoch[${epoch}] Time cost=${(now() - tic).toFixed(3)}`);
    // A parameter-server job: only rank 0 runs the epoch-end callbacks (checkpoints are written once).
    const kv = (mod as { kvstore?: KVStore }).kvstore;
    if (o.epochEndCallback && (!kv?.type.includes('dist') || kv.rank === 0)) {
      const [arg, aux] = mod.getParams();
      for (const cb of asList(o.epochEndCallback)) cb(epoch, mod.symbol, arg, aux);
    }
    if (o.evalData) {
      const res = scoreModule(mod, o.evalData, validation as EvalMetric | string, { scoreEndCallback: o.evalEndCallback, batchEndCallback: o.evalBatchEndCallback, epoch });
      for (const [n, v] of res) mod.logger(`Epoch[${epoch}] Validation-${n}=${pyF(v)}`);
    }
    train.reset();
  }
}

/**
 * MXNet's fit, synchronously (Node, workers).
 * @example fitModule(mod, trainIter, { numEpoch: 2 }) // what mod.fit(trainIter, { numEpoch: 2 }) runs
 */
export function fitModule(mod: BaseModule, train: DataIter, opts: FitOptions): void {
  for (const _ of fitSteps(mod, train, opts)) { /* every batch */ }
}

/** A macrotask turn: lets a page paint and handle input (setTimeout clamps to >= 4 ms after nesting; MessageChannel does not). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => {
  if (typeof MessageChannel === 'undefined') { setTimeout(resolve, 0); return; }
  const ch = new MessageChannel();
  ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
  ch.port2.postMessage(0);
});

/**
 * The same loop as fitModule, yielding to the event loop between batches (at most every `yieldEveryMs`,
 * default 16 ms: a frame), so a page's main thread keeps painting and responding while it trains.
 * @example await fitModuleAsync(mod, trainIter, { numEpoch: 2 }) // what await mod.fitAsync(...) runs
 */
export async function fitModuleAsync(mod: BaseModule, train: DataIter, opts: FitOptions & { yieldEveryMs?: number }): Promise<void> {
  const every = opts.yieldEveryMs ?? 16;
  let last = now();
  for (const _ of fitSteps(mod, train, opts)) {
    if ((now() - last) * 1000 >= every) { await yieldToEventLoop(); last = now(); }
  }
}

/** MXNet's score: metric over the iterator (padded samples counted); returns global [name, value] pairs. @example scoreModule(mod, val, 'acc') */
export function scoreModule(mod: BaseModule, it: DataIter, m: EvalMetric | string, opts: ScoreOptions = {}): [string, number][] {
  const o = normOpts<ScoreOptions>(opts);
  if (!mod.binded || !mod.paramsInitialized) throw new ArgumentError('score: bind and initialize the module first');
  if (o.reset ?? true) it.reset();
  const metric = metricOf(m);
  metric.reset();
  let nbatch = 0;
  for (const batch of it) {
    if (o.numBatch !== undefined && nbatch === o.numBatch) { if (batch.transient) batch.dispose(); break; }
    mod.forward(batch, { isTrain: false });
    mod.updateMetric(metric, batch.label);
    for (const cb of asList(o.batchEndCallback)) cb({ epoch: o.epoch ?? 0, nbatch, evalMetric: metric });
    nbatch++;
    if (batch.transient) batch.dispose();
  }
  for (const cb of asList(o.scoreEndCallback)) cb({ epoch: o.epoch ?? 0, nbatch, evalMetric: metric });
  return metric.getGlobalNameValue();
}

function concat(parts: NDArray[]): NDArray {
  const rows = parts.reduce((s, p) => s + p.shape[0], 0);
  const out = NDArray.empty([rows, ...parts[0].shape.slice(1)], parts[0].dtype);
  const d = out.data;
  let off = 0;
  for (const p of parts) { d.set(p.data as never, off); off += p.size; }
  return out;
}

/** MXNet's predict: outputs with each batch's padding stripped, concatenated over batches. @example predictModule(mod, testIter, {}) */
export function predictModule(mod: BaseModule, data: DataIter | NDArray, opts: PredictOptions = {}): NDArray | NDArray[] | NDArray[][] {
  const o = normOpts<PredictOptions>(opts);
  if (!mod.binded || !mod.paramsInitialized) throw new ArgumentError('predict: bind and initialize the module first');
  const it = data instanceof NDArray ? new NDArrayIter({ data, batchSize: mod.dataShapes[0].shape[0], lastBatchHandle: 'pad' }) : data;
  if (o.reset ?? true) it.reset();
  const outs: NDArray[][] = [];
  let nbatch = 0;
  for (const batch of it) {
    if (o.numBatch !== undefined && nbatch === o.numBatch) { if (batch.transient) batch.dispose(); break; }
    mod.forward(batch, { isTrain: false });
    outs.push(mod.getOutputs().map((x) => x.slice(0, x.shape[0] - batch.pad).copy()));
    nbatch++;
    if (batch.transient) batch.dispose();
  }
  if (!outs.length) return [];
  if (!(o.mergeBatches ?? true)) return outs;
  const merged = outs[0].map((_, i) => concat(outs.map((b) => b[i])));
  for (const b of outs) for (const x of b) x.dispose();
  return merged.length === 1 && !o.alwaysOutputList ? merged[0] : merged;
}

/**
 * MXNet's iter_predict: per batch, the outputs with the batch's padding stripped (views on the executor's outputs,
 * valid until the next batch), the batch index and the batch.
 * @example for (const [outs, i] of mod.iterPredict(testIter)) console.log(i, outs[0].shape)
 */
export function* iterPredictModule(mod: BaseModule, data: DataIter, o: { numBatch?: number; reset?: boolean } = {}): Generator<[NDArray[], number, DataBatch]> {
  if (!mod.binded || !mod.paramsInitialized) throw new ArgumentError('iterPredict: bind and initialize the module first');
  if (o.reset ?? true) data.reset();
  let nbatch = 0;
  for (const batch of data) {
    try {
      if (o.numBatch !== undefined && nbatch === o.numBatch) return;
      mod.forward(batch, { isTrain: false });
      yield [mod.getOutputs().map((x) => x.slice(0, x.shape[0] - batch.pad)), nbatch++, batch];
    } finally { if (batch.transient) batch.dispose(); }
  }
}
