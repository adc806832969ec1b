// Ops of the linalg family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';
import { dot } from './dot.js';
import { batchDot } from './batch_dot.js';
import { fullyConnected } from './fully_connected.js';

export const LINALG_OPS: OpDef[] = [dot, batchDot, fullyConnected];
