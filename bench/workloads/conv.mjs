// Convolution / pooling workloads, batch 1, f32, weights resident, no bias, result read back to JS.
//   conv-*:       the API call (mx.nd.Convolution, NCHW / tf.conv2d or tf.depthwiseConv2d, NHWC / one ONNX Conv
//                 node with the weight as an initializer, NCHW) including reading the output back.
//   conv-*-bound: mxwasm's op lowered once (as the executor does at bind), resident input/output: kernels only.
//   conv-*-bwd:   mxwasm's backward (dx + dw) lowered once: the training cost of the layer.
//   conv-*-data:  (stem, grouped) each runtime's documented path from a JS input to a JS-readable output, per call:
//                 mxwasm copies the JS input into its resident input array (`x.data.set`), calls mx.nd.Convolution,
//                 reads the output through `y.data` (the README's zero-copy view) and disposes it; onnxruntime-web
//                 runs the session on a Tensor over the JS input (it copies it into its heap) and reads `tensor.data`
//                 (its run already copied the output into a fresh typed array: its API has no zero-copy CPU output);
//                 tfjs-wasm makes a tensor from the JS input, convolves and reads dataSync(), disposing both. The plain
//                 conv-* row (kept as it was) instead forces every runtime's output into a fresh JS array (mxwasm:
//                 toTypedArray(), a copy its API does not need), so it mostly measures glibc's page faults.
//   deconv-*:     Deconvolution (mx.nd.Deconvolution / tf.conv2dTranspose / ONNX ConvTranspose).
//   pool-*:       Pooling (mx.nd.Pooling / tf.maxPool / ONNX MaxPool).
import { onnxModel } from '../lib/onnx.mjs';
import { ortSession } from '../lib/peers.mjs';

function rand(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 32 - 0.5; }
  return a;
}

// name, C, H(=W), F, k, stride, pad, group
const CONVS = [
  ['conv-resnet-3x3-64', 64, 56, 64, 3, 1, 1, 1, 'ResNet stage-1 3x3 64->64 @56x56 pad 1'],
  ['conv-mnet-stem', 3, 224, 32, 3, 2, 1, 1, 'MobileNet stem 3x3 s2 3->32 @224x224 pad 1'],
  ['conv-dw-3x3-32', 32, 112, 32, 3, 1, 1, 32, 'depthwise 3x3 32 ch @112x112 pad 1'],
  ['conv-1x1-64-256', 64, 56, 256, 1, 1, 0, 1, 'ResNet bottleneck 1x1 64->256 @56x56'],
  ['conv-dw-3x3s2-64', 64, 112, 64, 3, 2, 1, 64, 'MobileNet v1 depthwise 3x3 s2 64 ch @112x112 pad 1'],
  ['conv-dw-3x3-144', 144, 56, 144, 3, 1, 1, 144, 'MobileNetV2 depthwise 3x3 144 ch @56x56 pad 1'],
  ['conv-1x1-32-64-112', 32, 112, 64, 1, 1, 0, 1, 'MobileNet v1 pointwise 1x1 32->64 @112x112'],
  ['conv-grouped-3x3-128-g32', 128, 28, 128, 3, 1, 1, 32, 'ResNeXt grouped 3x3 128 ch, 32 groups @28x28 pad 1 (no tfjs: not expressible)'],
];

const outSize = (H, k, s, p) => Math.floor((H + 2 * p - k) / s) + 1;

