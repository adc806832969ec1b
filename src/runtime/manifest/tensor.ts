import type { KernelInfo } from '../manifest.js';

/** Kernels of the tensor family (see ../manifest.ts). */
export const KERNELS_TENSOR: KernelInfo[] = [];
