// The whole-sequence RNN kernels on 2 threads == 1 thread, bitwise: every thread of the parallel call runs the same
// call, claiming each step's chunks of units, and meets the others once per step inside the kernel (a race there
// would show as a unit read before it was written). Repeated calls; through the RNN op at batch 1 too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, invoke, assertClose } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { setKernelThreadsSuspended, setThreadAdaptive } from '../../src/parallel/threads.js';
import { SPLITS } from '../../src/parallel/splits.js';
import { rnnRef, type RnnRefOpts } from '../../src/reference/rnn.js';
import { rnnParamSize } from '../../src/ops/seq/rnn-layout.js';

const T = 32, H = 80;

/** One call of a sequence kernel on fresh buffers (the same inputs each time); returns Y and the gates. */
function run(lstm: boolean): Float32Array {
  const r = rt(), al = r.alloc, G = lstm ? 4 : 3, live: number[] = [];
  const put = (a: ArrayLike<number>) => { const o = al.alloc(Math.max(4, a.length) * 4); live.push(o); f32(o, a.length).set(a); return o; };
  try {
    const g = put(randArray(T * G * H, 1, -2, 2)), W = put(randArray(G * H * H, 2, -0.2, 0.2)), bh = put(randArray(G * H, 3)), hx = put(randArray(H, 4));
    const Y = put(new Float32Array(T * H)), sync = put(new Float32Array(2 * T)), K = r.K as any;
    if (lstm) K.f32_lstm_seq__simd128(g, W, bh, hx, Y, H, put(new Float32Array(T * H)), put(randArray(H, 5)), T, H, 0, 0, 0, 0, 1, sync);
    else K.f32_gru_seq__simd128(g, W, bh, hx, Y, H, put(new Float32Array(T * H)), put(new Float32Array(3 * H)), T, H, 1, 1, sync);
    return Float32Array.from([...f32(Y, T * H), ...f32(g, T * G * H)]);
  } finally { live.forEach((o) => al.free(o)); }
}

function same(a: Float32Array, b: Float32Array, what: string): void {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: element ${i} ${a[i]} vs ${b[i]}`);
}

test('f32_lstm_seq / f32_gru_seq: 2 threads give the same bits as 1, call after call', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false);
  mx.setNumThreads(2);
  await mx.threadsReady();
  try {
    for (const lstm of [true, false]) {
      const name = lstm ? 'f32_lstm_seq__simd128' : 'f32_gru_seq__simd128', args = Array(16).fill(0);
      args[8] = T; args[9] = H;
      assert.ok(SPLITS[name].work(args) >= 2 * SPLITS[name].min, `${name}: T ${T}, H ${H} is two threads' worth`);
      setKernelThreadsSuspended(true);
      const one = run(lstm);
      setKernelThreadsSuspended(false);
      const jobs = mx.threadStats()!.jobs;
      for (let k = 0; k < 20; k++) same(one, run(lstm), `${name} call ${k}`);
      assert.is(mx.threadStats()!.jobs - jobs, 20, `${name}: each call ran as a parallel job`);
    }
  } finally { setKernelThreadsSuspended(false); setThreadAdaptive(adapt); mx.setNumThreads(before); }
});

test('RNN op at batch 1 (2 layers, bidirectional) on 2 threads: the same bits as 1 thread, and the reference', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false);
  mx.setNumThreads(2);
  await mx.threadsReady();
  try {
    for (const mode of ['lstm', 'gru'] as const) {
      const o: RnnRefOpts = { mode, H, L: 2, D: 2 }, I = 16, lstm = mode === 'lstm';
      const x = mx.nd.array(randArray(T * I, 6)).reshape([T, 1, I]), w = mx.nd.array(randArray(rnnParamSize(mode, 2, I, H, 2, 0), 7, -0.15, 0.15));
      const hx = mx.nd.array(randArray(4 * H, 8)).reshape([4, 1, H]), cx = mx.nd.array(randArray(4 * H, 9)).reshape([4, 1, H]);
      const ins = lstm ? [x, w, hx, cx] : [x, w, hx], attrs = { mode, state_size: H, num_layers: 2, bidirectional: true, state_outputs: true };
      setKernelThreadsSuspended(true);
      const one = invoke('RNN', ins, attrs).map((a) => a.data.slice() as Float32Array);
      setKernelThreadsSuspended(false);
      const jobs = mx.threadStats()!.jobs, two = invoke('RNN', ins, attrs).map((a) => a.data.slice() as Float32Array);
      assert.ok(mx.threadStats()!.jobs - jobs >= 4, `${mode}: the four layer directions ran as parallel jobs`);
      one.forEach((a, i) => same(a, two[i], `${mode} output ${i}`));
      const ref = rnnRef(x.data, w.data, hx.data, lstm ? cx.data : null, T, 1, I, o);
      assertClose(two[0], ref.out, 2e-5, 2e-6, `${mode} out`); assertClose(two[1], ref.hy, 2e-5, 2e-6, `${mode} hy`);
      if (lstm) assertClose(two[2], ref.cy, 2e-5, 2e-6, `${mode} cy`);
    }
  } finally { setKernelThreadsSuspended(false); setThreadAdaptive(adapt); mx.setNumThreads(before); }
});

test.run();
