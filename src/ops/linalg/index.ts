// Ops of the linalg family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';
import { dot } from './dot.js';
import { batchDot } from './batch-dot.js';
import { fullyConnected } from './fully-connected.js';

export const LINALG_OPS: OpDef[] = [dot, batchDot, fullyConnected];
