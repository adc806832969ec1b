// LeNet (MXNet MNIST tutorial: conv20 5x5 tanh maxpool, conv50 5x5 tanh maxpool, FC500 tanh, FC10 softmax),
// inference, f32, weights resident.
//   lenet-b*:         the whole call: input copied in, forward, probabilities read back to a JS array
//                     (mxwasm: a bound Executor; tfjs-wasm: ops in tf.tidy + dataSync; ORT: one session.run).
//   lenet-b*-kernels: mxwasm only: the same pre-lowered steps run back to back without forward() around them;
//                     lenet-b* minus this is the executor's overhead.
import { onnxModel } from '../lib/onnx.mjs';
import { ortSession } from '../lib/peers.mjs';

function rand(n, seed, scale = 0.1) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = (s / 2 ** 32 - 0.5) * scale; }
  return a;
}

// parameter name, shape (MXNet layout)
const PARAMS = [['conv1_weight', [20, 1, 5, 5]], ['conv1_bias', [20]], ['conv2_weight', [50, 20, 5, 5]], ['conv2_bias', [50]],
  ['fc1_weight', [500, 800]], ['fc1_bias', [500]], ['fc2_weight', [10, 500]], ['fc2_bias', [10]]];
const prod = (s) => s.reduce((a, b) => a * b, 1);
const values = Object.fromEntries(PARAMS.map(([n, s], i) => [n, rand(prod(s), 10 + i)]));
// conv1 2*24*24*20*25 + conv2 2*8*8*50*500 + fc1 2*800*500 + fc2 2*500*10
const FLOPS = 2 * 576 * 20 * 25 + 2 * 64 * 50 * 500 + 2 * 800 * 500 + 2 * 500 * 10;


function bound(mx, B) {
  const exe = mx.models.lenet().simpleBind({ shapes: { data: [B, 1, 28, 28] }, gradReq: 'null' });
  for (const [n, v] of Object.entries(values)) exe.argDict[n].set(v);
  return exe;
}

function tfjs(tf, B) {
  const t = (n, s) => tf.tensor(values[n], s);
  const w1 = tf.transpose(t('conv1_weight', [20, 1, 5, 5]), [2, 3, 1, 0]), w2 = tf.transpose(t('conv2_weight', [50, 20, 5, 5]), [2, 3, 1, 0]);
  const b1 = t('conv1_bias', [20]), b2 = t('conv2_bias', [50]);
  const f1 = t('fc1_weight', [500, 800]), fb1 = t('fc1_bias', [500]), f2 = t('fc2_weight', [10, 500]), fb2 = t('fc2_bias', [10]);
  const x = new Float32Array(B * 784).fill(0.5);
  return {
    run() {
      const y = tf.tidy(() => {
        let h = tf.tensor4d(x, [B, 28, 28, 1]);
        h = tf.maxPool(tf.tanh(tf.add(tf.conv2d(h, w1, 1, 'valid'), b1)), 2, 2, 'valid');
        h = tf.maxPool(tf.tanh(tf.add(tf.conv2d(h, w2, 1, 'valid'), b2)), 2, 2, 'valid');
        h = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [B, 800]);
        h = tf.tanh(tf.add(tf.matMul(h, f1, false, true), fb1));
        return tf.softmax(tf.add(tf.matMul(h, f2, false, true), fb2));
      });
      y.dataSync(); y.dispose();
    },
    teardown() { for (const a of [w1, w2, b1, b2, f1, fb1, f2, fb2]) a.dispose(); },
  };
}

async function ortImpl(ort, B, ep) {
  const model = onnxModel({
    nodes: [
      ['Conv', ['X', 'conv1_weight', 'conv1_bias'], ['c1'], { kernel_shape: [5, 5] }], ['Tanh', ['c1'], ['t1']],
      ['MaxPool', ['t1'], ['p1'], { kernel_shape: [2, 2], strides: [2, 2] }],
      ['Conv', ['p1', 'conv2_weight', 'conv2_bias'], ['c2'], { kernel_shape: [5, 5] }], ['Tanh', ['c2'], ['t2']],
      ['MaxPool', ['t2'], ['p2'], { kernel_shape: [2, 2], strides: [2, 2] }], ['Flatten', ['p2'], ['fl'], { axis: 1 }],
      ['Gemm', ['fl', 'fc1_weight', 'fc1_bias'], ['g1'], { transB: 1 }], ['Tanh', ['g1'], ['t3']],
      ['Gemm', ['t3', 'fc2_weight', 'fc2_bias'], ['g2'], { transB: 1 }], ['Softmax', ['g2'], ['Y'], { axis: 1 }],
    ],
    inputs: [['X', [B, 1, 28, 28]]], outputs: [['Y', [B, 10]]],
    initializers: PARAMS.map(([n, s]) => [n, s, values[n]]),
  });
  const sess = await ortSession(ort, model, ep);
  const X = new ort.Tensor('float32', new Float32Array(B * 784).fill(0.5), [B, 1, 28, 28]);
  return { async run() { const r = await sess.run({ X }); if (r.Y.data.length !== B * 10) throw new Error('bad output'); }, teardown: () => sess.release() };
}

/** @type {import('../README.md').Workload[]} */
export default [1, 64].flatMap((B) => [
  {
    name: `lenet-b${B}`, group: 'models', flops: B * FLOPS,
    desc: `LeNet inference, batch ${B}: input in, forward, probabilities read back`,
    impls: {
      mxwasm: ({ mx }) => {
        const exe = bound(mx, B), x = new Float32Array(B * 784).fill(0.5);
        return { run() { exe.forward({ data: x })[0].toTypedArray(); }, teardown: () => exe.dispose() };
      },
      'tfjs-wasm': ({ libs }) => tfjs(libs['tfjs-wasm'], B),
      'ort-web': ({ libs }) => ortImpl(libs['ort-web'], B, 'wasm'),
      'ort-node': ({ libs }) => ortImpl(libs['ort-node'], B, 'cpu'),
    },
  },
  {
    name: `lenet-b${B}-kernels`, group: 'models', flops: B * FLOPS,
    desc: `LeNet inference, batch ${B}: only the executor's pre-lowered steps (the kernels' time)`,
    impls: {
      mxwasm: ({ mx }) => {
        const exe = bound(mx, B);
        exe.forward();
        const steps = exe.programs[0].steps; // internal: the inference program forward() loops over
        return { run() { for (let i = 0; i < steps.length; i++) steps[i](); }, teardown: () => exe.dispose() };
      },
    },
  },
]);
