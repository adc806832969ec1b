// Embedding sparse_grad: the weight gradient equals the dense one, only the touched rows are written (poisoned
// rows stay), the row set follows the buffer (executors sharing it, autograd's copy into a parameter), and the
// optimizers' lazy update (MXNet's lazy_update for sgd / adam) changes only those rows and their states.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose } from '../helpers.js';
import { rowSet, setRowSet } from '../../src/runtime/row-sparse.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const V = 11, D = 5;
const flat = (a: NDArray) => Array.from(a.toTypedArray() as Float32Array);
const rowsOf = (a: NDArray) => Array.from(rowSet(a.byteOffset, a.nbytes) ?? []);

/** An executor of Embedding over `n` indices whose gradient goes into `grad`, with the output gradient fixed. */
function bindEmb(sparse: boolean, n: number, w: NDArray, grad: NDArray) {
  const y = mx.sym.Embedding(mx.sym.Variable('data'), mx.sym.Variable('w'), { input_dim: V, output_dim: D, sparse_grad: sparse });
  const exe = y.bind({ args: { data: mx.nd.zeros([n]), w }, argsGrad: { w: grad }, gradReq: { data: 'null', w: 'write' } });
  return (idx: number[], seed: number) => {
    exe.forward({ isTrain: true, data: mx.nd.array(idx) });
    exe.backward([mx.nd.array(randArray(n * D, seed))]);
  };
}

test('sparse_grad: the gradient equals the dense one; rows not touched now or last time are never written', () => {
  const w = mx.nd.array(randArray(V * D, 1)).reshape([V, D]);
  const gs = mx.nd.zeros([V, D]), gd = mx.nd.zeros([V, D]);
  const sparse = bindEmb(true, 6, w, gs), dense = bindEmb(false, 6, w, gd);
  const A = [3, 3, -2, 1e9, 2.7, 4], B = [7, 1, 7, 0.2, 9, 9]; // duplicates, clipping (-2 -> 0, 1e9 -> 10, 2.7 -> 2)
  sparse(A, 5); dense(A, 5);
  assertClose(flat(gs), flat(gd), 0, 0, 'first backward');
  assert.equal(rowsOf(gs), [0, 2, 3, 4, 10]);
  const poison = new Set([5, 6, 8]); // rows in neither A nor B
  const g = gs.toTypedArray() as Float32Array;
  for (const r of poison) g.fill(777, r * D, (r + 1) * D);
  gs.set(g);
  sparse(B, 6); dense(B, 6);
  const got = flat(gs), want = flat(gd);
  for (let r = 0; r < V; r++) {
    const row = got.slice(r * D, (r + 1) * D);
    if (poison.has(r)) assert.equal(row, Array(D).fill(777), `row ${r} was written`);
    else assertClose(row, want.slice(r * D, (r + 1) * D), 0, 0, `row ${r}`);
  }
  assert.equal(rowsOf(gs), [0, 1, 7, 9]);
});

test('the row set belongs to the buffer: executors sharing one gradient array (bucketing) stay exact', () => {
  const w = mx.nd.array(randArray(V * D, 2)).reshape([V, D]);
  const gs = mx.nd.zeros([V, D]), gd = mx.nd.zeros([V, D]);
  const long = bindEmb(true, 6, w, gs), short = bindEmb(true, 2, w, gs), dShort = bindEmb(false, 2, w, gd);
  long([1, 2, 3, 4, 5, 6], 1); short([0, 0], 2); // the short one was bound fresh: it zeroes everything once
  short([8, 9], 3); long([1, 2, 3, 4, 5, 6], 4); short([10, 3], 5); dShort([10, 3], 5);
  assertClose(flat(gs), flat(gd), 0, 0, 'after alternating executors');
  assert.equal(rowsOf(gs), [3, 10]);
  const freed = mx.nd.zeros([V, D]), off = freed.byteOffset;
  setRowSet(off, freed.nbytes, Int32Array.of(1));
  freed.dispose();
  assert.is(rowSet(off, V * D * 4), undefined, 'freeing the block forgets its rows');
});

