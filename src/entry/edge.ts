// Edge entry (Cloudflare Workers / workerd, Deno Deploy-like): compiling wasm from bytes is
// forbidden there, so the platform's bundler turns this static import into a WebAssembly.Module.
// No threads there: the plain-memory build, one thread, initialised synchronously at import.
import lib from './web-lib.js';
// @ts-ignore: resolved by the platform (kept external by our bundler): dist/edge/../kernels.noshared.wasm
import kernels from '../kernels.noshared.wasm';

lib.setSourceProvider({
  sync: () => kernels as WebAssembly.Module,
  async: async () => kernels as WebAssembly.Module,
});
lib.initRuntimeSync({ variant: 'noshared' });

export * from './web-lib.js';
