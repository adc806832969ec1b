// GEMM on 2 threads == 1 thread, bitwise (and a real cut: every shape is two threads' worth): however a call is cut (rows or columns, any number of parts), every
// part must take the same kernel path as the whole call (GEMV, no-packing tiles, packed blocks with K blocks).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { setKernelThreadsSuspended } from '../../src/parallel/threads.js';
import { SPLITS } from '../../src/parallel/splits.js';

const SHAPES: [number, number, number, number, number][] = [
  // [tA, tB, M, N, K], each at least two threads' worth of work (2 x 96^3)
  [0, 0, 100, 50, 400], [0, 0, 65, 33, 900], [0, 0, 64, 40, 3000], [0, 0, 97, 73, 257], [0, 1, 129, 20, 700],
  [0, 0, 17, 400, 300], [0, 0, 9, 2049, 130], [1, 0, 128, 784, 64], [1, 0, 65, 300, 280], [0, 1, 64, 128, 784],
  [0, 0, 200, 9, 1000], [0, 0, 33, 161, 1000], [1, 1, 90, 70, 300],
  // one K block (K <= 256), wide N
  [0, 0, 150, 50, 240], [1, 1, 100, 70, 256], [0, 1, 300, 33, 200], [1, 0, 64, 200, 140], [0, 0, 300, 2048, 7],
  // matrix-vector products (FullyConnected at batch 1, one output column): cut, every part a GEMV
  [0, 1, 1, 500, 800], [0, 1, 1, 128, 784], [0, 0, 1, 333, 1001], [1, 0, 1, 257, 900], [0, 0, 700, 1, 600], [1, 1, 513, 1, 300],
];

function run(name: string, [tA, tB, M, N, K]: number[], seed: number): Float32Array {
  const r = rt(), al = r.alloc;
  const a = randArray(M * K, seed), b = randArray(K * N, seed + 1), bias = randArray(Math.max(M, N), seed + 2);
  const oA = al.alloc(a.length * 4), oB = al.alloc(b.length * 4), oC = al.alloc(M * N * 4), oBias = al.alloc(bias.length * 4);
  try {
    f32(oA, a.length).set(a); f32(oB, b.length).set(b); f32(oBias, bias.length).set(bias);
    (r.K as any)[name](tA, tB, M, N, K, 1, oA, tA ? M : K, oB, tB ? K : N, 0, oC, N, oBias, 2, seed % 4, r.scratch.off);
    return f32(oC, M * N).slice();
  } finally { [oA, oB, oC, oBias].forEach((o) => al.free(o)); }
}

test('gemm: 2 threads give the same bits as 1 (row and column cuts, K blocks, GEMV-sized remainders, fused acts)', async () => {
  const before = mx.getNumThreads();
  mx.setNumThreads(2);
  await mx.threadsReady();
  const names = ['f32_gemm__simd128', ...(typeof (rt().K as any).f32_gemm__relaxedsimd === 'function' ? ['f32_gemm__relaxedsimd'] : [])];
  try {
    for (const name of names) {
      SHAPES.forEach((s, i) => {
        const [, , M, N, K] = s;
        assert.ok(SPLITS[name].work([...s.slice(0, 2), M, N, K]) >= 2 * SPLITS[name].min, `${s.join('x')} is big enough to be cut`);
        setKernelThreadsSuspended(true);
        const one = run(name, s, 10 + i);
        setKernelThreadsSuspended(false);
        const jobs = mx.threadStats()!.jobs;
        const two = run(name, s, 10 + i);
        assert.ok(mx.threadStats()!.jobs > jobs, `${name} ${s.join('x')} ran as a parallel job`);
        for (let j = 0; j < one.length; j++) if (!Object.is(one[j], two[j])) assert.unreachable(`${name} ${s.join('x')}: element ${j} ${one[j]} vs ${two[j]}`);
      });
    }
  } finally { setKernelThreadsSuspended(false); mx.setNumThreads(before); }
});

test.run();
