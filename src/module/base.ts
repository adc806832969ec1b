// What the training loops (fit.ts) call on a module, and the option types of those calls: MXNet's BaseModule.
// Module implements it; fit.ts imports only this file, so module.ts -> fit.ts is the one direction.
import type { NDArray } from '../ndarray/ndarray.js';
import type { GradReq } from '../ops/registry.js';
import type { Symbol } from '../symbol/symbol.js';
import type { DataBatch, DataDesc } from '../io/base.js';
import type { Initializer } from '../init/initializer.js';
import type { EvalMetric } from '../metric/base.js';
import type { Optimizer, OptimizerOptions } from '../optim/optimizer.js';
import type { KVStore } from '../kv/kvstore.js';

export type ShapeSpec = DataDesc | [string, number[]] | { name: string; shape: number[] };
export interface BindArgs {
  dataShapes: ShapeSpec[]; labelShapes?: ShapeSpec[] | null; forTraining?: boolean; inputsNeedGrad?: boolean; forceRebind?: boolean;
  gradReq?: GradReq | Record<string, GradReq>;
}
export interface InitParamsArgs {
  initializer?: Initializer | null; argParams?: Record<string, NDArray> | null; auxParams?: Record<string, NDArray> | null;
  allowMissing?: boolean; forceInit?: boolean; allowExtra?: boolean;
}
export interface InitOptimizerArgs { kvstore?: string | KVStore | null; optimizer?: string | Optimizer; optimizerParams?: OptimizerOptions | [string, unknown][]; forceInit?: boolean }

/** The module API the fit / score / predict loops drive (MXNet's `BaseModule`). */
export interface BaseModule {
  readonly symbol: Symbol;
  readonly logger: (m: string) => void;
  readonly binded: boolean;
  readonly paramsInitialized: boolean;
  readonly dataShapes: DataDesc[];
  bind(o: BindArgs): void;
  initParams(o?: InitParamsArgs): void;
  initOptimizer(o?: InitOptimizerArgs): void;
  getParams(): [Record<string, NDArray>, Record<string, NDArray>];
  forward(batch: DataBatch, o?: { isTrain?: boolean }): void;
  forwardBackward(batch: DataBatch): void;
  update(): void;
  getOutputs(): NDArray[];
  updateMetric(metric: EvalMetric, labels: NDArray[] | null): void;
}
