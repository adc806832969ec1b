// Ops of the seq family (sequence models): the fused RNN, the Sequence* ops, gather_nd, _scatter_set_nd, _scatter_reduce_nd, _backward_gather_nd, arange_like.
import type { OpDef } from '../registry.js';
import { rnn } from './rnn.js';
import { sequenceLast, sequenceMask, sequenceReverse } from './sequence.js';
import { arangeLike, gatherNd } from './gather.js';
import { rnnParamConcat } from './rnn-param-concat.js';
import { scatterSetNd } from './scatter.js';
import { backwardGatherNd } from './scatter-add.js';
import { scatterReduceNd } from './scatter-reduce.js';

export const SEQ_OPS: OpDef[] = [rnn, sequenceMask, sequenceLast, sequenceReverse, gatherNd, scatterSetNd, scatterReduceNd, backwardGatherNd, arangeLike, rnnParamConcat];
