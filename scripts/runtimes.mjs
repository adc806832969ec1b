// Runs LeNet inference from an MXNet checkpoint, and from the same LeNet as an ONNX file (mx.onnx.exportModel),
// in other JavaScript runtimes (Deno with the browser bundle, Bun with the Node bundle, Cloudflare's workerd
// with the edge bundle and the .wasm imported as a module) and compares each output with Node's. Binaries come from node_modules/.bin or from
// .tmp/runtimes (`node scripts/runtimes.mjs --install` puts them there with npm).
//   node scripts/runtimes.mjs [--install] [--json out.json]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createServer } from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'test-output', 'runtimes');
export const VERSIONS = { deno: '2.9.6', bun: '1.4.5', workerd: '1.20261117.1' };

/** Path of a runtime's binary, or undefined. */
export function findRuntime(name) {
  for (const d of [join(root, 'node_modules', '.bin'), join(root, '.tmp', 'runtimes', 'node_modules', '.bin')]) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Installs the runtimes' npm packages (with the binaries they ship) into .tmp/runtimes. */
export function install() {
  const dir = join(root, '.tmp', 'runtimes');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"private":true}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, ...Object.entries(VERSIONS).map(([k, v]) => `${k}@${v}`)], { stdio: 'inherit' });
}

/** Builds a seeded LeNet checkpoint, an input batch and Node's output (the reference). */
export async function prepare() {
  mkdirSync(work, { recursive: true });
  const mx = await import(pathToFileURL(join(root, 'dist', 'node', 'index.js')).href);
  mx.random.seed(5);
  const net = mx.models.lenet();
  const mod = new mx.mod.Module({ symbol: net });
  mod.bind({ dataShapes: [['data', [2, 1, 28, 28]]], forTraining: false });
  mod.initParams({ initializer: new mx.init.Xavier({ magnitude: 2.24 }) });
  mod.saveCheckpoint(join(work, 'lenet'), 1);
  const input = Array.from({ length: 2 * 784 }, (_, i) => ((i * 37) % 101) / 100);
  const p = mx.Predictor.fromCheckpoint(join(work, 'lenet'), 1, { data: [2, 1, 28, 28] });
  const ck = mx.model.loadCheckpoint(join(work, 'lenet'), 1);
  writeFileSync(join(work, 'lenet.onnx'), mx.onnx.exportModel(ck.symbol, ck, { data: [2, 1, 28, 28] }));
  const expected = Array.from(p.forward(Float32Array.from(input))[0].data);
  writeFileSync(join(work, 'input.json'), JSON.stringify(input));
  writeFileSync(join(work, 'expected.json'), JSON.stringify(expected));
  return { input, expected };
}

const SCRIPT = (entry, load) => `import * as mx from ${JSON.stringify(entry)};
await mx.ready();
const dir = ${JSON.stringify(work)};
const input = JSON.parse(${load}('input.json'));
const p = ${load === 'readText' ? 'mx.Predictor.load({ symbol: dir + "/lenet-symbol.json", params: dir + "/lenet-0001.params", inputShapes: { data: [2, 1, 28, 28] } })'
    : 'await mx.Predictor.loadAsync({ symbol: new URL("file://" + dir + "/lenet-symbol.json"), params: new URL("file://" + dir + "/lenet-0001.params"), inputShapes: { data: [2, 1, 28, 28] } })'};
const out = Array.from(p.forward(Float32Array.from(input))[0].data);
const po = ${load === 'readText' ? 'mx.Predictor.load({ symbol: dir + "/lenet.onnx", inputShapes: { data: [2, 1, 28, 28] } })'
    : 'await mx.Predictor.loadAsync({ symbol: new URL("file://" + dir + "/lenet.onnx"), inputShapes: { data: [2, 1, 28, 28] } })'};
const outOnnx = Array.from(po.forward(Float32Array.from(input))[0].data);
const info = mx.runtimeInfo();
console.log(JSON.stringify({ out, outOnnx, variant: info.variant, threads: info.threads, mode: info.mode }));
mx.shutdown();
`;

function runJson(cmd, args, opts = {}) {
  const text = execFileSync(cmd, args, { encoding: 'utf8', timeout: 60_000, ...opts });
  return JSON.parse(text.trim().split('\n').pop());
}

const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

