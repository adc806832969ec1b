// gluon.nn: layers.
export { Sequential, HybridSequential, Dense, Dropout, BatchNorm, Embedding, Flatten, LayerNorm, InstanceNorm, GroupNorm, Lambda, HybridLambda } from './basic.js';
export { Activation, LeakyReLU, PReLU, ELU, SELU, GELU, Swish } from './activations.js';
export { Conv1D, Conv2D, Conv2DTranspose, MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D, GlobalAvgPool1D, GlobalMaxPool1D, GlobalAvgPool2D, GlobalMaxPool2D } from './conv.js';
export { Block, HybridBlock } from '../block.js';
