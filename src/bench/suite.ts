/**
 * The portable benchmark: one suite, the same in Node (`mxwasm bench`) and in the browser page. It
 * uses only the public API of the `mx` it is given, so a page can pass its own bundle's instance.
 * Timing: warm-ups, then medians of individually timed runs (at least `minRuns` and `minMs`).
 */
import type * as MX from '../index.js';
import { lenet, mlp } from '../models/zoo.js';
import type { OpAttrs } from '../api/typed-ops.js';
import { ArgumentError } from '../errors.js';
import { closest } from '../util/closest.js';

type Mx = typeof MX;
export interface BenchRow { name: string; group: string; threads: number; median_ms: number; p10_ms: number; runs: number; gflops?: number; value?: number; unit?: string; note?: string }
export interface BenchOptions {
  threads?: number[]; filter?: string[]; quick?: boolean; onProgress?: (msg: string, i: number, n: number) => void;
  /** Called after each row is measured, with all rows so far (pages draw their charts as the suite runs). */
  onRow?: (row: BenchRow, rows: BenchRow[]) => void;
}
interface Work { name: string; group: string; flops?: number; perThread?: boolean; setup: (mx: Mx) => { run: () => void; teardown?: () => void } | { value: number; unit: string; note?: string } }

const rand = (n: number, seed: number) => { const a = new Float32Array(n); let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 32 - 0.5; } return a; };

function conv(name: string, shape: number[], attrs: OpAttrs['Convolution'], wShape: number[], flops: number): Work {
  return {
    name, group: 'conv', flops, perThread: true,
    setup: (mx) => {
      const x = mx.nd.array(rand(shape.reduce((a, b) => a * b), 1), { shape }), w = mx.nd.array(rand(wShape.reduce((a, b) => a * b), 2), { shape: wShape });
      return { run: () => mx.nd.Convolution(x, w, { ...attrs, no_bias: true }).dispose(), teardown: () => { x.dispose(); w.dispose(); } };
    },
  };
}

function infer(name: string, batch: number): Work {
  return {
    name, group: 'model', flops: batch * 4.59e6, perThread: true,
    setup: (mx) => {
      const exe = lenet().simpleBind({ shapes: { data: [batch, 1, 28, 28] }, gradReq: 'null' });
      for (const [k, a] of Object.entries(exe.argDict)) if (k !== 'data' && k !== 'softmax_label') a.data.set(rand(a.size, k.length).map((v) => v * 0.1));
      exe.argDict.data.data.set(rand(batch * 784, 3));
      return { run: () => { exe.forward({ isTrain: false }); exe.outputs[0].data[0]; }, teardown: () => exe.dispose() };
    },
  };
}

function train(name: string, net: 'mlp' | 'lenet', batch: number, flops: number): Work {
  return {
    name, group: 'train', flops, perThread: true,
    setup: (mx) => {
      const shape = net === 'mlp' ? [batch, 784] : [batch, 1, 28, 28];
      const mod = new mx.mod.Module({ symbol: net === 'mlp' ? mlp() : lenet() });
      mod.bind({ dataShapes: [['data', shape]], labelShapes: [['softmax_label', [batch]]] });
      mod.initParams({ initializer: new mx.init.Xavier() });
      mod.initOptimizer({ optimizer: 'sgd', optimizerParams: { learning_rate: 0.05, momentum: 0.9 } });
      const data = mx.nd.array(rand(batch * 784, 5), { shape }), label = mx.nd.array(Array.from({ length: batch }, (_, i) => i % 10));
      const b = new mx.io.DataBatch({ data: [data], label: [label] });
      return { run: () => { mod.forwardBackward(b); mod.update(); }, teardown: () => { data.dispose(); label.dispose(); } };
    },
  };
}

