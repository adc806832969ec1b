// Callbacks (mx.callback): Speedometer, ProgressBar, doCheckpoint, LogValidationMetricsCallback,
// logging as MXNet 1.9 does (python/mxnet/callback.py).
import type { EvalMetric } from '../metric/base.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { log, pyF } from './log.js';
import { MxError } from '../errors.js';
import { saveCheckpoint } from '../format/checkpoint.js';
import type { Symbol } from '../symbol/symbol.js';

/** What batch-end callbacks receive (MXNet's BatchEndParam). */
export interface BatchEndParam { epoch: number; nbatch: number; evalMetric: EvalMetric | null; locals?: Record<string, unknown> }
export type BatchEndCallback = (p: BatchEndParam) => void;
export type EpochEndCallback = (epoch: number, symbol: unknown, argParams: Record<string, NDArray>, auxParams: Record<string, NDArray>) => void;

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;

/**
 * Logs training speed and the metric every `frequent` batches, like MXNet:
 * `Epoch[0] Batch [100-200]\tSpeed: 5123.40 samples/sec\taccuracy=0.962000`.
 * With autoReset the metric's local sums are reset after each report.
 * @example mod.fit(it, { numEpoch: 2, batchEndCallback: mx.callback.Speedometer(64, 50) })
 */
export function Speedometer(batchSize: number, frequent = 50, autoReset = true): BatchEndCallback & { lastSpeed: number } {
  let init = false, tic = 0, lastCount = 0;
  const cb = ((p: BatchEndParam) => {
    const count = p.nbatch;
    if (lastCount > count) init = false;
    lastCount = count;
    if (!init) { init = true; tic = now(); return; }
    if (count % frequent !== 0) return;
    const dt = now() - tic;
    const speed = dt > 0 ? frequent * batchSize / dt : Infinity;
    cb.lastSpeed = speed;
    if (p.evalMetric) {
      const nv = p.evalMetric.getNameValue();
      const tail = nv.map(([n, v]) => `\t${n}=${pyF(v)}`).join('');
      if (autoReset) { p.evalMetric.resetLocal(); log(`Epoch[${p.epoch}] Batch [${count - frequent}-${count}]\tSpeed: ${speed.toFixed(2)} samples/sec${tail}`); }
      else log(`Epoch[${p.epoch}] Batch [0-${count}]\tSpeed: ${speed.toFixed(2)} samples/sec${tail}`);
    } else log(`Iter[${p.epoch}] Batch [${count}]\tSpeed: ${speed.toFixed(2)} samples/sec`);
    tic = now();
  }) as BatchEndCallback & { lastSpeed: number };
  cb.lastSpeed = NaN;
  return cb;
}

export interface ProgressOptions { length?: number; stream?: { isTTY?: boolean; write(s: string): unknown }; batchSize?: number }

/**
 * A progress bar with ETA (and samples/sec when batchSize is given) redrawn in place on a terminal;
 * when the stream is not a TTY it degrades to a plain line every 10 %.
 * @example mod.fit(it, { numEpoch: 10, batchEndCallback: mx.callback.ProgressBar(it.numBatches) })
 */
export function ProgressBar(total: number, o: ProgressOptions = {}): BatchEndCallback {
  const len = o.length ?? 30;
  const stream = o.stream ?? (globalThis as { process?: { stdout?: ProgressOptions['stream'] } }).process?.stdout;
  const tty = !!stream?.isTTY;
  let t0 = 0, epoch = -1, lastDecile = 0;
  return (p: BatchEndParam) => {
    if (p.epoch !== epoch || p.nbatch === 0) { epoch = p.epoch; t0 = now(); lastDecile = 0; }
    const done = Math.min(p.nbatch + 1, total), frac = total > 0 ? done / total : 1;
    const dt = now() - t0, eta = frac > 0 ? dt * (1 - frac) / frac : 0;
    const filled = Math.round(len * frac);
    const metric = p.evalMetric ? p.evalMetric.getNameValue().map(([n, v]) => ` ${n}=${v.toFixed(4)}`).join('') : '';
    const speed = o.batchSize && dt > 0 ? ` ${(done * o.batchSize / dt).toFixed(0)} samples/s` : '';
    const text = `Epoch[${p.epoch}] [${'='.repeat(filled)}${filled < len ? '>' : ''}${'.'.repeat(Math.max(0, len - filled - 1))}] ${Math.floor(frac * 100)}% ${done}/${total} ` +
      `${done >= total ? `${dt.toFixed(1)}s` : `ETA ${eta.toFixed(1)}s`}${speed}${metric}`;
    if (!stream) return;
    if (tty) stream.write(`\r${text}\x1b[K${done >= total ? '\n' : ''}`);
    else {
      const dec = Math.floor(frac * 10);
      if (dec > lastDecile) { lastDecile = dec; stream.write(text + '\n'); }
    }
  };
}

/** Saves a checkpoint (mx.model.saveCheckpoint; replaceable). @example checkpointHook.save?.('p', 1, sym, arg, aux) */
export const checkpointHook: { save?: (prefix: string, epoch: number, sym: unknown, arg: Record<string, NDArray>, aux: Record<string, NDArray>) => void } = {
  save: (prefix, epoch, sym, arg, aux) => { saveCheckpoint(prefix, epoch, sym as Symbol, arg, aux); },
};

/**
 * Epoch-end callback saving `prefix-symbol.json` and `prefix-%04d.params` every `period` epochs.
 * @example mod.fit(it, { numEpoch: 5, epochEndCallback: mx.callback.doCheckpoint('mnist') })
 */
export function doCheckpoint(prefix: string, period = 1): EpochEndCallback {
  const p = Math.max(1, Math.trunc(period));
  return (iter, sym, arg, aux) => {
    if ((iter + 1) % p === 0) {
      if (!checkpointHook.save) throw new MxError('unsupported', 'doCheckpoint: the module layer is not loaded');
      checkpointHook.save(prefix, iter + 1, sym, arg, aux);
    }
  };
}

/**
 * Logs validation metrics at an evaluation's end: `Epoch[0] Validation-accuracy=0.980000`.
 * @example mod.fit(it, { evalData: val, evalEndCallback: mx.callback.LogValidationMetricsCallback() })
 */
export function LogValidationMetricsCallback(): BatchEndCallback {
  return (p) => { if (!p.evalMetric) return; for (const [n, v] of p.evalMetric.getNameValue()) log(`Epoch[${p.epoch}] Validation-${n}=${pyF(v)}`); };
}
