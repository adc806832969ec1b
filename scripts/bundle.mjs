// esbuild bundles: Node (ESM + CJS), browser (ESM, wasm fetched beside it), browser inline (wasm
// embedded, single file), edge (Cloudflare Workers: imports the .wasm as a module, no threads).
import { build } from 'esbuild';
import { writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lazyNamespaces } from './lazy.mjs';
import { stripRedundantNames } from './strip-names.mjs';
import { splitBuild } from './split.mjs';

/** Parameters of the library's module function (dist/node/mxwasm.cjs), as src/entry/node-loader.ts passes them. */
const LOADER_PARAMS = 'exports, require, module, __filename, __dirname, __mxwasm_dynamic_import, __mxwasm_load';
const target = ['es2022', 'node20', 'chrome100', 'firefox100', 'safari16'];

/** Builds every bundle into dist/. */
export async function bundle(root) {
  const t0 = Date.now();
  // keepNames: `e.constructor.name` is 'ShapeError' and stack frames name functions, minified or not.
  const common = { bundle: true, target, sourcemap: false, minify: true, keepNames: true, legalComments: 'none', logLevel: 'warning', absWorkingDir: root,
    plugins: [lazyNamespaces(root)] }; // `// lazy` namespaces: evaluated on first use (scripts/lazy.mjs)
  // Node: identifiers and syntax unminified (readable stacks) and the library bundled ONCE, as CommonJS. Whitespace
  // and comments of mxwasm.cjs are minified: a cold start reads and copies the whole text, and on the slow VM of
  // BENCHMARKS.md every fresh page costs ~25 us (1.27 -> 0.91 MB: 160 fewer page faults per start).
  // dist/node/index.js only re-exports it, so `import` and `require` in one process share one runtime and
  // one memory (two copies would give two memories, and arrays of one are meaningless to the other).
  // Source maps (shipped, sources not embedded): `node --enable-source-maps` prints frames at src/**/*.ts lines.
  const node = { ...common, minify: false, platform: 'node', sourcemap: true, sourcesContent: false };
  mkdirSync(join(root, 'dist', 'node'), { recursive: true });
  // The ESM face names each export and loads index.cjs through require: `export * from './index.cjs'` made Node
  // scan the 660 KB bundle with its CommonJS export lexer on every import (cold start +140 ms CPU of +300 ms here).
  // The names come from an ESM build of the same entry (metafile only, nothing written).
  const names = build({ ...node, entryPoints: ['src/entry/node-bundle.ts'], outfile: 'dist/node/esm-names.js', format: 'esm', write: false, metafile: true, external: ['zeromq'] })
    .then((r) => {
      // `__dpWorker` is not API (the Node worker script requires index.cjs for it).
      const exports = Object.values(r.metafile.outputs).flatMap((o) => o.exports ?? []).filter((n) => n !== 'default' && !n.startsWith('__'));
      writeFileSync(join(root, 'dist', 'node', 'index.js'),
        "// ESM face of the Node library: the code lives once, in mxwasm.cjs, loaded by index.cjs (one runtime per process for import and require).\n" +
        "import { createRequire } from 'node:module';\n" +
        "const m = createRequire(import.meta.url)('./index.cjs');\n" +
        `export const { ${exports.join(', ')} } = m;\n` +
        // MXNet's `import mxnet` side effect: DMLC_ROLE=server or scheduler (set by `mxwasm launch`) runs that role
        // here and exits, before the importing script's body (top-level await: the ESM face only).
        "if (process.env.DMLC_ROLE === 'server' || process.env.DMLC_ROLE === 'scheduler') {\n" +
        "  const { isMainThread } = await import('node:worker_threads');\n" +
        "  if (isMainThread) process.exit((await m.kvDist.runRole(process.env)) ?? 0);\n}\n");
    });
  await Promise.all([
    names,
    // The library as CommonJS (mxwasm.cjs), and index.cjs, the loader that compiles it through a V8 code cache
    // (src/entry/node-loader.ts). The loader runs the bundle as vm-compiled code, where `import()` needs a
    // callback Node 20 only has behind a flag: the bundle's dynamic imports (zeromq) go through the loader's.
    // Two files (scripts/split.mjs): mxwasm.cjs, what an import evaluates, and mxwasm-lazy.cjs, the lazy namespaces'
    // modules, loaded on first use (by the loader, through a code cache of its own).
    splitBuild(root, {
      ...node, entryPoints: ['src/entry/node-bundle.ts'], outfile: 'dist/node/mxwasm.cjs', format: 'cjs', write: false,
      minifyWhitespace: true, lineLimit: 240, // lines of ~240 characters: stack frames still point somewhere readable
      define: { 'import.meta.url': '__mxwasm_import_meta_url' }, external: ['zeromq'],
      banner: { js: "const __mxwasm_import_meta_url = require('url').pathToFileURL(__filename).href;" },
    }).then(({ core, lazy }) => {
      writeNodeFile(root, 'mxwasm.cjs', core, CORE_PRELUDE, '');
      writeNodeFile(root, 'mxwasm-lazy.cjs', lazy, LAZY_PRELUDE, LAZY_END);
    }),
    build({
      ...node, entryPoints: ['src/entry/node-loader.ts'], outfile: 'dist/node/index.cjs', format: 'cjs',
      logOverride: { 'commonjs-variable-in-esm': 'silent' }, // it sets module.exports on purpose
      define: { 'import.meta.url': '__mxwasm_import_meta_url' },
      banner: { js: "const __mxwasm_import_meta_url = require('url').pathToFileURL(__filename).href;" },
    }),
    // The data-parallel executor worker runs on the same library: a thread of its own, which requires index.cjs (one
    // copy in the package; the code cache makes the worker's load cheap).
    Promise.resolve().then(() => writeFileSync(join(root, 'dist', 'node', 'dp-worker.js'),
      '// Data-parallel executor worker (Node): the library it runs is the one the entry loads (index.cjs -> mxwasm.cjs).\n' +
      "import { parentPort } from 'node:worker_threads';\nimport { createRequire } from 'node:module';\n\n" +
      "createRequire(import.meta.url)('./index.cjs').__dpWorker(parentPort);\n")),
    // The distributed KVStore's network thread (with the server roles, the only code that loads zeromq).
    build({ ...node, entryPoints: ['src/kv/ps/net-thread.ts'], outfile: 'dist/node/kv-net.js', format: 'esm', external: ['zeromq'] }),
    // Browser, its data-parallel worker and edge share the library: dist/browser/mxwasm.js, built once from
    // src/entry/web-lib.ts. The entries import only that module, kept external here, so each is a few lines
    // (where the kernels come from, how threads start). Not esbuild's code splitting: it does not keep ES modules'
    // evaluation order in a shared chunk (mx.sym lacked its ops), while this is the order an unbundled import runs.
    build({ ...common, entryPoints: ['src/entry/web-lib.ts'], outfile: 'dist/browser/mxwasm.js', format: 'esm', platform: 'browser' }),
    ...[['browser.ts', 'browser/index.js', './mxwasm.js'], ['dp-worker-web.ts', 'browser/dp-worker.js', './mxwasm.js'], ['edge.ts', 'edge/index.js', '../browser/mxwasm.js']].map(([src, out, lib]) => build({
      ...common, entryPoints: [`src/entry/${src}`], outfile: `dist/${out}`, format: 'esm', platform: 'browser', external: ['*.wasm'], metafile: true,
      plugins: [{ name: 'shared-library', setup(b) { b.onResolve({ filter: /^\.\/web-lib\.js$/ }, () => ({ path: lib, external: true })); } }],
    }).then((r) => {
      // Nothing else of src/ may be bundled into an entry (it would be a second copy, with a second runtime).
      const inputs = Object.keys(r.metafile?.inputs ?? {});
      if (inputs.some((f) => f.startsWith('src/') && f !== `src/entry/${src}`)) throw new Error(`[build] ${out} bundles library code: ${inputs}`);
    })),
    build({
      ...common, entryPoints: ['src/entry/inline.ts'], outfile: 'dist/browser/index.inline.js', format: 'esm', platform: 'browser',
      loader: { '.wasm': 'binary' },
    }),
  ]);
  console.log(`[build] bundles in ${Date.now() - t0} ms`);
}

