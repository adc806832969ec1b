// mx.optimizer and mx.lr_scheduler.
export { Optimizer, create, register, type OptimizerOptions, type Index, type SymbolLike } from './optimizer.js';
export { SGD, NAG, Adam, AdamW, Adamax, Nadam, FTML, RMSProp, AdaGrad, AdaDelta, Signum, Ftrl } from './rules.js';
export { getUpdater, type Updater } from './updater.js';
import * as lrScheduler from './lr-scheduler.js';
export { lrScheduler };
