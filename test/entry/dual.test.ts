// One runtime per process: an app whose dependencies `import` and `require` mxwasm gets one library and one
// memory; an NDArray of a second copy (another build loaded in the same process) is refused by name.
// Runs the built package (dist/) in a child process, as an installed dependency resolved by its exports.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.tmp', `dual-${process.pid}`);

function setup(): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'mxwasm'), 'dir');
  // A second copy of the library: the same CommonJS bundle at another path, its kernels beside it.
  mkdirSync(join(dir, 'copy', 'dist', 'node'), { recursive: true });
  for (const f of ['index.cjs', 'mxwasm.cjs']) copyFileSync(join(root, 'dist/node', f), join(dir, 'copy/dist/node', f)); // the loader and the library
  for (const f of ['kernels.wasm', 'kernels.noshared.wasm', 'kernels.relaxed.wasm']) copyFileSync(join(root, 'dist', f), join(dir, 'copy/dist', f));
}

const PROBE = `
const out = {};
out.sameNd = esm.nd === cjs.nd;
out.sameClass = esm.NDArray === cjs.NDArray;
const a = esm.nd.array([1, 2]);
out.sum = cjs.nd.add(a, a).toArray();
out.method = a.add(cjs.nd.array([10, 20])).toArray();
const other = require('./copy/dist/node/index.cjs');
const b = other.nd.array([1, 2]);
const tryIt = (f) => { try { f(); return 'no error'; } catch (e) { return e.constructor.name + ': ' + e.message; } };
out.foreignOp = tryIt(() => esm.nd.add(b, b));
out.foreignMethod = tryIt(() => a.add(b));
out.foreignNamed = tryIt(() => cjs.nd.FullyConnected({ data: b, weight: b, num_hidden: 1, no_bias: true }));
try { cjs.nd.Convolution(a, { kernel: [3, 3], num_filter: 1 }); } catch (e) { out.errName = e.constructor.name; out.stack = e.stack; }
console.log(JSON.stringify(out));
esm.shutdown(); other.shutdown();
`;

function run(file: string, src: string): any {
  writeFileSync(join(dir, file), src);
  const stdout = execFileSync(process.execPath, [join(dir, file)], { cwd: dir, encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1' } });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

function check(r: any): void {
  assert.ok(r.sameNd, 'import and require give the same mx.nd');
  assert.ok(r.sameClass, 'one NDArray class');
  assert.equal(r.sum, [2, 4]);
  assert.equal(r.method, [11, 22]);
  for (const k of ['foreignOp', 'foreignMethod', 'foreignNamed']) assert.match(r[k], /^ArgumentError: .*another mxwasm runtime/, k);
  // Readable errors: class names kept, stack frames name the library's functions.
  assert.is(r.errName, 'ArgumentError');
  assert.match(r.stack, /at callOp \(/);
}

test('import first, then require: one runtime, foreign arrays refused', () => {
  setup();
  check(run('app.mjs', `import * as esm from 'mxwasm';\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst cjs = require('mxwasm');\n${PROBE}`));
});

test('require first, then import: one runtime', async () => {
  check(run('app.cjs', `(async () => {\nconst cjs = require('mxwasm');\nconst esm = await import('mxwasm');\n${PROBE}\n})();`));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
