import type { KernelInfo } from '../manifest.js';

/** Kernels of the conv family (see ../manifest.ts). */
export const KERNELS_CONV: KernelInfo[] = [];
