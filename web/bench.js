import { mx, start, bars } from './common.js';

const info = await start();
const $ = (id) => document.getElementById(id);
let result;

// Timer resolution: without cross-origin isolation browsers round performance.now() to 100 µs (Chromium)
// or 1 ms (Firefox, Safari), which swamps small workloads. Measured, not assumed.
function timerResolutionMs() {
  let best = Infinity;
  for (let i = 0; i < 50; i++) { const a = performance.now(); let b = a; while (b === a) b = performance.now(); best = Math.min(best, b - a); }
  return best;
}
const resolution = timerResolutionMs();
window.timerResolutionMs = resolution;
if (resolution >= 0.05) {
  $('warning').hidden = false;
  $('warning').textContent = `Coarse timers: performance.now() ticks every ${resolution >= 1 ? resolution.toFixed(0) + ' ms' : (resolution * 1000).toFixed(0) + ' µs'} here ` +
    `(${globalThis.crossOriginIsolated ? 'this browser rounds them' : 'the page is not cross-origin isolated'}), so workloads under a few ms are measured coarsely` +
    `${globalThis.crossOriginIsolated ? '' : ' and run on one thread. Serve with COOP/COEP headers (npm run serve does) for fine timers and threads'}.`;
}

async function run() {
  $('run').disabled = true;
  const threads = [...new Set([1, mx.getNumThreads()])];
  const t0 = performance.now();
  const rows = await mx.benchmark.runSuite(mx, {
    threads, quick: $('quick').checked || new URLSearchParams(location.search).has('quick'),
    filter: new URLSearchParams(location.search).getAll('only'),
    onProgress: (msg, i, n) => { $('progress').textContent = `[${i}/${n}] ${msg}`; },
    onRow: (_row, rows) => render(rows), // charts and table grow as the suite runs
  });
  const env = {
    runtime: 'browser', userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, crossOriginIsolated: globalThis.crossOriginIsolated === true,
    simd: info.features.simd, relaxedSimd: info.features.relaxedSimd, variant: info.variant, memory: info.mode, threads,
    coldStartMs: window.mxReadyMs, timerResolutionMs: resolution, memoryPeakBytes: mx.memoryStats().peakBytes, date: new Date().toISOString(),
  };
  result = { env, rows };
  $('progress').textContent = `done in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  render(rows);
  $('download').disabled = false;
  $('run').disabled = false;
  window.benchResult = result;
}

window.benchRenders = []; // rows drawn at each redraw (the browser test checks the charts grow while it runs)
function render(rows) {
  window.benchRenders.push({ rows: rows.length, bars: rows.filter((r) => r.gflops).length, finished: !!window.benchResult || rows === result?.rows });
  const peak = rows.find((r) => r.name === 'simd-peak')?.value ?? 0;
  const timed = rows.filter((r) => r.gflops);
  const max = Math.max(peak, ...timed.map((r) => r.gflops));
  bars($('chart'), [['SIMD ceiling', peak], ...timed.map((r) => [`${r.name} ×${r.threads}`, r.gflops])],
    { max, fmt: (v) => v.toFixed(1), highlight: 0 });
  const th = '<tr><th>workload</th><th>threads</th><th>median</th><th>p10</th><th>GFLOP/s</th><th>% of ceiling</th><th>runs</th></tr>';
  $('table').innerHTML = th + rows.map((r) => `<tr><td>${r.name}</td><td>${r.threads}</td>` +
    (r.value !== undefined ? `<td colspan="2">${r.value.toFixed(2)} ${r.unit}</td>` : `<td>${r.median_ms.toFixed(3)} ms</td><td>${r.p10_ms.toFixed(3)} ms</td>`) +
    `<td>${r.gflops ? r.gflops.toFixed(1) : ''}</td><td>${r.gflops && peak ? ((100 * r.gflops) / (peak * r.threads)).toFixed(0) + '%' : ''}</td><td>${r.runs}</td></tr>`).join('');
}

$('run').onclick = run;
$('download').onclick = () => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(result, null, 2)], { type: 'application/json' }));
  a.download = 'mxwasm-bench.json';
  a.click();
};
if (new URLSearchParams(location.search).has('autorun')) run();