/** mxwasm's op lowered once on resident buffers (what a bound executor runs). */
function lowered(ctx, C, H, F, k, s, p, G, backward) {
  const { mx, rt } = ctx;
  const attrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: F, num_group: G, no_bias: true };
  const x = mx.nd.array(rand(C * H * H, 1), { shape: [1, C, H, H] }), w = mx.nd.array(rand(F * (C / G) * k * k, 2), { shape: [F, C / G, k, k] });
  const Ho = outSize(H, k, s, p), y = mx.nd.zeros([1, F, Ho, Ho]), dy = mx.nd.array(rand(F * Ho * Ho, 3), { shape: [1, F, Ho, Ho] });
  const dx = mx.nd.zeros([1, C, H, H]), dw = mx.nd.zeros([F, C / G, k, k]);
  return import('../../src/ops/registry.js').then(({ getOp }) => import('../../src/ops/attrs.js').then(({ parseAttrs }) => {
    const r = rt(), def = getOp('Convolution'), a = parseAttrs('Convolution', def.attrs, attrs);
    const wsBytes = backward ? def.backward.workspace(a, [x.shape, w.shape], [y.shape]) : def.workspace(a, [x.shape, w.shape], [y.shape], false);
    const ws = wsBytes ? r.alloc.alloc(wsBytes) : 0;
    const lctx = { K: r.K, isTrain: backward, workspace: ws, scratch: r.scratch.off, node: 'conv', random: Math.random };
    const step = backward
      ? def.backward.lower(lctx, a, { ins: [x.ref, w.ref], outs: [y.ref], aux: [], outGrads: [dy.ref], inGrads: [dx.ref, dw.ref], req: ['write', 'write'] })
      : def.forward(lctx, a, [x.ref, w.ref], [y.ref], []);
    return { run: step, teardown() { if (ws) r.alloc.free(ws); for (const t of [x, w, y, dy, dx, dw]) t.dispose(); } };
  }));
}

/** tfjs-wasm's conv2d (G = 1) or depthwiseConv2d (G = C), NHWC. */
function tfjsImpl(C, H, F, k, s, p, G) {
  return ({ libs }) => {
    const tf = libs['tfjs-wasm'];
    const x = tf.tensor4d(rand(C * H * H, 1), [1, H, H, C]);
    const pad = [[0, 0], [p, p], [p, p], [0, 0]];
    if (G === 1) {
      const w = tf.tensor4d(rand(F * C * k * k, 2), [k, k, C, F]);
      return { run() { const y = tf.conv2d(x, w, [s, s], pad); y.dataSync(); y.dispose(); }, teardown() { x.dispose(); w.dispose(); } };
    }
    const w = tf.tensor4d(rand(C * k * k, 2), [k, k, C, 1]);
    const tp = s === 1 && p === (k - 1) / 2 ? 'same' : pad;
    return { run() { const y = tf.depthwiseConv2d(x, w, [s, s], tp); y.dataSync(); y.dispose(); }, teardown() { x.dispose(); w.dispose(); } };
  };
}

/** Rows that also get a `-data` variant (each runtime's own way from a JS input to a readable output). */
const DATA_ROWS = new Set(['conv-mnet-stem', 'conv-grouped-3x3-128-g32']);
const sum2 = (d) => d[0] + d[d.length - 1]; // what the -data rows read of the output (all of it stays readable)

/** The -data row's implementations (see the header). */
function dataImpls(C, H, F, k, s, p, G, ortImpl) {
  const Ho = outSize(H, k, s, p), img = rand(C * H * H, 1);
  let sink = 0;
  return {
    mxwasm: ({ mx }) => {
      const x = mx.nd.zeros([1, C, H, H]), w = mx.nd.array(rand(F * (C / G) * k * k, 2), { shape: [F, C / G, k, k] });
      const attrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: F, num_group: G, no_bias: true };
      return {
        run() {
          x.data.set(img);
          const y = mx.nd.Convolution(x, w, attrs), d = y.data;
          if (d.length !== F * Ho * Ho) throw new Error('bad output');
          sink += sum2(d); y.dispose();
        },
        teardown() { x.dispose(); w.dispose(); if (Number.isNaN(sink)) console.log(sink); },
      };
    },
    ...(G === 1 || G === C ? { 'tfjs-wasm': ({ libs }) => {
      const tf = libs['tfjs-wasm']; // the image read as NHWC: the same bytes, the order does not change the timing
      const w = G === 1 ? tf.tensor4d(rand(F * C * k * k, 2), [k, k, C, F]) : tf.tensor4d(rand(C * k * k, 2), [k, k, C, 1]);
      const pad = [[0, 0], [p, p], [p, p], [0, 0]];
      return {
        run() {
          const x = tf.tensor4d(img, [1, H, H, C]), y = G === 1 ? tf.conv2d(x, w, [s, s], pad) : tf.depthwiseConv2d(x, w, [s, s], pad);
          sink += sum2(y.dataSync()); x.dispose(); y.dispose();
        },
        teardown() { w.dispose(); },
      };
    } } : {}),
    'ort-web': ortImpl('ort-web', 'wasm', img),
    'ort-node': ortImpl('ort-node', 'cpu', img),
  };
}