// The two Node files' links (scripts/split.mjs): the core asks the lazy file for a lazy namespace's module
// (`__mxwasm_lazy(path)`: the file is loaded on the first ask, by the loader's `__mxwasm_load` or, run directly,
// by require); the lazy file asks the core's bridge for a core module (`__mxwasm_core(path)`). On line 1 (the map's
// lines stay).
const CORE_PRELUDE = 'let __mxwasm_bridge, __mxwasm_lazy_table; const __mxwasm_set_bridge = (b) => { __mxwasm_bridge = b; }, ' +
  "__mxwasm_lazy = (p) => (__mxwasm_lazy_table ??= (typeof __mxwasm_load === 'function' ? __mxwasm_load : require)(require('path').join(__dirname, 'mxwasm-lazy.cjs'))(__mxwasm_bridge))[p]();";
const LAZY_PRELUDE = 'let __mxwasm_bridge; const __mxwasm_core = (p) => __mxwasm_bridge(p);';
const LAZY_END = '\n{ const table = module.exports.modules; module.exports = (bridge) => { __mxwasm_bridge = bridge; return table; }; }';

/** Writes one Node file of the library: its map, and its text as the module function the loader calls. */
function writeNodeFile(root, name, { text: raw, map }, prelude, end) {
  if (map) writeFileSync(join(root, 'dist', 'node', `${name}.map`), map);
  // keepNames' `__name(f, "f")` calls where JavaScript names f so anyway: blanked (scripts/strip-names.mjs).
  const text = stripRedundantNames(raw).text.replace(/\bimport\((?=["'])/g,
    "(typeof __mxwasm_dynamic_import === 'function' ? __mxwasm_dynamic_import : (s) => import(s))(");
  // The loader decodes the bundle as latin1 (faster than UTF-8): esbuild escapes every non-ASCII character
  // of the code (charset 'ascii'), so only comments can hold other bytes, and those V8 skips.
  // Written as the function the loader calls, so that it compiles the file's text as it is (a wrapper concatenated
  // at run time made V8 copy the whole 1 MB string: ~3 ms of a cold start). The prefix shares line 1 with the
  // banner (the source map's lines stay). Required directly (node --enable-source-maps), the file runs itself.
  const url = /\n\/\/# sourceMappingURL=\S+\n?$/.exec(text)?.[0] ?? '';
  writeFileSync(join(root, 'dist', 'node', name), `((f) => globalThis[Symbol.for('mxwasm.loading')] ? f : f.call(exports, exports, require, module, __filename, __dirname))((function (${LOADER_PARAMS}) {${prelude}${
    text.slice(0, text.length - url.length)}${end}\n}));${url || '\n'}`);
}
