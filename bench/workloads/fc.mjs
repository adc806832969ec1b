// FullyConnected workloads: y = x W^T + b, weight (out, in) resident, x copied in where the API needs it,
// y read back to a JS array. Batch 1 is a matrix-vector product (mxwasm's GEMV path), small batches take
// the no-packing path, larger ones the packed GEMM. Weights in each runtime's native layout: MXNet and
// ONNX Gemm(transB=1) (out, in), tfjs (in, out).
import { onnxModel } from '../lib/onnx.mjs';
import { ortSession } from '../lib/peers.mjs';

function rand(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 32 - 0.5; }
  return a;
}

// [batch, in, out]: LeNet's fc1 (800 -> 500) and an MLP layer (784 -> 128)
const SHAPES = [[1, 800, 500], [8, 800, 500], [64, 800, 500], [64, 784, 128]];

const ortImpl = (peer, ep, B, I, O) => async ({ libs }) => {
  const ort = libs[peer];
  const model = onnxModel({
    nodes: [['Gemm', ['X', 'W', 'b'], ['Y'], { transB: 1 }]],
    inputs: [['X', [B, I]]], outputs: [['Y', [B, O]]],
    initializers: [['W', [O, I], rand(O * I, 2)], ['b', [O], rand(O, 3)]],
  });
  const s = await ortSession(ort, model, ep);
  const X = new ort.Tensor('float32', rand(B * I, 1), [B, I]);
  return {
    async run() { const r = await s.run({ X }); if (r.Y.data.length !== B * O) throw new Error('bad output'); },
    teardown: () => s.release(),
  };
};

/** @type {import('../lib/workload').Workload[]} */
export default SHAPES.map(([B, I, O]) => ({
  name: `fc-${I}x${O}-b${B}`, group: 'fc', flops: 2 * B * I * O,
  desc: `FullyConnected ${I} -> ${O}, batch ${B}, with bias`,
  impls: {
    mxwasm: ({ mx }) => {
      const x = mx.nd.array(rand(B * I, 1), { shape: [B, I] }), w = mx.nd.array(rand(O * I, 2), { shape: [O, I] });
      const b = mx.nd.array(rand(O, 3), { shape: [O] });
      return {
        run() { const y = mx.nd.FullyConnected(x, w, b, { num_hidden: O }); y.toTypedArray(); y.dispose(); },
        teardown() { x.dispose(); w.dispose(); b.dispose(); },
      };
    },
    'tfjs-wasm': ({ libs }) => {
      const tf = libs['tfjs-wasm'];
      // tfjs's native dense layout is (in, out); its transposeB path is ~20x slower, so it gets (in, out).
      const x = tf.tensor2d(rand(B * I, 1), [B, I]), w = tf.tensor2d(rand(O * I, 2), [I, O]), b = tf.tensor1d(rand(O, 3));
      return {
        run() { const y = tf.fused.matMul({ a: x, b: w, bias: b }); y.dataSync(); y.dispose(); },
        teardown() { x.dispose(); w.dispose(); b.dispose(); },
      };
    },
    'ort-web': ortImpl('ort-web', 'wasm', B, I, O),
    'ort-node': ortImpl('ort-node', 'cpu', B, I, O),
  },
}));
