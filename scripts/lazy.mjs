// esbuild plugin: lazy namespaces in the bundles. A source line ending in `// lazy` (or below a `// lazy ...` line)
//   export * as NAME from 'SPEC'; // lazy      or      import * as NAME from 'SPEC'; // lazy
// becomes `(export) const NAME = lazyNamespace('NAME', () => require('SPEC'))` (src/util/lazy.ts). esbuild then
// wraps SPEC's module graph in functions run on first use (its require() of a bundled file): neither evaluated nor,
// with the Node loader's code cache, deserialized at a cold start. Sources under tsx keep the plain import.
import { readFile } from 'node:fs/promises';
import { join, relative, dirname } from 'node:path';

// The marker ends the line, or is a comment line of its own just above it (`// lazy ...`).
const LINE = /^(\/\/ lazy\b.*\n)?(export|import) \* as (\w+) from ('[^']+'|"[^"]+");([ \t]*\/\/ lazy\b.*)?$/gm;
/** The prefix the plugin gives a lazy specifier, so that its resolution knows it (removed there). */
const MARK = 'mxwasm-lazy!';

/**
 * The plugin; `root` is the repository root (src/util/lazy.ts is imported from there). `split` (optional, the Node
 * bundle's two files: scripts/split.mjs): `{ resolve(path) }` gets each lazy target's repository-relative path and
 * returns the external path it becomes, or undefined to bundle it.
 */
export function lazyNamespaces(root, split) {
  return {
    name: 'mxwasm-lazy-namespaces',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!/\/\/ lazy\b/.test(text)) return undefined;
        let helper = relative(dirname(args.path), join(root, 'src', 'util', 'lazy.js')).replace(/\\/g, '/');
        if (!helper.startsWith('.')) helper = `./${helper}`;
        let n = 0;
        const out = text.replace(LINE, (m, above, kind, name, spec, after) => {
          if (!above && !after) return m;
          n++;
          return `${above ?? ''}${kind === 'export' ? 'export ' : ''}const ${name} = __lazyNamespace(${JSON.stringify(name)}, () => require(${JSON.stringify(MARK + spec.slice(1, -1))}));`;
        });
        if (!n) return undefined;
        return { contents: `import { lazyNamespace as __lazyNamespace } from '${helper}';\n${out}`, loader: 'ts' };
      });
      build.onResolve({ filter: /^mxwasm-lazy!/ }, async (args) => {
        const r = await build.resolve(args.path.slice(MARK.length), { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir });
        if (r.errors.length || !split) return r.errors.length ? { errors: r.errors } : { path: r.path, external: r.external };
        const external = split.resolve(relative(root, r.path).replace(/\\/g, '/'));
        return external ? { path: external, external: true } : { path: r.path };
      });
    },
  };
}
