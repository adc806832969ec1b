import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose } from '../helpers.js';

const A = (x: unknown) => mx.nd.array(x as number[]);

test('acc: pred [[0.3,0.7],[0,1],[0.4,0.6]] label [0,1,1] -> 2/3; 2-D label; by name', () => {
  const m = mx.metric.create('acc');
  m.update([A([0, 1, 1])], [A([[0.3, 0.7], [0, 1], [0.4, 0.6]])]);
  assert.equal(m.get(), ['accuracy', 2 / 3]);
  const m2 = new mx.metric.Accuracy();
  m2.update([A([[0, 1], [1, 0]])], [A([[0, 1], [1, 1]])]);
  assert.is(m2.get()[1], 0.75);
  assert.throws(() => m.update([A([0, 1])], [A([[0.3, 0.7], [0, 1], [0.4, 0.6]])]), /does not match/);
});

test('nll_loss / ce: -(log 0.5 + log 0.1)/2 exactly as MXNet', () => {
  const pred = A([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]), label = A([2, 1]);
  for (const n of ['nll_loss', 'ce']) {
    const m = mx.metric.create(n); m.update([label], [pred]);
    assertClose([m.get()[1] as number], [-(Math.log(0.5 + 1e-12) + Math.log(0.1 + 1e-12)) / 2], 1e-6, 0);
  }
});

test('perplexity exp(-mean log p); ignore_label', () => {
  const pred = A([[0.8, 0.2], [0.2, 0.8], [0, 1]]), label = A([0, 1, 1]);
  const m = mx.metric.create('perplexity');
  m.update([label], [pred]);
  const p = [0.8, 0.8, 1].map((x) => Math.fround(x));
  assertClose([m.get()[1] as number], [Math.exp(-p.reduce((s, x) => s + Math.log(x), 0) / 3)], 1e-6, 0);
  const mi = new mx.metric.Perplexity({ ignore_label: 1 });
  mi.update([label], [pred]);
  assertClose([mi.get()[1] as number], [1 / Math.fround(0.8)], 1e-6, 0);
});

test('top_k_accuracy, mae/mse/rmse (mean of batch means), loss, pearsonr', () => {
  const t = new mx.metric.TopKAccuracy({ top_k: 2 });
  t.update([A([2, 0, 1])], [A([[0.1, 0.5, 0.4], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])]);
  assert.is(t.get()[1], 2 / 3); assert.is(t.name, 'top_k_accuracy_2');
  const mse = mx.metric.create('mse'), mae = mx.metric.create('mae'), rmse = mx.metric.create('rmse');
  for (const m of [mse, mae, rmse]) { m.update([A([1, 2])], [A([1, 4])]); m.update([A([0, 0, 0, 0])], [A([1, 1, 1, 1])]); }
  assert.is(mse.get()[1], (2 + 1) / 2); assert.is(mae.get()[1], (1 + 1) / 2); assertClose([rmse.get()[1] as number], [(Math.sqrt(2) + 1) / 2]);
  const l = mx.metric.create('loss'); l.update([], [A([1, 2, 3])]); assert.is(l.get()[1], 2);
  const pr = mx.metric.create('pearsonr'); pr.update([A([1, 2, 3, 4])], [A([2, 4, 6, 8.5])]);
  assert.ok((pr.get()[1] as number) > 0.99);
});

test('f1 / mcc binary, macro vs micro; non-binary label rejected', () => {
  const pred = A([[0.3, 0.7], [0.8, 0.2], [0.4, 0.6], [0.1, 0.9]]), label = A([1, 0, 0, 1]);
  const f = mx.metric.create('f1'); f.update([label], [pred]);
  // tp 2, fp 1, fn 0: precision 2/3, recall 1 -> f1 0.8
  assertClose([f.get()[1] as number], [0.8]);
  const m = mx.metric.create('mcc'); m.update([label], [pred]);
  assertClose([m.get()[1] as number], [(2 * 1 - 1 * 0) / Math.sqrt(3 * 2 * 1 * 2)]);
  const micro = new mx.metric.F1({ average: 'micro' });
  micro.update([label], [pred]); micro.update([A([1])], [A([[0.9, 0.1]])]);
  assertClose([micro.get()[1] as number], [2 * (2 / 3) * (2 / 3) / (4 / 3)]);
  assert.throws(() => f.update([A([2, 0, 0, 1])], [pred]), /binary/);
});

test('global vs local: resetLocal keeps the global sums; composite; custom', () => {
  const m = mx.metric.create('acc');
  m.update([A([0, 1])], [A([[1, 0], [1, 0]])]);
  m.resetLocal();
  m.update([A([0, 1])], [A([[1, 0], [0, 1]])]);
  assert.is(m.get()[1], 1); assert.is(m.getGlobal()[1], 0.75);
  m.reset(); assert.ok(Number.isNaN(m.get()[1] as number));
  const c = mx.metric.create(['acc', 'ce']);
  c.update([A([0, 1])], [A([[0.9, 0.1], [0.2, 0.8]])]);
  assert.equal(c.getNameValue().map((x) => x[0]), ['accuracy', 'cross-entropy']);
  const cu = mx.metric.np((l, p) => l.d.length + p.d.length, 'cnt');
  cu.update([A([0, 1])], [A([[1, 0], [0, 1]])]);
  assert.equal(cu.get(), ['cnt', 6]);
});

test.run();