/** @type {import('../README.md').Workload[]} */
export default [
  ...CONVS.flatMap(([name, C, H, F, k, s, p, G, desc]) => {
    const Ho = outSize(H, k, s, p), flops = 2 * Ho * Ho * F * (C / G) * k * k;
    // img given: the -data row (also reads two elements of the output); else the plain row, as before.
    const ortImpl = (peer, ep, img) => async ({ libs }) => {
      const ort = libs[peer];
      const model = onnxModel({
        nodes: [['Conv', ['X', 'W'], ['Y'], { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], group: G }]],
        inputs: [['X', [1, C, H, H]]], outputs: [['Y', [1, F, Ho, Ho]]], initializers: [['W', [F, C / G, k, k], rand(F * (C / G) * k * k, 2)]],
      });
      const sess = await ortSession(ort, model, ep);
      const X = new ort.Tensor('float32', img ?? rand(C * H * H, 1), [1, C, H, H]);
      if (!img) return { async run() { const r = await sess.run({ X }); if (r.Y.data.length !== F * Ho * Ho) throw new Error('bad output'); }, teardown: () => sess.release() };
      let sink = 0;
      return {
        async run() { const r = await sess.run({ X }), d = r.Y.data; if (d.length !== F * Ho * Ho) throw new Error('bad output'); sink += sum2(d); },
        teardown: () => { if (Number.isNaN(sink)) console.log(sink); return sess.release(); },
      };
    };
    return [
      {
        name, group: 'conv', flops, freshOutput: true, desc: `${desc}, API call including reading the output back`,
        impls: {
          mxwasm: ({ mx }) => {
            const x = mx.nd.array(rand(C * H * H, 1), { shape: [1, C, H, H] }), w = mx.nd.array(rand(F * (C / G) * k * k, 2), { shape: [F, C / G, k, k] });
            const attrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: F, num_group: G, no_bias: true };
            return { run() { const y = mx.nd.Convolution(x, w, attrs); y.toTypedArray(); y.dispose(); }, teardown() { x.dispose(); w.dispose(); } };
          },
          ...(G === 1 || G === C ? { 'tfjs-wasm': tfjsImpl(C, H, F, k, s, p, G) } : {}),
          'ort-web': ortImpl('ort-web', 'wasm'),
          'ort-node': ortImpl('ort-node', 'cpu'),
        },
      },
      { name: `${name}-bound`, group: 'conv', flops, desc: `${desc}, lowered once, resident buffers (kernels only)`, impls: { mxwasm: (ctx) => lowered(ctx, C, H, F, k, s, p, G, false) } },
      { name: `${name}-bwd`, group: 'conv', flops: 2 * flops, desc: `${desc}, backward dx + dw lowered once`, impls: { mxwasm: (ctx) => lowered(ctx, C, H, F, k, s, p, G, true) } },
      ...(DATA_ROWS.has(name) ? [{ name: `${name}-data`, group: 'conv', flops, desc: `${desc}, JS input staged, output read where each API returns it (mxwasm: .data view)`,
        impls: dataImpls(C, H, F, k, s, p, G, ortImpl) }] : []),
    ];
  }),
  {
    name: 'deconv-4x4s2-64to32-28', group: 'conv', freshOutput: true, flops: 2 * 28 * 28 * 64 * 32 * 16,
    desc: 'Deconvolution 4x4 s2 pad 1, 64->32 @28x28 -> 56x56 (FCN / GAN upsampling), API call including read-back',
    impls: {
      mxwasm: ({ mx }) => {
        const x = mx.nd.array(rand(64 * 28 * 28, 1), { shape: [1, 64, 28, 28] }), w = mx.nd.array(rand(64 * 32 * 16, 2), { shape: [64, 32, 4, 4] });
        const attrs = { kernel: [4, 4], stride: [2, 2], pad: [1, 1], num_filter: 32 };
        return { run() { const y = mx.nd.Deconvolution(x, w, attrs); y.toTypedArray(); y.dispose(); }, teardown() { x.dispose(); w.dispose(); } };
      },
      'tfjs-wasm': ({ libs }) => {
        const tf = libs['tfjs-wasm'], x = tf.tensor4d(rand(64 * 28 * 28, 1), [1, 28, 28, 64]), w = tf.tensor4d(rand(64 * 32 * 16, 2), [4, 4, 32, 64]);
        return { run() { const y = tf.conv2dTranspose(x, w, [1, 56, 56, 32], [2, 2], 'same'); y.dataSync(); y.dispose(); }, teardown() { x.dispose(); w.dispose(); } };
      },
      'ort-web': async ({ libs }) => {
        const ort = libs['ort-web'];
        const sess = await ortSession(ort, onnxModel({
          nodes: [['ConvTranspose', ['X', 'W'], ['Y'], { kernel_shape: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1] }]],
          inputs: [['X', [1, 64, 28, 28]]], outputs: [['Y', [1, 32, 56, 56]]], initializers: [['W', [64, 32, 4, 4], rand(64 * 32 * 16, 2)]],
        }), 'wasm');
        const X = new ort.Tensor('float32', rand(64 * 28 * 28, 1), [1, 64, 28, 28]);
        return { async run() { const r = await sess.run({ X }); if (r.Y.data.length !== 32 * 56 * 56) throw new Error('bad output'); }, teardown: () => sess.release() };
      },
    },
  },
  {
    name: 'pool-max-3x3s2-64-112', group: 'conv', freshOutput: true, desc: 'ResNet max pool 3x3 s2 pad 1, 64 ch @112x112, API call including read-back',
    impls: {
      mxwasm: ({ mx }) => {
        const x = mx.nd.array(rand(64 * 112 * 112, 1), { shape: [1, 64, 112, 112] });
        return { run() { const y = mx.nd.Pooling(x, { kernel: [3, 3], stride: [2, 2], pad: [1, 1], pool_type: 'max' }); y.toTypedArray(); y.dispose(); }, teardown() { x.dispose(); } };
      },
      'tfjs-wasm': ({ libs }) => {
        const tf = libs['tfjs-wasm'], x = tf.tensor4d(rand(64 * 112 * 112, 1), [1, 112, 112, 64]);
        return { run() { const y = tf.maxPool(x, [3, 3], [2, 2], 'same'); y.dataSync(); y.dispose(); }, teardown() { x.dispose(); } };
      },
      'ort-web': async ({ libs }) => {
        const ort = libs['ort-web'];
        const sess = await ortSession(ort, onnxModel({ nodes: [['MaxPool', ['X'], ['Y'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }]], inputs: [['X', [1, 64, 112, 112]]], outputs: [['Y', [1, 64, 56, 56]]] }), 'wasm');
        const X = new ort.Tensor('float32', rand(64 * 112 * 112, 1), [1, 64, 112, 112]);
        return { async run() { await sess.run({ X }); }, teardown: () => sess.release() };
      },
    },
  },
];
