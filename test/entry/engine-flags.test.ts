// Node 20 validates relaxed SIMD only behind an engine flag (src/entry/node-flags.ts). The entry turns it on only
// around relaxed-SIMD compiles: a flag left on changes V8's flag hash, and every code cache made under the default
// flags is then rejected, Node's own embedded one for its built-in modules included (a first console.log after the
// import parsed Node's stream modules again: +6 ms of a cold start). Runs the built package (dist/) in child processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.tmp', `engine-flags-${process.pid}`);
test.before(() => { rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true }); });
test.after(() => rmSync(dir, { recursive: true, force: true }));

// A V8 code cache made before the import must still be accepted after the import, a first op, and GEMMs on the
// relaxed add-on at one and two threads (its compile is where the flag goes on); relaxed SIMD is still in use.
const probe = (load: string) => `const vm = require('node:vm');
const src = 'function f(x) { return x + 1; } f(1);';
const cachedData = new vm.Script(src, { filename: 'a.js', produceCachedData: true }).createCachedData();
const probeBytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11]);
const before = WebAssembly.validate(probeBytes);
(async () => {
  const mx = ${load};
  const out = { before, sum: mx.nd.elemwise_add(mx.nd.array([1, 2]), mx.nd.array([3, 4])).toArray() };
  const n = 96, a = mx.nd.array(Array.from({ length: n * n }, (_, i) => Math.sin(i)), { shape: [n, n] });
  const one = mx.nd.dot(a, a).toArray();
  mx.setNumThreads(2); await mx.threadsReady();
  const two = mx.nd.dot(a, a).toArray();
  const ref = Array.from({ length: n }, (_, i) => { let s = 0; for (let k = 0; k < n; k++) s += Math.sin(i * n + k) * Math.sin(k * n + 3); return s; });
  Object.assign(out, { variant: mx.runtimeInfo().variant, notes: mx.runtimeInfo().notes, same: JSON.stringify(one) === JSON.stringify(two),
    err: Math.max(...ref.map((r, i) => Math.abs(r - one[i][3]))), after: WebAssembly.validate(probeBytes),
    rejected: new vm.Script(src, { filename: 'b.js', cachedData }).cachedDataRejected }); // (another name: V8's in-memory cache misses)
  console.log(JSON.stringify(out));
  mx.shutdown();
})();`;

for (const [face, load] of [['require', `require(${JSON.stringify(join(root, 'dist/node/index.cjs'))})`],
  ['import', `await import(${JSON.stringify(join(root, 'dist/node/index.js'))})`]] as const) {
  test(`${face} + ops + relaxed GEMMs at 1 and 2 threads leave V8's flag hash as it was (code caches still accepted)`, () => {
    writeFileSync(join(dir, `${face}.cjs`), probe(load));
    const r = JSON.parse(execFileSync(process.execPath, [join(dir, `${face}.cjs`)], { encoding: 'utf8', env: { ...process.env, MXWASM_RELAXED: '' } }).trim().split('\n').pop()!);
    assert.equal(r.sum, [4, 6]);
    assert.is(r.rejected, false, 'a code cache made before the import is rejected after it: an engine flag was left changed');
    assert.is(r.after, r.before, 'relaxed SIMD validates as before the import');
    assert.ok(r.err < 1e-3 && r.same, `GEMM: max error ${r.err}, 2 threads same bits as 1: ${r.same}`);
    if (r.before === false && /^11\./.test(process.versions.v8)) {
      assert.is(r.variant, 'relaxed', 'Node 20 still runs the relaxed kernels');
      assert.ok(r.notes.some((n: string) => n.includes('around its compiles')), r.notes.join('; '));
    }
  });
}

test.run();
