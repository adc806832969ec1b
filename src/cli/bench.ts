/**
 * `mxwasm bench [--json out.json] [--threads N | --threads 1,2] [--quick] [--compare] [filter...]`:
 * the portable suite (SIMD ceiling, dispatch, GEMM, conv layers, LeNet inference, MLP/LeNet
 * training, cold start, memory peak) with the environment. `--compare` also runs tfjs-backend-wasm
 * and onnxruntime-web on the same workloads (from a source checkout where they are installed).
 * `mxwasm bench --profile [model...] [--batch B] [--cpu]`: time by op and by convolution class of whole
 * networks' inference (gluon model-zoo names, or a `*-symbol.json` file; default resnet18_v1, mobilenetv2_1.0).
 */
import { nodeBuiltin } from '../util/node-builtin.js';
import { existsSync } from 'node:fs';
const childProcess = nodeBuiltin<typeof import('node:child_process')>('node:child_process');
import { writeFileBytes } from '../format/fs.js';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as mx from '../entry/node.js';
import { formatRows, runSuite } from '../bench/suite.js';
import { formatProfile, profileNetwork } from '../bench/profile.js';
import { UsageError, type CliIO, type Command } from './args.js';

function coldStartMs(): number | undefined {
  const entry = fileURLToPath(new URL('./index.js', import.meta.url));
  if (!existsSync(entry)) return undefined;
  const run = (code: string) => { const t = performance.now(); childProcess().execFileSync(process.execPath, ['--input-type=module', '-e', code]); return performance.now() - t; };
  const lib = `import * as mx from ${JSON.stringify(entry)}; mx.nd.elemwise_add(mx.nd.ones([4]), mx.nd.ones([4])).data[0];`;
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < 7; i++) { b.push(run('0')); a.push(run(lib)); }
  const med = (x: number[]) => x.sort((p, q) => p - q)[x.length >> 1];
  return med(a) - med(b);
}

/** `mxwasm bench`: the portable benchmark suite. */
export const benchCommand: Command = {
  name: 'bench',
  brief: 'the portable benchmark',
  summary: 'The portable benchmark: kernels and models on this machine, GFLOP/s and times, optionally against tfjs and onnxruntime.',
  positionals: ['filter...?'],
  options: {
    json: { type: 'string', value: 'file', help: 'also write the results as JSON' },
    threads: { type: 'string', value: 'N[,N]', help: 'thread counts to measure (default: 1 and the default count)' },
    quick: { type: 'boolean', help: 'fewer rounds' },
    compare: { type: 'boolean', help: 'run the peer harness too (source checkout only)' },
    profile: { type: 'boolean', help: 'per-layer-type profile of whole networks (positionals: model-zoo names or *-symbol.json files)' },
    batch: { type: 'string', value: 'B', help: 'batch size of --profile (default 1)' },
    cpu: { type: 'boolean', help: '--profile in process CPU time (steadier than wall time on a busy machine)' },
  },
  notes: ['filters: benchmark names to run (substrings), e.g. mxwasm bench gemm conv',
    '--profile: mxwasm bench --profile resnet18_v1 mobilenetv2_1.0 --batch 1 --threads 1 --cpu'],
  run: async ({ values: v, positionals: filter }, io) => {
    const json = v.json as string | undefined, quick = !!v.quick, compare = !!v.compare;
    let threads = typeof v.threads === 'string' ? v.threads.split(',').map(Number) : [];
    if (threads.some((t) => !Number.isInteger(t) || t < 1)) throw new UsageError('--threads takes positive integers, e.g. 1,2');
    if (v.profile) return profile(filter, threads, v, json, io);
    if (v.batch !== undefined || v.cpu) throw new UsageError('--batch and --cpu go with --profile');
    if (!threads.length) threads = [...new Set([1, mx.getNumThreads()])];
    const info = mx.runtimeInfo();
    const env = {
      runtime: 'node', version: process.version, v8: process.versions.v8, cores: cpus().length, cpu: cpus()[0]?.model,
      simd: info.features.simd, relaxedSimd: info.features.relaxedSimd, threadsAvailable: info.features.sharedPostable,
      variant: info.variant, memory: info.mode, loadavg: loadavg(), date: new Date().toISOString(),
    };
    console.log(`mxwasm bench: node ${env.version}, ${env.cores} cores, kernels ${env.variant}, threads ${threads.join('/')}`);
    const tty = process.stderr.isTTY;
    const rows = await runSuite(mx, {
      threads, filter, quick,
      onProgress: (msg, i, n) => { const s = `[${i}/${n}] ${msg}`; if (tty) process.stderr.write(`\r\x1b[K${s}`); else if (msg !== 'done') process.stderr.write(s + '\n'); },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    const cold = filter.length ? undefined : coldStartMs();
    const peak = mx.memoryStats().peakBytes;
    console.log(formatRows(rows));
    if (cold !== undefined) console.log(`cold start (import, init, one op) over an empty node: ${cold.toFixed(1)} ms`);
    console.log(`memory peak: ${(peak / 2 ** 20).toFixed(1)} MiB`);
    if (json) writeFileBytes(json, new TextEncoder().encode(JSON.stringify({ env, rows, coldStartMs: cold, memoryPeakBytes: peak }, null, 2)), 'bench --json');
    if (compare) {
      const harness = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));
      if (!existsSync(harness)) console.log('--compare: the peer harness (bench/run.mjs) ships with the source checkout only; peers not run');
      else childProcess().execFileSync(process.execPath, ['--import', 'tsx', harness, ...filter, '--threads', String(Math.max(...threads))], { stdio: 'inherit' });
    }
    return 0;
  },
};

/** `--profile`: each model at each thread count, by op and by conv class. */
async function profile(models: string[], threads: number[], v: Record<string, unknown>, json: string | undefined, io: CliIO): Promise<number> {
  const batch = v.batch === undefined ? 1 : Number(v.batch);
  if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--batch takes a positive integer, got ${String(v.batch)}`);
  const zoo = mx.gluon.modelZoo.vision as unknown as { getModel: (n: string) => { trace: (x: unknown[]) => { out: InstanceType<typeof mx.Symbol> } } };
  const out: Record<string, unknown>[] = [];
  for (const name of models.length ? models : ['resnet18_v1', 'mobilenetv2_1.0']) {
    // A symbol file, or a model-zoo network traced with a 224² input (its input is 'data' either way).
    const sym = name.endsWith('.json') ? mx.sym.load(name) : zoo.getModel(name).trace([mx.nd.zeros([1, 3, 224, 224])]).out;
    for (const t of threads.length ? threads : [mx.getNumThreads()]) {
      mx.setNumThreads(t);
      await mx.threadsReady();
      const p = profileNetwork(sym, [batch, 3, 224, 224], { cpu: !!v.cpu });
      for (const line of formatProfile(`${name}, ${t} thread(s)`, p)) io.out(line);
      out.push({ model: name, threads: t, ...p });
    }
  }
  if (json) writeFileBytes(json, new TextEncoder().encode(JSON.stringify({ profiles: out }, null, 2)), 'bench --json');
  return 0;
}
