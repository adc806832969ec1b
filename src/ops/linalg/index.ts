// Ops of the linalg family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';

export const LINALG_OPS: OpDef[] = [];
