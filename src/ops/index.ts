// The op manifest: imports every op family and registers all ops in one loop.
import { registerOp, type OpDef } from './registry.js';
import { ELEMENTWISE_OPS } from './elementwise/index.js';
import { TENSOR_OPS } from './tensor/index.js';
import { LINALG_OPS } from './linalg/index.js';
import { CONV_OPS } from './conv/index.js';
import { NN_OPS } from './nn/index.js';
import { SEQ_OPS } from './seq/index.js';

const ALL: OpDef[] = [...ELEMENTWISE_OPS, ...TENSOR_OPS, ...LINALG_OPS, ...CONV_OPS, ...NN_OPS, ...SEQ_OPS];
for (const op of ALL) registerOp(op);
