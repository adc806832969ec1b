// Gluon vs Module, interleaved in one process (the machine is shared: only ratios measured side by side mean
// anything): the MLP and LeNet training steps of bench/workloads/train.mjs through Module (forwardBackward +
// update), Gluon hybridized and Gluon imperative; and the imperative 4-element add with autograd recording.
//   node --import tsx bench/gluon-ab.mjs [--quick] [--threads N] [--dist] [--min-ms 3000] [--no-imperative]
import { parseArgs } from 'node:util';
import * as src from '../src/entry/node.ts';
import { measure } from './lib/measure.mjs';
import { gluonStep } from './workloads/gluon.mjs';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, threads: { type: 'string', default: '1' }, dist: { type: 'boolean', default: false }, 'min-ms': { type: 'string', default: '3000' }, 'no-imperative': { type: 'boolean', default: false } } });
// --dist: the built bundle (what users import; run `npm run build` first) instead of the sources under tsx, whose
// keepNames helper wraps every closure created per call (it weighs on Gluon's per-call closures more than on Module's)
const mx = args.dist ? await import('../dist/node/index.js') : src;
mx.setNumThreads(Number(args.threads));
await mx.threadsReady();
const B = 64;
const o = args.quick ? { warmup: 2, minRuns: 5, minMs: 200, maxMs: 2000 } : { minRuns: 30, minMs: Number(args['min-ms']), maxMs: Math.max(10000, Number(args['min-ms'])) };

function moduleStep(symbol, shape, optimizerParams) {
  mx.random.seed(1);
  const mod = new mx.mod.Module({ symbol });
  mod.bind({ dataShapes: [['data', shape]], labelShapes: [['softmax_label', [B]]] });
  mod.initParams({ initializer: new mx.init.Xavier() });
  mod.initOptimizer({ optimizer: 'sgd', optimizerParams });
  const n = shape.reduce((a, b) => a * b, 1);
  const batch = new mx.io.DataBatch({ data: [mx.nd.random.uniform(0, 1, shape)], label: [mx.nd.array(Array.from({ length: B }, (_, i) => i % 10))] });
  void n;
  return { run() { mod.forwardBackward(batch); mod.update(); } };
}

const fmt = (r) => `${r.median_ms.toFixed(3)} ms`;
const cpuRatio = (r, base) => (r ? `${(r.cpu_median_ms / base.cpu_median_ms).toFixed(2)}x` : '-');
const p10 = (r, base) => (r ? `${(r.p10_ms / base.p10_ms).toFixed(2)}x` : '-');
const rows = [];
for (const [kind, sym, shape, opt] of [['mlp', mx.models.mlp(), [B, 784], { learning_rate: 0.1 }], ['lenet', mx.models.lenet(), [B, 1, 28, 28], { learning_rate: 0.05, momentum: 0.9 }]]) {
  const r = await measure({ module: moduleStep(sym, shape, opt), hybrid: gluonStep(mx, kind, true), ...(args['no-imperative'] ? {} : { imperative: gluonStep(mx, kind, false) }) }, o);
  const cell = (x) => (x ? `${fmt(x)} (${(x.median_ms / r.module.median_ms).toFixed(2)}x)` : '-');
  rows.push(`| ${kind} b${B} | ${fmt(r.module)} | ${cell(r.hybrid)} | ${cell(r.imperative)} | ${cpuRatio(r.hybrid, r.module)} | ${cpuRatio(r.imperative, r.module)} | ${p10(r.hybrid, r.module)} | ${p10(r.imperative, r.module)} |`);
}
const a = mx.nd.array([1, 2, 3, 4]), b = mx.nd.array([5, 6, 7, 8]);
a.attachGrad();
const add = await measure({
  plain: { run() { mx.nd.add(a, b).dispose(); } },
  recorded: { run() { mx.autograd.record(() => mx.nd.add(a, b)).dispose(); } },
}, o);
console.log(`mxwasm ${mx.getNumThreads()} thread(s); medians, interleaved\n`);
console.log('| training step | Module | Gluon hybridized (/Module) | Gluon imperative (/Module) | hybridized CPU time /Module | imperative CPU time /Module | hybridized p10 /Module | imperative p10 /Module |\n|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`\n4-element add: ${(add.plain.median_ms * 1000).toFixed(2)} µs plain, ${(add.recorded.median_ms * 1000).toFixed(2)} µs recorded by autograd (input marked)`);
mx.shutdown();
