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

test.run();
