// Ops of the control family: MXNet's control-flow operators, whose bodies are subgraphs bound as their own executors.
import type { OpDef } from '../registry.js';
import { condOp } from './cond.js';
import { foreachOp } from './foreach.js';
import { whileLoopOp } from './while-loop.js';

export const CONTROL_OPS: OpDef[] = [foreachOp, whileLoopOp, condOp];
