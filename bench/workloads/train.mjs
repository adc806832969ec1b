// Training steps (issue 5): one mini-batch of forward + backward + SGD update, batch 64, f32.
//   train-mlp-b64:   MLP 784-128-64-10 relu, softmax cross-entropy, SGD lr 0.1 (MXNet's MNIST
//                    tutorial MLP; peers.md's tfjs row). s/epoch of 60k samples = ms/step * 937.5 / 1000.
//   train-lenet-b64: the tutorial LeNet (conv20 5x5 tanh, pool, conv50 5x5 tanh, pool, FC500 tanh, FC10),
//                    SGD lr 0.05 momentum 0.9. samples/sec = 64000 / (ms/step).
// mxwasm: mx.mod.Module (forwardBackward + update: the fused optimizer kernels, rescale_grad 1/64),
// one resident batch. tfjs-wasm: tfjs-layers `model.trainOnBatch` (the loss read back, as Module's
// metric reads the outputs back only in fit; here neither side reads outputs).

function rand(n, seed, lo = 0, hi = 1) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = lo + (hi - lo) * (s / 2 ** 32); }
  return a;
}
const B = 64;
const labels = Float32Array.from({ length: B }, (_, i) => i % 10);
const oneHot = Float32Array.from({ length: B * 10 }, (_, k) => (labels[Math.floor(k / 10)] === k % 10 ? 1 : 0));
const MLP_FLOPS = 3 * 2 * B * (784 * 128 + 128 * 64 + 64 * 10);
const LENET_FLOPS = 3 * B * (2 * 576 * 20 * 25 + 2 * 64 * 50 * 500 + 2 * 800 * 500 + 2 * 500 * 10);


function mxwasmStep(mx, symbol, dataShape, optimizerParams) {
  mx.random.seed(1);
  const mod = new mx.mod.Module({ symbol });
  mod.bind({ dataShapes: [['data', dataShape]], labelShapes: [['softmax_label', [B]]] });
  mod.initParams({ initializer: new mx.init.Xavier() });
  mod.initOptimizer({ optimizer: 'sgd', optimizerParams });
  const batch = new mx.io.DataBatch({ data: [mx.nd.array(rand(B * 784, 3), { shape: dataShape })], label: [mx.nd.array(labels)] });
  return { run() { mod.forwardBackward(batch); mod.update(); }, teardown() { mod.dispose(); batch.dispose(); } };
}

async function tfjsStep(tf, build, xShape, lr, momentum) {
  const tfl = await import('@tensorflow/tfjs-layers');
  const model = build(tfl);
  model.compile({ optimizer: momentum ? tf.train.momentum(lr, momentum) : tf.train.sgd(lr), loss: 'categoricalCrossentropy' });
  const x = tf.tensor(rand(B * 784, 3), xShape), y = tf.tensor2d(oneHot, [B, 10]);
  // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel: LeNet cannot train there ("not applicable").
  try { await model.trainOnBatch(x, y); } catch (e) { if (/not registered/.test(String(e))) { x.dispose(); y.dispose(); model.dispose(); return null; } throw e; }
  return { async run() { await model.trainOnBatch(x, y); }, teardown() { x.dispose(); y.dispose(); model.dispose(); } };
}

/** @type {import('../README.md').Workload[]} */
export default [
  {
    name: 'train-mlp-b64', group: 'train', flops: MLP_FLOPS,
    desc: 'MLP 784-128-64-10 training step (fwd+bwd+SGD), batch 64; s/epoch(60k) = ms * 0.9375',
    impls: {
      mxwasm: ({ mx }) => mxwasmStep(mx, mx.models.mlp(), [B, 784], { learning_rate: 0.1 }),
      'tfjs-wasm': ({ libs }) => tfjsStep(libs['tfjs-wasm'], (tfl) => tfl.sequential({ layers: [
        tfl.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
        tfl.layers.dense({ units: 64, activation: 'relu' }), tfl.layers.dense({ units: 10, activation: 'softmax' })] }), [B, 784], 0.1, 0),
    },
  },
  {
    name: 'train-lenet-b64', group: 'train', flops: LENET_FLOPS,
    desc: 'LeNet training step (fwd+bwd+SGD momentum), batch 64; samples/sec = 64000 / ms',
    impls: {
      mxwasm: ({ mx }) => mxwasmStep(mx, mx.models.lenet(), [B, 1, 28, 28], { learning_rate: 0.05, momentum: 0.9 }),
      'tfjs-wasm': ({ libs }) => tfjsStep(libs['tfjs-wasm'], (tfl) => tfl.sequential({ layers: [
        tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5, activation: 'tanh' }),
        tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
        tfl.layers.conv2d({ filters: 50, kernelSize: 5, activation: 'tanh' }),
        tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }), tfl.layers.flatten(),
        tfl.layers.dense({ units: 500, activation: 'tanh' }), tfl.layers.dense({ units: 10, activation: 'softmax' })] }), [B, 28, 28, 1], 0.05, 0.9),
    },
  },
];
