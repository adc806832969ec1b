// Ops of the tensor family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';

export const TENSOR_OPS: OpDef[] = [];
