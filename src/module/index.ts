// mx.mod (and the checkpoint helpers mx.model uses).
export { Module, type ModuleOptions, type BindArgs, type InitParamsArgs, type InitOptimizerArgs, type ShapeSpec } from './module.js';
export type { FitOptions, ScoreOptions, PredictOptions } from './fit.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export { BucketingModule, type BucketingModuleOptions, type SymGenResult } from './bucketing.js';
