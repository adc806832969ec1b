// Browser / bundler entry: kernels are fetched from beside the bundle (dist/*.wasm) and compiled
// asynchronously, so call `await mx.ready()` once before using mx.
//   <script type="module">
//     import * as mx from './node_modules/mxwasm/dist/browser/index.js';
//     await mx.ready();
//     console.log(mx.nd.ones([2, 2]).toString());
//   </script>
import lib, { type Variant } from './web-lib.js';

const { setSourceProvider, setThreadPlatform, webThreadPlatform, KernelError } = lib;

// Static `new URL('<literal>', import.meta.url)`: the pattern Vite, webpack 5, Parcel and esbuild (with a file
// loader) recognise, so an app's bundler copies the kernels and rewrites these URLs. Elsewhere give the bytes
// or a URL yourself: `await mx.ready({ source: { shared: url, noshared: url2, relaxed: url3 } })`.
const URLS: Record<Variant, () => URL> = {
  shared: () => new URL('../kernels.wasm', import.meta.url),
  noshared: () => new URL('../kernels.noshared.wasm', import.meta.url),
  relaxed: () => new URL('../kernels.relaxed.wasm', import.meta.url),
};

setSourceProvider({
  async: async (v) => {
    const url = URLS[v]();
    const res = await fetch(url);
    if (!res.ok) throw new KernelError(`mxwasm: cannot fetch ${url} (HTTP ${res.status})`);
    return res;
  },
});

// dp-worker.js beside this bundle runs data-parallel executors (Module context: [mx.cpu(0), mx.cpu(1)]) when
// mxwasm itself runs in a dedicated worker (a page's main thread cannot block). Written as the literal
// `new Worker(new URL(...), { type: 'module' })`: Vite and webpack then bundle the worker with what it imports (it
// imports the library chunk, which a bundler would not copy beside a plain asset).
setThreadPlatform(webThreadPlatform(() => new Worker(new URL('./dp-worker.js', import.meta.url), { type: 'module' })));

export * from './web-lib.js';
