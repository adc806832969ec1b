// The relaxed-SIMD add-on (variant 'relaxed') is compiled at its first kernel call, not at init: a first op that needs
// none of its kernels skips it; a GEMM then gives the bits it gave with the add-on loaded at init (MXWASM_ADDON_EAGER=1).
// The kernel manifest's lines (src/runtime/manifest.ts kernels(): ~170 lines with their warm-ups) are built on first
// use, not by an import: runtime init and small ops run without them (the thread wrappers are installed from SPLITS),
// and a parallel call builds them when it starts the pool (a kernel's index names it to the workers). Same results.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const src = (f: string) => JSON.stringify(fileURLToPath(new URL(`../../src/${f}`, import.meta.url)));

test('import + small ops on 2 threads build no manifest lines; a parallel GEMM builds them, same bits as 1 thread', () => {
  // A fresh process: the test helpers start the pool at import (which builds the lines).
  const script = `import * as mx from ${src('entry/node.ts')};
import { kernelsBuilt, kernels, kernelIndexOf } from ${src('runtime/manifest.ts')};
import { setThreadAdaptive } from ${src('parallel/threads.ts')};
const out = { threads: mx.getNumThreads() };
const a = mx.nd.array([1, 2, 3, 4]);
out.add = mx.nd.elemwise_add(a, a).toArray(); out.relu = mx.nd.relu(mx.nd.array([-1, 2])).toArray();
out.small = kernelsBuilt();
const r = (s) => mx.nd.array(Array.from({ length: 256 * 256 }, (_, i) => Math.sin(i * s)), { shape: [256, 256] });
const x = r(1), w = r(2);
mx.setNumThreads(1); const one = mx.nd.dot(x, w).toArray().flat();
setThreadAdaptive(false); mx.setNumThreads(2); await mx.threadsReady();
out.same = one.length === 65536 && mx.nd.dot(x, w).toArray().flat().every((v, i) => Object.is(v, one[i]));
out.jobs = mx.threadStats()?.jobs ?? 0; out.built = kernelsBuilt();
out.index = kernels()[kernelIndexOf('f32_gemm__simd128')].name;
mx.shutdown(); console.log(JSON.stringify(out));`;
  const o = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '2' } }).trim().split('\n').pop()!);
  assert.equal(o.add, [2, 4, 6, 8]);
  assert.equal(o.relu, [0, 2]);
  assert.is(o.small, false, 'an import, runtime init and small ops built the manifest lines');
  assert.is(o.same, true, 'same bits on 2 threads');
  if (o.threads > 1) {
    assert.ok(o.jobs > 0, 'the GEMM went to the pool');
    assert.is(o.built, true, 'the pool built the lines');
  }
  assert.is(o.index, 'f32_gemm__simd128');
});

const relaxedRun = (env: Record<string, string>) => {
  // Counts WebAssembly compiles (the hook goes in before the library loads: dynamic imports).
  const script = `let compiles = 0;
WebAssembly.Module = new Proxy(WebAssembly.Module, { construct: (t, a) => { compiles++; return new t(...a); } });
const mx = await import(${src('entry/node.ts')});
const { rt } = await import(${src('runtime/runtime.ts')});
const { relaxedKernelNames } = await import(${src('runtime/manifest/args.ts')});
const { kernels } = await import(${src('runtime/manifest.ts')});
const a = mx.nd.array([1, 2, 3, 4]); mx.nd.elemwise_add(a, a).toArray();
const r = rt();
const out = { variant: r.variant, first: compiles };
const x = mx.nd.array(Array.from({ length: 64 * 96 }, (_, i) => Math.sin(i)), { shape: [64, 96] });
const w = mx.nd.array(Array.from({ length: 96 * 80 }, (_, i) => Math.cos(i * 3)), { shape: [96, 80] });
out.dot = Array.from(mx.nd.dot(x, w).toArray().flat());
out.after = compiles; out.addon = r.addon instanceof WebAssembly.Module;
out.names = relaxedKernelNames().sort().join();
out.manifest = kernels().filter((k) => k.needs.includes('relaxed')).map((k) => k.name).sort().join();
console.log(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1', ...env } }).trim().split('\n').pop()!);
};

test('the relaxed add-on loads at its first kernel call; same GEMM bits as loaded at init; its stubs name the manifest\'s relaxed kernels', () => {
  const lazy = relaxedRun({}), eager = relaxedRun({ MXWASM_ADDON_EAGER: '1' });
  assert.is(lazy.names, lazy.manifest);
  assert.ok(lazy.names.includes('f32_gemm__relaxedsimd'));
  if (lazy.variant !== 'relaxed') return console.log(`  (variant ${lazy.variant}: no add-on here)`);
  assert.is(lazy.first, 1, 'init and a first elementwise op compile the main module only');
  assert.is(eager.first, 2, 'MXWASM_ADDON_EAGER=1 compiles the add-on at init');
  assert.is(lazy.after, 2, 'a GEMM compiled the add-on');
  assert.is(lazy.addon, true);
  assert.equal(lazy.dot, eager.dot, 'same bits');
});

test.run();