test('autograd: the parameter gradient carries the row set; gluon Embedding(sparseGrad) with a Trainer updates only those rows', () => {
  for (const hybrid of [false, true]) for (const [opt, params] of [['sgd', { learning_rate: 0.1, momentum: 0.9, wd: 0.1 }], ['adam', { learning_rate: 0.1, wd: 0.1 }]] as const) {
    const emb = new mx.gluon.nn.Embedding(V, D, { sparseGrad: true });
    emb.initialize();
    if (hybrid) emb.hybridize();
    const p = emb.collectParams().values()[0];
    const trainer = new mx.gluon.Trainer(emb.collectParams(), opt, params);
    const step = (idx: number[]) => {
      const x = mx.nd.array(idx);
      mx.autograd.record(() => mx.nd.sum(emb.forward(x) as NDArray)).backward();
      trainer.step(1);
    };
    const w0 = flat(p.data());
    step([2, 5, 5]);
    assert.equal(rowsOf(p.grad()), [2, 5], `${opt} hybrid=${hybrid}`);
    step([7]);
    const w1 = flat(p.data());
    for (let r = 0; r < V; r++) {
      const same = w1.slice(r * D, (r + 1) * D).every((v, j) => v === w0[r * D + j]);
      assert.is(same, ![2, 5, 7].includes(r), `${opt} hybrid=${hybrid} row ${r} ${same ? 'unchanged' : 'changed'}`);
    }
    emb.zeroGrad(); // a zeroed sparse gradient has no rows: a lazy step moves nothing
    assert.equal(rowsOf(p.grad()), []);
    trainer.step(1);
    assert.equal(flat(p.data()), w1);
  }
});

test('lazy update == the dense update on the touched rows; other rows and states untouched; lazy_update false is dense', () => {
  for (const [name, o] of [['sgd', { momentum: 0.9 }], ['sgd', {}], ['adam', {}]] as const) for (const lazy of [true, false]) {
    const mk = (l: boolean) => mx.optimizer.create(name, { learning_rate: 0.05, wd: 0.2, rescale_grad: 0.5, lazy_update: l, ...o });
    const w = mx.nd.array(randArray(V * D, 3)).reshape([V, D]), wRef = w.copy();
    const g = mx.nd.array(randArray(V * D, 4)).reshape([V, D]);
    const touched = [1, 2, 3, 8];
    const gv = g.toTypedArray() as Float32Array;
    for (let r = 0; r < V; r++) if (!touched.includes(r)) gv.fill(0, r * D, (r + 1) * D);
    g.set(gv);
    const gRef = g.copy();
    setRowSet(g.byteOffset, g.nbytes, Int32Array.from(touched));
    const opt = mk(lazy), ref = mk(false);
    const s = opt.createState(0, w), sr = ref.createState(0, wRef);
    for (let k = 0; k < 2; k++) { opt.update(0, w, g, s); ref.update(0, wRef, gRef, sr); }
    const a = flat(w), b = flat(wRef), w0 = Array.from(randArray(V * D, 3));
    for (let r = 0; r < V; r++) {
      const sl = (x: number[]) => x.slice(r * D, (r + 1) * D);
      if (!lazy || touched.includes(r)) assertClose(sl(a), sl(b), 1e-6, 1e-7, `${name} lazy=${lazy} row ${r}`);
      else {
        assertClose(sl(a), sl(w0), 0, 0, `${name} lazy row ${r} must not move`);
        for (const st of s) assert.ok(sl(flat(st)).every((v) => v === 0), `${name} state row ${r} untouched`);
      }
    }
    if (lazy) assert.not.equal(a, b, 'wd on untouched rows is what lazy skips');
  }
});

test.run();
