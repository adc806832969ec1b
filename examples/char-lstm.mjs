// A character-level LSTM language model (MXNet's char-rnn example) trained on this project's own README.md and
// HACKING.md: Embedding -> fused LSTM (mx.rnn.FusedRNNCell, one RNN op) -> FullyConnected -> SoftmaxOutput with
// mx.mod.Module. Prints train / validation perplexity per epoch, samples text from the trained model, and writes
// the perplexity curves as an SVG.
//   node --import tsx examples/char-lstm.mjs [--epochs 15] [--hidden 128] [--layers 1] [--seq 32] [--batch 16]
//     [--lr 0.01] [--sample 400] [--threads N] [--out dir]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import * as mx from '../src/entry/node.ts';
import { mulberry32 } from '../src/util/random.ts';

const { values: args } = parseArgs({ options: {
  epochs: { type: 'string', default: '15' }, hidden: { type: 'string', default: '128' }, layers: { type: 'string', default: '1' },
  seq: { type: 'string', default: '32' }, batch: { type: 'string', default: '16' }, lr: { type: 'string', default: '0.01' },
  sample: { type: 'string', default: '400' }, threads: { type: 'string' }, out: { type: 'string', default: join(tmpdir(), 'mxwasm-char-lstm') },
} });
const E = 48, H = Number(args.hidden), L = Number(args.layers), T = Number(args.seq), B = Number(args.batch);
if (args.threads) mx.setNumThreads(Number(args.threads));
await mx.threadsReady();

// The corpus: the project's own documentation (shipped in the repository), whitespace runs squeezed.
const root = new URL('..', import.meta.url);
const text = ['README.md', 'HACKING.md'].map((f) => readFileSync(new URL(f, root), 'utf8')).join('\n').replace(/[ \t]+/g, ' ');
const vocab = [...new Set(text)].sort(), V = vocab.length, id = new Map(vocab.map((c, i) => [c, i]));
const codes = Float32Array.from(text, (c) => id.get(c));
// Non-overlapping windows of T + 1 characters: inputs are the first T, labels the next T; the last 10% validate.
const nWin = Math.floor((codes.length - 1) / T), xs = new Float32Array(nWin * T), ys = new Float32Array(nWin * T);
for (let w = 0; w < nWin; w++) { xs.set(codes.subarray(w * T, w * T + T), w * T); ys.set(codes.subarray(w * T + 1, w * T + T + 1), w * T); }
const nVal = Math.max(B, Math.floor(nWin * 0.1)), nTrain = nWin - nVal;
const iter = (a, b, shuffle) => new mx.io.NDArrayIter({ data: mx.nd.array(xs.slice(a * T, b * T), { shape: [b - a, T] }), label: mx.nd.array(ys.slice(a * T, b * T), { shape: [b - a, T] }), batch_size: B, shuffle, seed: 3, last_batch_handle: 'discard' });
const trainIter = iter(0, nTrain, true), valIter = iter(nTrain, nWin, false);
console.log(`mxwasm, ${mx.getNumThreads()} thread(s); corpus ${codes.length} chars (README.md + HACKING.md), vocabulary ${V}; ${nTrain} train / ${nVal} validation windows of ${T}`);
console.log(`model: Embedding ${V}x${E} -> LSTM ${L} x ${H} (fused RNN op) -> FullyConnected ${V} -> SoftmaxOutput`);

/** The language model for a batch size (states start at zero every window). */
function lm(batch) {
  const data = mx.sym.Variable('data'), label = mx.sym.Variable('softmax_label');
  const embed = mx.sym.Embedding(data, { input_dim: V, output_dim: E, name: 'embed' }); // (N, T, E)
  const cell = new mx.rnn.FusedRNNCell(H, { numLayers: L, mode: 'lstm', prefix: 'lstm_' });
  const zeros = (name, info) => mx.sym.zeros(info.shape.map((s) => s || batch), { name });
  const [out] = cell.unroll(T, embed, { layout: 'NTC', mergeOutputs: true, beginState: cell.beginState(zeros) }); // (N, T, H)
  const pred = mx.sym.FullyConnected(mx.sym.Reshape(out, { shape: [-1, H] }), { num_hidden: V, name: 'pred' });
  return mx.sym.SoftmaxOutput(pred, mx.sym.Reshape(label, { shape: [-1] }), { name: 'softmax' });
}

mx.random.seed(7);
const mod = new mx.mod.Module({ symbol: lm(B), context: 'cpu' });
mod.logger = () => {};
const history = [];
let tEpoch = performance.now();
const t0 = tEpoch;
mod.fit(trainIter, {
  numEpoch: Number(args.epochs), evalData: valIter, evalMetric: 'perplexity', initializer: new mx.init.Uniform(0.1),
  optimizer: 'adam', optimizerParams: { learning_rate: Number(args.lr), clip_gradient: 5, rescale_grad: 1 / (B * T) },
  batchEndCallback: ({ nbatch }) => { if (process.stdout.isTTY) process.stdout.write(`\r  batch ${nbatch + 1}/${Math.floor(nTrain / B)}`); },
  epochEndCallback: () => {},
  evalEndCallback: ({ epoch, evalMetric }) => {
    const val = evalMetric.get()[1];
    const train = mod.score(trainIter, 'perplexity', { numBatch: 8 })[0][1];
    trainIter.reset();
    const s = (performance.now() - tEpoch) / 1000;
    tEpoch = performance.now();
    history.push({ epoch: epoch + 1, values: { 'train-perplexity': train, 'validation-perplexity': val } });
    console.log(`${process.stdout.isTTY ? '\r' : ''}epoch ${epoch + 1}: train perplexity ${train.toFixed(2)}, validation perplexity ${val.toFixed(2)} (${s.toFixed(1)} s)`);
  },
});
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Sampling: a batch-1 copy of the network over the last T characters; the next one drawn from the last step's
// softmax at temperature 0.7 (seeded).
const sampler = new mx.mod.Module({ symbol: lm(1), context: 'cpu' });
sampler.bind({ dataShapes: [['data', [1, T]]], labelShapes: [['softmax_label', [1, T]]], forTraining: false });
sampler.setParams(...mod.getParams());
const rand = mulberry32(11), temp = 0.7;
let ctx = Array.from('# mxwasm\n', (c) => id.get(c) ?? 0), sample = '';
for (let k = 0; k < Number(args.sample); k++) {
  const win = ctx.slice(-T), x = new Float32Array(T).fill(id.get(' ') ?? 0);
  x.set(win, T - win.length);
  sampler.forward(new mx.io.DataBatch({ data: [mx.nd.array(x, { shape: [1, T] })], label: [mx.nd.zeros([1, T])] }), { isTrain: false });
  const p = sampler.getOutputs()[0].toTypedArray().subarray((T - 1) * V, T * V);
  const w = Array.from(p, (v) => Math.pow(Math.max(v, 1e-12), 1 / temp)), sum = w.reduce((a, b) => a + b, 0);
  let r = rand() * sum, c = 0;
  while (c < V - 1 && (r -= w[c]) > 0) c++;
  ctx.push(c); sample += vocab[c];
}
console.log(`\n--- sampled text (temperature ${temp}) ---\n# mxwasm\n${sample}\n---`);
mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'char-lstm-perplexity.svg'), mx.viz.trainingCurvesSVG(history, 'char LSTM perplexity'));
writeFileSync(join(args.out, 'char-lstm-sample.txt'), `# mxwasm\n${sample}\n`);
console.log(`wrote ${join(args.out, 'char-lstm-perplexity.svg')} and char-lstm-sample.txt`);
ctx = null;
mx.shutdown?.();
