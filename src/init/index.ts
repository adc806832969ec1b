// mx.init.
export { Initializer, create, registerInit, pyJson, type InitDesc } from './initializer.js';
export { Uniform, Normal, Constant, Zero, One, Xavier, MSRAPrelu, Orthogonal, Mixed, Load, Bilinear, LSTMBias } from './rules.js';
