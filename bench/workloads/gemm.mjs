// GEMM workloads: C = A·B, f32, row-major, M = N = K.
//   gemm-<n>:        the API call (mx.nd.dot / tf.matMul / one ONNX MatMul node) including reading C
//                    back into a JS array (dataSync / tensor.data / toTypedArray), operands resident
//                    (ORT copies A and B in each run, as its API requires).
//   gemm-kernel-<n>: mxwasm's f32_gemm kernel alone on resident buffers (no allocation, no copy).
//   gemm-512-data:   each runtime's documented path from JS inputs to a JS-readable C, per call: mxwasm copies A and
//                    B into its resident arrays (`.data.set`), calls mx.nd.dot and reads C through `c.data` (the
//                    README's zero-copy view), then disposes it; onnxruntime-web runs on Tensors over the JS arrays
//                    (it copies them into its heap) and reads `tensor.data` (already a fresh typed array: its API has
//                    no zero-copy CPU output); tfjs-wasm makes tensors from the JS arrays and reads dataSync(). gemm-512
//                    (kept as it was) forces C into a fresh JS array for every runtime (mxwasm: toTypedArray()).
import { matmulModel } from '../lib/onnx.mjs';
import { ortSession } from '../lib/peers.mjs';

const SIZES = [128, 256, 512, 1024];

function rand(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 32 - 0.5; }
  return a;
}

const ortImpl = (peer, ep) => async ({ libs }, n) => {
  const ort = libs[peer];
  const s = await ortSession(ort, matmulModel(n, n, n), ep);
  const A = new ort.Tensor('float32', rand(n * n, 1), [n, n]), B = new ort.Tensor('float32', rand(n * n, 2), [n, n]);
  return {
    async run() { const r = await s.run({ A, B }); if (r.C.data.length !== n * n) throw new Error('bad output'); },
    teardown: () => s.release(),
  };
};

const PEAK_ITERS = 200000;
const sum2 = (d) => d[0] + d[d.length - 1];

/** gemm-<n>-data's implementations (see the header). */
function dataImpls(n) {
  const A = rand(n * n, 1), B = rand(n * n, 2);
  let sink = 0;
  const ort = (peer, ep) => async ({ libs }) => {
    const o = libs[peer], s = await ortSession(o, matmulModel(n, n, n), ep);
    const a = new o.Tensor('float32', A, [n, n]), b = new o.Tensor('float32', B, [n, n]);
    return { async run() { const r = await s.run({ A: a, B: b }), d = r.C.data; if (d.length !== n * n) throw new Error('bad output'); sink += sum2(d); }, teardown: () => s.release() };
  };
  return {
    mxwasm: ({ mx }) => {
      const a = mx.nd.zeros([n, n]), b = mx.nd.zeros([n, n]);
      return {
        run() {
          a.data.set(A); b.data.set(B);
          const c = mx.nd.dot(a, b), d = c.data;
          if (d.length !== n * n) throw new Error('bad output');
          sink += sum2(d); c.dispose();
        },
        teardown() { a.dispose(); b.dispose(); if (Number.isNaN(sink)) console.log(sink); },
      };
    },
    'tfjs-wasm': ({ libs }) => {
      const tf = libs['tfjs-wasm'];
      return { run() { const a = tf.tensor2d(A, [n, n]), b = tf.tensor2d(B, [n, n]), c = tf.matMul(a, b); sink += sum2(c.dataSync()); a.dispose(); b.dispose(); c.dispose(); } };
    },
    'ort-web': ort('ort-web', 'wasm'),
    'ort-node': ort('ort-node', 'cpu'),
  };
}

/** @type {import('../lib/workload').Workload[]} */
export default [{
  // The 128-bit SIMD ceiling on this machine (register-only mul+add chains, f32_peak__*): context for GEMM %.
  name: 'gemm-ceiling', group: 'gemm', flops: 96 * PEAK_ITERS,
  desc: 'SIMD ceiling: 12 independent mul+add chains in registers (relaxed kernels: relaxed_madd)',
  impls: {
    mxwasm: ({ rt }) => {
      const K = rt().K, f = rt().variant === 'relaxed' ? K.f32_peak__relaxedsimd : K.f32_peak__simd128;
      return typeof f === 'function' ? { run() { f(PEAK_ITERS, 0.5, 1); } } : null;
    },
  },
}, ...SIZES.flatMap((n) => [
  {
    name: `gemm-${n}`, group: 'gemm', flops: 2 * n ** 3, freshOutput: true,
    desc: `C = A·B, ${n}x${n}x${n}, API call including reading C back`,
    impls: {
      mxwasm: ({ mx }) => {
        const a = mx.nd.array(rand(n * n, 1), { shape: [n, n] }), b = mx.nd.array(rand(n * n, 2), { shape: [n, n] });
        return {
          run() { const c = mx.nd.dot(a, b); c.toTypedArray(); c.dispose(); },
          teardown() { a.dispose(); b.dispose(); },
        };
      },
      'tfjs-wasm': ({ libs }) => {
        const tf = libs['tfjs-wasm'];
        const a = tf.tensor2d(rand(n * n, 1), [n, n]), b = tf.tensor2d(rand(n * n, 2), [n, n]);
        return {
          run() { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); },
          teardown() { a.dispose(); b.dispose(); },
        };
      },
      'ort-web': (env) => ortImpl('ort-web', 'wasm')(env, n),
      'ort-node': (env) => ortImpl('ort-node', 'cpu')(env, n),
    },
  },
  {
    name: `gemm-kernel-${n}`, group: 'gemm', flops: 2 * n ** 3,
    desc: `f32_gemm kernel alone, ${n}x${n}x${n}, resident buffers`,
    impls: {
      mxwasm: ({ rt, gemmKernel }) => {
        const r = rt(), bytes = n * n * 4;
        const A = r.alloc.alloc(bytes), B = r.alloc.alloc(bytes), C = r.alloc.alloc(bytes);
        new Float32Array(r.memory.buffer, A, n * n).set(rand(n * n, 1));
        new Float32Array(r.memory.buffer, B, n * n).set(rand(n * n, 2));
        const gemm = gemmKernel(r.K), s = r.scratch.off;
        return {
          run() { gemm(0, 0, n, n, n, 1, A, n, B, n, 0, C, n, 0, 0, 0, s); },
          teardown() { r.alloc.free(A); r.alloc.free(B); r.alloc.free(C); },
        };
      },
    },
  },
  ...(n === 512 ? [{
    name: `gemm-${n}-data`, group: 'gemm', flops: 2 * n ** 3,
    desc: `C = A·B, ${n}x${n}x${n}, JS inputs staged, C read where each API returns it (mxwasm: .data view)`,
    impls: dataImpls(n),
  }] : []),
])];
