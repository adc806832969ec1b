// Small imperative calls with idle time between them, 1 thread vs N, in ONE process (issue 16: "two threads are never
// slower than one" on the plain API rows). Each call is the API row's op + a read-back into one JS array kept across
// calls (`toTypedArray(out)`: no page faults), then dispose. Between calls: nothing (back to back), `busy` (main-thread
// work of --gap-ms), or `sleep` (a synchronous sleep of --gap-ms: the bench's per-run settle sleeps like this, and a
// user's loop that waits for input does too). The 1-thread column is the bench's `mxwasm-1t` (kernel threads
// suspended, workers kept); columns alternate in blocks of --block calls, rounds until --calls each. Prints medians
// (µs), 2t/1t, and the share of parts the workers ran in the N-thread column.
// Usage: node --import tsx bench/idle-calls.mjs [stem grouped gemm512 lenet] [--gap none,busy,sleep] [--gap-ms 2]
//        [--calls 280] [--block 20] [--threads 2] [--dist]   [--fresh]
//        (--dist: the built dist/node bundle; or bundle this script with esbuild for `chrt -f 20`; --fresh: toTypedArray())
import { rand, CONV } from './lib/api-cases.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args.splice(i, 2)[1] : d; };
const flag = (k) => { const i = args.indexOf(k); return i >= 0 && !!args.splice(i, 1); };
const threads = Number(opt('--threads', 2)), calls = Number(opt('--calls', 280)), block = Number(opt('--block', 20));
const gapMs = Number(opt('--gap-ms', 2)), gaps = opt('--gap', 'none,busy,sleep,timer').split(','), dist = flag('--dist');
const fresh = flag('--fresh'); // read back into a fresh array each call (the plain rows: page faults) instead of one kept
const cases = args.length ? args : ['stem', 'grouped', 'gemm512', 'lenet'];

const mx = await import(dist ? '../dist/node/index.js' : '../src/entry/node.js');
const th = dist ? {} : await import('../src/parallel/threads.js');
const suspend = mx.setKernelThreadsSuspended ?? th.setKernelThreadsSuspended;
/** The pool's wake measure (src/parallel/wake.ts) and pre-wakes, where the script runs from src. */
const wakeNote = () => { const p = th.poolForTests?.(); return p?.waker ? `  wake shared ${p.waker.shared.toFixed(2)}, pre-wakes ${p.waker.prewakes}` : ''; };
mx.setNumThreads(threads);
await mx.threadsReady();

/** One call of the case: op + read-back into `out` + dispose (the plain API row without its fresh array). */
function makeCase(name) {
  if (CONV[name]) {
    const [C, H, F, k, s, p, G] = CONV[name];
    const x = mx.nd.array(rand(C * H * H, 1), { shape: [1, C, H, H] }), w = mx.nd.array(rand(F * (C / G) * k * k, 2), { shape: [F, C / G, k, k] });
    const attrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: F, num_group: G, no_bias: true };
    const Ho = Math.floor((H + 2 * p - k) / s) + 1, out = new Float32Array(F * Ho * Ho);
    return () => { const y = mx.nd.Convolution(x, w, attrs); const r = fresh ? y.toTypedArray() : y.toTypedArray(out); y.dispose(); return r; };
  }
  if (name === 'gemm512') {
    const a = mx.nd.array(rand(512 * 512, 1), { shape: [512, 512] }), b = mx.nd.array(rand(512 * 512, 2), { shape: [512, 512] });
    const out = new Float32Array(512 * 512);
    return () => { const y = mx.nd.dot(a, b), r = fresh ? y.toTypedArray() : y.toTypedArray(out); y.dispose(); return r; };
  }
  if (name === 'lenet') {
    const d = mx.sym.Variable('data');
    let n = mx.sym.Convolution(d, { kernel: [5, 5], num_filter: 20, name: 'c1' });
    n = mx.sym.Pooling(mx.sym.Activation(n, { act_type: 'tanh' }), { pool_type: 'max', kernel: [2, 2], stride: [2, 2] });
    n = mx.sym.Convolution(n, { kernel: [5, 5], num_filter: 50, name: 'c2' });
    n = mx.sym.Pooling(mx.sym.Activation(n, { act_type: 'tanh' }), { pool_type: 'max', kernel: [2, 2], stride: [2, 2] });
    n = mx.sym.FullyConnected(mx.sym.Flatten(n), { num_hidden: 500, name: 'f1' });
    n = mx.sym.FullyConnected(mx.sym.Activation(n, { act_type: 'tanh' }), { num_hidden: 10, name: 'f2' });
    const ex = mx.sym.SoftmaxOutput(n, { name: 'softmax' }).simpleBind({ data: [1, 1, 28, 28] }, { gradReq: 'null' });
    for (const [k, v] of Object.entries(ex.argDict)) if (k !== 'data' && k !== 'softmax_label') v.data.set(rand(v.size, k.length));
    ex.argDict.data.data.set(rand(784, 7));
    const out = new Float32Array(10);
    return () => { ex.forward({ isTrain: false }); return ex.outputs[0].toTypedArray(out); };
  }
  throw new Error(`unknown case ${name} (stem grouped gemm512 lenet)`);
}

