// gluon.contrib
import { HybridConcurrent, Identity } from './nn/contrib.js';
/** gluon.contrib.nn */
export const nn = { HybridConcurrent, Identity };
