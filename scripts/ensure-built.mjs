// Builds what is missing from dist/ (a fresh clone has none: `npm install` builds nothing, so that
// consumers of the package never run a build). `npm start`, `npm test`, `npm run serve` and `npm run bench`
// call it first; `npm run build` rebuilds everything. `--docs` (npm run serve) also builds the API reference
// (docs/api, TypeDoc) when it is missing; `npm run docs` rebuilds it.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const parts = {
  wasm: ['dist/kernels.wasm', 'dist/kernels.noshared.wasm', 'dist/kernels.relaxed.wasm'],
  js: ['dist/node/index.cjs', 'dist/node/mxwasm.cjs', 'dist/node/mxwasm-lazy.cjs', 'dist/node/index.js', 'dist/node/kv-net.js', 'dist/node/dp-worker.js', 'dist/browser/index.js', 'dist/browser/mxwasm.js', 'dist/browser/dp-worker.js', 'dist/edge/index.js'],
  types: ['dist/types/index.d.ts', 'dist/types-cjs/index.d.ts'],
};

/** Runs `node scripts/build.mjs <part>` for each part with a file missing (and TypeDoc when `docs`); returns the parts built. */
export function ensureBuilt({ docs = false } = {}) {
  const missing = Object.keys(parts).filter((p) => parts[p].some((f) => !existsSync(join(root, f))));
  // The bundles embed the kernels (the inline build): kernels first.
  for (const p of missing) {
    console.log(`[build] dist/ lacks the ${p} build: building it (npm run build rebuilds everything)`);
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), p], { cwd: root, stdio: 'inherit' });
  }
  if (docs && !existsSync(join(root, 'docs/api/index.html'))) {
    console.log('[build] docs/api lacks the API reference: building it with TypeDoc (npm run docs rebuilds it)');
    execFileSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc')], { cwd: root, stdio: 'inherit' });
    missing.push('docs');
  }
  return missing;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureBuilt({ docs: process.argv.includes('--docs') });