const sab = new Int32Array(new SharedArrayBuffer(4));
const gap = { none: () => {}, busy: () => { const t = performance.now() + gapMs; let x = 0; while (performance.now() < t) x += Math.sqrt(x + 1); return x; }, sleep: () => Atomics.wait(sab, 0, 0, gapMs),
  timer: () => new Promise((r) => setTimeout(r, gapMs)) }; // the event loop idles (epoll), as in the bench's settle
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const tmean = (xs) => { const s = [...xs].sort((a, b) => a - b), k = Math.floor(s.length / 20), m = s.slice(k, s.length - k); return m.reduce((a, b) => a + b, 0) / m.length; };

console.log(`threads ${threads}, ${calls} calls a column in blocks of ${block}, gap ${gapMs} ms, ${dist ? 'dist' : 'src'}, load ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const name of cases) {
  const f = makeCase(name);
  const ref = f().slice();
  for (const g of gaps) {
    for (let i = 0; i < 20; i++) { await gap[g](); f(); }
    const t = { 1: [], N: [] };
    let parts = 0, own = 0;
    for (let done = 0; done < calls; done += block) {
      for (const col of ['N', 1]) {
        suspend(col === 1);
        const s0 = mx.threadStats();
        for (let i = 0; i < block; i++) {
          await gap[g]();
          const t0 = performance.now();
          const y = f();
          t[col].push((performance.now() - t0) * 1000);
          if (i === 0 && y.some((v, j) => !Object.is(v, ref[j]))) throw new Error(`${name}: result bits differ (${col} thread column)`);
        }
        const s1 = mx.threadStats();
        if (col === 'N' && s0 && s1) { parts += s1.parts - s0.parts; own += s1.parts - s0.parts - Math.round(s1.workerShare * s1.parts - s0.workerShare * s0.parts); }
      }
      suspend(false);
    }
    const m1 = med(t[1]), mN = med(t.N), a1 = tmean(t[1]), aN = tmean(t.N);
    console.log(`${name.padEnd(8)} gap ${g.padEnd(5)} median 1t ${m1.toFixed(0).padStart(5)} µs  ${threads}t ${mN.toFixed(0).padStart(5)} µs  ${(m1 / mN).toFixed(3)}x  trimmed mean ${a1.toFixed(0).padStart(5)} / ${aN.toFixed(0).padStart(5)} µs  ${(a1 / aN).toFixed(3)}x  worker share ${parts ? ((parts - own) / parts).toFixed(2) : '-'} (${parts} parts)${wakeNote()}`);
  }
}
mx.shutdown?.();
