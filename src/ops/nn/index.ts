// Ops of the nn family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';
import { activation, leakyRelu } from './activation.js';
import { batchNorm } from './batch-norm.js';
import { dropout } from './dropout.js';
import { embedding } from './embedding.js';
import { lrn } from './lrn.js';
import { groupNorm, instanceNorm, l2Normalization, layerNorm } from './norms.js';
import { logSoftmax, softmax, softmaxActivation, softmin } from './softmax.js';
import { linearRegressionOutput, logisticRegressionOutput, maeRegressionOutput, makeLoss, softmaxOutput } from './softmax-output.js';

export const NN_OPS: OpDef[] = [
  activation, leakyRelu, softmax, logSoftmax, softmin, softmaxActivation, softmaxOutput,
  linearRegressionOutput, logisticRegressionOutput, maeRegressionOutput, makeLoss,
  batchNorm, layerNorm, instanceNorm, groupNorm, l2Normalization, dropout, embedding, lrn,
];
