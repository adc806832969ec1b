// A sequence classifier with variable lengths: is the majority of a bit sequence (odd length 5..29) ones?
// The sequences are padded to 30 steps with random bits, so the answer depends on reading exactly `length`
// steps: Embedding -> GRU (the fused RNN op) -> SequenceLast(use_sequence_length) -> FullyConnected -> SoftmaxOutput.
// The same network taking the last padded step (SequenceLast without lengths) is trained beside it for contrast.
// Prints test accuracy per epoch for both and writes the curves as an SVG.
//   node --import tsx examples/seq-classify.mjs [--epochs 5] [--hidden 32] [--train 4000] [--threads N] [--out dir]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import * as mx from '../src/entry/node.ts';
import { mulberry32 } from '../src/util/random.ts';

const { values: args } = parseArgs({ options: {
  epochs: { type: 'string', default: '5' }, hidden: { type: 'string', default: '32' }, train: { type: 'string', default: '4000' },
  threads: { type: 'string' }, out: { type: 'string', default: join(tmpdir(), 'mxwasm-seq-classify') },
} });
const T = 30, H = Number(args.hidden), B = 50, nTrain = Number(args.train), nTest = 1000;
if (args.threads) mx.setNumThreads(Number(args.threads));
await mx.threadsReady();

/** n sequences: bits (n, T), lengths (n) odd in [5, 29], labels 1 where ones are the majority of the first `length`. */
function makeData(n, seed) {
  const r = mulberry32(seed), bits = new Float32Array(n * T), lens = new Float32Array(n), labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const len = 5 + 2 * Math.floor(r() * 13), p = 0.3 + 0.4 * r();
    let ones = 0;
    for (let t = 0; t < T; t++) { const b = r() < (t < len ? p : 0.5) ? 1 : 0; bits[i * T + t] = b; if (t < len) ones += b; }
    lens[i] = len; labels[i] = ones * 2 > len ? 1 : 0;
  }
  return { bits, lens, labels };
}

/** Embedding -> GRU over time -> the output at each item's last valid step (or the last padded one) -> 2 classes. */
function classifier(useLengths) {
  const data = mx.sym.Variable('data'), len = mx.sym.Variable('seq_len');
  const x = mx.sym.SwapAxis(mx.sym.Embedding(data, { input_dim: 2, output_dim: 8, name: 'embed' }), { dim1: 0, dim2: 1 }); // (T, N, 8)
  const h0 = mx.sym.zeros([1, B, H], { name: 'h0' });
  const rnn = mx.sym.RNN(x, mx.sym.Variable('gru_parameters', { init: new mx.rnn.FusedRNN({ num_hidden: H, num_layers: 1, mode: 'gru' }) }), h0, { mode: 'gru', state_size: H, num_layers: 1, name: 'gru' });
  const last = useLengths ? mx.sym.SequenceLast(rnn, len, { use_sequence_length: true, name: 'last' }) : mx.sym.SequenceLast(rnn, { name: 'last' });
  const out = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(last, { num_hidden: 2, name: 'fc' }), { name: 'softmax' });
  return out;
}

const tr = makeData(nTrain, 1), te = makeData(nTest, 2);
const iterOf = (d, shuffle, withLengths) => new mx.io.NDArrayIter({
  data: { data: mx.nd.array(d.bits, { shape: [d.lens.length, T] }), ...(withLengths ? { seq_len: mx.nd.array(d.lens) } : {}) },
  label: mx.nd.array(d.labels), batch_size: B, shuffle, seed: 5,
});
console.log(`mxwasm, ${mx.getNumThreads()} thread(s); majority-of-ones task: ${nTrain} train / ${nTest} test sequences, lengths 5..29 padded to ${T}`);
const history = [], accs = {};
for (const [key, useLengths] of [['SequenceLast with lengths', true], ['last padded step', false]]) {
  mx.random.seed(3);
  const mod = new mx.mod.Module({ symbol: classifier(useLengths), dataNames: useLengths ? ['data', 'seq_len'] : ['data'], context: 'cpu' });
  mod.logger = () => {};
  const t0 = performance.now();
  mod.fit(iterOf(tr, true, useLengths), {
    numEpoch: Number(args.epochs), evalData: iterOf(te, false, useLengths), evalMetric: 'acc',
    initializer: new mx.init.Xavier(), optimizer: 'adam', optimizerParams: { learning_rate: 0.01, rescale_grad: 1 / B },
    evalEndCallback: ({ epoch, evalMetric }) => {
      const acc = evalMetric.get()[1];
      (history[epoch] ??= { epoch: epoch + 1, values: {} }).values[key] = acc;
      accs[key] = acc;
      console.log(`[${key}] epoch ${epoch + 1}: test accuracy ${(100 * acc).toFixed(1)}%`);
    },
  });
  console.log(`[${key}] trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
console.log(`final test accuracy: ${Object.entries(accs).map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`).join(', ')}`);
mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'seq-classify-accuracy.svg'), mx.viz.trainingCurvesSVG(history, 'majority of ones: test accuracy'));
console.log(`wrote ${join(args.out, 'seq-classify-accuracy.svg')}`);

