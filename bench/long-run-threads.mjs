// Worker share per forward over a long run (the "two-executor stall" check): one executor (a second with --two) runs
// 2-thread and 1-thread forwards alternately; each 2-thread forward prints its time, the share of parts the worker ran
// and the cost model's gainBig. A share that falls to 0 and stays there is the stall bench/README.md explains (under
// `chrt -f 20` without --single-threaded-gc, ~8 s in). Bundle it first for real-time runs (bench/README.md):
//   node_modules/.bin/esbuild bench/long-run-threads.mjs --bundle --platform=node --format=esm --outfile=.tmp/lrt.mjs \
//     --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
//   timeout 90 chrt -f 20 node --single-threaded-gc .tmp/lrt.mjs [--net resnet50] [--batch 8] [--rounds 5] [--two]
const o = { net: 'resnet50', batch: 8, rounds: 5, two: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) { const k = argv[i].replace(/^--/, ''); if (k === 'two') o.two = true; else o[k] = k === 'net' ? argv[++i] : Number(argv[++i]); }
const mx = await import('../src/entry/node.js');
const { setKernelThreadsSuspended } = await import('../src/parallel/threads.js');
const { netBuilders } = await import('./lib/nets.mjs');
mx.setNumThreads(2); await mx.threadsReady();
const N = o.batch, x = new Float32Array(N * 3 * 224 * 224).fill(0.5), t0 = performance.now();
function bind() {
  const e = netBuilders(mx.sym)[o.net]().simpleBind({ shapes: { data: [N, 3, 224, 224] }, gradReq: 'null' });
  for (const [k, a] of Object.entries(e.argDict)) if (k !== 'data') a.data.fill(0.01);
  for (const a of Object.values(e.auxDict)) a.data.fill(1);
  e.forward({ data: x });
  return e;
}
const stat = () => { const s = mx.threadStats(); return { parts: s?.parts ?? 0, own: (s?.parts ?? 0) * (1 - (s?.workerShare ?? 0)) }; };
function fwd(e, one) {
  setKernelThreadsSuspended(one);
  const s0 = stat(), t = performance.now(); e.forward({ data: x }); const ms = performance.now() - t, s1 = stat();
  setKernelThreadsSuspended(false);
  const parts = s1.parts - s0.parts;
  return { ms, share: parts ? 1 - (s1.own - s0.own) / parts : 0 };
}
const execs = o.two ? [bind(), bind()] : [bind()];
const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const t2 = [], t1 = [];
for (let i = 0; i < o.rounds; i++) {
  execs.forEach((e, k) => {
    const a = fwd(e, false), b = fwd(e, true);
    t2.push(a.ms); t1.push(b.ms);
    console.log(`${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s  executor ${k + 1}  2t ${a.ms.toFixed(0)} ms (worker share ${a.share.toFixed(2)}, gainBig ${mx.threadStats().gainBig.toFixed(2)})  1t ${b.ms.toFixed(0)} ms`);
  });
}
console.log(`${o.net} b${N}${o.two ? ', two executors' : ''}: 2t ${med(t2).toFixed(0)} ms, 1t ${med(t1).toFixed(0)} ms: ${(med(t1) / med(t2)).toFixed(2)}x`);
process.exit(0);
