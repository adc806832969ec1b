// mx.rnn.encodeSentences, mx.rnn.BucketSentenceIter (buckets, padding, labels, layouts, discards) and
// mx.mod.BucketingModule (one executor per bucket on shared parameters / gradients; fit lowers perplexity).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';

test('encodeSentences: ids from start_label, invalid key reserved, fixed vocab and unknown tokens', () => {
  const [ids, vocab] = mx.rnn.encodeSentences([['a', 'b'], ['b', 'c', 'a']], { startLabel: 1, invalidLabel: 0 });
  assert.equal(ids, [[1, 2], [2, 3, 1]]);
  assert.is(vocab.get('\n'), 0);
  const [ids2] = mx.rnn.encodeSentences([['c', 'z']], { vocab, unknownToken: 'a' });
  assert.equal(ids2, [[3, 1]]);
  assert.throws(() => mx.rnn.encodeSentences([['z']], { vocab }), /unknown token 'z'/);
});

test('BucketSentenceIter: buckets, padding with invalid_label, shifted labels, bucket keys, NT / TN, discards', () => {
  const sents = [[1, 2], [3, 4, 5], [6], [7, 8, 9, 10], [1, 1, 1, 1, 1, 1], [2, 2, 2]];
  const it = new mx.rnn.BucketSentenceIter(sents, 2, { buckets: [2, 4], invalidLabel: 0, seed: 1 });
  assert.is(it.discarded, 1); assert.is(it.defaultBucketKey, 4); assert.is(it.numBatches, 2);
  assert.equal(it.provideData[0].shape, [2, 4]);
  const seen: Record<number, number[][]> = {};
  for (const b of it) {
    const k = b.bucketKey as number, d = b.data[0].toArray() as number[][], l = b.label![0].toArray() as number[][];
    assert.equal(b.data[0].shape, [2, k]);
    d.forEach((row, n) => assert.equal(l[n], [...row.slice(1), 0]));
    seen[k] = d;
  }
  assert.equal(Object.keys(seen).sort(), ['2', '4']);
  assert.equal(seen[2].map((r) => r.join()).sort(), ['1,2', '6,0']);
  assert.ok(seen[4].every((r) => ['3,4,5,0', '7,8,9,10', '2,2,2,0'].includes(r.join())));
  const tn = new mx.rnn.BucketSentenceIter(sents, 2, { buckets: [2, 4], invalidLabel: 0, layout: 'TN', seed: 1 });
  const b = tn.next();
  assert.equal(b.data[0].shape, [b.bucketKey as number, 2]);
  const auto = new mx.rnn.BucketSentenceIter([[1], [2], [3, 4], [5, 6], [7, 8, 9]], 2);
  assert.equal(auto.buckets, [1, 2]);
  assert.throws(() => new mx.rnn.BucketSentenceIter([[1]], 2), /no bucket/);
});

/** A small LSTM language model unrolled over `len` steps (the same parameter names for every length). */
function lm(len: number, V: number, batch: number) {
  const data = mx.sym.Variable('data'), label = mx.sym.Variable('softmax_label');
  const embed = mx.sym.Embedding(data, { input_dim: V, output_dim: 6, name: 'embed' });
  const cell = new mx.rnn.LSTMCell(8, { prefix: 'lstm_' });
  const zeros = (name: string, info: { shape: number[] }) => mx.sym.zeros(info.shape.map((s) => s || batch), { name });
  const [out] = cell.unroll(len, embed, { layout: 'NTC', mergeOutputs: true, beginState: cell.beginState(zeros) });
  const pred = mx.sym.FullyConnected(mx.sym.Reshape(out as InstanceType<typeof mx.Symbol>, { shape: [-1, 8] }), { num_hidden: V, name: 'pred' });
  return mx.sym.SoftmaxOutput(pred, mx.sym.Reshape(label, { shape: [-1] }), { name: 'softmax', ignore_label: 0, use_ignore: true });
}

