// gluon.rnn: fused recurrent layers (one RNN op) and step cells.
export { RNN, LSTM, GRU, RNNLayerBase, type RNNStateInfo, type BeginStateFunc } from './rnn-layer.js';
export { HybridRecurrentCell, RNNCell, LSTMCell, GRUCell, SequentialRNNCell, HybridSequentialRNNCell, type UnrollOptions } from './rnn-cell.js';
