// Thread start-up as a synchronous caller sees it (issues 14 and 16): in fresh processes, the time from
// setNumThreads(2) to the first kernel part a worker runs, in a loop of 256x256 products that never yields
// (workers announce themselves in shared memory), next to the machine's bare cost of starting one Node worker
// (an empty eval Worker's first message) measured in the same fresh-process way, interleaved.
//   node --import tsx bench/thread-start.mjs [--rounds 7]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 7);
const entry = fileURLToPath(new URL('../src/entry/node.ts', import.meta.url));
const POOL = `import * as mx from ${JSON.stringify(entry)};
const a = mx.nd.ones([256, 256]); mx.nd.dot(a, a).dispose(); // runtime up and warm before the clock starts
const t0 = performance.now();
mx.setNumThreads(2);
let n = 0, ms = -1;
while (performance.now() - t0 < 30000) { mx.nd.dot(a, a).dispose(); n++; if ((mx.threadStats()?.workerShare ?? 0) > 0) { ms = performance.now() - t0; break; } }
const ready = performance.now() - t0;
console.log(JSON.stringify({ ms, n, mode: mx.runtimeInfo().mode }));
mx.shutdown();`;
const BARE = `import { Worker } from 'node:worker_threads';
const t0 = performance.now();
const w = new Worker("require('node:worker_threads').parentPort.postMessage(1)", { eval: true, execArgv: [] });
w.once('message', () => { console.log(JSON.stringify({ ms: performance.now() - t0 })); process.exit(0); });`;

const run = (script, tsx) => {
  const r = spawnSync(process.execPath, [...(tsx ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MXWASM_NUM_THREADS: '' } });
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
};
const pool = [], bare = [];
for (let i = 0; i < rounds; i++) { bare.push(run(BARE, false).ms); const p = run(POOL, true); pool.push(p.ms); if (p.mode !== 'shared') { console.log('no shared memory: threads off'); break; } }
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const f = (a) => a.map((v) => v.toFixed(0)).join(' ');
console.log(`first worker part after setNumThreads(2), synchronous loop: median ${med(pool).toFixed(0)} ms (${f(pool)})`);
console.log(`bare Node worker start (empty eval Worker, first message):  median ${med(bare).toFixed(0)} ms (${f(bare)})`);
console.log(`(fresh process each; the pool starts a supervisor worker, which starts the kernel worker: two starts in a row)`);
