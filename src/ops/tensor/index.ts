// Ops of the tensor family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';
import { REDUCE_OPS } from './reduce.js';

export const TENSOR_OPS: OpDef[] = [...REDUCE_OPS];