test('BucketingModule: one executor per bucket on shared weights and gradients; matches a plain Module; fit learns', () => {
  const V = 7, B = 4, sents: number[][] = [];
  for (let i = 0; i < 48; i++) { const len = 3 + (i % 3) * 2; sents.push(Array.from({ length: len }, (_, t) => 1 + ((i + t) % (V - 1)))); }
  const it = new mx.rnn.BucketSentenceIter(sents, B, { buckets: [3, 5, 7], invalidLabel: 0, seed: 2 });
  mx.random.seed(4);
  const mod = new mx.mod.BucketingModule({ symGen: (k) => [lm(k as number, V, B), ['data'], ['softmax_label']], defaultBucketKey: it.defaultBucketKey, logger: () => {} });
  mod.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel });
  mod.initParams({ initializer: new mx.init.Xavier() });
  mod.initOptimizer({ optimizer: 'adam', optimizerParams: { learning_rate: 0.05 } });
  // A length-3 batch through its own executor equals a Module bound at length 3 with the same parameters.
  const batch = it.next();
  while (batch.bucketKey !== 3) Object.assign(batch, it.next());
  mod.forward(batch, { isTrain: false });
  const got = Float32Array.from(mod.getOutputs()[0].toTypedArray());
  const ref = new mx.mod.Module({ symbol: lm(3, V, B), logger: () => {} });
  ref.bind({ dataShapes: [['data', [B, 3]]], labelShapes: [['softmax_label', [B, 3]]], forTraining: false });
  ref.setParams(...mod.getParams());
  ref.forward(batch, { isTrain: false });
  assertClose(got, ref.getOutputs()[0].toTypedArray(), 1e-6, 1e-7);
  // Gradients of a short bucket land in the shared arrays; update moves the shared weights.
  const w0 = Float32Array.from(mod.module.executor.argDict.lstm_h2h_weight.toTypedArray());
  mod.forwardBackward(batch); mod.update();
  assert.ok(mod.module.executor.gradDict.lstm_h2h_weight.toTypedArray().some((v: number) => v !== 0), 'gradient written to the shared array');
  assert.ok(mod.module.executor.argDict.lstm_h2h_weight.toTypedArray().some((v: number, i: number) => v !== w0[i]), 'weights updated');
  it.reset();
  const metric = new mx.metric.Perplexity({ ignoreLabel: 0 });
  const before = mod.score(it, metric)[0][1];
  it.reset();
  mod.fit(it, { numEpoch: 6, evalMetric: new mx.metric.Perplexity({ ignoreLabel: 0 }) });
  const after = mod.score(it, new mx.metric.Perplexity({ ignoreLabel: 0 }))[0][1];
  assert.equal(mod.bucketKeys.map(Number).sort(), [3, 5, 7]);
  assert.ok(after < before * 0.7, `perplexity ${before} -> ${after}`);
  mod.dispose();
});

test("BucketingModule: buckets run in the default bucket's arena (memory does not grow with the number of buckets)", () => {
  const V = 9, B = 3, L = 12;
  mx.random.seed(5);
  const mod = new mx.mod.BucketingModule({ symGen: (k) => [lm(k as number, V, B), ['data'], ['softmax_label']], defaultBucketKey: L, logger: () => {} });
  mod.bind({ dataShapes: [['data', [B, L]]], labelShapes: [['softmax_label', [B, L]]] });
  mod.initParams({ initializer: new mx.init.Xavier() });
  mod.initOptimizer({ optimizer: 'sgd', optimizerParams: { learning_rate: 0.1 } });
  const batch = (k: number) => ({ bucketKey: k, data: [mx.nd.array(Array.from({ length: B * k }, (_, i) => 1 + (i % (V - 1)))).reshape([B, k])], label: [mx.nd.array(Array.from({ length: B * k }, (_, i) => 1 + ((i + 1) % (V - 1)))).reshape([B, k])] });
  const batches = Array.from({ length: L - 2 }, (_, i) => batch(i + 2));
  const used = () => rt().alloc.stats().bytesInUse;
  mod.forwardBackward(batch(L) as never);
  const before = used();
  let arenas = 0, own = 0;
  const out3: Float32Array[] = [];
  for (const b of batches) {
    mod.forwardBackward(b as never);
    if (b.bucketKey === 3) out3.push(Float32Array.from(mod.getOutputs()[0].toTypedArray()));
    const exe = (mod as unknown as { cur: { exe: InstanceType<typeof mx.Executor> } }).cur.exe;
    arenas += exe.memory.arenaBytes; own += 2 * B * b.bucketKey * 4 + 256; // each bucket's own data and label arrays
  }
  const grown = used() - before;
  assert.ok(arenas > 20 * own, `the buckets' plans are large (${arenas} bytes)`);
  assert.ok(grown <= own + 16 * 1024, `memory grew by ${grown} bytes for ${batches.length} buckets (their own inputs: ${own}; their plans: ${arenas})`);
  // A bucket's numbers do not depend on what ran in the shared arena before it.
  mod.forwardBackward(batch(L) as never); mod.forward(batch(3) as never, { isTrain: true });
  assertClose(mod.getOutputs()[0].toTypedArray(), out3[0], 0, 0);
  mod.dispose();
});

test.run();
