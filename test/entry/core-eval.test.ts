// What an import evaluates (issue 16's cold start): the built Node bundle's core (dist/node/mxwasm.cjs, what an import
// reads and runs) holds no module that only control flow (mx.nd.contrib / mx.sym.contrib's builders, subgraph
// bodies in symbol JSON) or data-dependent shapes' segment planning need: those are in mxwasm-lazy.cjs and load on
// first use, after which they work as the sources do. Runs the built package (dist/) in a child process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.tmp', `core-eval-${process.pid}`);
const sources = (file: string) => (JSON.parse(readFileSync(join(root, 'dist', 'node', `${file}.map`), 'utf8')).sources as string[])
  .map((s) => s.replace(/^(\.\.\/)+/, ''));
/** Modules only control flow and dynamic-shape graphs use (evaluated on their first use). */
const LATER = ['src/api/contrib.ts', 'src/symbol/contrib.ts', 'src/symbol/subgraph.ts', 'src/ops/control/subgraph.ts', 'src/executor/segments.ts'];

test.before(() => { rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true }); });
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the core file holds none of the control-flow and segment modules; the lazy file holds each', () => {
  const core = sources('mxwasm.cjs'), lazy = sources('mxwasm-lazy.cjs');
  assert.ok(core.includes('src/executor/bind.ts') && core.includes('src/api/control-flow.ts'), 'the map lists the core\'s modules');
  assert.equal(LATER.filter((m) => core.includes(m)), [], 'evaluated by an import');
  assert.equal(LATER.filter((m) => !lazy.includes(m)), [], 'missing from mxwasm-lazy.cjs');
});

test('import + one op loads none of them; then foreach, symbol JSON with bodies and a dynamic graph work', () => {
  const body = `const mx = require(${JSON.stringify(join(root, 'dist/node/index.cjs'))});
const loaded = () => [...globalThis[Symbol.for('mxwasm.lazyLoaded')]];
const a = mx.nd.array([1, 2, 3, 4]);
const out = { sum: mx.nd.elemwise_add(a, a).toArray(), afterOp: loaded(), same: mx.nd.contrib.while_loop === mx.nd.contrib.whileLoop };
// a static graph binds without the segment planner
const x = mx.sym.Variable('x');
out.relu = mx.sym.relu(x).simpleBind({ shapes: { x: [3] } }).forward({ x: [-1, 0, 2] })[0].toArray();
out.afterBind = loaded();
const [o, [s]] = mx.nd.contrib.foreach((v, [st]) => [v.add(st), [v.add(st)]], mx.nd.array([[1, 2], [3, 4]]), [mx.nd.zeros([2])]);
out.foreach = [o.toArray(), s.toArray()];
out.afterForeach = loaded();
const [so, [ss]] = mx.sym.contrib.foreach((v, [st]) => [mx.sym.broadcast_add(v, st), [mx.sym.broadcast_add(v, st)]], mx.sym.Variable('d'), [mx.sym.Variable('h')]);
const back = mx.sym.fromJSON(mx.sym.Group([so, ss]).toJSON());
out.symForeach = back.simpleBind({ shapes: { d: [2, 2], h: [2] } }).forward({ d: [1, 2, 3, 4], h: [0, 0] }).map((t) => t.toArray());
const m = mx.sym.contrib.boolean_mask(x, mx.sym.Variable('i')).simpleBind({ shapes: { x: [3], i: [3] } });
out.masked = m.forward({ x: [5, 6, 7], i: [1, 0, 1] })[0].toArray();
out.end = loaded();
console.log(JSON.stringify(out));
mx.shutdown();`;
  writeFileSync(join(dir, 'probe.cjs'), body);
  const r = JSON.parse(execFileSync(process.execPath, [join(dir, 'probe.cjs')], { encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1' } }).trim().split('\n').pop()!);
  assert.equal(r.sum, [2, 4, 6, 8]);
  assert.equal(r.afterOp, ['elementwise'], 'an import and one op load nothing lazy but the op\'s family');
  assert.ok(r.same, 'while_loop and whileLoop are one function');
  assert.equal(r.relu, [0, 0, 2]);
  assert.ok(!r.afterBind.includes('segments'), 'a static bind does not load the segment planner');
  assert.equal(r.foreach, [[[1, 2], [4, 6]], [4, 6]]);
  assert.ok(r.afterForeach.includes('contrib'), 'mx.nd.contrib.foreach loads its module on first call');
  assert.equal(r.symForeach, [[[1, 2], [4, 6]], [4, 6]], 'the Symbol foreach through JSON (bodies read back)');
  assert.ok(r.end.includes('subgraph'), 'symbol JSON with bodies loads the subgraph module');
  assert.equal(r.masked, [5, 7]);
  assert.ok(r.end.includes('segments'), 'a dynamic graph loads the segment planner');
});

// Young allocation is page faults on a fresh process (each new-space page touched once, then again after a scavenge):
// the import's run-once code builds its tables by plain loops (no iterator garbage: 1567 KB at the session's start).
// Measured with a new space big enough that no scavenge runs (deterministic for a given V8).
test('import allocates under 1000 KB of young memory (Node 20)', () => {
  if (!process.versions.node.startsWith('20.')) return console.log(`  (skipped: bound set on Node 20, this is ${process.version})`);
  writeFileSync(join(dir, 'young.mjs'), `import v8 from 'node:v8';
const ns = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_used_size;
const n0 = ns(); await import(${JSON.stringify(join(root, 'dist/node/index.js'))});
console.log(ns() - n0);`);
  const run = () => +execFileSync(process.execPath, ['--min-semi-space-size=64', '--max-semi-space-size=64', join(dir, 'young.mjs')],
    { encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1', MXWASM_CODE_CACHE: join(dir, 'cache') } }).trim().split('\n').pop()!;
  run(); // writes the code cache
  const bytes = run();
  // 1048 KB at the tenth session's start; 941 KB with the manifest lines built on first use.
  assert.ok(bytes < 1000 << 10, `${(bytes / 1024).toFixed(0)} KB allocated in the young generation by the import`);
});

// One scavenge, not two: V8's new space holds ~1 MB and Node has ~450 KB in it before a script runs, so what an
// import and a first op allocate decides whether a second scavenge copies and promotes the import's live data (~165
// page faults, ~4 ms on the VM of BENCHMARKS.md). 1048 KB at the tenth session's landing of the lazy core and the lazy
// manifest lines (1425 KB at its start); padding the op with ~100 KB of garbage brought the second scavenge back.
test('import + one op allocate under 1100 KB of young memory (Node 20)', () => {
  if (!process.versions.node.startsWith('20.')) return console.log(`  (skipped: bound set on Node 20, this is ${process.version})`);
  writeFileSync(join(dir, 'young-op.mjs'), `import v8 from 'node:v8';
const ns = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_used_size;
const n0 = ns(); const mx = await import(${JSON.stringify(join(root, 'dist/node/index.js'))});
const a = mx.nd.array([1, 2, 3, 4]); mx.nd.elemwise_add(a, a).toArray();
console.log(ns() - n0);`);
  const run = () => +execFileSync(process.execPath, ['--min-semi-space-size=64', '--max-semi-space-size=64', join(dir, 'young-op.mjs')],
    { encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1', MXWASM_CODE_CACHE: join(dir, 'cache-op') } }).trim().split('\n').pop()!;
  run(); // writes the code cache
  const bytes = run();
  assert.ok(bytes < 1100 << 10, `${(bytes / 1024).toFixed(0)} KB allocated in the young generation by the import and a first op`);
});

test.run();
