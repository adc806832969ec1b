// `npm run bench:profile -- [net ...] [--threads N] [--batch B] [--rounds R] [--cpu]`: time by op and by convolution
// class of the bench's whole networks (bench/lib/nets.mjs, built with mx.sym as the zoos build them) on mxwasm, through
// src/bench/profile.ts (the same as `mxwasm bench --profile`, which takes model-zoo names or symbol files instead):
// the bound executor's inference steps run one by one, each timed (median over rounds), summed by op type and by conv
// class (3x3 s1, 3x3 s2, 1x1, depthwise, grouped, stem); the sum of steps is printed beside the whole forward.
// `--cpu`: process CPU time per step instead of wall time (on a shared, oversubscribed machine a long step is
// often descheduled and its wall time measures the scheduler; on one thread CPU time is the step's own cost).
import { netBuilders } from './lib/nets.mjs';

const argv = process.argv.slice(2), nets = [];
let threads = 1, batch = 1, rounds = 15, cpu = false;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--threads') threads = Number(argv[++i]);
  else if (argv[i] === '--batch') batch = Number(argv[++i]);
  else if (argv[i] === '--rounds') rounds = Number(argv[++i]);
  else if (argv[i] === '--cpu') cpu = true;
  else nets.push(argv[i]);
}
const mx = await import('../src/entry/node.js');
const { formatProfile, profileNetwork } = await import('../src/bench/profile.js');
mx.setNumThreads(threads);
await mx.threadsReady();
const builders = netBuilders(mx.sym);
for (const net of nets.length ? nets : Object.keys(builders)) {
  if (!builders[net]) throw new Error(`unknown network ${net}: one of ${Object.keys(builders).join(', ')}`);
  const p = profileNetwork(builders[net](), [batch, 3, 224, 224], { rounds, cpu });
  console.log(`\n${formatProfile(`${net}, ${threads} thread(s)`, p).join('\n')}`);
}
