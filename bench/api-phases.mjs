// Where an API call's time and page faults go, mxwasm and onnxruntime-web in one process (the API rows of
// bench/workloads: conv-mnet-stem, conv-grouped-3x3-128-g32, gemm-512). Per phase: median wall time (µs) and minor
// page faults per call (process.resourceUsage, all threads), and the GC time over the whole loop. Run it at real-time
// priority on the loaded VM (`chrt -f 20`); with --threads 2, onnxruntime-web's pool keeps spinning after its runs.
//   mxwasm:  stage (copy a JS input into the resident input array: what a user with a new image per call does),
//            call (mx.nd.Convolution / dot: output allocation in wasm memory + kernels), read (toTypedArray: a fresh
//            JS array, the old rows' read-back; or toTypedArray(out) into one array reused across calls) or view (.data: the README's zero-copy view), dispose.
//   ort-web: run (session.run: input copy into its heap, kernels, output copied into a fresh typed array, release),
//            data (tensor.data).
// Usage: node --import tsx bench/api-phases.mjs [stem|grouped|gemm512 ...] [--threads N] [--calls N]
import { PerformanceObserver } from 'node:perf_hooks';
import { loadPeers, ortSession } from './lib/peers.mjs';
import { onnxModel, matmulModel } from './lib/onnx.mjs';
import { rand, CONV } from './lib/api-cases.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? Number(args.splice(i, 2)[1]) : d; };
const threads = opt('--threads', 1), calls = opt('--calls', 200);
const cases = args.length ? args : ['stem', 'grouped', 'gemm512'];


const mx = await import('../src/entry/node.js');
mx.setNumThreads(threads);
await mx.threadsReady();
const { libs } = await loadPeers(['ort-web'], { threads });
const ort = libs['ort-web'];

let gcMs = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });
const faults = () => process.resourceUsage().minorPageFault;
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

/** Runs `phases` (name -> fn, in order, each may return a value the next gets) `calls` times; per-phase medians. */
async function profile(label, phases) {
  const names = Object.keys(phases), t = {}, f = {};
  for (const n of names) { t[n] = []; f[n] = 0; }
  for (let i = 0; i < 10; i++) { let v; for (const n of names) v = await phases[n](v); }
  const flush = () => new Promise((r) => setTimeout(r, 5)); // gc entries reach the observer only between tasks
  await flush();
  const g0 = gcMs, w0 = performance.now();
  for (let i = 0; i < calls; i++) {
    let v;
    for (const n of names) {
      const f0 = faults(), t0 = performance.now();
      v = await phases[n](v);
      t[n].push((performance.now() - t0) * 1000); f[n] += faults() - f0;
    }
  }
  const wall = (performance.now() - w0) / calls;
  await flush();
  const row = names.map((n) => `${n} ${med(t[n]).toFixed(0)} µs / ${(f[n] / calls).toFixed(0)} flt`).join(' | ');
  console.log(`${label.padEnd(22)} ${row} | mean ${(wall * 1000).toFixed(0)} µs/call, GC ${(((gcMs - g0) / calls) * 1000).toFixed(0)} µs/call`);
}

for (const c of cases) {
  let xIn, mk, n, ortModel, feeds;
  if (c === 'gemm512') {
    const N = 512; n = N * N;
    const a = mx.nd.array(rand(n, 1), { shape: [N, N] }), b = mx.nd.array(rand(n, 2), { shape: [N, N] });
    xIn = { nd: a, js: rand(n, 1) }; mk = () => mx.nd.dot(a, b);
    ortModel = matmulModel(N, N, N);
    feeds = { A: new ort.Tensor('float32', rand(n, 1), [N, N]), B: new ort.Tensor('float32', rand(n, 2), [N, N]) };
  } else {
    const [C, H, F, k, s, p, G] = CONV[c];
    const Ho = Math.floor((H + 2 * p - k) / s) + 1; n = F * Ho * Ho;
    const x = mx.nd.array(rand(C * H * H, 1), { shape: [1, C, H, H] }), w = mx.nd.array(rand(F * (C / G) * k * k, 2), { shape: [F, C / G, k, k] });
    const attrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: F, num_group: G, no_bias: true };
    xIn = { nd: x, js: rand(C * H * H, 1) }; mk = () => mx.nd.Convolution(x, w, attrs);
    ortModel = onnxModel({
      nodes: [['Conv', ['X', 'W'], ['Y'], { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], group: G }]],
      inputs: [['X', [1, C, H, H]]], outputs: [['Y', [1, F, Ho, Ho]]], initializers: [['W', [F, C / G, k, k], rand(F * (C / G) * k * k, 2)]],
    });
    feeds = { X: new ort.Tensor('float32', rand(C * H * H, 1), [1, C, H, H]) };
  }
  console.log(`\n${c}: output ${n} floats (${(n * 4 / 2 ** 20).toFixed(2)} MiB), ${threads} thread(s), ${calls} calls`);
  const sess = await ortSession(ort, ortModel, 'wasm');
  let sink = 0;
  const out = new Float32Array(n); // toTypedArray(out): the caller's array, reused across calls
  for (let rep = 0; rep < 2; rep++) {
    await profile('mxwasm read (old row)', { call: () => mk(), read: (y) => { const a = y.toTypedArray(); sink += a[0]; return y; }, dispose: (y) => y.dispose() });
    await profile('mxwasm read into out', { call: () => mk(), read: (y) => { y.toTypedArray(out); sink += out[0]; return y; }, dispose: (y) => y.dispose() });
    await profile('mxwasm view', { stage: () => { xIn.nd.data.set(xIn.js); }, call: () => mk(), view: (y) => { const d = y.data; sink += d[0] + d[d.length - 1]; return y; }, dispose: (y) => y.dispose() });
    await profile('ort-web', { run: () => sess.run(feeds), data: (r) => { const d = Object.values(r)[0].data; sink += d[0]; } });
  }
  await sess.release();
  if (!Number.isFinite(sink)) console.log(sink);
}
mx.shutdown();
process.exit(0);
