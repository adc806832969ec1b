// Distributed kvstore benchmarks (BENCHMARKS.md "Distributed"): push+pull throughput against a
// loopback TCP round trip, and LeNet training samples/s with 1, 2, 4 worker processes.
//   node --import tsx bench/kvstore/run.mjs [throughput] [lenet] [--workers 1,2,4] [--epochs 1] [--chunks 262144,1e9] [--repeat 3]
// --chunks: MXWASM_KV_CHUNK values to compare (1e9: no chunking), one job each, alternated --repeat times.
// Needs the built package (npm run build). Every process runs on this machine over 127.0.0.1.
import { launch } from '../../src/cli/launch.ts';
import { cpus } from 'node:os';

const argv = process.argv.slice(2), flag = (n, d) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : d; };
const what = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--')));
const run = async (workers, servers, command, env = {}) => {
  const lines = [];
  const code = await launch({ workers, servers, launcher: 'local', env, command, deadline: 1800, out: (l) => lines.push(l) });
  if (code) throw new Error(`job failed (${code}):\n${lines.slice(-20).join('\n')}`);
  return lines;
};
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), node ${process.version}; medians; loaded shared VM numbers vary`);

if (!what.length || what.includes('throughput')) {
  const chunks = flag('--chunks', '262144').split(','), repeat = Number(flag('--repeat', '1'));
  console.log('\n| MXWASM_KV_CHUNK | key | push+pull | loopback TCP round trip | kvstore / TCP |\n|---|---|---|---|---|');
  for (let r = 0; r < repeat; r++) {
    for (const chunk of chunks) {
      const lines = await run(1, 1, [process.execPath, new URL('./kv-job.mjs', import.meta.url).pathname], { MXWASM_KV_CHUNK: String(Number(chunk)) });
      const res = JSON.parse(lines.find((l) => l.includes('RESULT ')).split('RESULT ')[1]);
      for (const [k, v] of Object.entries(res)) console.log(`| ${chunk} | ${k} | ${v.kvMs.toFixed(1)} ms (${v.kvGBs.toFixed(2)} GB/s) | ${v.tcpMs.toFixed(1)} ms (${v.tcpGBs.toFixed(2)} GB/s) | ${v.ratio.toFixed(2)} |`);
    }
  }
}
if (!what.length || what.includes('lenet')) {
  const epochs = flag('--epochs', '1');
  console.log('\n| worker processes | servers | samples/s per worker | samples/s total | test accuracy |\n|---|---|---|---|---|');
  let base = 0;
  for (const w of flag('--workers', '1,2,4').split(',').map(Number)) {
    const lines = await run(w, 1, [process.execPath, new URL('../../examples/dist-mnist.mjs', import.meta.url).pathname, '--epochs', epochs, '--threads', '1', '--target', '0']);
    const per = lines.map((l) => / ([\d.]+)% after .* (\d+) samples\/s on this worker/.exec(l)).filter(Boolean);
    const sps = per.map((m) => Number(m[2])), total = sps.reduce((a, b) => a + b, 0);
    base ||= total;
    console.log(`| ${w} | 1 | ${sps.join(', ')} | ${total} (${(total / base).toFixed(2)}x) | ${per[0][1]}% |`);
  }
}
