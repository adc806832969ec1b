// Gluon (issue 18): the training steps of train.mjs written the Gluon way (autograd.record → backward →
// Trainer.step, SoftmaxCrossEntropyLoss), hybridized (net and loss: traced graphs on the planned executor) and imperative
// (op by op through the autograd tape), beside tfjs-layers' trainOnBatch; and the per-op cost of an imperative
// 4-element add beside tfjs's. `node --import tsx bench/gluon-ab.mjs` times them interleaved with Module.

const B = 64;
function rand(n, seed, lo = 0, hi = 1) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = lo + (hi - lo) * (s / 2 ** 32); }
  return a;
}
const labels = Float32Array.from({ length: B }, (_, i) => i % 10);
const oneHot = Float32Array.from({ length: B * 10 }, (_, k) => (labels[Math.floor(k / 10)] === k % 10 ? 1 : 0));
const MLP_FLOPS = 3 * 2 * B * (784 * 128 + 128 * 64 + 64 * 10);
const LENET_FLOPS = 3 * B * (2 * 576 * 20 * 25 + 2 * 64 * 50 * 500 + 2 * 800 * 500 + 2 * 500 * 10);

/** The tutorial MLP / LeNet as Gluon blocks. */
export function gluonNet(mx, kind) {
  const { nn } = mx.gluon;
  const net = new nn.HybridSequential();
  if (kind === 'mlp') net.add(new nn.Dense(128, { activation: 'relu' }), new nn.Dense(64, { activation: 'relu' }), new nn.Dense(10));
  else net.add(new nn.Conv2D(20, 5, { activation: 'tanh' }), new nn.MaxPool2D(2, 2), new nn.Conv2D(50, 5, { activation: 'tanh' }), new nn.MaxPool2D(2, 2),
    new nn.Flatten(), new nn.Dense(500, { activation: 'tanh' }), new nn.Dense(10));
  return net;
}

/** One Gluon training step instance (the loss is disposed each step; nothing is read back). */
export function gluonStep(mx, kind, hybrid) {
  mx.random.seed(1);
  const net = gluonNet(mx, kind);
  net.initialize(new mx.init.Xavier());
  const lossFn = new mx.gluon.loss.SoftmaxCrossEntropyLoss();
  if (hybrid) { net.hybridize(); lossFn.hybridize(); } // MXNet's usual: both the net and the loss
  const shape = kind === 'mlp' ? [B, 784] : [B, 1, 28, 28];
  const x = mx.nd.array(rand(B * 784, 3), { shape }), y = mx.nd.array(labels);
  const trainer = new mx.gluon.Trainer(net.collectParams(), 'sgd', kind === 'mlp' ? { learning_rate: 0.1 } : { learning_rate: 0.05, momentum: 0.9 });
  return {
    // The output and the loss are disposed as soon as they are not needed (JS has no refcount: in a synchronous loop
    // the FinalizationRegistry never gets to run, so undisposed arrays pile up in the allocator).
    run() {
      let out;
      const l = mx.autograd.record(() => lossFn.forward(out = net.forward(x), y));
      l.backward(); trainer.step(B); l.dispose(); out.dispose();
    },
    teardown() { x.dispose(); y.dispose(); },
  };
}

async function tfjsStep(tf, build, xShape, lr, momentum) {
  const tfl = await import('@tensorflow/tfjs-layers');
  const model = build(tfl);
  model.compile({ optimizer: momentum ? tf.train.momentum(lr, momentum) : tf.train.sgd(lr), loss: 'categoricalCrossentropy' });
  const x = tf.tensor(rand(B * 784, 3), xShape), y = tf.tensor2d(oneHot, [B, 10]);
  try { await model.trainOnBatch(x, y); } catch (e) { if (/not registered/.test(String(e))) { x.dispose(); y.dispose(); model.dispose(); return null; } throw e; }
  return { async run() { await model.trainOnBatch(x, y); }, teardown() { x.dispose(); y.dispose(); model.dispose(); } };
}
const tfMlp = (tfl) => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
  tfl.layers.dense({ units: 64, activation: 'relu' }), tfl.layers.dense({ units: 10, activation: 'softmax' })] });

/** @type {import('../lib/workload').Workload[]} */
export default [
  ...[true, false].map((hybrid) => ({
    name: `gluon-mlp-b64-${hybrid ? 'hybrid' : 'imperative'}`, group: 'gluon', flops: MLP_FLOPS,
    desc: `Gluon MLP 784-128-64-10 training step (record/backward/Trainer.step), ${hybrid ? 'hybridized' : 'imperative'}, batch 64`,
    impls: {
      mxwasm: ({ mx }) => gluonStep(mx, 'mlp', hybrid),
      'tfjs-wasm': ({ libs }) => tfjsStep(libs['tfjs-wasm'], tfMlp, [B, 784], 0.1, 0),
    },
  })),
  ...[true, false].map((hybrid) => ({
    name: `gluon-lenet-b64-${hybrid ? 'hybrid' : 'imperative'}`, group: 'gluon', flops: LENET_FLOPS,
    desc: `Gluon LeNet training step, ${hybrid ? 'hybridized' : 'imperative'}, batch 64 (tfjs-wasm cannot train conv: no Conv2DBackpropFilter)`,
    impls: { mxwasm: ({ mx }) => gluonStep(mx, 'lenet', hybrid) },
  })),
  {
    name: 'imperative-add-4', group: 'gluon',
    desc: 'one imperative 4-element add (mx.nd.add / tf.add) and the dispose of its result: the per-op overhead',
    impls: {
      mxwasm: ({ mx }) => { const a = mx.nd.array([1, 2, 3, 4]), b = mx.nd.array([5, 6, 7, 8]); return { run() { mx.nd.add(a, b).dispose(); } }; },
      'tfjs-wasm': ({ libs }) => { const tf = libs['tfjs-wasm'], a = tf.tensor1d([1, 2, 3, 4]), b = tf.tensor1d([5, 6, 7, 8]); return { run() { tf.add(a, b).dispose(); } }; },
    },
  },
];
