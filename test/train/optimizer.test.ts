import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray, SIZES } from '../helpers.js';
import * as R from '../../src/reference/optim.js';
import { create, getUpdater, SGD, type Optimizer } from '../../src/optim/index.js';

type Ref = (w: Float64Array, g: Float64Array, s: Float64Array[], h: R.Hyper, t: number) => void;
interface Case { name: string; opts: Record<string, unknown>; states: number; ref: Ref }
const adamRef = (b1: number, b2: number, eps: number, decoupled = false): Ref => (w, g, s, h, t) => {
  const lrt = h.lr * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t);
  if (decoupled) R.refAdam(w, g, s[0], s[1], { ...h, lr: lrt, wd: 0 }, b1, b2, eps, h.wd);
  else R.refAdam(w, g, s[0], s[1], { ...h, lr: lrt }, b1, b2, eps);
};
// Nadam's momentum-schedule product lives on the optimizer (as MXNet's): the reference keeps it per run (reset at t = 1).
const nadamRef = (b1: number, b2: number, eps: number, decay: number): Ref => {
  let ms = 1;
  return (w, g, s, h, t) => { if (t === 1) ms = 1; ms = R.refNadam(w, g, s[0], s[1], h, b1, b2, eps, decay, t, ms); };
};
const CASES: Case[] = [
  { name: 'sgd', opts: {}, states: 0, ref: (w, g, _s, h) => R.refSgd(w, g, h) },
  { name: 'sgd', opts: { momentum: 0.9 }, states: 1, ref: (w, g, s, h) => R.refSgdMom(w, g, s[0], h, 0.9) },
  { name: 'nag', opts: { momentum: 0.9 }, states: 1, ref: (w, g, s, h) => R.refNag(w, g, s[0], h, 0.9) },
  { name: 'adam', opts: { learning_rate: 0.01 }, states: 2, ref: adamRef(0.9, 0.999, 1e-8) },
  { name: 'adamw', opts: { learning_rate: 0.01, beta1: 0.8 }, states: 2, ref: adamRef(0.8, 0.999, 1e-8, true) },
  { name: 'rmsprop', opts: { learning_rate: 0.01, clip_weights: 0.5 }, states: 1, ref: (w, g, s, h) => R.refRmsprop(w, g, s[0], h, 0.9, 1e-8, 0.5) },
  { name: 'rmsprop', opts: { learning_rate: 0.01, centered: true, gamma2: 0.8 }, states: 3, ref: (w, g, s, h) => R.refRmspropAlex(w, g, s[0], s[1], s[2], h, 0.9, 0.8, 1e-8, -1) },
  { name: 'adagrad', opts: { learning_rate: 0.1 }, states: 1, ref: (w, g, s, h) => R.refAdagrad(w, g, s[0], h, 1e-7) },
  { name: 'adadelta', opts: { rho: 0.8 }, states: 2, ref: (w, g, s, h) => R.refAdadelta(w, g, s[0], s[1], h, 0.8, 1e-5) },
  { name: 'signum', opts: { learning_rate: 0.01, wd_lh: 0.01 }, states: 1, ref: (w, g, s, h) => R.refSignum(w, g, s[0], h, 0.9, 0.01) },
  { name: 'signum', opts: { learning_rate: 0.01, momentum: 0 }, states: 1, ref: (w, g, _s, h) => R.refSignSgd(w, g, h) },
  { name: 'ftrl', opts: { learning_rate: 0.1, lamda1: 0.001 }, states: 2, ref: (w, g, s, h) => R.refFtrl(w, g, s[0], s[1], h, 0.001, 1) },
  { name: 'adamax', opts: { learning_rate: 0.05, beta2: 0.99 }, states: 2, ref: (w, g, s, h, t) => R.refAdamax(w, g, s[0], s[1], { ...h, lr: h.lr / (1 - 0.9 ** t) }, 0.9, 0.99) },
  { name: 'nadam', opts: { learning_rate: 0.1, schedule_decay: 4 }, states: 2, ref: nadamRef(0.9, 0.999, 1e-8, 4) },
  { name: 'ftml', opts: { learning_rate: 0.05, beta1: 0.5 }, states: 3, ref: (w, g, s, h, t) => R.refFtml(w, g, s[0], s[1], s[2], h, 0.5, 0.999, 1e-8, t) },
];
const GRID = [
  { rescale_grad: 1, wd: 0, clip_gradient: undefined },
  { rescale_grad: 0.5, wd: 0.03, clip_gradient: 0.3 },
  { rescale_grad: 1 / 64, wd: 0.001, clip_gradient: undefined, lr_mult: 0.5 },
];

