// Builds everything in dist/ (`npm run build`; `npm pack` runs it as `prepack`; `npm start`/`npm test` build what is missing): the kernel module in its three
// variants (asc), the esbuild bundles, and .d.ts types. No prebuilt artefact is committed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync, renameSync, rmSync, cpSync, writeFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2]; // 'wasm' | 'js' | 'types' | undefined (all)
mkdirSync(join(root, 'dist'), { recursive: true });

const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const t0 = Date.now();
if (!only || only === 'wasm') {
  // Build into a temporary name, then rename: tests running meanwhile never see a half-written file.
  const files = { shared: 'kernels.wasm', noshared: 'kernels.noshared.wasm', relaxed: 'kernels.relaxed.wasm' };
  for (const [target, file] of Object.entries(files)) {
    const tmp = join(root, 'dist', `.${file}.${process.pid}.tmp`);
    const entry = target === 'relaxed' ? 'assembly/relaxed.ts' : 'assembly/index.ts';
    execFileSync(process.execPath, [asc, entry, '--config', 'asconfig.json', '--target', target, '-o', tmp], {
      cwd: root, stdio: 'inherit',
    });
    renameSync(tmp, join(root, 'dist', file));
  }
  console.log(`[build] kernels (3 variants) in ${Date.now() - t0} ms`);
}
if (!only || only === 'js' || only === 'types') {
  // The op families' names (src/ops/op-names.ts: declared at import, registered on first use), then typed op
  // signatures from the registry (src/api/op-types.ts), before bundles and declarations use them.
  if (existsSync(join(root, 'node_modules', 'tsx'))) {
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'gen-op-names.mjs')], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'gen-op-types.mjs')], { cwd: root, stdio: 'inherit' });
  }
}
if (!only || only === 'js') {
  // Bundles an older build left (a renamed or dropped one, e.g. dist/node/cli.js) would otherwise be packed and
  // shipped. Only here, not in bundle(): tests call bundle() and keep their own helpers in dist/.
  const made = new Set(['index.js', 'index.js.map', 'index.cjs', 'index.cjs.map', 'mxwasm.cjs', 'mxwasm.cjs.map', 'mxwasm-lazy.cjs', 'mxwasm-lazy.cjs.map', 'dp-worker.js', 'mxwasm.js', 'kv-net.js', 'kv-net.js.map', 'index.inline.js']);
  for (const d of ['node', 'browser', 'edge']) {
    if (!existsSync(join(root, 'dist', d))) continue;
    for (const f of readdirSync(join(root, 'dist', d))) if (!made.has(f)) rmSync(join(root, 'dist', d, f), { force: true });
  }
  const { bundle } = await import('./bundle.mjs');
  await bundle(root);
}
if (!only || only === 'types') {
  if (existsSync(join(root, 'node_modules', 'typescript'))) {
    const t1 = Date.now();
    // Type errors are reported but do not fail `npm install`: declarations are still emitted.
    // Into a fresh folder, then swapped in: declarations of deleted sources must not stay behind (and be packed).
    const tmp = join(root, 'dist', `.types.${process.pid}`);
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', tmp], { cwd: root, stdio: 'inherit' });
    } catch { console.warn('[build] tsc reported type errors (declarations emitted anyway)'); }
    const old = `${tmp}.old`;
    if (existsSync(join(root, 'dist', 'types'))) renameSync(join(root, 'dist', 'types'), old);
    renameSync(tmp, join(root, 'dist', 'types'));
    rmSync(old, { recursive: true, force: true });
    // The same declarations for `require('mxwasm')` in TypeScript: a copy marked CommonJS (the package is
    // "type": "module", so dist/types/*.d.ts describe ES modules, which a CommonJS file may not require).
    rmSync(join(root, 'dist', 'types-cjs'), { recursive: true, force: true });
    cpSync(join(root, 'dist', 'types'), join(root, 'dist', 'types-cjs'), { recursive: true });
    writeFileSync(join(root, 'dist', 'types-cjs', 'package.json'), '{ "type": "commonjs" }\n');
    console.log(`[build] types in ${Date.now() - t1} ms`);
  }
}
