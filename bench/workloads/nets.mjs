// Whole networks at 224², inference, f32 (bench/lib/nets.mjs: mx.sym as MXNet's zoos build them), the same random
// weights given to each runtime (He-uniform conv / FC weights, BatchNorm gamma 1, beta and mean small, var near 1).
//   net-<name>-b<N>: input in, forward, the 1000 logits read back (mxwasm: a bound Executor, gradReq null;
//                    ort-web: the network as ONNX written by mx.onnx.exportModel (opset 13), one session.run;
//                    tfjs-wasm: the network in tfjs ops, NHWC, BatchNorm folded into fused convs (bench/lib/tfjs-nets.mjs),
//                    the input given NHWC).
// Batch 1 of ResNet-18, MobileNet v1, MobileNetV2 and SqueezeNet 1.1 run by default; ResNet-50, VGG-11, DenseNet-121,
// Inception-BN and every batch-8 row are `heavy`: they run only when a filter names them or with --heavy.
import { netBuilders } from '../lib/nets.mjs';
import { ortSession } from '../lib/peers.mjs';
import { tfjsNet } from '../lib/tfjs-nets.mjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function rand(n, seed, lo, hi) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = lo + (hi - lo) * (s / 2 ** 32); }
  return a;
}

/** Logits of two runtimes agree to 1e-3 of their scale (the same network), else throws. */
function agree(want, got, who) {
  let err = 0, scale = 1e-6;
  for (let i = 0; i < want.length; i++) { err = Math.max(err, Math.abs(want[i] - got[i])); scale = Math.max(scale, Math.abs(want[i])); }
  if (!(err <= 1e-3 * scale)) throw new Error(`${who} disagrees with mxwasm: max |diff| ${err.toExponential(2)} at scale ${scale.toExponential(2)}`);
}

/** NCHW -> NHWC copy of B images of C planes H x W. */
function nhwc(x, B, C, H, W) {
  const y = new Float32Array(x.length);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) y[(b * H * W + p) * C + c] = x[(b * C + c) * H * W + p];
  return y;
}

/**
 * The network as ONNX (mx.onnx.exportModel, opset 13). With MXWASM_BENCH_ONNX_CACHE=<dir> the bytes are kept there
 * per (net, batch) for the next process of the same run (the quiet-machine script's 1- and 2-thread steps: the export
 * of a heavy network takes seconds); the caller owns the directory and empties it per commit.
 */
function onnxBytes(mx, s, params, net, B) {
  const dir = process.env.MXWASM_BENCH_ONNX_CACHE, file = dir && join(dir, `${net}-b${B}.onnx`);
  if (file && existsSync(file)) return readFileSync(file);
  const bytes = mx.onnx.exportModel(s.sym, params, { data: [B, 3, 224, 224] }, { opset: 13 });
  if (file) { mkdirSync(dir, { recursive: true }); writeFileSync(file, bytes); }
  return bytes;
}

/** Deterministic values for every argument and aux state of a bound executor, by name. */
function weights(exe) {
  const out = {}, shapes = {};
  let seed = 7;
  for (const [n, arr] of [...Object.entries(exe.argDict), ...Object.entries(exe.auxDict ?? {})]) {
    if (n === 'data') continue;
    const sh = arr.shape, size = sh.reduce((a, b) => a * b, 1), fan = size / sh[0];
    shapes[n] = sh;
    if (n.endsWith('_weight')) { const b = Math.sqrt(6 / fan); out[n] = rand(size, seed++, -b, b); }
    else if (n.endsWith('_gamma')) out[n] = new Float32Array(size).fill(1);
    else if (n.endsWith('_moving_var')) out[n] = rand(size, seed++, 0.9, 1.1);
    else out[n] = rand(size, seed++, -0.05, 0.05);
  }
  return { values: out, shapes };
}

const FLOPS = { resnet18: 3.64e9, resnet50: 8.2e9, 'mobilenet1.0': 1.14e9, mobilenetv2: 0.63e9, 'squeezenet1.1': 0.7e9, vgg11: 15.2e9, densenet121: 5.7e9, 'inception-bn': 4.1e9 };
const LIGHT = new Set(['resnet18', 'mobilenet1.0', 'mobilenetv2', 'squeezenet1.1']);

/** One bound network (mxwasm) and its weights, built once per (net, batch) and shared by the implementations. */
const cache = new Map();
function setup(mx, net, B) {
  const k = `${net}/${B}`;
  if (!cache.has(k)) {
    const sym = netBuilders(mx.sym)[net]();
    const exe = sym.simpleBind({ shapes: { data: [B, 3, 224, 224] }, gradReq: 'null' });
    const { values, shapes } = weights(exe);
    for (const [n, v] of Object.entries(values)) (exe.argDict[n] ?? exe.auxDict[n]).set(v);
    cache.set(k, { sym, exe, values, shapes, x: rand(B * 3 * 224 * 224, 3, -1, 1) });
  }
  return cache.get(k);
}

/** @type {import('../lib/workload').Workload[]} */
export default Object.keys(FLOPS).flatMap((net) => [1, 8].map((B) => ({
  name: `net-${net}-b${B}`, group: 'nets', flops: B * FLOPS[net], heavy: !(LIGHT.has(net) && B === 1),
  desc: `${net} inference at 224², batch ${B}: input in, forward, logits read back`,
  impls: {
    mxwasm: ({ mx }) => {
      const s = setup(mx, net, B);
      return { run() { s.exe.forward({ data: s.x })[0].toTypedArray(); }, teardown() { s.exe.dispose(); cache.delete(`${net}/${B}`); } };
    },
    'ort-web': async ({ mx, libs }) => {
      const ort = libs['ort-web'], s = setup(mx, net, B);
      const params = { argParams: {}, auxParams: {} };
      for (const n of Object.keys(s.values)) if (s.exe.argDict[n]) params.argParams[n] = s.exe.argDict[n]; else params.auxParams[n] = s.exe.auxDict[n];
      const sess = await ortSession(ort, onnxBytes(mx, s, params, net, B), 'wasm');
      const X = new ort.Tensor('float32', s.x, [B, 3, 224, 224]), xin = sess.inputNames[0], yout = sess.outputNames[0];
      // The two runtimes must compute the same network: logits agree to 1e-3 of their scale.
      agree(s.exe.forward({ data: s.x })[0].toTypedArray(), (await sess.run({ [xin]: X }))[yout].data, 'ONNX model');
      return { async run() { const r = await sess.run({ [xin]: X }); if (r[yout].data.length !== B * 1000) throw new Error('bad output'); }, teardown: () => sess.release() };
    },
    'tfjs-wasm': ({ mx, libs }) => {
      const tf = libs['tfjs-wasm'], s = setup(mx, net, B), values = {};
      for (const n of Object.keys(s.values)) values[n] = (s.exe.argDict[n] ?? s.exe.auxDict[n]).toTypedArray();
      const model = tfjsNet(tf, s.sym, values), x = nhwc(s.x, B, 3, 224, 224);
      const forward = () => { const y = tf.tidy(() => model.run(tf.tensor4d(x, [B, 224, 224, 3]))); const d = y.dataSync(); y.dispose(); return d; };
      agree(s.exe.forward({ data: s.x })[0].toTypedArray(), forward(), 'tfjs network');
      return { run() { if (forward().length !== B * 1000) throw new Error('bad output'); }, teardown: () => model.dispose() };
    },
  },
})));
