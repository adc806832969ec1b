// Models imported from ONNX (mx.onnx.importModel → Predictor) beside onnxruntime-web on the same bytes:
//   onnx-resnet18-b1, onnx-mobilenetv2-b1: the zoo networks (bench/lib/nets.mjs) exported with mx.onnx.exportModel;
//   onnx-bert-layer-s128: a BERT-style encoder layer (sequence 128, hidden 256, 4 heads, FFN 1024) written as a
//   PyTorch export looks (bench/lib/onnx-models.mjs); onnx-lstm2-s32: a 2-layer LSTM classifier (sequence 32, input 64,
//   hidden 128, batch 1; mxwasm maps each LSTM node onto its fused RNN op); onnx-gru2-s32: the same with GRU layers
//   (linear_before_reset = 1, PyTorch's export). Outputs are checked to agree before timing.
import { netBuilders } from '../lib/nets.mjs';
import { exportNet, encoderLayerOnnx, lstmClassifierOnnx } from '../lib/onnx-models.mjs';
import { ortSession } from '../lib/peers.mjs';

function rand(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = -1 + 2 * (s / 2 ** 32); }
  return a;
}

const MODELS = {
  'onnx-resnet18-b1': { flops: 3.64e9, shape: [1, 3, 224, 224], make: (mx) => exportNet(mx, netBuilders(mx.sym).resnet18(), [1, 3, 224, 224]) },
  'onnx-mobilenetv2-b1': { flops: 0.63e9, shape: [1, 3, 224, 224], make: (mx) => exportNet(mx, netBuilders(mx.sym).mobilenetv2(), [1, 3, 224, 224]) },
  'onnx-bert-layer-s128': { flops: 2 * 128 * (4 * 256 * 256 + 2 * 256 * 1024) + 4 * 128 * 128 * 256, shape: [1, 128, 256], input: 'x', make: (mx) => encoderLayerOnnx(mx, 128, 256, 4) },
  'onnx-lstm2-s32': { flops: 32 * 2 * 4 * 128 * (64 + 128 + 256), shape: [32, 1, 64], input: 'x', make: (mx) => lstmClassifierOnnx(mx, 32, 1, 64, 128, 10) },
  'onnx-gru2-s32': { flops: 32 * 2 * 3 * 128 * (64 + 128 + 256), shape: [32, 1, 64], input: 'x', make: (mx) => lstmClassifierOnnx(mx, 32, 1, 64, 128, 10, 'GRU') },
};

const cache = new Map();
const bytesOf = (mx, name) => { if (!cache.has(name)) cache.set(name, MODELS[name].make(mx)); return cache.get(name); };

/** @type {import('../lib/workload').Workload[]} */
export default Object.entries(MODELS).map(([name, m]) => ({
  name, group: 'onnx', flops: m.flops,
  desc: `${name.slice(5)} imported from ONNX, input (${m.shape.join(', ')}), forward, output read back`,
  impls: {
    mxwasm: ({ mx }) => {
      const p = mx.Predictor.fromOnnx(bytesOf(mx, name), { [m.input ?? 'data']: m.shape });
      const x = rand(m.shape.reduce((a, b) => a * b, 1), 3);
      return { run() { p.forward(x)[0].toTypedArray(); }, teardown() { p.dispose(); } };
    },
    'ort-web': async ({ mx, libs }) => {
      const ort = libs['ort-web'], bytes = bytesOf(mx, name), sess = await ortSession(ort, bytes, 'wasm');
      const x = rand(m.shape.reduce((a, b) => a * b, 1), 3), feeds = { [sess.inputNames[0]]: new ort.Tensor('float32', x, m.shape) };
      const p = mx.Predictor.fromOnnx(bytes, { [sess.inputNames[0]]: m.shape });
      const want = p.forward(x)[0].toTypedArray(), got = (await sess.run(feeds))[sess.outputNames[0]].data;
      p.dispose();
      let err = 0, scale = 1e-6;
      for (let i = 0; i < want.length; i++) { err = Math.max(err, Math.abs(want[i] - got[i])); scale = Math.max(scale, Math.abs(got[i])); }
      if (!(err <= 1e-3 * scale)) throw new Error(`${name}: mxwasm and onnxruntime disagree: max |diff| ${err.toExponential(2)} at scale ${scale.toExponential(2)}`);
      return { async run() { await sess.run(feeds); }, teardown: () => sess.release() };
    },
  },
}));
