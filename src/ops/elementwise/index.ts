// Ops of the elementwise family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';

export const ELEMENTWISE_OPS: OpDef[] = [];
