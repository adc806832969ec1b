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
import { kernelsElementwise } from './manifest/elementwise.js';
import { kernelsTensor } from './manifest/tensor.js';
import { kernelsLinalg } from './manifest/linalg.js';
import { kernelsConv } from './manifest/conv.js';
import { kernelsNn } from './manifest/nn.js';
import { kernelsOptim } from './manifest/optim.js';
import { kernelsRnn } from './manifest/rnn.js';
import { kernelsVol } from './manifest/vol.js';
import { kernelsCompress } from './manifest/compress.js';
import { kernelsCopy } from './manifest/copy.js';

let kernelList: KernelInfo[] | undefined, kernelIndex: Map<string, number> | undefined;
/**
 * Every kernel's manifest line, in a fixed order (a kernel's index names it to the worker threads). Built on first use
 * (warm-up, the thread pool's start, tests), not at import: ~170 lines with their warm-ups were ~100 KB of a cold start.
 * @example kernels().filter((k) => k.needs.includes('relaxed'))
 */
export function kernels(): KernelInfo[] {
  return kernelList ??= [
    ...kernelsElementwise(), ...kernelsTensor(), ...kernelsLinalg(), ...kernelsConv(), ...kernelsNn(), ...kernelsOptim(), ...kernelsRnn(),
    ...kernelsVol(), ...kernelsCompress(),
    { name: 'heapBase', family: 'meta', dtype: 'none', needs: [] },
    ...kernelsCopy(),
  ];
}

/** @internal Whether `kernels()` has built the lines (tests: an import and a small op do not). */
export const kernelsBuilt = (): boolean => kernelList !== undefined;

/** Position of kernel `name` in `kernels()` (-1 if none). @example kernels()[kernelIndexOf('x8_copy')].name === 'x8_copy' */
export function kernelIndexOf(name: string): number {
  if (!kernelIndex) { kernelIndex = new Map(); kernels().forEach((k, i) => kernelIndex!.set(k.name, i)); }
  return kernelIndex.get(name) ?? -1;
}
