// The Node bundle in two files: dist/node/mxwasm.cjs, what an import evaluates (the core: every module reached
// without crossing a `// lazy` line, plus the elementwise op family, which a first op loads), and
// dist/node/mxwasm-lazy.cjs, every lazy namespace's own modules (ONNX, Gluon, Module, the CLI, the other op families...),
// read, compiled and evaluated on the first use of one of them. A cold start reads and deserializes only the core
// (on the VM of BENCHMARKS.md each page of memory touched costs ~25 us: the core is ~40% of the text).
//
// One module instance each, whichever file holds it: the lazy file's imports of core modules are externals
// (`require("mxwasm-core:<path>")`) that the core answers through a bridge: per core module, an object of getters over
// its exports (live bindings), made on first request. The core's lazy `require`s are `require("mxwasm-lazy:<path>")`,
// answered by the lazy file's table of its entry modules. Three esbuild runs: the core's module list (metafile only),
// the lazy file (every module of that list external), then the core with the bridge of the exports the lazy file uses.
import { build } from 'esbuild';
import { relative, join } from 'node:path';
import { lazyNamespaces } from './lazy.mjs';

/** Lazy targets that stay in the core: the elementwise ops (a first `mx.nd` op loads them; ~10% of the text). */
export const CORE_LAZY = new Set(['src/ops/elementwise/index.ts']);

/** The prefixes the two files use for each other's modules, and what they become in the files' text. */
const TO_CORE = 'require("mxwasm-core:', TO_LAZY = 'require("mxwasm-lazy:';

/**
 * Builds both files with esbuild options `opts` (CommonJS, Node; entryPoints[0] is the library's entry).
 * Returns `{ core, lazy }`: each `{ text, map }` (the map's text, or undefined), texts as esbuild wrote them except
 * that `require("mxwasm-core:P")` / `require("mxwasm-lazy:P")` are `__mxwasm_core(      "P")` / `__mxwasm_lazy(      "P")`
 * (padded to the same length: the source maps stay exact). The caller defines those two functions (scripts/bundle.mjs).
 */
