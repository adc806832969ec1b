// The optimizer side of mx.mod.Module: the optimizer initOptimizer builds (MXNet's rules for rescale_grad and
// idx2name) and the optimizer-state files (on the KVStore when it updates, else in the updater).
import { ArgumentError } from '../errors.js';
import { readFileBytes, writeFileBytes } from '../format/fs.js';
import type { KVStore } from '../kv/kvstore.js';
import type { NDArray } from '../ndarray/ndarray.js';
import '../optim/rules.js'; // the optimizers register themselves (mx.optimizer is lazy in the bundles)
import { create as createOptimizer, Optimizer, type OptimizerOptions } from '../optim/optimizer.js';
import { normOpts } from '../util/options.js';
import type { Updater } from '../optim/updater.js';
import type { Symbol } from '../symbol/symbol.js';

/**
 * The optimizer of `Module.initOptimizer`: a given instance (a warning when its rescale_grad is not 1/batch;
 * idx2name filled in when empty, wd_mult not recomputed, as MXNet) or one created by name with rescale_grad 1/batch.
 * @example moduleOptimizer('sgd', { learning_rate: 0.1 }, net, ['fc1_weight'], 64, console.log)
 */
export function moduleOptimizer(spec: string | Optimizer, optimizerParams: OptimizerOptions | [string, unknown][] | undefined,
  symbol: Symbol, paramNames: string[], batch: number, logger: (m: string) => void): Optimizer {
  const idx2name: Record<number, string> = {};
  paramNames.forEach((n, i) => { idx2name[i] = n; });
  if (spec instanceof Optimizer) {
    if (spec.rescaleGrad !== 1 / batch) logger(`Optimizer created manually outside Module but rescale_grad is not normalized to 1.0/batch_size/num_workers (${spec.rescaleGrad} vs. ${1 / batch}). ` +
      `Is this intended?`);
    if (!Object.keys(spec.idx2name).length) spec.idx2name = { ...idx2name };
    return spec;
  }
  const params = normOpts<OptimizerOptions>(optimizerParams ?? { learningRate: 0.01 });
  if (params.rescaleGrad === undefined) params.rescaleGrad = 1 / batch;
  return createOptimizer(spec, { ...params, sym: symbol, paramIdx2Name: idx2name });
}

interface OptimizerHolder { updater?: Updater; kvstore?: KVStore; updateOnKvstore: boolean; ownKv?: boolean }

/** Writes a module's optimizer states (MXNet's `save_optimizer_states`). @example saveOptimizerStates(mod, 'x.states') */
export function saveOptimizerStates(m: OptimizerHolder, fname: string): void { writeFileBytes(fname, optimizerStateBytes(m), 'saveOptimizerStates'); }

/** A module's optimizer states as bytes (from the KVStore when it updates). @example optimizerStateBytes(mod) */
export function optimizerStateBytes(m: OptimizerHolder): Uint8Array {
  if (!m.updater) throw new ArgumentError('saveOptimizerStates: no optimizer');
  return m.updateOnKvstore ? m.kvstore!.saveOptimizerStates() : m.updater.getStates();
}

/** Reads a module's optimizer states. @example loadOptimizerStates(mod, 'x.states') */
export function loadOptimizerStates(m: OptimizerHolder, fname: string): void {
  const b = readFileBytes(fname, 'loadOptimizerStates');
  if (m.updateOnKvstore) m.kvstore!.loadOptimizerStates(b); else m.updater!.setStates(b);
}

/**
 * Registers the weights with the store (in place when it can); a parameter-server store then pulls, so every
 * worker starts from rank 0's values (MXNet's broadcast). @example kvInitParams(kv, [w0, w1])
 */
export function kvInitParams(kv: KVStore, ws: NDArray[]): void {
  const ks = ws.map((_, i) => i);
  if (kv.initInPlace) ws.forEach((w, i) => kv.initInPlace!(i, w));
  else kv.init(ks, ws);
  if (kv.type.includes('dist')) kv.pull(ks, ws);
}

/** A dist store's update: all pushes in one request, then all pulls (the keys travel concurrently). @example kvUpdateAll(kv, names, exe.gradDict, exe.argDict) */
export function kvUpdateAll(kv: KVStore, names: string[], grads: Record<string, NDArray>, args: Record<string, NDArray>): void {
  const ks: number[] = [], gs: NDArray[] = [], ws: NDArray[] = [];
  names.forEach((n, i) => { if (grads[n]) { ks.push(i); gs.push(grads[n]); ws.push(args[n]); } });
  kv.push(ks, gs);
  kv.pull(ks, ws);
}

/** Frees a module's optimizer states (Adam's m and v, momentum, ...) and the KVStore it created. @example disposeOptimizer(mod) */
export function disposeOptimizer(m: OptimizerHolder): void {
  m.updater?.dispose();
  if (m.ownKv) m.kvstore?.dispose?.();
  m.updater = m.kvstore = undefined;
}
