/**
 * Every kernel the wasm module exports: the single source of truth for the typed table, the
 * warm-up at init, the kernel tests and the benches. A test checks it against
 * `WebAssembly.Module.exports()` exactly, so adding a kernel means adding a line here.
 *
 * `warm(p, q)` returns arguments for a tiny call; `p` and `q` point to 1 MiB zeroed scratch areas.
 */
import type { KernelInfo } from './manifest/common.js';
export type { KernelInfo, KernelTable } from './manifest/common.js';
export { simd, vbin } from './manifest/common.js';
import { COPY_PARAMS, simd, withParams } from './manifest/common.js';


import { KERNELS_ELEMENTWISE } from './manifest/elementwise.js';
import { KERNELS_TENSOR } from './manifest/tensor.js';
import { KERNELS_LINALG } from './manifest/linalg.js';
import { KERNELS_CONV } from './manifest/conv.js';
import { KERNELS_NN } from './manifest/nn.js';
import { KERNELS_OPTIM } from './manifest/optim.js';
import { KERNELS_RNN } from './manifest/rnn.js';
import { KERNELS_VOL } from './manifest/vol.js';
import { KERNELS_COMPRESS } from './manifest/compress.js';

export const KERNELS: KernelInfo[] = [
  ...KERNELS_ELEMENTWISE, ...KERNELS_TENSOR, ...KERNELS_LINALG, ...KERNELS_CONV, ...KERNELS_NN, ...KERNELS_OPTIM, ...KERNELS_RNN, ...KERNELS_VOL,
  ...KERNELS_COMPRESS,
  { name: 'heapBase', family: 'meta', dtype: 'none', needs: [] },
  ...withParams([
    { name: 'x8_copy', family: 'copy', dtype: 'u8', needs: [], warm: (p, q) => [p, q, 64] },
    { name: 'x8_zero', family: 'copy', dtype: 'u8', needs: [], warm: (p) => [p, 64] },
    { name: 'x32_fill', family: 'copy', dtype: 'x32', needs: simd, warm: (p) => [p, 0, 17] },
    { name: 'f32_peak__simd128', family: 'peak', dtype: 'f32', needs: simd, warm: () => [100, 0.5, 1] },
    { name: 'f32_peak__relaxedsimd', family: 'peak', dtype: 'f32', needs: ['simd128', 'relaxed'], warm: () => [100, 0.5, 1] },
    { name: 'x32_noop', family: 'peak', dtype: 'none', needs: [], warm: () => [0] },
  ], COPY_PARAMS),
];
