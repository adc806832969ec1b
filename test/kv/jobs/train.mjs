// A dist-KVStore job for the tests: trains a small MLP for EPOCHS passes of STEPS steps with Module (update on the
// kvstore) and rank 0 writes the weights to OUT as JSON. Worker r of W takes rows
// [j*W*B + r*B, +B) of step j, so W workers at batch B see what one process at batch W*B sees
// (KV_TYPE=local, WORKERS=W runs that single process). Imports the built bundle: start-up under
// tsx takes seconds per process on a loaded machine.
// env: KV_TYPE, OPT (sgd|adam), STEPS, EPOCHS, B, WORKERS (local only), OUT, BIG (hidden units, to get sliced arrays), DIE_RANK
import { writeFileSync } from 'node:fs';
import * as mx from '../../../dist/node/index.js';

const type = process.env.KV_TYPE ?? 'dist_sync', steps = Number(process.env.STEPS ?? 4), B = Number(process.env.B ?? 8), epochs = Number(process.env.EPOCHS ?? 1);
const hidden = Number(process.env.BIG ?? 16);
const kv = type === 'local' ? null : mx.kv.create(type);
const W = kv ? kv.numWorkers : Number(process.env.WORKERS ?? 2), rank = kv ? kv.rank : 0, batch = kv ? B : B * W;

let s = 12345; // one data set for every process
const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
const N = steps * W * B, X = new Float32Array(N * 4), Y = new Float32Array(N);
for (let i = 0; i < N; i++) { const c = i % 3; Y[i] = c; for (let d = 0; d < 4; d++) X[i * 4 + d] = rnd() - 0.5 + (d === c ? 1 : 0); }

const data = mx.sym.Variable('data');
const fc1 = mx.sym.FullyConnected({ data, num_hidden: hidden, name: 'fc1' });
const act = mx.sym.Activation({ data: fc1, act_type: 'tanh', name: 'tanh1' });
const fc2 = mx.sym.FullyConnected({ data: act, num_hidden: 3, name: 'fc2' });
const net = mx.sym.SoftmaxOutput({ data: fc2, name: 'softmax' });
const mod = new mx.mod.Module({ symbol: net });
mod.bind({ dataShapes: [['data', [batch, 4]]], labelShapes: [['softmax_label', [batch]]] });
mx.random.seed(1);
mod.initParams({ initializer: new mx.init.Uniform(0.5) });
const opt = process.env.OPT ?? 'sgd';
mod.initOptimizer({ kvstore: kv ?? 'local', optimizer: opt, optimizerParams: opt === 'adam' ? { learning_rate: 0.01, wd: 1e-3 } : { learning_rate: 0.2, momentum: 0.9, wd: 1e-3 } });
for (let e = 0; e < epochs; e++) {
  for (let j = 0; j < steps; j++) {
    const lo = j * W * B + (kv ? rank * B : 0);
    if (process.env.DIE_RANK !== undefined && Number(process.env.DIE_RANK) === rank && j === 1) process.kill(process.pid, 'SIGKILL');
    const b = { data: [mx.nd.array(X.subarray(lo * 4, (lo + batch) * 4), { shape: [batch, 4] })], label: [mx.nd.array(Y.subarray(lo, lo + batch))] };
    mod.forwardBackward(b);
    mod.update();
  }
}
if (process.env.EVAL) {
  const it = new mx.io.NDArrayIter({ data: mx.nd.array(X, { shape: [N, 4] }), label: mx.nd.array(Y), batch_size: batch });
  console.log(`rank ${rank}: accuracy=${mod.score(it, 'acc')[0][1]}`);
}
const [args] = mod.getParams();
if (rank === 0 && process.env.OUT) writeFileSync(process.env.OUT, JSON.stringify(Object.fromEntries(Object.entries(args).map(([k, v]) => [k, [...v.data]]))));
console.log(`rank ${rank} of ${W}: ${steps} steps done`);
kv?.close();
