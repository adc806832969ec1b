// Browser / bundler entry: kernels are fetched from beside the bundle (dist/*.wasm) and compiled
// asynchronously, so call `await mx.ready()` once before using mx.
//   <script type="module">
//     import * as mx from './node_modules/mxwasm/dist/browser/index.js';
//     await mx.ready();
//     console.log(mx.nd.ones([2, 2]).toString());
//   </script>
import { setSourceProvider, type Variant } from '../runtime/runtime.js';
import { setThreadPlatform } from '../parallel/pool.js';
import { webThreadPlatform } from '../parallel/web.js';

const FILES: Record<Variant, string> = { shared: 'kernels.wasm', noshared: 'kernels.noshared.wasm', relaxed: 'kernels.relaxed.wasm' };

setSourceProvider({
  async: async (v) => {
    const url = new URL('../' + FILES[v], import.meta.url);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`mxwasm: cannot fetch ${url} (HTTP ${res.status})`);
    return res;
  },
});

// dp-worker.js beside this bundle runs data-parallel executors (Module context: [mx.cpu(0), mx.cpu(1)]) when
// mxwasm itself runs in a dedicated worker (a page's main thread cannot block).
setThreadPlatform(webThreadPlatform(new URL('./dp-worker.js', import.meta.url)));

export * from '../index.js';
