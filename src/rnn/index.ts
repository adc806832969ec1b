// mx.rnn: recurrent cells as symbol graph builders (MXNet's mxnet.rnn), the fused cell and its weight
// conversions, and the bucketing sentence iterator.
export { RNNParams, BaseRNNCell, RNNCell, LSTMCell, GRUCell, SequentialRNNCell, BidirectionalCell, DropoutCell, type StateInfo, type StateFunc, type UnrollOptions } from './cells.js';
export { FusedRNNCell, unpackGates, packGates, type FusedOptions } from './fused.js';
export { FusedRNN, type FusedRNNInitOptions } from './fused-init.js';
export { BucketSentenceIter, encodeSentences, type BucketSentenceIterOptions } from './bucket-io.js';
