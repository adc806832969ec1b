// Ops of the conv family: one file per op (or tight family), listed here.
// Shared helpers: geom.ts (attrs, shape rules, errors), plan.ts (convPlan: method, workspace, kernels per shape),
// lower.ts (lowers the plan: im2col/GEMM/depthwise), winograd.ts.
import type { OpDef } from '../registry.js';
import { convolution } from './convolution.js';
import { deconvolution } from './deconvolution.js';
import { pooling } from './pooling.js';

export const CONV_OPS: OpDef[] = [convolution, deconvolution, pooling];
