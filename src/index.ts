// mxwasm's public API: an explicit export list. `import * as mx from 'mxwasm'` gives mx.nd, mx.sym,
// mx.mod, mx.io, mx.metric, mx.optimizer, mx.init, mx.kv, mx.model.
import './ops/index.js';
import { nd as ndOps, installOpFunctions } from './api/nd.js';
import { initRuntime, memoryStats, isReady, onRuntimeInit, type RuntimeOptions } from './runtime/runtime.js';
import { ensureInstalled } from './parallel/threads.js';
import { ndFileFunctions } from './format/ndarray-io.js';
import { ndContrib } from './api/control-flow.js';
// Registrations whose users are lazy namespaces in the bundles (mx.mod): the data-parallel workers' start with
// threadsReady(), and the checkpoint writer of mx.callback.doCheckpoint.
import './parallel/dp.js';
import './module/checkpoint.js';

installOpFunctions(ndOps);
/** `mx.nd`: arrays, creation, random, every registered op (typed: src/api/typed-ops.ts), save/load. */
// mx.nd.contrib: the control-flow builders beside any contrib ops already installed there
const nd = Object.assign(ndOps, ndFileFunctions, { contrib: Object.assign((ndOps as { contrib?: object }).contrib ?? {}, ndContrib) });
onRuntimeInit(() => ensureInstalled());

export { nd };
export { NDArray } from './ndarray/ndarray.js';
export { MxError, ShapeError, DTypeError, ArgumentError, MemoryError, KernelError, FormatError, isMxError } from './errors.js';
export type { DType } from './runtime/dtype.js';
export { memoryStats, isReady };
export { tidy, keep, memory, type MemoryInfo } from './api/tidy.js';
export { runtimeInfo } from './api/info.js';
export { setNumThreads, getNumThreads, threadsReady, shutdown, threadStats } from './parallel/threads.js';
export const random = { seed: nd.random.seed };
export * as optimizer from './optim/index.js';
export { lrScheduler } from './optim/index.js';
export * as init from './init/index.js';
export * as metric from './metric/index.js'; // lazy
export * as io from './io/index.js'; // lazy
export * as callback from './callback/index.js'; // lazy
export * as kv from './kv/index.js'; // lazy
export * as mod from './module/index.js'; // lazy
export * as rnn from './rnn/index.js';
export * as autograd from './autograd/index.js';
export * as gluon from './gluon/index.js'; // lazy

/**
 * Loads the kernels (needed once in browsers; Node loads them at import).
 * @example await mx.ready();
 */
export async function ready(opts: RuntimeOptions = {}): Promise<void> { await initRuntime(opts); }
export { sym } from './api/sym.js';
export { Symbol } from './symbol/symbol.js';
export { Executor } from './executor/executor.js';
export { model } from './format/checkpoint.js';
export { Predictor } from './predictor/predictor.js';
export * as viz from './viz/index.js'; // lazy
export * as onnx from './onnx/index.js'; // lazy
export * as models from './models/zoo.js'; // lazy
export * as probe from './api/probe.js'; // lazy
export * as benchmark from './bench/suite.js'; // lazy
export { cpu, currentContext, type Context } from './api/context.js';