export async function splitBuild(root, opts) {
  const rel = (p) => relative(root, p).replace(/\\/g, '/');
  const entry = join(root, opts.entryPoints[0]);
  // 1. The core's modules (no output kept).
  const targets = new Set();
  const probe = await build({ ...opts, minify: false, minifyWhitespace: false, sourcemap: false, write: false, metafile: true,
    plugins: [lazyNamespaces(root, { resolve: (p) => (CORE_LAZY.has(p) ? undefined : (targets.add(p), `mxwasm-lazy:${p}`)) })] });
  const core = new Set(Object.keys(probe.metafile.inputs));
  // 2. The lazy file: a table of the lazy targets; any module of the core is external.
  const toCore = (p) => (core.has(p) ? `mxwasm-core:${p}` : undefined);
  const coreExternal = { name: 'mxwasm-core-external', setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.inner || args.kind === 'entry-point' || args.path.startsWith('mxwasm-lazy!')) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
      if (r.errors.length || r.external) return undefined;
      const c = toCore(rel(r.path));
      return c ? { path: c, external: true } : undefined;
    });
  } };
  const table = `export const modules = {\n${[...targets].sort().map((t) => `  ${JSON.stringify(t)}: () => require(${JSON.stringify(`./${t}`)}),`).join('\n')}\n};\n`;
  const lazyOut = await build({ ...opts, entryPoints: undefined, outfile: opts.outfile.replace(/\.cjs$/, '-lazy.cjs'), stdin: { contents: table, resolveDir: root, sourcefile: 'mxwasm-lazy-table.js', loader: 'js' },
    metafile: true, plugins: [coreExternal, lazyNamespaces(root, { resolve: toCore })] });
  const dup = Object.keys(lazyOut.metafile.inputs).filter((p) => core.has(p));
  if (dup.length) throw new Error(`[build] mxwasm-lazy.cjs holds core modules (two instances): ${dup.join(', ')}`);
  // 3. Every export of each core module the lazy file imports (all of them: the file may take a whole namespace).
  const lazyText = fileText(lazyOut, '.cjs');
  const used = [...new Set([...lazyText.matchAll(/require\("mxwasm-core:([^"]+)"\)/g)].map((m) => m[1]))].sort();
  const exportsOf = {};
  if (used.length) {
    const ex = await build({ bundle: true, format: 'esm', splitting: true, outdir: join(root, '.tmp', 'split-exports'), write: false, metafile: true,
      absWorkingDir: root, platform: 'node', logLevel: 'error', external: opts.external, entryPoints: used, plugins: [lazyNamespaces(root, { resolve: (p) => `mxwasm-lazy:${p}` })] });
    for (const o of Object.values(ex.metafile.outputs)) if (o.entryPoint) exportsOf[o.entryPoint] = o.exports;
  }
  // 4. The core, with the bridge (a module of its own, evaluated on the lazy file's first request).
  const bridge = bridgeSource(root, used, exportsOf);
  const coreOut = await build({ ...opts, entryPoints: undefined,
    stdin: { contents: `export * from ${JSON.stringify(entry)};\n__mxwasm_set_bridge((p) => require("mxwasm:bridge").bridge(p));\n`, resolveDir: root, sourcefile: 'mxwasm-core-entry.js', loader: 'js' },
    metafile: true,
    plugins: [{ name: 'mxwasm-bridge', setup(b) {
      b.onResolve({ filter: /^mxwasm:bridge$/ }, () => ({ path: 'mxwasm:bridge', namespace: 'mxwasm-bridge' }));
      b.onLoad({ filter: /.*/, namespace: 'mxwasm-bridge' }, () => ({ contents: bridge, loader: 'js', resolveDir: root }));
    } }, lazyNamespaces(root, { resolve: (p) => (CORE_LAZY.has(p) ? undefined : `mxwasm-lazy:${p}`) })] });
  const extra = Object.keys(coreOut.metafile.inputs).filter((p) => !core.has(p) && !/^(mxwasm-bridge:|mxwasm-core-entry\.js$)/.test(p));
  if (extra.length) throw new Error(`[build] the core's modules changed between its two builds: ${extra.join(', ')}`);
  const pad = (text) => text.replaceAll(TO_CORE, '__mxwasm_core(      "').replaceAll(TO_LAZY, '__mxwasm_lazy(      "');
  return {
    core: { text: pad(fileText(coreOut, '.cjs')), map: fileText(coreOut, '.map') },
    lazy: { text: pad(lazyText), map: fileText(lazyOut, '.map') },
  };
}

function fileText(r, ext) { return r.outputFiles.find((f) => f.path.endsWith(ext))?.text; }

/** The bridge's source: `bridge(path)` gives an object of getters over the core module's exports (made once). */
function bridgeSource(root, used, exportsOf) {
  const imports = [], cases = [];
  used.forEach((p, i) => {
    const names = exportsOf[p] ?? [];
    if (!exportsOf[p]) throw new Error(`[build] no export list for ${p}`);
    if (names.length) imports.push(`import { ${names.map((n, j) => `${JSON.stringify(n)} as m${i}_${j}`).join(', ')} } from ${JSON.stringify(join(root, p))};`);
    cases.push(`    case ${JSON.stringify(p)}: return { __proto__: null, ${names.map((n, j) => `get ${JSON.stringify(n)}() { return m${i}_${j}; }`).join(', ')} };`);
  });
  return `${imports.join('\n')}\nconst made = Object.create(null);\n` +
    'export function bridge(p) { return made[p] ??= make(p); }\n' +
    `function make(p) {\n  switch (p) {\n${cases.join('\n')}\n  }\n  throw new Error("mxwasm: mxwasm-lazy.cjs asked for " + p + ", which the core does not hold (a build of another version?)");\n}\n`;
}
