// Two threads vs one for whole networks, each round checked by a compute-bound probe: every round runs a 384³ GEMM on 1
// and on N threads (before and after), then each network on the calling thread alone and on N threads (~chunk ms each,
// order alternating, all networks in the same rounds). A round whose probe gains under --good (1.6) had no free second
// core (on the shared 2-vCPU VM this lasts minutes: every row then reads ~1.0x, whatever the code); the speedup is
// the median over the other rounds, printed beside the median over all. Networks: bench/lib/nets.mjs names, and
// onnx-<name> for the same network exported to ONNX and imported (mx.Predictor.fromOnnx).
//   node --import tsx bench/threads-probed.mjs [net ...] [--batch 1] [--threads 2] [--rounds 10] [--chunk 300] [--good 1.6] [--json f]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as mx from '../src/entry/node.js';
import { setKernelThreadsSuspended } from '../src/parallel/threads.js';
import { netBuilders } from './lib/nets.mjs';
import { exportNet } from './lib/onnx-models.mjs';

const argv = process.argv.slice(2), nets = [], o = { batch: 1, threads: 2, rounds: 10, chunk: 300, good: 1.6, json: '' };
for (let i = 0; i < argv.length; i++) {
  if (!argv[i].startsWith('--')) { nets.push(argv[i]); continue; }
  const k = argv[i].slice(2), v = argv[++i];
  o[k] = k === 'json' ? v : Number(v);
}
if (!nets.length) nets.push('mobilenet1.0', 'mobilenetv2');
mx.setNumThreads(o.threads);
await mx.threadsReady();
const B = o.batch, shape = [B, 3, 224, 224], builders = netBuilders(mx.sym);
const x = new Float32Array(B * 3 * 224 * 224).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
/** A forward (logits read back) of `net` with small deterministic weights. */
function make(net) {
  const b = builders[net.replace(/^onnx-/, '')];
  if (!b) throw new Error(`${net}: not a network (${Object.keys(builders).join(', ')}, or onnx-<name>)`);
  if (net.startsWith('onnx-')) {
    const p = mx.Predictor.fromOnnx(exportNet(mx, b(), shape), { data: shape });
    return () => p.forward(x)[0].toTypedArray();
  }
  const e = b().simpleBind({ shapes: { data: shape }, gradReq: 'null' });
  let s = 1;
  for (const [k, a] of [...Object.entries(e.argDict), ...Object.entries(e.auxDict)]) {
    if (k !== 'data') a.data.set(a.data.map(() => (k.endsWith('_var') ? 1 : 0.05 * ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5))));
  }
  return () => e.forward({ data: x })[0].toTypedArray();
}
const runs = Object.fromEntries(nets.map((n) => [n, make(n)]));
const pa = mx.nd.ones([384, 384]), pb = mx.nd.ones([384, 384]);
/** One thread's fastest 384³ product over N threads' (3 each, alternating): ~2 on free cores, ~1 when they are taken. */
function probe() {
  const t = [[], []];
  for (let i = 0; i < 6; i++) {
    setKernelThreadsSuspended(i % 2 === 0);
    const s = performance.now(), r = mx.nd.dot(pa, pb);
    r.toTypedArray(); r.dispose();
    t[i % 2].push(performance.now() - s);
  }
  setKernelThreadsSuspended(false);
  return Math.min(...t[0]) / Math.min(...t[1]);
}
const median = (a) => { const s = [...a].sort((p, q) => p - q); return s.length ? s[s.length >> 1] : NaN; };
const keys = nets.flatMap((n) => [[n, true], [n, false]]), rounds = [];
for (const [n, one] of keys) { setKernelThreadsSuspended(one); for (let i = 0; i < 3; i++) runs[n](); }
for (let r = 0; r < o.rounds; r++) {
  const row = { probe: probe(), ms: {} };
  for (const [n, one] of (r % 2 ? [...keys].reverse() : keys)) {
    setKernelThreadsSuspended(one);
    const t0 = performance.now(), loc = [];
    do { const s = performance.now(); runs[n](); loc.push(performance.now() - s); } while (performance.now() - t0 < o.chunk);
    (row.ms[n] ??= [0, 0])[one ? 0 : 1] = median(loc);
  }
  setKernelThreadsSuspended(false);
  row.probe = Math.min(row.probe, probe());
  rounds.push(row);
  console.log(`round ${r + 1}: probe ${row.probe.toFixed(2)}x; ${nets.map((n) => `${n} ${(row.ms[n][0] / row.ms[n][1]).toFixed(2)}x`).join(', ')}`);
}
const good = rounds.filter((r) => r.probe >= o.good), out = [];
for (const n of nets) {
  const sp = (rs) => median(rs.map((r) => r.ms[n][0] / r.ms[n][1]));
  const res = { net: n, batch: B, threads: o.threads, oneMs: median(rounds.map((r) => r.ms[n][0])), manyMs: median(rounds.map((r) => r.ms[n][1])),
    speedupAll: sp(rounds), speedupFree: sp(good), freeRounds: good.length, rounds: rounds.length };
  out.push(res);
  console.log(`${n} b${B}: ${res.oneMs.toFixed(2)} -> ${res.manyMs.toFixed(2)} ms; speedup ${res.speedupAll.toFixed(2)}x over all rounds, ` +
    `${good.length ? `${res.speedupFree.toFixed(2)}x over the ${good.length} with a free second core (probe >= ${o.good})` : 'no round with a free second core'}`);
}
console.log(`probes ${rounds.map((r) => r.probe.toFixed(2)).join(' ')}; load ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
if (o.json) writeFileSync(o.json, JSON.stringify({ probes: rounds.map((r) => r.probe), rows: out }, null, 2));
mx.shutdown();