for (const c of CASES) {
  test(`${c.name} ${JSON.stringify(c.opts)} matches MXNet's rule over 4 steps (sizes, rescale, wd, clip, lr_mult)`, () => {
    for (const gp of GRID) for (const n of [0, 1, 7, 8, 17, 1031]) {
      const o: Optimizer = create(c.name, { ...c.opts, rescale_grad: gp.rescale_grad, wd: gp.wd, clip_gradient: gp.clip_gradient, param_idx2name: { 0: 'fc_weight' } });
      if (gp.lr_mult) o.setLrMult({ fc_weight: gp.lr_mult });
      const w = mx.nd.array(randArray(n, 1)), st = o.createState(0, w);
      assert.is(st.length, c.states);
      const rw = Float64Array.from(w.data), rs = Array.from({ length: Math.max(c.states, 1) }, () => new Float64Array(n));
      const lr0 = (o as unknown as { lr: number }).lr * (gp.lr_mult ?? 1);
      for (let t = 1; t <= 4; t++) {
        const ga = randArray(n, 10 + t, -2, 2), g = mx.nd.array(ga);
        o.update(0, w, g, st);
        c.ref(rw, Float64Array.from(ga), rs, { lr: lr0, wd: gp.wd, rescale: gp.rescale_grad, clip: gp.clip_gradient ?? -1 }, t);
        assertClose(w.data, rw, 2e-4, 2e-5, `${c.name} n=${n} t=${t} ${JSON.stringify(gp)}`);
        g.dispose();
      }
      w.dispose(); st.forEach((s) => s.dispose());
    }
  });
}

test('every optimizer kernel at all SIMD sizes (HACKING.md SIZES): one step vs the reference, nothing written past n', () => {
  for (const c of CASES) for (const n of SIZES) {
    const o = create(c.name, { ...c.opts, wd: 0.01, clip_gradient: 0.5 });
    const w = mx.nd.array(randArray(n + 8, 4)), g = mx.nd.array(randArray(n + 8, 5, -2, 2));
    const wv = w.slice(0, n), gv = g.slice(0, n), st = o.createState(0, wv);
    const guard = w.data.slice(n), rw = Float64Array.from(wv.data), rs = Array.from({ length: Math.max(c.states, 1) }, () => new Float64Array(n));
    o.update(0, wv, gv, st);
    c.ref(rw, Float64Array.from(gv.data), rs, { lr: (o as unknown as { lr: number }).lr, wd: 0.01, rescale: 1, clip: 0.5 }, 1);
    assertClose(wv.data, rw, 2e-4, 2e-5, `${c.name} n=${n}`);
    assert.equal([...w.data.slice(n)], [...guard], `${c.name} n=${n}: wrote past n`);
    [w, g, ...st].forEach((a) => a.dispose());
  }
});

test('wd_mult is 0 for names not ending in _weight/_gamma; __lr_mult__/__wd_mult__ symbol attrs honoured', () => {
  const sym = { listArguments: () => ['data', 'fc_weight', 'fc_bias', 'bn_gamma'], attrDict: () => ({ fc_weight: { __lr_mult__: '0.5' }, bn_gamma: { __wd_mult__: '2' } }) };
  const o = create('sgd', { learning_rate: 0.1, wd: 0.01, sym, param_idx2name: { 0: 'fc_weight', 1: 'fc_bias', 2: 'bn_gamma' } });
  assert.is(o.getLr(0), 0.05); assert.is(o.getLr(1), 0.1);
  assert.is(o.getWd(0), 0.01); assert.is(o.getWd(1), 0); assert.is(o.getWd(2), 0.02);
});

test('scheduler drives lr by num_update (max over indices); Adam default lr overrides the scheduler base', () => {
  const s = new mx.lrScheduler.FactorScheduler({ step: 2, factor: 0.5, base_lr: 1 });
  const o = new SGD({ lr_scheduler: s });
  const w = mx.nd.ones([4]), g = mx.nd.ones([4]);
  const lrs: number[] = [];
  for (let i = 0; i < 6; i++) { o.update(0, w, g, []); lrs.push(o.learningRate); }
  assert.equal(lrs, [1, 1, 0.5, 0.5, 0.25, 0.25]);
  assert.is(create('adam', { lr_scheduler: new mx.lrScheduler.FactorScheduler({ step: 2 }) }).lr, 0.001);
  assert.throws(() => o.setLearningRate(0.1), /LRScheduler/);
});

test('updater keeps states per index; getStates/setStates round trip', () => {
  const o = create('adam', { learning_rate: 0.1 });
  const up = getUpdater(o);
  const w = mx.nd.array(randArray(9, 2)), w2 = mx.nd.array(randArray(9, 2));
  up(0, mx.nd.ones([9]), w); up(0, mx.nd.ones([9]), w);
  const blob = up.getStates();
  const up2 = getUpdater(create('adam', { learning_rate: 0.1 }));
  up2(0, mx.nd.ones([9]), w2); up2(0, mx.nd.ones([9]), w2);
  up2.setStates(blob);
  up(0, mx.nd.array(randArray(9, 5)), w); up2(0, mx.nd.array(randArray(9, 5)), w2);
  assertClose(w2.data, w.data, 0, 0);
  assert.throws(() => create('nope'), /Cannot find optimizer nope/);
});

test.run();
