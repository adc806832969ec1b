// Ops of the nn family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';

export const NN_OPS: OpDef[] = [];
