// dist/node/index.cjs compiles the library through a V8 code cache kept per user in a private directory
// (src/entry/node-loader.ts): the first process writes it, later ones use it, a damaged or foreign one is
// rejected and rewritten, MXWASM_CODE_CACHE=0 turns it off, and a directory others may write is never used.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.tmp', `code-cache-${process.pid}`);
const lib = join(root, 'dist', 'node', 'index.cjs');

const PROBE = `const mx = require(${JSON.stringify(lib)});
const a = mx.nd.array([1, 2, 3]);
console.log(JSON.stringify({ sum: mx.nd.elemwise_add(a, a).toArray(), cache: globalThis[Symbol.for('mxwasm.codeCache')] }));`;

function run(env: Record<string, string>): { sum: number[]; cache: { path?: string; status: string } } {
  const file = join(dir, 'probe.cjs');
  writeFileSync(file, PROBE);
  const out = execFileSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1', ...env } });
  return JSON.parse(out.trim().split('\n').pop()!);
}
const caches = (d: string) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.v8cache')) : []);

test.before(() => { rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true }); });

test('first process writes the cache, the next one uses it, both compute the same', () => {
  const cacheDir = join(dir, 'c1');
  const a = run({ MXWASM_CODE_CACHE: cacheDir });
  assert.is(a.cache.status, 'miss');
  assert.equal(a.sum, [2, 4, 6]);
  assert.is(caches(cacheDir).length, 1, 'one cache file written');
  const b = run({ MXWASM_CODE_CACHE: cacheDir });
  assert.is(b.cache.status, 'hit');
  assert.is(b.cache.path, a.cache.path);
  assert.equal(b.sum, [2, 4, 6]);
  assert.not.ok(readdirSync(cacheDir).some((f) => f.endsWith('.tmp')), 'no temporary file left');
});

test('a damaged cache is rejected, the library still loads, and the cache is rewritten', () => {
  const cacheDir = join(dir, 'c2');
  const a = run({ MXWASM_CODE_CACHE: cacheDir });
  writeFileSync(a.cache.path!, 'not a V8 code cache');
  const b = run({ MXWASM_CODE_CACHE: cacheDir });
  assert.is(b.cache.status, 'rejected');
  assert.equal(b.sum, [2, 4, 6]);
  assert.is(run({ MXWASM_CODE_CACHE: cacheDir }).cache.status, 'hit');
});

test('other engine flags use another cache file (V8 would reject the first)', () => {
  const cacheDir = join(dir, 'c3');
  run({ MXWASM_CODE_CACHE: cacheDir, MXWASM_RELAXED: '' }); // the suite may itself run with MXWASM_RELAXED=0
  const b = run({ MXWASM_CODE_CACHE: cacheDir, MXWASM_RELAXED: '0' });
  assert.is(b.cache.status, 'miss');
  assert.is(caches(cacheDir).length, 2);
});

