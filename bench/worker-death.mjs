// How soon a worker death fails the caller (issue 14), end to end: from arming a test hook (the worker dies when it
// takes its next part / step) to the KernelError in the caller, medians of several rounds. Kernel pool: supervised
// (Node's default: the supervisor sees the exit) and unsupervised (as in browsers: the worker marks itself dead);
// data-parallel Module: a worker that exits mid-step (the port watchdog sees it), timed from the fit call.
//   node --import tsx bench/worker-death.mjs [--rounds 5]
import * as mx from '../src/entry/node.ts';
import { poolForTests } from '../src/parallel/threads.ts';
import { setThreadPlatform, threadPlatform } from '../src/parallel/pool.ts';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 5);
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const a = mx.nd.ones([256, 256]);

async function pool(how) {
  const t = [];
  for (let r = 0; r < rounds; r++) {
    mx.setNumThreads(2); await mx.threadsReady();
    poolForTests().killWorkerForTests(1, how);
    const t0 = performance.now();
    let ok = false;
    for (let i = 0; i < 1000 && !ok; i++) { try { mx.nd.dot(a, a).dispose(); } catch (e) { ok = /died|exited|failed/.test(e.message); t.push(performance.now() - t0); break; } }
  }
  return t;
}

const supervised = await pool(true);
const p = threadPlatform();
mx.setNumThreads(1); setThreadPlatform({ ...p, supervised: false });
const unsupervised = await pool('throw');
mx.setNumThreads(1); setThreadPlatform(p);

const data = mx.sym.Variable('data');
const sym = mx.sym.SoftmaxOutput({ data: mx.sym.FullyConnected({ data, num_hidden: 3, name: 'fc' }), name: 'softmax' });
const it = new mx.io.NDArrayIter({ data: mx.nd.ones([40, 5]), label: mx.nd.zeros([40]), batch_size: 8 });
const mod = new mx.mod.Module({ symbol: sym, context: [mx.cpu(0), mx.cpu(1)], logger: () => undefined });
mx.callback.setLogger(() => {});
const fit = () => mod.fit(it, { numEpoch: 1, optimizerParams: { learning_rate: 0.1 } });
fit();
const dp = [];
for (let r = 0; r < rounds; r++) {
  fit(); // fresh workers bound and warm
  mod.dp.group.killWorkerForTests(1);
  const t0 = performance.now();
  try { fit(); } catch { dp.push(performance.now() - t0); }
}
mod.dispose();
const f = (x) => `median ${med(x).toFixed(1)} ms (${x.map((v) => v.toFixed(1)).join(' ')})`;
console.log(`kernel pool, supervised, worker exits holding a part -> KernelError: ${f(supervised)}`);
console.log(`kernel pool, unsupervised (browser path), worker throws holding a part -> KernelError: ${f(unsupervised)}`);
console.log(`data-parallel Module, worker exits at a step -> fit's KernelError (from the fit call): ${f(dp)}`);
mx.shutdown();
process.exit(0);
