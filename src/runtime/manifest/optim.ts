import type { KernelInfo } from '../manifest.js';

/** Kernels of the optim family (see ../manifest.ts). */
export const KERNELS_OPTIM: KernelInfo[] = [];
