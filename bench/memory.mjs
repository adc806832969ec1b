// Peak memory of whole-network inference, mxwasm beside onnxruntime-web (wasm EP), each in a fresh process:
// the process's resident set after loading the network and running one inference, minus its resident set after
// the runtime's own start (import and one trivial op / session), with the model's file bytes dropped and a GC run.
// mxwasm also reports its allocator's peak (weights + the executor's planned arena + 4 MiB GEMM scratch: exact).
//   node --import tsx bench/memory.mjs [net ...] [--batch 1] [--json out.json]
// Networks: bench/lib/nets.mjs (default resnet18 mobilenet1.0 mobilenetv2 squeezenet1.1); ONNX by mx.onnx.exportModel.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.tmp', 'memory');
const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const batch = Number(arg('--batch', 1));
const nets = process.argv.slice(2).filter((a, i, v) => !a.startsWith('--') && !['--batch', '--json'].includes(v[i - 1]));
const MB = 2 ** 20;

// Child: `node --expose-gc bench/memory.mjs --child <runtime> <net> <batch> <onnx file>`; prints one JSON line.
async function child([runtime, net, B, file]) {
  const rss = () => { globalThis.gc(); return process.memoryUsage().rss; };
  const shape = [Number(B), 3, 224, 224];
  if (runtime === 'mxwasm') {
    const mx = await import(pathToFileURL(join(root, 'dist', 'node', 'index.js')).href);
    mx.setNumThreads(1);
    mx.nd.elemwise_add(mx.nd.ones([4]), mx.nd.ones([4])).toArray();
    const r0 = rss(), p0 = mx.memoryStats().peakBytes;
    const { netBuilders } = await import('./lib/nets.mjs');
    const exe = netBuilders(mx.sym)[net]().simpleBind({ shapes: { data: shape }, gradReq: 'null' });
    for (const a of Object.values(exe.argDict)) a.data.fill(0.01);
    exe.forward()[0].toTypedArray();
    console.log(JSON.stringify({ rssBytes: rss() - r0, allocPeakBytes: mx.memoryStats().peakBytes, allocBeforeBytes: p0 }));
  } else {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    const { readFileSync } = await import('node:fs');
    const { onnxModel } = await import('./lib/onnx.mjs');
    const t = await ort.InferenceSession.create(onnxModel({ nodes: [['Add', ['a', 'b'], ['c']]], inputs: [['a', [4]], ['b', [4]]], outputs: [['c', [4]]] }));
    const v = new ort.Tensor('float32', new Float32Array(4), [4]); await t.run({ a: v, b: v });
    const r0 = rss();
    let bytes = readFileSync(file);
    const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    bytes = undefined;
    const X = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b)), shape);
    await s.run({ [s.inputNames[0]]: X });
    console.log(JSON.stringify({ rssBytes: rss() - r0 }));
  }
}

async function main() {
  mkdirSync(dir, { recursive: true });
  const mx = await import(pathToFileURL(join(root, 'dist', 'node', 'index.js')).href);
  const { netBuilders } = await import('./lib/nets.mjs');
  const { exportNet } = await import('./lib/onnx-models.mjs');
  const out = [];
  console.log(`| network | batch | mxwasm allocator peak | mxwasm RSS growth | ort-web RSS growth | ort / mxwasm (RSS) |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const net of nets.length ? nets : ['resnet18', 'mobilenet1.0', 'mobilenetv2', 'squeezenet1.1']) {
    const sym = netBuilders(mx.sym)[net]();
    const file = join(dir, `${net}-b${batch}.onnx`);
    writeFileSync(file, exportNet(mx, sym, [batch, 3, 224, 224]));
    const run = (rt) => {
      const p = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', rt, net, String(batch), file], { cwd: root, encoding: 'utf8', env: { ...process.env, MXWASM_NUM_THREADS: '1' } });
      if (p.status !== 0) throw new Error(`${rt} ${net}: ${p.stderr}`);
      return JSON.parse(p.stdout.trim().split('\n').pop());
    };
    const m = run('mxwasm'), o = run('ort-web');
    out.push({ net, batch, mxwasm: m, ort: o });
    console.log(`| ${net} | ${batch} | ${(m.allocPeakBytes / MB).toFixed(1)} MiB | ${(m.rssBytes / MB).toFixed(1)} MiB | ${(o.rssBytes / MB).toFixed(1)} MiB | ${(o.rssBytes / m.rssBytes).toFixed(2)}x |`);
  }
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify(out, null, 2));
}

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await main();
