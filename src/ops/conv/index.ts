// Ops of the conv family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';

export const CONV_OPS: OpDef[] = [];
