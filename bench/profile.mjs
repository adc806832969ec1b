// `npm run bench:profile -- [net ...] [--threads N] [--batch B] [--rounds R]`: time by op and by convolution class
// of whole networks (bench/lib/nets.mjs) on mxwasm: the bound executor's inference steps are run one by one, each
// timed (median over rounds), and summed by op type and by conv class (plan.ts convClass: 3x3 s1, 3x3 s2, 1x1,
// depthwise, grouped, stem). The sum of steps is printed beside the whole forward for the timing overhead.
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
const { convClass } = await import('../src/ops/conv/plan.js');
mx.setNumThreads(threads);
await mx.threadsReady();
const builders = netBuilders(mx.sym);
const now = cpu ? () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; } : () => performance.now();
const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const parse = (s) => (s === undefined ? undefined : /^\(/.test(s) ? s.replace(/[()\s]/g, '').split(',').filter(Boolean).map(Number) : s === 'True' ? true : s === 'False' ? false : /^-?\d/.test(s) ? Number(s) : s);

for (const net of nets.length ? nets : Object.keys(builders)) {
  const sym = builders[net](), exe = sym.simpleBind({ shapes: { data: [batch, 3, 224, 224] }, gradReq: 'null' });
  for (const a of Object.values(exe.argDict)) a.set(new Float32Array(a.size).fill(0.01));
  for (const a of Object.values(exe.auxDict ?? {})) a.set(new Float32Array(a.size).fill(1));
  exe.forward();
  const prog = exe.programs[0], { nodes } = JSON.parse(sym.toJSON()), byName = new Map(nodes.map((n) => [n.name, n]));
  const times = prog.steps.map(() => []), whole = [];
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < prog.steps.length; k++) { const t = now(); prog.steps[k](); times[k].push(now() - t); }
    const t = now(); exe.forward(); whole.push(now() - t);
  }
  const byOp = new Map(), byCls = new Map(), add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
  let total = 0;
  prog.steps.forEach((_, k) => {
    const t = med(times[k]), n = byName.get(prog.names[k]), op = n?.op ?? prog.names[k];
    total += t; add(byOp, op, t);
    if (op === 'Convolution' && n) {
      const attrs = Object.fromEntries(Object.entries(n.attrs).map(([a, v]) => [a, parse(v)]));
      const [F, Cg, kh, kw] = exe.argDict[`${n.name}_weight`].shape, G = attrs.num_group ?? 1, st = attrs.stride ?? [1, 1];
      add(byCls, convClass({ C: Cg * G, F, G, kh, kw, sh: st[0], sw: st[1] }), t);
    }
  });
  console.log(`\n${net} batch ${batch}, ${threads} thread(s), ${cpu ? 'CPU' : 'wall'} time: forward ${med(whole).toFixed(2)} ms, sum of steps ${total.toFixed(2)} ms (${prog.steps.length} steps)`);
  const show = (title, m) => { console.log(`  by ${title}:`); for (const [k, v] of [...m].sort((a, b) => b[1] - a[1])) console.log(`    ${k.padEnd(20)} ${v.toFixed(2).padStart(8)} ms ${(100 * v / total).toFixed(1).padStart(5)}%`); };
  show('op', byOp); show('conv class', byCls);
  exe.dispose();
}
