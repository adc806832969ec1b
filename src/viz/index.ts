// mx.viz: MXNet's print_summary and plot_network.
export { printSummary, type SummaryOptions } from './summary.js';
export { plotNetwork } from './plot.js';
export { trainingCurvesSVG, type EpochRecord } from './curves.js';
