/**
 * Every kernel the wasm module exports: the single source of truth for the typed table, the
 * warm-up at init, the kernel tests and the benches. A test checks it against
 * `WebAssembly.Module.exports()` exactly: a new kernel is one entry in its family's `defs` (manifest/<family>.ts).
 *
 * `warm(p, q)` returns arguments for a tiny call, in kernel order (each family names them: `defs` in
 * manifest/common.ts); `p` and `q` point to 1 MiB zeroed scratch areas.
 */
import type { KernelInfo } from './manifest/common.js';
export type { KernelInfo, KernelTable } from './manifest/common.js';
import { KERNELS_ELEMENTWISE } from './manifest/elementwise.js';
import { KERNELS_TENSOR } from './manifest/tensor.js';
import { KERNELS_LINALG } from './manifest/linalg.js';
import { KERNELS_CONV } from './manifest/conv.js';
import { KERNELS_NN } from './manifest/nn.js';
import { KERNELS_OPTIM } from './manifest/optim.js';
import { KERNELS_RNN } from './manifest/rnn.js';
import { KERNELS_VOL } from './manifest/vol.js';
import { KERNELS_COMPRESS } from './manifest/compress.js';
import { KERNELS_COPY } from './manifest/copy.js';

export const KERNELS: KernelInfo[] = [
  ...KERNELS_ELEMENTWISE, ...KERNELS_TENSOR, ...KERNELS_LINALG, ...KERNELS_CONV, ...KERNELS_NN, ...KERNELS_OPTIM, ...KERNELS_RNN, ...KERNELS_VOL,
  ...KERNELS_COMPRESS,
  { name: 'heapBase', family: 'meta', dtype: 'none', needs: [] },
  ...KERNELS_COPY,
];
