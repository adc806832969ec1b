// Timing: warm-ups, then interleaved rounds over all implementations of a workload, so that load
// from other processes (2 shared cores) hits every column alike; medians of individually timed runs.

/** Runs `inst.run()` once, awaiting it only when it returns a promise. */
async function once(inst) {
  const r = inst.run();
  if (r && typeof r.then === 'function') await r;
}

/**
 * Waits until the process's other threads are idle: its CPU time over a ~2 ms sleep of this thread stays under a
 * quarter of that time, at most `maxMs`. onnxruntime-web's pool threads keep spinning ~15-20 ms after each
 * `session.run` (measured on this VM: ~1 ms of CPU per 2 ms window after a 2-thread ResNet-18 run, none at 1 thread),
 * so a chunk that starts right after a peer's would share its second core with them. Returns the ms waited.
 */
export async function settle(maxMs = 250) {
  const t0 = performance.now();
  for (;;) {
    const c0 = process.cpuUsage(), w0 = performance.now();
    await new Promise((r) => setTimeout(r, 2));
    const c = process.cpuUsage(c0), wall = performance.now() - w0, now = performance.now();
    if ((c.user + c.system) / 1000 < 0.25 * wall || now - t0 > maxMs) return now - t0;
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
// The mean of the runs between the 5th and 95th percentiles: a fresh-output row's runs are bimodal (a share of them
// page-fault), and its median jumps from one mode to the other as that share crosses half; this follows the share.
const tmean = (xs) => { const s = [...xs].sort((a, b) => a - b), k = Math.floor(s.length / 20), m = s.slice(k, s.length - k); return m.reduce((a, b) => a + b, 0) / m.length; };
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

/**
 * Measures instances `{ impl: inst }` interleaved: `warmup` runs each, then rounds in which each impl
 * runs for ~`chunkMs` (0: one run), until every impl has >= `minRuns` runs and >= `minMs` of timed runs (capped by
 * `maxRuns` and `maxMs` per impl); with `quiesce` (default) each chunk waits first until the process's threads are
 * idle (`settle`). Returns `{ impl: { median_ms, p10_ms, p90_ms, cpu_median_ms, runs, faults_per_run, settle_median_ms } }`
 * (faults_per_run: the process's minor page faults per timed run, all threads: where a fresh buffer's pages land).
 * @example const r = await measure({ mxwasm: inst }, { minRuns: 15, minMs: 1000 });
 */
export async function measure(insts, o = {}, progress = () => {}) {
  const { warmup = 5, minRuns = 15, minMs = 1000, maxRuns = 2000, maxMs = 8000, chunkMs = 100, quiesce = true } = o;
  const names = Object.keys(insts);
  for (const n of names) { for (let i = 0; i < warmup; i++) await once(insts[n]); }
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  const total = Object.fromEntries(names.map((n) => [n, 0]));
  const settled = Object.fromEntries(names.map((n) => [n, []]));
  const faults = Object.fromEntries(names.map((n) => [n, 0])); // minor page faults (whole process), read outside the timing
  const done = (n) => times[n].length >= maxRuns || total[n] >= maxMs || (times[n].length >= minRuns && total[n] >= minMs);
  for (let round = 1; !names.every(done); round++) {
    for (const n of names) {
      if (done(n)) continue;
      // Each chunk starts with the process's threads idle (another implementation's pool may still be spinning).
      if (quiesce && names.length > 1) settled[n].push(await settle());
      const start = performance.now();
      do {
        const f0 = process.resourceUsage().minorPageFault, c0 = process.cpuUsage(), t0 = performance.now();
        await once(insts[n]);
        const dt = performance.now() - t0, c = process.cpuUsage(c0);
        faults[n] += process.resourceUsage().minorPageFault - f0;
        times[n].push(dt); total[n] += dt; cpu[n].push((c.user + c.system) / 1000);
      } while (performance.now() - start < chunkMs && !done(n));
      progress(`round ${round}, ${names.map((m) => `${m} ${times[m].length}`).join(', ')}`);
    }
  }
  // cpu_median_ms: process CPU time per run (all threads): less sensitive to being descheduled on a busy machine.
  return Object.fromEntries(names.map((n) => [n, {
    median_ms: median(times[n]), tmean_ms: tmean(times[n]), p10_ms: quantile(times[n], 0.1), p90_ms: quantile(times[n], 0.9), cpu_median_ms: median(cpu[n]), runs: times[n].length,
    faults_per_run: +(faults[n] / times[n].length).toFixed(1),
    ...(settled[n].length ? { settle_median_ms: +median(settled[n]).toFixed(2) } : {}),
  }]));
}
