// Prints a Markdown report (environment + table) from a bench JSON, for BENCHMARKS.md.
// Usage: node bench/report.mjs [bench/results/latest.json] [more.json ...]
import { readFileSync } from 'node:fs';
import { formatTable } from './lib/table.mjs';
import { PEERS } from './lib/peers.mjs';

for (const file of process.argv.slice(2).length ? process.argv.slice(2) : [new URL('./results/latest.json', import.meta.url)]) {
  const { env, results } = JSON.parse(readFileSync(file, 'utf8'));
  const m = env.mxwasm;
  console.log(`${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB; Node ${env.node} (V8 ${env.v8}); commit ${env.commit ?? '?'}, ${env.date}`);
  console.log(`mxwasm: \`${m.variant}\` kernels, ${m.threads} thread(s), relaxed SIMD ${m.relaxedSimdAvailable ? 'available' : 'unavailable'}`);
  for (const [p, n] of Object.entries(env.peers)) console.log(`- ${p}: ${n}`);
  console.log(`- load average (1/5/15 min) ${env.loadavgStart.join(' / ')} before, ${env.loadavgEnd.join(' / ')} after; ${env.method}\n`);
  // With threads, the mxwasm-1t column (the same workload on the calling thread only, interleaved) gives the speedup.
  const cols = results.some((r) => r.impls['mxwasm-1t']) ? ['mxwasm-1t', ...PEERS] : PEERS;
  if (cols !== PEERS) console.log('- mxwasm-1t: mxwasm on the calling thread only, interleaved with the threaded runs: its ratio is the thread speedup\n');
  console.log('Wall-clock medians:\n');
  console.log(formatTable(results, cols, { markdown: true }));
  if (results.some((r) => r.impls.mxwasm?.cpu_median_ms !== undefined)) {
    console.log('\nProcess CPU time medians (same runs):\n');
    console.log(formatTable(results, PEERS, { markdown: true, cpu: true }));
  }
  console.log('');
}
