// mx.metric.
export { EvalMetric, registerMetric, type MetricInput, type Host } from './base.js';
export { Accuracy, TopKAccuracy, F1, MCC, Perplexity, MAE, MSE, RMSE, CrossEntropy, NegativeLogLikelihood, PearsonCorrelation, Loss, CustomMetric, CompositeEvalMetric, create,
  np } from './metrics.js';