async function runWorkerd(bin) {
  const dir = join(work, 'workerd');
  mkdirSync(dir, { recursive: true });
  const { build } = await import('esbuild');
  writeFileSync(join(dir, 'src.mjs'), `import * as mx from ${JSON.stringify(join(root, 'dist', 'edge', 'index.js'))};
import sym from './lenet-symbol.json';
import params from './lenet.params';
import input from './input.json';
import onnx from './lenet.onnx';
export default { async fetch() {
  const p = mx.Predictor.load({ symbol: sym, params: new Uint8Array(params), inputShapes: { data: [2, 1, 28, 28] } });
  const out = Array.from(p.forward(Float32Array.from(JSON.parse(input)))[0].data);
  const po = mx.Predictor.load({ symbol: new Uint8Array(onnx), inputShapes: { data: [2, 1, 28, 28] } });
  const outOnnx = Array.from(po.forward(Float32Array.from(JSON.parse(input)))[0].data);
  const info = mx.runtimeInfo();
  return Response.json({ out, outOnnx, variant: info.variant, threads: info.threads, mode: info.mode });
} };`);
  await build({
    entryPoints: [join(dir, 'src.mjs')], outfile: join(dir, 'worker.mjs'), bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', logLevel: 'error',
    plugins: [{ name: 'modules', setup(b) { b.onResolve({ filter: /\.(wasm|json|params|onnx)$/ }, (a) => ({ path: './' + a.path.split('/').pop(), external: true })); } }],
  });
  for (const [from, to] of [[join(root, 'dist', 'kernels.noshared.wasm'), 'kernels.noshared.wasm'], [join(work, 'lenet-symbol.json'), 'lenet-symbol.json'],
    [join(work, 'lenet-0001.params'), 'lenet.params'], [join(work, 'input.json'), 'input.json'], [join(work, 'lenet.onnx'), 'lenet.onnx']]) copyFileSync(from, join(dir, to));
  const port = await freePort();
  writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "kernels.noshared.wasm", wasm = embed "kernels.noshared.wasm"),
    (name = "lenet-symbol.json", text = embed "lenet-symbol.json"),
    (name = "lenet.params", data = embed "lenet.params"),
    (name = "input.json", text = embed "input.json"),
    (name = "lenet.onnx", data = embed "lenet.onnx"),
  ],
  compatibilityDate = "2024-09-23",
);
`);
  const proc = spawn(bin, ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; }); proc.stderr.on('data', (d) => { log += d; });
  try {
    for (let i = 0; i < 100; i++) {
      try { const r = await fetch(`http://127.0.0.1:${port}/`); if (r.ok) return await r.json(); log += `HTTP ${r.status}: ${await r.text()}`; break; } catch { await new Promise((r) => setTimeout(r, 150)); }
    }
    throw new Error(`workerd did not answer: ${log.slice(-600)}`);
  } finally { proc.kill(); }
}

/** Runs one runtime; resolves to {runtime, version, ok, maxDiff, variant, threads, error?}. */
export async function check(name, expected) {
  const bin = findRuntime(name);
  if (!bin) return { runtime: name, ok: false, error: 'not installed' };
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0];
  try {
    let r;
    if (name === 'workerd') r = await runWorkerd(bin);
    else {
      const entry = join(root, 'dist', name === 'deno' ? 'browser' : 'node', 'index.js');
      const file = join(work, `run-${name}.mjs`);
      const loader = name === 'deno' ? `((f) => Deno.readTextFileSync(${JSON.stringify(work)} + '/' + f))` : 'readText';
      writeFileSync(file, (name === 'bun' ? `import { readFileSync } from 'node:fs';\nconst readText = (f) => readFileSync(${JSON.stringify(work)} + '/' + f, 'utf8');\n` : '') + SCRIPT(entry, loader));
      r = runJson(bin, name === 'deno' ? ['run', '--allow-read', '--allow-env', file] : ['run', file]);
    }
    const maxDiff = Math.max(...expected.map((v, i) => Math.abs(v - r.out[i]))), onnxDiff = Math.max(...expected.map((v, i) => Math.abs(v - r.outOnnx[i])));
    return { runtime: name, version, ok: maxDiff < 1e-5 && onnxDiff < 1e-5, maxDiff, onnxDiff, variant: r.variant, threads: r.threads, mode: r.mode };
  } catch (e) {
    return { runtime: name, version, ok: false, error: String(e.message ?? e).slice(0, 400) };
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--install')) install();
  const { expected } = await prepare();
  const rows = [];
  for (const name of Object.keys(VERSIONS)) rows.push(await check(name, expected));
  console.log('| runtime | version | threads | SIMD variant | memory | LeNet output = Node (checkpoint; .onnx) |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| node | ${process.version} | (see runtimeInfo) | | | reference |`);
  for (const r of rows) console.log(`| ${r.runtime} | ${r.version ?? '-'} | ${r.threads ?? '-'} | ${r.variant ?? '-'} | ${r.mode ?? '-'} | ${r.ok ? `pass (max diff ${r.maxDiff.toExponential(1)}; from .onnx ${r.onnxDiff.toExponential(1)})` : `FAIL: ${r.error ?? `max diff ${r.maxDiff}, from .onnx ${r.onnxDiff}`}`} |`);
  const j = process.argv.indexOf('--json');
  if (j > 0) writeFileSync(process.argv[j + 1], JSON.stringify(rows, null, 2));
}
