import type { KernelInfo } from '../manifest.js';

/** Kernels of the elementwise family (see ../manifest.ts). */
export const KERNELS_ELEMENTWISE: KernelInfo[] = [];
