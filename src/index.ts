// mxwasm's public API: an explicit export list. `import * as mx from 'mxwasm'` gives mx.nd, mx.sym,
// mx.mod, mx.io, mx.metric, mx.optimizer, mx.init, mx.kv, mx.model.
import './ops/index.js';
import { nd as ndOps, installOpFunctions } from './api/nd.js';
import { initRuntime, memoryStats, isReady, onRuntimeInit, type RuntimeOptions } from './runtime/runtime.js';
import { ensureInstalled, getNumThreads, onThreadsReady } from './parallel/threads.js';
import { threadPlatform } from './parallel/pool.js';
import { ndContrib } from './api/control-flow.js';
import { callThrough, lazyClass } from './util/lazy.js';
import { autograd } from './autograd/methods.js';
// Lazy in the bundles (scripts/lazy.mjs): the file formats of mx.nd.save / load, the data-parallel executors.
import * as ndIO from './format/ndarray-io.js'; // lazy
import * as dp from './parallel/dp.js'; // lazy

installOpFunctions(ndOps);
/** `mx.nd`: arrays, creation, random, every registered op (typed: src/api/typed-ops.ts), save/load. */
// mx.nd.contrib: the control-flow builders beside any contrib ops already installed there
const nd = Object.assign(ndOps, callThrough(ndIO, 'save', 'load', 'loadWithInfo', 'loadAsync', 'saveNumpy', 'storedInfo'),
  { loadFrombuffer: callThrough(ndIO, 'load').load, contrib: Object.assign((ndOps as { contrib?: object }).contrib ?? {}, ndContrib) });
onRuntimeInit(() => ensureInstalled());
// Browsers: mx.threadsReady() also starts one data-parallel executor worker per extra core (for mx.mod).
onThreadsReady(async () => { if (threadPlatform()?.startsAsync) await dp.prestartDataParallelWorkers(Math.max(0, getNumThreads() - 1)); });

export { nd };
export { NDArray } from './ndarray/ndarray.js';
export { MxError, ShapeError, DTypeError, ArgumentError, MemoryError, KernelError, FormatError, isMxError } from './errors.js';
export type { DType } from './runtime/dtype.js';
export { memoryStats, isReady };
export { tidy, keep, memory, type MemoryInfo } from './api/tidy.js';
export { runtimeInfo } from './api/info.js';
export { setNumThreads, getNumThreads, threadsReady, shutdown, threadStats } from './parallel/threads.js';
export const random = { seed: nd.random.seed };
export * as optimizer from './optim/index.js'; // lazy
export * as lrScheduler from './optim/lr-scheduler.js'; // lazy
export * as init from './init/index.js'; // lazy
export * as metric from './metric/index.js'; // lazy
export * as io from './io/index.js'; // lazy
export * as callback from './callback/index.js'; // lazy
export * as kv from './kv/index.js'; // lazy
export * as mod from './module/index.js'; // lazy
export * as rnn from './rnn/index.js'; // lazy
export { autograd };
export * as gluon from './gluon/index.js'; // lazy

/**
 * Loads the kernels (needed once in browsers; Node loads them at import).
 * @example await mx.ready();
 */
export async function ready(opts: RuntimeOptions = {}): Promise<void> { await initRuntime(opts); }
export { sym } from './api/sym.js';
export { Symbol } from './symbol/symbol.js';
export { Executor } from './executor/executor.js';
import * as checkpoint from './format/checkpoint.js'; // lazy
import * as predictor from './predictor/predictor.js'; // lazy
/** mx.model: MXNet's checkpoint files (src/format/checkpoint.ts, loaded on first use in the bundles). */
export const model = callThrough(checkpoint, 'loadCheckpoint', 'loadCheckpointAsync', 'loadCheckpointFromBytes', 'saveCheckpoint', 'checkpointBytes', 'checkpointFiles', 'splitParams');
/** mx.Predictor (src/predictor/predictor.ts, loaded on first use in the bundles). */
export const Predictor = lazyClass(() => predictor.Predictor);
export type Predictor = predictor.Predictor;
export * as viz from './viz/index.js'; // lazy
export * as onnx from './onnx/index.js'; // lazy
export * as models from './models/zoo.js'; // lazy
export * as probe from './api/probe.js'; // lazy
export * as benchmark from './bench/suite.js'; // lazy
export { cpu, currentContext, type Context } from './api/context.js';
