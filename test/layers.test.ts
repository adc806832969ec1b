// The layer rule (HACKING.md "Layout and data flow") enforced: every import under src/, type imports included,
// goes to the importer's own layer or one below it, and no files import each other in a cycle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layers of src/, lowest first: a file may import its own row or a row above it in this list. A path (a
 * folder of src/ or one file) belongs to the row of the longest entry naming it. A new folder gets a row here.
 */
export const LAYERS: string[][] = [
  ['errors.ts', 'util'],
  ['runtime'], // the memory, the kernel table, the kernels' typed calling conventions (runtime/manifest/)
  ['ops'], // op declarations and their lowering to kernel calls
  ['reference'], // scalar oracles of the kernels (tests, benches): nothing in src/ below imports them
  ['graph'],
  ['passes'],
  ['ndarray'],
  ['autograd'],
  ['executor'],
  ['format'], // model and data files (bytes <-> arrays, symbol JSON upgrade)
  ['symbol'], // calls the executor (bind) and the format readers
  ['onnx'], // ONNX files <-> Symbol + params (import, export)
  ['format/checkpoint.ts', 'predictor', 'viz'], // symbol + params
  ['optim'],
  ['init', 'io', 'metric'],
  ['rnn'], // mx.rnn: cells (symbol builders), the FusedRNN initializer, the bucketing sentence iterator
  ['kv', 'callback'], // kv.setOptimizer runs an optimizer's updater (MXNet's API)
  ['parallel'], // kernel threads and data-parallel executors: only api, module and the entries import it
  ['module'],
  ['api'],
  ['gluon'], // Blocks over mx.nd / mx.sym, Trainer over kv and optim
  ['models'],
  ['index.ts', 'bench'], // the portable bench takes the package namespace as a parameter (a type import)
  ['entry'],
  ['cli'],
  ['entry/node-bundle.ts'], // the one Node bundle: library and CLI
];

/** Import cycles left, each with its reason (a cycle inside one folder; fix rather than add). */
const CYCLES_ALLOWED = new Set([
  // Symbol's constructors (create, compose, fromJSON, control-flow bodies) return Symbols and Symbol's methods call them.
  'src/symbol/compose.ts src/symbol/create.ts src/symbol/infer.ts src/symbol/json.ts src/symbol/subgraph.ts src/symbol/symbol.ts',
  // The bench suite types its `mx` parameter as the package namespace, which exports the suite as mx.benchmark.
  'src/bench/suite.ts src/index.ts',
  // Block.hybridize builds a CachedOp, which exports the Block's parameters through params-io (issue 18's to untangle).
  'src/gluon/block.ts src/gluon/cached-op.ts src/gluon/params-io.ts',
]);

const root = fileURLToPath(new URL('../', import.meta.url));
const src = join(root, 'src');
const walk = (d: string): string[] => readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? walk(p) : /\.(ts|mjs)$/.test(f) ? [p] : []; });

/** Relative imports (static, type-only, re-exports, side-effect and dynamic) of one file, as src/ paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => relative(root, normalize(join(dirname(file), s.replace(/\.js$/, '.ts'))))).filter((p) => p.startsWith('src/'));
}

function layerOf(path: string): number {
  const p = relative('src', path);
  let best = -1, bestLen = -1;
  LAYERS.forEach((row, i) => row.forEach((e) => {
    if ((p === e || p.startsWith(`${e}/`)) && e.length > bestLen) { best = i; bestLen = e.length; }
  }));
  return best;
}

const files = walk(src).map((f) => relative(root, f));
const graph = new Map(files.map((f) => [f, importsOf(join(root, f))]));

test('the layer check sees imports (a climbing import fails it)', () => {
  assert.ok(graph.get('src/ops/registry.ts')!.includes('src/errors.ts'));
  assert.ok(layerOf('src/module/fit.ts') > layerOf('src/optim/updater.ts'));
  assert.ok(layerOf('src/format/checkpoint.ts') > layerOf('src/symbol/json.ts') && layerOf('src/symbol/json.ts') > layerOf('src/format/fs.ts'));
});

test('every file under src/ has a layer', () => {
  assert.equal(files.filter((f) => layerOf(f) < 0), [], 'add the folder to LAYERS in test/layers.test.ts');
});

test('no import climbs a layer (type imports included)', () => {
  const bad: string[] = [];
  for (const [f, deps] of graph) for (const d of deps) if (layerOf(d) > layerOf(f)) bad.push(`${f} -> ${d}`);
  assert.equal(bad, [], `imports that climb (move the shared piece down): \n${bad.join('\n')}`);
});

test('no import cycles but the listed ones', () => {
  let n = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>(), found: string[] = [];
  const visit = (v: string) => {
    index.set(v, n); low.set(v, n++); stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do { w = stack.pop()!; on.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1) found.push(scc.sort().join(' '));
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  assert.equal(found.filter((c) => !CYCLES_ALLOWED.has(c)), [], 'files that import each other');
});

test.run();
