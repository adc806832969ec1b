// Ops of the conv family: one file per op (or tight family), listed here.
// Shared helpers: geom.ts (attrs, shape rules, errors), plan.ts (convPlan: method, workspace, kernels per shape),
// lower.ts (lowers the plan: im2col/GEMM/depthwise), winograd.ts. 3-D (NCDHW) data: conv3d.ts, pool3d.ts, chosen
// by the data's rank (conv-by-rank.ts).
import type { OpDef } from '../registry.js';
import { convolution } from './convolution.js';
import { convolution3d } from './conv3d.js';
import { byRank } from './conv-by-rank.js';
import { deconvolution } from './deconvolution.js';
import { pooling } from './pooling.js';
import { pooling3d } from './pool3d.js';

export const CONV_OPS: OpDef[] = [byRank(convolution, convolution3d), deconvolution, byRank(pooling, pooling3d)];
