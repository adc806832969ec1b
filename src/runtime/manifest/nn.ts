import type { KernelInfo } from '../manifest.js';

/** Kernels of the nn family (see ../manifest.ts). */
export const KERNELS_NN: KernelInfo[] = [];
