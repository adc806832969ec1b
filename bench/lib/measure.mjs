// Timing: warm-ups, then interleaved rounds over all implementations of a workload, so that load
// from other processes (2 shared cores) hits every column alike; medians of individually timed runs.

/** Runs `inst.run()` once, awaiting it only when it returns a promise. */
async function once(inst) {
  const r = inst.run();
  if (r && typeof r.then === 'function') await r;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

/**
 * Measures instances `{ impl: inst }` interleaved: `warmup` runs each, then rounds in which each impl
 * runs for ~`chunkMs`, until every impl has >= `minRuns` runs and >= `minMs` of timed runs (capped by
 * `maxRuns` and `maxMs` per impl). Returns `{ impl: { median_ms, p10_ms, p90_ms, cpu_median_ms, runs } }`.
 * @example const r = await measure({ mxwasm: inst }, { minRuns: 15, minMs: 1000 });
 */
export async function measure(insts, o = {}, progress = () => {}) {
  const { warmup = 5, minRuns = 15, minMs = 1000, maxRuns = 2000, maxMs = 8000, chunkMs = 100 } = o;
  const names = Object.keys(insts);
  for (const n of names) { for (let i = 0; i < warmup; i++) await once(insts[n]); }
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  const total = Object.fromEntries(names.map((n) => [n, 0]));
  const done = (n) => times[n].length >= maxRuns || total[n] >= maxMs || (times[n].length >= minRuns && total[n] >= minMs);
  for (let round = 1; !names.every(done); round++) {
    for (const n of names) {
      if (done(n)) continue;
      const start = performance.now();
      do {
        const c0 = process.cpuUsage(), t0 = performance.now();
        await once(insts[n]);
        const dt = performance.now() - t0, c = process.cpuUsage(c0);
        times[n].push(dt); total[n] += dt; cpu[n].push((c.user + c.system) / 1000);
      } while (performance.now() - start < chunkMs && !done(n));
      progress(`round ${round}, ${names.map((m) => `${m} ${times[m].length}`).join(', ')}`);
    }
  }
  // cpu_median_ms: process CPU time per run (all threads): less sensitive to being descheduled on a busy machine.
  return Object.fromEntries(names.map((n) => [n, {
    median_ms: median(times[n]), p10_ms: quantile(times[n], 0.1), p90_ms: quantile(times[n], 0.9), cpu_median_ms: median(cpu[n]), runs: times[n].length,
  }]));
}
