// mx.gluon: MXNet's imperative model API (Parameter, Block/HybridBlock, nn, loss, Trainer, data), recorded by
// mx.autograd and hybridized onto the planned executor.
import './cached-op.js';
export { Parameter, Constant, ParameterDict, DeferredInitializationError, type ParameterOptions } from './parameter.js';
export { Block, HybridBlock, type HybridizeOptions } from './block.js';
export { SymbolBlock } from './symbol-block.js';
export { Trainer, type TrainerOptions } from './trainer.js';
export * as nn from './nn/index.js';
export * as rnn from './rnn/index.js';
export * as loss from './loss.js';
export * as data from './data/index.js';
export * as contrib from './contrib.js';
import * as vision from './model-zoo/vision.js';
/** gluon.model_zoo.vision: MXNet's model builders with MXNet's parameter names. */
export const modelZoo = { vision };
