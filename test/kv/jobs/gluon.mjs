// gluon.Trainer on a dist store: worker r of W trains on rows [j*W*B + r*B, +B) of step j and calls
// step(W*B), so the summed gradients equal one process's at batch W*B (KV_TYPE=local: that process,
// WORKERS=W). UPDATE_ON_KV=1 runs the optimizer on the servers. Rank 0 writes the weights to OUT.
import { writeFileSync } from 'node:fs';
import * as mx from '../../../dist/node/index.js';

const type = process.env.KV_TYPE ?? 'dist_sync', steps = 4, B = 6;
const kv = type === 'local' ? null : mx.kv.create(type);
const W = kv ? kv.numWorkers : Number(process.env.WORKERS ?? 2), rank = kv ? kv.rank : 0, batch = kv ? B : B * W;
let s = 99;
const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
const N = steps * W * B, X = Float32Array.from({ length: N * 5 }, () => rnd() - 0.5), Y = Float32Array.from({ length: N }, (_, i) => i % 3);
const { nn } = mx.gluon;
const net = new nn.HybridSequential();
net.nameScope(() => net.add(new nn.Dense(8, { activation: 'tanh', inUnits: 5 }), new nn.Dense(3, { inUnits: 8 })));
mx.random.seed(3);
net.initialize(new mx.init.Xavier());
const trainer = new mx.gluon.Trainer(net.collectParams(), 'adam', { learning_rate: 0.05 }, { kvstore: kv ?? 'device', updateOnKvstore: process.env.UPDATE_ON_KV === '1' });
const loss = new mx.gluon.loss.SoftmaxCrossEntropyLoss();
for (let j = 0; j < steps; j++) {
  const lo = j * W * B + (kv ? rank * B : 0);
  const x = mx.nd.array(X.subarray(lo * 5, (lo + batch) * 5), { shape: [batch, 5] }), y = mx.nd.array(Y.subarray(lo, lo + batch));
  mx.autograd.record(() => loss.forward(net.forward(x), y)).backward();
  trainer.step(W * B);
}
const out = Object.fromEntries([...net.collectParams().values()].map((p) => [p.name, [...p.data().data]]));
if (rank === 0 && process.env.OUT) writeFileSync(process.env.OUT, JSON.stringify(out));
console.log(`rank ${rank}: done`);
kv?.close();
