// A dist-KVStore job for the tests: LeNet (mx.models.lenet(): the real layers) on a small subset
// of the bundled digits, scaled to 16x16 (conv 5 -> 12, pool -> 6, conv 5 -> 2, pool -> 1) to keep
// CI time small, trained with Module.fit for EPOCHS epochs of NB batches. Worker r of W gets the
// rows [j*W*B + r*B, +B) of batch j, so W workers at batch B see what one process at batch W*B
// sees (KV_TYPE=local, WORKERS=W runs that process). Rank 0 writes a checkpoint per epoch to CKPT
// and the weights to OUT. KILL_IN_CHECKPOINT=e: rank 0 is killed (SIGKILL) while epoch e's
// checkpoint is being written (its temporary file is complete, the rename has not happened).
// env: KV_TYPE, OPT (sgd|adam), EPOCHS, NB, B, WORKERS (local only), OUT, CKPT, KILL_IN_CHECKPOINT
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as mx from '../../../dist/node/index.js';

const type = process.env.KV_TYPE ?? 'dist_sync', epochs = Number(process.env.EPOCHS ?? 3);
const NB = Number(process.env.NB ?? 3), B = Number(process.env.B ?? 8), S = 16;
const kv = type === 'local' ? null : mx.kv.create(type);
const W = kv ? kv.numWorkers : Number(process.env.WORKERS ?? 2), rank = kv ? kv.rank : 0, batch = kv ? B : B * W;

// N = NB*W*B digits, classes in turn, nearest-neighbour scaled from 28x28 to 16x16, in [0, 1].
const N = NB * W * B, dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
const X = new Float32Array(N * S * S), Y = new Float32Array(N);
const per = Math.ceil(N / 10);
for (let d = 0; d < 10; d++) {
  const raw = JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')).data;
  for (let i = 0; i < per && i * 10 + d < N; i++) {
    const n = i * 10 + d;
    Y[n] = d;
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) X[n * S * S + y * S + x] = raw[i * 784 + Math.floor(y * 28 / S) * 28 + Math.floor(x * 28 / S)];
  }
}
// This process's rows, in batch order.
const rows = kv ? [...Array(NB * B).keys()].map((i) => Math.floor(i / B) * W * B + rank * B + (i % B)) : [...Array(N).keys()];
const Xp = new Float32Array(rows.length * S * S), Yp = new Float32Array(rows.length);
rows.forEach((r, i) => { Xp.set(X.subarray(r * S * S, (r + 1) * S * S), i * S * S); Yp[i] = Y[r]; });
const it = new mx.io.NDArrayIter({ data: mx.nd.array(Xp, { shape: [rows.length, 1, S, S] }), label: mx.nd.array(Yp), batch_size: batch });

if (process.env.KILL_IN_CHECKPOINT && rank === 0) {
  // Node's fs module object is the one the atomic writer uses: die between its temporary write and its rename.
  const fs = createRequire(import.meta.url)('node:fs'), rename = fs.renameSync;
  const at = `-${String(process.env.KILL_IN_CHECKPOINT).padStart(4, '0')}.params`;
  fs.renameSync = (a, b) => { if (String(b).endsWith(at)) { console.log(`killed while writing ${b}`); process.kill(process.pid, 'SIGKILL'); } return rename(a, b); };
}
const opt = process.env.OPT ?? 'sgd';
const mod = new mx.mod.Module({ symbol: mx.models.lenet(), context: 'cpu' });
mx.random.seed(3);
mod.fit(it, {
  numEpoch: epochs, kvstore: kv ?? 'local',
  initializer: new mx.init.Xavier({ factor_type: 'in', magnitude: 2.34 }),
  optimizer: opt, optimizerParams: opt === 'adam' ? { learning_rate: 0.002, wd: 1e-4 } : { learning_rate: 0.05, momentum: 0.9, wd: 1e-4 },
  ...(process.env.CKPT ? { epochEndCallback: mx.callback.doCheckpoint(process.env.CKPT) } : {}),
});
const [args] = mod.getParams();
if (rank === 0 && process.env.OUT) writeFileSync(process.env.OUT, JSON.stringify(Object.fromEntries(Object.entries(args).map(([k, v]) => [k, [...v.data]]))));
console.log(`rank ${rank} of ${W}: ${epochs} epochs of ${NB} batches done`);
kv?.close();
mx.shutdown?.();