/** Every workload of the suite, in order. */
export const WORKLOADS: Work[] = [
  { name: 'simd-peak', group: 'probe', setup: (mx) => { const p = mx.probe.simdPeak(); return { value: p.gflops, unit: 'GFLOP/s', note: p.kernel }; } },
  { name: 'dispatch', group: 'probe', perThread: true, setup: (mx) => ({ value: mx.probe.dispatchOverhead().microseconds, unit: 'µs/call', note: 'empty parallel call' }) },
  ...[128, 256, 512, 1024].map((n): Work => ({
    name: `gemm-${n}`, group: 'gemm', flops: 2 * n ** 3, perThread: true,
    setup: (mx) => {
      const a = mx.nd.array(rand(n * n, 1), { shape: [n, n] }), b = mx.nd.array(rand(n * n, 2), { shape: [n, n] });
      return { run: () => mx.nd.dot(a, b).dispose(), teardown: () => { a.dispose(); b.dispose(); } };
    },
  })),
  conv('conv-resnet-3x3', [1, 64, 56, 56], { kernel: [3, 3], pad: [1, 1], num_filter: 64 }, [64, 64, 3, 3], 231.2e6),
  conv('conv-mobilenet-stem', [1, 3, 224, 224], { kernel: [3, 3], pad: [1, 1], stride: [2, 2], num_filter: 32 }, [32, 3, 3, 3], 21.7e6),
  conv('conv-depthwise-3x3', [1, 32, 112, 112], { kernel: [3, 3], pad: [1, 1], num_filter: 32, num_group: 32 }, [32, 1, 3, 3], 2 * 112 * 112 * 32 * 9),
  infer('lenet-infer-b1', 1),
  infer('lenet-infer-b64', 64),
  train('mlp-train-b64', 'mlp', 64, 3 * 64 * 2 * (784 * 128 + 128 * 64 + 64 * 10)),
  train('lenet-train-b64', 'lenet', 64, 3 * 64 * 4.59e6),
];

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

/**
 * Runs the suite (each per-thread workload once per thread count) and returns rows.
 * @example const rows = await runSuite(mx, { threads: [1, 2], onProgress: console.log });
 */
export async function runSuite(mx: Mx, o: BenchOptions = {}): Promise<BenchRow[]> {
  const threads = o.threads ?? [mx.getNumThreads()];
  const hit = (w: Work, f: string) => w.name.includes(f) || w.group === f;
  // A filter that matches nothing is a typo, not a request for less: say so (before, `bench gemn` printed an empty table).
  const names = [...new Set(WORKLOADS.flatMap((w) => [w.name, w.group, ...w.name.split('-')]))];
  for (const f of o.filter ?? []) {
    if (WORKLOADS.some((w) => hit(w, f))) continue;
    const near = closest(f, names);
    throw new ArgumentError(`bench: no benchmark matches '${f}'${near ? ` (did you mean '${near}'?)` : ''}; names: ${WORKLOADS.map((w) => w.name).join(', ')}`, { arg: f });
  }
  const works = WORKLOADS.filter((w) => !o.filter?.length || o.filter.some((f) => hit(w, f)));
  const plan = works.flatMap((w) => (w.perThread ? threads : [threads[0]]).map((t) => ({ w, t })));
  const rows: BenchRow[] = [];
  const [minRuns, minMs, warm] = o.quick ? [3, 50, 1] : [10, 400, 3];
  for (let i = 0; i < plan.length; i++) {
    const { w, t } = plan[i];
    o.onProgress?.(`${w.name} (${t} thread${t > 1 ? 's' : ''})`, i, plan.length);
    mx.setNumThreads(t);
    await mx.threadsReady().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 0)); // let a page repaint its progress
    const inst = w.setup(mx);
    if ('value' in inst) { rows.push({ name: w.name, group: w.group, threads: t, median_ms: NaN, p10_ms: NaN, runs: 1, value: inst.value, unit: inst.unit, note: inst.note });
      o.onRow?.(rows[rows.length - 1], rows); continue; }
    for (let k = 0; k < warm; k++) inst.run();
    const times: number[] = [];
    let total = 0;
    while ((times.length < minRuns || total < minMs) && times.length < 2000 && total < 8000) {
      const s = performance.now(); inst.run(); const d = performance.now() - s;
      times.push(d); total += d;
    }
    inst.teardown?.();
    const med = median(times), p10 = [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.1)];
    rows.push({ name: w.name, group: w.group, threads: t, median_ms: med, p10_ms: p10, runs: times.length, gflops: w.flops ? w.flops / med / 1e6 : undefined });
    o.onRow?.(rows[rows.length - 1], rows);
  }
  o.onProgress?.('done', plan.length, plan.length);
  return rows;
}

/** A terminal-width table of rows. @example console.log(formatRows(rows)) */
export function formatRows(rows: BenchRow[]): string {
  const head = ['workload', 'thr', 'median', 'p10', 'GFLOP/s', 'runs'];
  const body = rows.map((r) => [r.name, String(r.threads),
    r.value !== undefined ? `${r.value.toFixed(2)} ${r.unit}` : `${r.median_ms.toFixed(3)} ms`,
    r.value !== undefined ? '' : `${r.p10_ms.toFixed(3)} ms`, r.gflops ? r.gflops.toFixed(1) : '', String(r.runs)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n');
}
