// A/B of conv lanes (Winograd: src/ops/conv/winograd.ts; im2col: lower.ts): the same conv lowered with lanes (one per
// thread) and without (the per-chunk / per-image steps), each run on 2 threads and on the calling thread alone,
// interleaved in one process; medians.
//   node --import tsx bench/conv-lanes-ab.mjs [--rounds 30] [--batch 1] [--C 64] [--H 56] [--F C] [--k 3] [--s 1]
const o = { rounds: 30, batch: 1, C: 64, H: 56, F: 0, reps: 5, k: 3, s: 1 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) o[argv[i].replace(/^--/, '')] = Number(argv[i + 1]);
const F = o.F || o.C;
const mx = await import('../src/entry/node.js');
const { rt } = await import('../src/runtime/runtime.js');
const { getOp } = await import('../src/ops/registry.js');
const { parseAttrs } = await import('../src/ops/attrs.js');
const { setThreadCount } = await import('../src/runtime/parts.js');
const { setKernelThreadsSuspended } = await import('../src/parallel/threads.js');
mx.setNumThreads(2);
await mx.threadsReady();
const r = rt(), def = getOp('Convolution');
const a = parseAttrs('Convolution', def.attrs, { kernel: [o.k, o.k], stride: [o.s, o.s], pad: [o.k >> 1, o.k >> 1], num_filter: F, no_bias: true });
const N = o.batch, x = mx.nd.ones([N, o.C, o.H, o.H]), w = mx.nd.ones([F, o.C, o.k, o.k]), Ho = Math.floor((o.H - 1) / o.s) + 1, y = mx.nd.zeros([N, F, Ho, Ho]);
const real = mx.getNumThreads;
function lower(lanes) {
  setThreadCount(() => (lanes ? real() : 1));
  const wsB = def.workspace(a, [x.shape, w.shape], [y.shape], false), ws = r.alloc.alloc(wsB);
  const step = def.forward({ K: r.K, isTrain: false, workspace: ws, scratch: r.scratch.off, node: 'c', random: Math.random }, a, [x.ref, w.ref], [y.ref], []);
  setThreadCount(real);
  return { step, wsB };
}
const L = lower(true), B = lower(false);
console.log(`C ${o.C} F ${F} H ${o.H} k ${o.k} s ${o.s} batch ${N}: workspace lanes ${(L.wsB / 2 ** 20).toFixed(2)} MiB, steps ${(B.wsB / 2 ** 20).toFixed(2)} MiB`);
const t = { lanes2: [], steps2: [], lanes1: [], steps1: [] };
const time = (f, one) => { setKernelThreadsSuspended(one); const t0 = performance.now(); for (let i = 0; i < o.reps; i++) f(); const d = (performance.now() - t0) / o.reps; setKernelThreadsSuspended(false); return d; };
for (let i = 0; i < 3; i++) { L.step(); B.step(); }
for (let i = 0; i < o.rounds; i++) {
  t.lanes2.push(time(L.step, false)); t.steps2.push(time(B.step, false)); t.lanes1.push(time(L.step, true)); t.steps1.push(time(B.step, true));
}
const med = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, med(v)]));
console.log(Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(3)} ms`).join(', '));
console.log(`2t/1t: lanes ${(m.lanes1 / m.lanes2).toFixed(2)}x (vs steps 1t: ${(m.steps1 / m.lanes2).toFixed(2)}x), steps ${(m.steps1 / m.steps2).toFixed(2)}x; lanes vs steps at 2t ${(m.steps2 / m.lanes2).toFixed(2)}x, at 1t ${(m.steps1 / m.lanes1).toFixed(2)}x`);
console.log(JSON.stringify(mx.threadStats()));
process.exit(0);
