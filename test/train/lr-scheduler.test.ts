import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose } from '../helpers.js';

const S = () => mx.lrScheduler;
const seq = (s: { call(n: number): number }, ns: number[]) => ns.map((n) => s.call(n));

test('FactorScheduler: MXNet test_factor_scheduler sequence, floor at stop_factor_lr, warmup', () => {
  const s = new (S().FactorScheduler)({ step: 2, factor: 0.5, base_lr: 1, stop_factor_lr: 0.1 });
  assert.equal(seq(s, [1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.1]);
  const w = new (S().FactorScheduler)({ step: 5, factor: 0.5, base_lr: 1, warmup_steps: 4, warmup_begin_lr: 0.2 });
  assertClose(seq(w, [0, 1, 2, 3, 4, 9, 10]), [0.2, 0.4, 0.6, 0.8, 1, 0.5, 0.5], 1e-12, 1e-12);
  const c = new (S().FactorScheduler)({ step: 5, base_lr: 1, warmup_steps: 4, warmup_begin_lr: 0.2, warmup_mode: 'constant' });
  assert.equal(seq(c, [0, 3, 4]), [0.2, 0.2, 1]);
});

test('MultiFactorScheduler: steps [5, 10], factor 0.1', () => {
  const s = new (S().MultiFactorScheduler)({ step: [5, 10], factor: 0.1, base_lr: 1 });
  assertClose(seq(s, [1, 5, 6, 10, 11, 20]), [1, 1, 0.1, 0.1, 0.01, 0.01], 1e-12, 1e-15);
  assert.throws(() => new (S().MultiFactorScheduler)({ step: [5, 3] }), /increasing/);
});

test('PolyScheduler and CosineScheduler sequences (with warmup)', () => {
  const p = new (S().PolyScheduler)({ max_update: 10, base_lr: 1, pwr: 2 });
  assertClose(seq(p, [0, 5, 10, 12]), [1, 0.25, 0, 0], 1e-12, 1e-12);
  const pw = new (S().PolyScheduler)({ max_update: 12, base_lr: 1, pwr: 1, final_lr: 0.1, warmup_steps: 2 });
  assertClose(seq(pw, [1, 2, 7, 12]), [0.5, 1, 0.55, 0.1], 1e-12, 1e-12);
  const c = new (S().CosineScheduler)({ max_update: 10, base_lr: 1, final_lr: 0 });
  assertClose(seq(c, [0, 5, 10, 11]), [1, 0.5, 0, 0], 1e-12, 1e-12);
  const cw = new (S().CosineScheduler)({ max_update: 6, base_lr: 2, warmup_steps: 2 });
  assertClose(seq(cw, [1, 2, 4, 6]), [1, 2, 1, 0], 1e-12, 1e-12);
});

test.run();
