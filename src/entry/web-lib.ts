// The library as the browser, its data-parallel worker and the edge entry share it: dist/browser/mxwasm.js, one
// chunk (esbuild code splitting), so the package carries it once. Each entry imports this module and nothing else
// of src/, so the chunk evaluates its modules in one import order, this file's (the order an unbundled
// `import` of it would run): the entries differ only in where kernels come from and how threads start.
// The default export holds what the entries need and the API does not offer (`export *` does not forward it).
import { setSourceProvider, initRuntimeSync } from '../runtime/runtime.js';
import { setThreadPlatform } from '../parallel/pool.js';
import { webThreadPlatform } from '../parallel/web.js';
import { KernelError, MxError } from '../errors.js';

export * from '../index.js';
import { serveDataParallel } from '../parallel/dp-worker.js';

/** What the platform entries set up. @example import lib from './web-lib.js'; lib.setSourceProvider({ async: fetchKernels }) */
export default { setSourceProvider, initRuntimeSync, setThreadPlatform, webThreadPlatform, MxError, KernelError, serveDataParallel };
export type { Variant } from '../runtime/runtime.js';
