// The pool under a stream of calls of mixed sizes (below and above the split thresholds, back to back, so
// workers are caught polling, asleep and mid-wake): every result equals the calling-thread-only result,
// bitwise, and nothing waits forever (each call returns; the suite has a time limit).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { setKernelThreadsSuspended, setThreadSpin } from '../../src/parallel/threads.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';

test('pool: 400 mixed calls (vadd, act, sgd, gemm, rsum), workers polling or asleep, equal the single-thread results', async () => {
  const before = mx.getNumThreads();
  mx.setNumThreads(2);
  await mx.threadsReady();
  const r = rt(), K = r.K as any, al = r.alloc;
  let seed = 1;
  const rnd = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32; };
  const n = 1 << 18, x = al.alloc(n * 4), y = al.alloc(n * 4), z = al.alloc(n * 4), m = al.alloc(n * 4), c = al.alloc(n * 4);
  const x0 = randArray(n, 3), y0 = randArray(n, 4);
  try {
    for (let i = 0; i < 400; i++) {
      const kind = Math.floor(rnd() * 5), len = 1 + Math.floor(rnd() ** 2 * (n - 1)), spin = rnd() < 0.3 ? 0 : 200;
      setThreadSpin(spin);
      const call = () => {
        f32(x, n).set(x0); f32(y, n).set(y0); f32(m, n).fill(0); f32(z, n).fill(0);
        if (kind === 0) kernelCall(K, 'f32_vadd__simd128_u8', { x, y, z, n: len });
        else if (kind === 1) kernelCall(K, 'f32_act__simd128', { x, y: z, n: len, t: 2, a: 0 });
        else if (kind === 2) kernelCall(K, 'f32_sgd_mom__simd128_u8', { w: z, g: x, m, n: len, lr: 0.1, wd: 0.01, rescale: 0.5, clip: -1, momentum: 0.9 });
        else if (kind === 3) { const d = 8 + Math.floor(rnd() * 120); kernelCall(K, 'f32_gemm__simd128', { transA: 0, transB: 0, M: d, N: d + 3, K: d + 1, alpha: 1, A: x, lda: d + 1, B: y, ldb: d + 3, beta: 0, C: z, ldc: d + 3, bias: 0, biasMode: 0, act: 0, scratch: r.scratch.off }); }
        else { const rows = 1 + (len >> 6); kernelCall(K, 'f32_rsum__simd128_u16', { x, y: z, outer: rows, r: 64, inner: 1, scale: 1, mode: 0, ws: c }); }
        return f32(z, n).slice(0, len + 300);
      };
      const saved = seed;
      setKernelThreadsSuspended(true);
      const one = call();
      setKernelThreadsSuspended(false);
      seed = saved; // the GEMM size comes from the same draw
      const two = call();
      for (let j = 0; j < one.length; j++) if (!Object.is(one[j], two[j])) assert.unreachable(`call ${i} (kind ${kind}, ${len}): element ${j} ${one[j]} vs ${two[j]}`);
      if (rnd() < 0.1) await new Promise((res) => setTimeout(res, 2)); // let workers fall asleep
    }
  } finally {
    setThreadSpin(200);
    [x, y, z, m, c].forEach((o) => al.free(o));
    mx.setNumThreads(before);
  }
});

test('pool: a job right after the main thread grew the memory runs in the new pages (no worker traps on a stale size)', async () => {
  const before = mx.getNumThreads();
  mx.setNumThreads(2);
  await mx.threadsReady();
  const r = rt(), K = r.K as any, al = r.alloc, held: number[] = [];
  try {
    for (let i = 0; i < 12; i++) {
      // A fresh 8 MiB block past the end (the memory grows), then at once a 2-thread GEMM reading and writing it.
      const d = 256, blk = al.alloc(8 << 20);
      held.push(blk);
      const a = blk, b = blk + d * d * 4, c = blk + 2 * d * d * 4;
      f32(a, d * d).set(randArray(d * d, 10 + i)); f32(b, d * d).set(randArray(d * d, 20 + i));
      kernelCall(K, 'f32_gemm__simd128', { transA: 0, transB: 0, M: d, N: d, K: d, alpha: 1, A: a, lda: d, B: b, ldb: d, beta: 0, C: c, ldc: d, bias: 0, biasMode: 0, act: 0, scratch: r.scratch.off });
      const got = f32(c, d * d).slice();
      setKernelThreadsSuspended(true);
      kernelCall(K, 'f32_gemm__simd128', { transA: 0, transB: 0, M: d, N: d, K: d, alpha: 1, A: a, lda: d, B: b, ldb: d, beta: 0, C: c, ldc: d, bias: 0, biasMode: 0, act: 0, scratch: r.scratch.off });
      setKernelThreadsSuspended(false);
      const want = f32(c, d * d);
      for (let j = 0; j < want.length; j++) if (!Object.is(got[j], want[j])) assert.unreachable(`round ${i}: element ${j} ${got[j]} vs ${want[j]}`);
    }
  } finally {
    setKernelThreadsSuspended(false);
    held.forEach((o) => al.free(o));
    mx.setNumThreads(before);
  }
});

test.run();
