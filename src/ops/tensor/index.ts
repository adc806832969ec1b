// Ops of the tensor family: one file per op (or tight family), listed here.
import type { OpDef } from '../registry.js';
import { REDUCE_OPS } from './reduce.js';
import { TRANSPOSE_OPS } from './transpose.js';
import { RESHAPE_OPS } from './reshape.js';
import { CONCAT_OPS } from './concat.js';
import { SLICE_OPS } from './slice.js';
import { TAKE_OPS } from './take.js';
import { BROADCAST_OPS } from './broadcast.js';
import { PAD_OPS } from './pad.js';
import { UPSAMPLING_OPS } from './upsampling.js';
import { INIT_OPS } from './init.js';
import { DEPTH_SPACE_OPS } from './depth-space.js';
import { topkOp } from './topk.js';
import { arangeOp } from './arange.js';
import { booleanMaskOp } from './boolean-mask.js';
import { nonzeroOp } from './nonzero.js';
import { uniqueOp } from './unique.js';
import { nmsOp } from './nms.js';

export const TENSOR_OPS: OpDef[] = [
  ...REDUCE_OPS, ...TRANSPOSE_OPS, ...RESHAPE_OPS, ...CONCAT_OPS, ...SLICE_OPS, ...TAKE_OPS, ...BROADCAST_OPS, ...PAD_OPS, ...UPSAMPLING_OPS, ...INIT_OPS,
  ...DEPTH_SPACE_OPS, topkOp, arangeOp, booleanMaskOp, nonzeroOp, uniqueOp, nmsOp,
];
