// LSTM (issue 17): 2 layers, hidden 256, input 256, sequence 35, batch 32 (the PTB language model's shape).
//   lstm-fwd:    inference forward of the whole sequence.
//   lstm-fwdbwd: training forward + backward (gradients of the input, the weights and the initial states).
// mxwasm: one fused RNN op (mode lstm) bound in an executor (planned buffers, input GEMM over all steps, one
// recurrent GEMM + one fused cell kernel per step). tfjs-wasm: tfjs-layers' LSTM layers (returnSequences),
// (glorotUniform recurrent init: the orthogonal default needs tfjs' chained ops, which the peer loader does not
// register), predict / tf.variableGrads of sum(output * w); outputs read back (dataSync) so the wasm work is done.

const T = 35, N = 32, I = 256, H = 256, L = 2;
const FWD_FLOPS = L * 2 * T * N * 4 * H * (I + H);

function rand(n, seed, lo = -0.1, hi = 0.1) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = lo + (hi - lo) * (s / 2 ** 32); }
  return a;
}

function mxwasmLstm(mx, train) {
  const v = (n) => mx.sym.Variable(n);
  const net = mx.sym.RNN(v('data'), v('parameters'), v('state'), v('state_cell'), { mode: 'lstm', state_size: H, num_layers: L, name: 'lstm' });
  const exe = net.simpleBind({ shapes: { data: [T, N, I] }, gradReq: train ? 'write' : 'null' });
  exe.argArrays.forEach((a, k) => a.set(rand(a.size, 7 + k)));
  const og = [mx.nd.array(rand(T * N * H, 99, -1, 1)).reshape([T, N, H])];
  return {
    run() { exe.forward({ isTrain: train }); if (train) exe.backward(og); },
    teardown() { exe.dispose?.(); og[0].dispose(); },
  };
}

async function tfjsLstm(tf, train) {
  const tfl = await import('@tensorflow/tfjs-layers');
  const model = tfl.sequential({ layers: [
    tfl.layers.lstm({ units: H, returnSequences: true, inputShape: [T, I], recurrentInitializer: 'glorotUniform' }),
    tfl.layers.lstm({ units: H, returnSequences: true, recurrentInitializer: 'glorotUniform' }),
  ] });
  const x = tf.tensor3d(rand(N * T * I, 3), [N, T, I]), w = tf.tensor3d(rand(N * T * H, 99, -1, 1), [N, T, H]);
  const fwd = () => { const y = model.predict(x); y.dataSync(); y.dispose(); };
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x, { training: true }), w)));
    value.dataSync();
    for (const g of Object.values(grads)) { g.dataSync(); g.dispose(); }
    value.dispose();
  };
  (train ? step : fwd)();
  return { run: train ? step : fwd, teardown() { x.dispose(); w.dispose(); model.dispose(); } };
}

/** @type {import('../lib/workload').Workload[]} */
export default [
  {
    name: 'lstm-fwd', group: 'rnn', flops: FWD_FLOPS,
    desc: `LSTM ${L} layers, hidden ${H}, input ${I}, seq ${T}, batch ${N}: forward`,
    impls: { mxwasm: ({ mx }) => mxwasmLstm(mx, false), 'tfjs-wasm': ({ libs }) => tfjsLstm(libs['tfjs-wasm'], false) },
  },
  {
    name: 'lstm-fwdbwd', group: 'rnn', flops: 3 * FWD_FLOPS,
    desc: `LSTM ${L} layers, hidden ${H}, input ${I}, seq ${T}, batch ${N}: forward + backward (all gradients)`,
    impls: { mxwasm: ({ mx }) => mxwasmLstm(mx, true), 'tfjs-wasm': ({ libs }) => tfjsLstm(libs['tfjs-wasm'], true) },
  },
];
