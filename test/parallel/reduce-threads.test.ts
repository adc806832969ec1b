// Reductions and softmax on 2 threads == 1 thread, bitwise: they are cut along the outer axis only, so every
// output line is reduced in the same order as on one thread (a full reduction, outer = 1, is not cut).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { setKernelThreadsSuspended } from '../../src/parallel/threads.js';
import { SPLITS } from '../../src/parallel/splits.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';

/** Runs `call(x, y, aux)` with fresh buffers on one thread and on two; returns both outputs. */
function both(nx: number, ny: number, call: (x: number, y: number, aux: number, ws: number) => void): [Float32Array, Float32Array] {
  const r = rt(), al = r.alloc, x = randArray(nx, nx % 97), out: Float32Array[] = [];
  for (const one of [true, false]) {
    const ox = al.alloc(nx * 4), oy = al.alloc(ny * 4), oa = al.alloc(nx * 4), ws = al.alloc(1 << 16);
    try {
      f32(ox, nx).set(x); f32(oa, nx).set(randArray(nx, 5)); f32(oy, ny).fill(0);
      setKernelThreadsSuspended(one);
      call(ox, oy, oa, ws);
      out.push(f32(oy, ny).slice());
    } finally { setKernelThreadsSuspended(false); [ox, oy, oa, ws].forEach((o) => al.free(o)); }
  }
  return [out[0], out[1]];
}

function same(a: Float32Array, b: Float32Array, what: string): void {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: element ${i} ${a[i]} vs ${b[i]}`);
}

test('reductions and softmax: 2 threads give the same bits as 1', async () => {
  const before = mx.getNumThreads();
  mx.setNumThreads(2);
  await mx.threadsReady();
  const K = rt().K as any;
  try {
    for (const [outer, r, inner] of [[14099, 5, 1], [1031, 70, 1], [601, 17, 7], [97, 9, 77], [5003, 15, 1]]) {
      const n = outer * r * inner, ny = outer * inner;
      assert.ok(SPLITS.f32_rsum__simd128_u16.work([0, 0, outer, r, inner]) >= 2 * SPLITS.f32_rsum__simd128_u16.min, 'big enough to cut');
      for (let mode = 0; mode < 4; mode++) same(...both(n, ny, (x, y, _a, ws) => kernelCall(K, 'f32_rsum__simd128_u16', { x, y, outer, r, inner, scale: 0.5, mode, ws })), `rsum mode ${mode} ${outer}x${r}x${inner}`);
      same(...both(n, ny, (x, y) => kernelCall(K, 'f32_rmax__simd128_u16', { x, y, outer, r, inner })), `rmax ${outer}x${r}x${inner}`);
      same(...both(n, ny, (x, y) => kernelCall(K, 'f32_rmin__simd128_u16', { x, y, outer, r, inner })), `rmin ${outer}x${r}x${inner}`);
      same(...both(n, ny, (x, y) => kernelCall(K, 'f32_rprod__simd128_u16', { x, y, outer, r, inner, nan: 0 })), `rprod ${outer}x${r}x${inner}`);
      for (const lg of [0, 1]) {
        same(...both(n, n, (x, y) => kernelCall(K, 'f32_softmax__simd128', { x, y, len: 0, li: 0, outer, n: r, inner, sc: 1, lg })), `softmax lg ${lg} ${outer}x${r}x${inner}`);
        same(...both(n, n, (x, y, dy) => kernelCall(K, 'f32_softmax_bwd__simd128', { y: x, dy, dx: y, len: 0, li: 0, outer, n: r, inner, sc: 1, lg })), `softmax bwd lg ${lg} ${outer}x${r}x${inner}`);
      }
    }
  } finally { mx.setNumThreads(before); }
});

test.run();
