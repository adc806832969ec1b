// mx.callback.
export { Speedometer, ProgressBar, doCheckpoint, LogValidationMetricsCallback, checkpointHook, type BatchEndParam, type BatchEndCallback, type EpochEndCallback,
  type ProgressOptions } from './callbacks.js';
export { setLogger, log } from './log.js';
