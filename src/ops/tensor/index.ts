// Ops of the tensor family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';
import { REDUCE_OPS } from './reduce.js';
import { TRANSPOSE_OPS } from './transpose.js';
import { RESHAPE_OPS } from './reshape.js';
import { CONCAT_OPS } from './concat.js';

export const TENSOR_OPS: OpDef[] = [...REDUCE_OPS, ...TRANSPOSE_OPS, ...RESHAPE_OPS, ...CONCAT_OPS];