test('MXWASM_CODE_CACHE=0 writes nothing; a directory others may write is not used', () => {
  assert.is(run({ MXWASM_CODE_CACHE: '0' }).cache.status, 'off');
  const open = join(dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  const r = run({ MXWASM_CODE_CACHE: open });
  assert.is(r.cache.status, 'off');
  assert.equal(r.sum, [2, 4, 6]);
  assert.is(caches(open).length, 0);
});

test('writing a cache keeps the 8 newest of the directory (rebuilds pile them up) and drops stale temporary files', () => {
  const cacheDir = join(dir, 'c5');
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const old = Date.now() / 1000 - 3600;
  for (let i = 0; i < 12; i++) {
    const f = join(cacheDir, `mxwasm-old${i}.v8cache`);
    writeFileSync(f, 'x');
    utimesSync(f, old + i, old + i); // old11 the newest of them
  }
  writeFileSync(join(cacheDir, 'mxwasm-dead.v8cache.123.tmp'), 'x');
  utimesSync(join(cacheDir, 'mxwasm-dead.v8cache.123.tmp'), old, old);
  writeFileSync(join(cacheDir, 'other.txt'), 'not ours');
  const a = run({ MXWASM_CODE_CACHE: cacheDir });
  assert.is(a.cache.status, 'miss');
  const left = readdirSync(cacheDir).sort();
  assert.ok(left.includes(a.cache.path!.split('/').pop()!), 'the new cache stays');
  assert.is(caches(cacheDir).length, 8);
  for (let i = 5; i < 12; i++) assert.ok(left.includes(`mxwasm-old${i}.v8cache`), `old${i} is among the newest`);
  assert.not.ok(left.some((f) => f.endsWith('.tmp')), 'stale temporary file removed');
  assert.ok(left.includes('other.txt'), 'other files untouched');
  assert.is(run({ MXWASM_CODE_CACHE: cacheDir }).cache.status, 'hit');
});

// The ESM face (dist/node/index.js) takes the same path as require: index.cjs's loader opens mxwasm.cjs once (its
// bytes then go to V8 with the cached code), Node's own module loaders never read or compile the bundle (no
// cjs-module-lexer pass over it, no second copy), and the lazy file stays unread by an import and one op.
const ESM_PROBE = `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url), fs = require('node:fs'), opened = [], read = [];
const open = fs.openSync, readFile = fs.readFileSync; // the loader calls them through the fs object
fs.openSync = (p, ...a) => { const fd = open(p, ...a); opened.push(String(p).split('/').pop()); return fd; };
fs.readFileSync = (p, ...a) => { read.push(String(p).split('/').pop()); return readFile(p, ...a); };
const mx = await import(${JSON.stringify(join(root, 'dist', 'node', 'index.js'))});
const { nd } = mx, a = nd.array([1, 2, 3]);
console.log(JSON.stringify({ sum: nd.elemwise_add(a, a).toArray(), opened, read, cache: globalThis[Symbol.for('mxwasm.codeCache')],
  lazy: globalThis[Symbol.for('mxwasm.codeCacheLazy')] ?? null, compiledByNode: Object.keys(require.cache).map((f) => f.split('/').pop()),
  variant: mx.runtimeInfo().variant, nodeV8: process.moduleLoadList.includes('NativeModule v8') }));`;

test('import: the bundle is opened once, through the code cache, never by Node\'s loaders; the lazy file and node:v8 are not loaded', () => {
  const cacheDir = join(dir, 'c6'), file = join(dir, 'probe.mjs');
  writeFileSync(file, ESM_PROBE);
  const go = () => {
    const p = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1', MXWASM_CODE_CACHE: cacheDir } });
    assert.is(p.status, 0, p.stderr);
    assert.not.match(p.stderr, /Warning/, 'nothing printed (the engine flag is set without a deprecation warning)');
    return JSON.parse(p.stdout.trim().split('\n').pop()!);
  };
  const a = go(), b = go();
  assert.is(a.cache.status, 'miss');
  assert.is(b.cache.status, 'hit', 'the second import uses the cache the first wrote');
  for (const r of [a, b]) {
    assert.equal(r.sum, [2, 4, 6]);
    assert.equal(r.opened.filter((f: string) => f.startsWith('mxwasm')), ['mxwasm.cjs', ...(r === b ? [b.cache.path.split('/').pop()] : [])]);
    assert.not.ok(r.read.some((f: string) => f.startsWith('mxwasm')), 'no readFileSync of the bundle or its cache');
    assert.is(r.lazy, null, 'mxwasm-lazy.cjs not loaded');
    assert.equal(r.compiledByNode, ['index.cjs'], 'Node compiles only the loader');
    // Node 20 needs an engine flag for relaxed SIMD: set without loading node:v8 (its streams cost ~4 ms of a start).
    assert.is(r.nodeV8, false, 'node:v8 not loaded');
    if (/^11\./.test(process.versions.v8) && process.env.MXWASM_RELAXED !== '0') assert.is(r.variant, 'relaxed', 'the flag took effect');
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
