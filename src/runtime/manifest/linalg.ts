import type { KernelInfo } from '../manifest.js';

/** Kernels of the linalg family (see ../manifest.ts). */
export const KERNELS_LINALG: KernelInfo[] = [];
