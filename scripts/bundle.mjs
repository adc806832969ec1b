// esbuild bundles: Node (ESM + CJS), browser (ESM, wasm fetched beside it), browser inline (wasm
// embedded, single file), edge (Cloudflare Workers: imports the .wasm as a module, no threads).
import { build } from 'esbuild';
import { join } from 'node:path';

const target = ['es2022', 'node20', 'chrome100', 'firefox100', 'safari16'];

/** Builds every bundle into dist/. */
export async function bundle(root) {
  const t0 = Date.now();
  const common = { bundle: true, target, sourcemap: false, minify: true, legalComments: 'none', logLevel: 'warning', absWorkingDir: root };
  await Promise.all([
    build({ ...common, entryPoints: ['src/entry/node.ts'], outfile: 'dist/node/index.js', format: 'esm', platform: 'node' }),
    build({
      ...common, entryPoints: ['src/entry/node.ts'], outfile: 'dist/node/index.cjs', format: 'cjs', platform: 'node',
      define: { 'import.meta.url': '__mxwasm_import_meta_url' },
      banner: { js: "const __mxwasm_import_meta_url = require('url').pathToFileURL(__filename).href;" },
    }),
    build({ ...common, entryPoints: ['src/parallel/dp-worker.ts'], outfile: 'dist/node/dp-worker.js', format: 'esm', platform: 'node' }),
    build({ ...common, entryPoints: ['src/cli/index.ts'], outfile: 'dist/node/cli.js', format: 'esm', platform: 'node', minify: false,
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } }),
    build({ ...common, entryPoints: ['src/entry/browser.ts'], outfile: 'dist/browser/index.js', format: 'esm', platform: 'browser' }),
    // The data-parallel executor worker for browsers (its Node branch imports node:worker_threads, never reached there).
    build({ ...common, entryPoints: ['src/parallel/dp-worker.ts'], outfile: 'dist/browser/dp-worker.js', format: 'esm', platform: 'browser', external: ['node:*'] }),
    build({
      ...common, entryPoints: ['src/entry/inline.ts'], outfile: 'dist/browser/index.inline.js', format: 'esm', platform: 'browser',
      loader: { '.wasm': 'binary' },
    }),
    build({ ...common, entryPoints: ['src/entry/edge.ts'], outfile: 'dist/edge/index.js', format: 'esm', platform: 'neutral', external: ['*.wasm'], mainFields: ['module', 'main'] }),
  ]);
  console.log(`[build] bundles in ${Date.now() - t0} ms`);
}
