// Ops of the elementwise family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';
import { BINARY_OPS } from './binary.js';
import { SCALAR_OPS } from './scalar.js';
import { UNARY_OPS } from './unary.js';
import { MISC_OPS } from './misc.js';
import { erfOp } from './erf.js';
import { hardSigmoidOp } from './hard-sigmoid.js';

/** Every op of the family, for src/ops/index.ts. @example ELEMENTWISE_OPS.map((d) => d.name) */
export const ELEMENTWISE_OPS: OpDef[] = [...BINARY_OPS, ...SCALAR_OPS, ...UNARY_OPS, ...MISC_OPS, erfOp, hardSigmoidOp];
