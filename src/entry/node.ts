// Node entry: finds the kernel files beside the bundle (dist/) or in dist/ when run from src/,
// loads them synchronously at import (Node allows synchronous compilation of any size).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setSourceProvider, type Variant } from '../runtime/runtime.js';

const FILES: Record<Variant, string> = { shared: 'kernels.wasm', noshared: 'kernels.noshared.wasm', relaxed: 'kernels.relaxed.wasm' };

function locate(v: Variant): string {
  const dirs = ['../', '../../dist/', './', '../dist/'];
  for (const d of dirs) {
    const p = fileURLToPath(new URL(d + FILES[v], import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(`mxwasm: cannot find ${FILES[v]} (run npm run build)`);
}

setSourceProvider({
  sync: (v) => new WebAssembly.Module(readFileSync(locate(v))),
  async: async (v) => new WebAssembly.Module(readFileSync(locate(v))),
});

export * from '../index.js';
