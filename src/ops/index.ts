// The op manifest: imports every op file and registers them in one loop.
import { registerOp, type OpDef } from './registry.js';
import { elemwiseAdd } from './elemwise_add.js';

const ALL: OpDef[] = [elemwiseAdd];
for (const op of ALL) registerOp(op);
