import { rt } from '../runtime/runtime.js';
import { ensureInstalled, getNumThreads } from '../parallel/threads.js';

const now = () => performance.now();

/**
 * Measures this machine's single-thread 128-bit SIMD ceiling: a register-only loop of 12
 * independent mul+add chains (or relaxed fused multiply-adds where the relaxed build is loaded).
 * Returns the best GFLOP/s of `rounds` runs of about `ms` each.
 * @example mx.probe.simdPeak().gflops
 */
export function simdPeak(o: { relaxed?: boolean; ms?: number; rounds?: number } = {}): { gflops: number; kernel: string } {
  const r = rt();
  const relaxed = (o.relaxed ?? r.variant === 'relaxed') && r.variant === 'relaxed';
  const kernel = relaxed ? 'f32_peak__relaxedsimd' : 'f32_peak__simd128';
  const f = r.K[kernel];
  let iters = 20_000;
  for (let i = 0; i < 4; i++) f(iters, 0.5, 1); // let V8 tier the loop up
  // Size one run to about `ms`.
  for (;;) { const t = now(); f(iters, 0.5, 1); const d = now() - t; if (d > 5 || iters > 1e9) { iters = Math.max(1000, Math.round(iters * (o.ms ?? 50) / d)); break; } iters *= 4; }
  let best = 0;
  for (let k = 0; k < (o.rounds ?? 5); k++) { const t = now(); f(iters, 0.5, 1); best = Math.max(best, (iters * 96) / ((now() - t) * 1e6)); }
  return { gflops: best, kernel };
}

/**
 * Cost of an empty parallel call (all threads run a no-op kernel) back to back, in microseconds (median of rounds).
 * With one thread it is the plain call cost.
 * @example mx.probe.dispatchOverhead().microseconds
 */
export function dispatchOverhead(o: { calls?: number; rounds?: number } = {}): { microseconds: number; threads: number } {
  ensureInstalled();
  const f = rt().K.x32_noop;
  const calls = o.calls ?? 5000;
  const per: number[] = [];
  for (let k = 0; k < (o.rounds ?? 7); k++) {
    const t = now();
    for (let i = 0; i < calls; i++) f(0);
    per.push(((now() - t) * 1000) / calls);
  }
  per.sort((a, b) => a - b);
  return { microseconds: per[per.length >> 1], threads: getNumThreads() };
}
