// The op manifest: every op family, declared by name (src/ops/op-names.ts, generated from FAMILIES by
// scripts/gen-op-names.mjs) and registered on the first look-up of one of its ops. In the bundles a family's modules
// are evaluated only then (`// lazy`, scripts/lazy.mjs): a cold start evaluates the declarations it runs, not ~230.
import { declareFamily, type OpDef } from './registry.js';
import { OP_NAMES } from './op-names.js';
import * as elementwise from './elementwise/index.js'; // lazy
import * as tensor from './tensor/index.js'; // lazy
import * as linalg from './linalg/index.js'; // lazy
import * as conv from './conv/index.js'; // lazy
import * as nn from './nn/index.js'; // lazy
import * as seq from './seq/index.js'; // lazy
import * as control from './control/index.js'; // lazy

/** Each family's definitions (a function: reading them evaluates the family in the bundles). */
export const FAMILIES: Record<keyof typeof OP_NAMES, () => OpDef[]> = {
  elementwise: () => elementwise.ELEMENTWISE_OPS,
  tensor: () => tensor.TENSOR_OPS,
  linalg: () => linalg.LINALG_OPS,
  conv: () => conv.CONV_OPS,
  nn: () => nn.NN_OPS,
  seq: () => seq.SEQ_OPS,
  control: () => control.CONTROL_OPS,
};
for (const f of Object.keys(FAMILIES) as (keyof typeof FAMILIES)[]) declareFamily(OP_NAMES[f], FAMILIES[f]);
