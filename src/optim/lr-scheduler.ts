// Learning-rate schedulers (mx.lr_scheduler), MXNet 1.9's exact sequences, warm-up included.
import { ArgumentError } from '../errors.js';
import { normOpts, type Opts } from '../util/options.js';

export interface SchedulerOptions { baseLr?: number; warmupSteps?: number; warmupBeginLr?: number; warmupMode?: 'linear' | 'constant' }

/**
 * Base scheduler: `call(numUpdate)` gives the learning rate for that update count.
 * @example const s = new mx.lrScheduler.FactorScheduler({ step: 100, factor: 0.5 }); s.call(250) // 0.0025
 */
export abstract class LRScheduler {
  baseLr: number;
  readonly warmupSteps: number;
  readonly warmupBeginLr: number;
  readonly warmupFinalLr: number;
  readonly warmupMode: string;
  constructor(o: Opts<SchedulerOptions> = {}) {
    const p = normOpts<SchedulerOptions>(o);
    this.baseLr = p.baseLr ?? 0.01;
    this.warmupSteps = p.warmupSteps ?? 0;
    this.warmupBeginLr = p.warmupBeginLr ?? 0;
    this.warmupFinalLr = this.baseLr;
    this.warmupMode = p.warmupMode ?? 'linear';
    if (this.warmupBeginLr > this.warmupFinalLr) throw new ArgumentError('Base lr has to be higher than warmup_begin_lr');
    if (this.warmupSteps < 0) throw new ArgumentError('Warmup steps has to be positive or 0');
    if (!['linear', 'constant'].includes(this.warmupMode)) throw new ArgumentError("Supports only linear and constant modes of warmup");
  }
  /** Learning rate during warm-up. @example s.getWarmupLr(3) */
  getWarmupLr(numUpdate: number): number {
    if (this.warmupMode === 'linear') return this.warmupBeginLr + (this.warmupFinalLr - this.warmupBeginLr) * numUpdate / this.warmupSteps;
    return this.warmupBeginLr;
  }
  /** Learning rate for update count `numUpdate` (MXNet's `__call__`). @example s.call(10) */
  abstract call(numUpdate: number): number;
}

/**
 * lr *= factor every `step` updates (floored at stopFactorLr).
 * @example new FactorScheduler({ step: 2, factor: 0.9, baseLr: 1 }).call(3) // 0.9
 */
export class FactorScheduler extends LRScheduler {
  readonly step: number; readonly factor: number; readonly stopFactorLr: number; count = 0;
  constructor(o: Opts<SchedulerOptions & { step: number; factor: number; stopFactorLr: number }>) {
    super(o);
    const p = normOpts<{ step: number; factor?: number; stopFactorLr?: number }>(o);
    if (!(p.step >= 1)) throw new ArgumentError('Schedule step must be greater or equal than 1 round');
    if ((p.factor ?? 1) > 1) throw new ArgumentError('Factor must be no more than 1 to make lr reduce');
    this.step = p.step; this.factor = p.factor ?? 1; this.stopFactorLr = p.stopFactorLr ?? 1e-8;
  }
  call(numUpdate: number): number {
    if (numUpdate < this.warmupSteps) return this.getWarmupLr(numUpdate);
    while (numUpdate > this.count + this.step) {
      this.count += this.step;
      this.baseLr *= this.factor;
      if (this.baseLr < this.stopFactorLr) this.baseLr = this.stopFactorLr;
    }
    return this.baseLr;
  }
}

/**
 * lr *= factor when numUpdate passes each of `step` (increasing list).
 * @example new MultiFactorScheduler({ step: [5, 10], factor: 0.1, baseLr: 1 }).call(7) // 0.1
 */
export class MultiFactorScheduler extends LRScheduler {
  readonly step: number[]; readonly factor: number; curStepInd = 0; count = 0;
  constructor(o: Opts<SchedulerOptions & { step: number[]; factor: number }>) {
    super(o);
    const p = normOpts<{ step: number[]; factor?: number }>(o);
    if (!Array.isArray(p.step) || p.step.length < 1) throw new ArgumentError('step must be a non-empty list');
    p.step.forEach((s, i) => {
      if (i > 0 && s <= p.step[i - 1]) throw new ArgumentError('Schedule step must be an increasing integer list');
      if (s < 1) throw new ArgumentError('Schedule step must be greater or equal than 1 round');
    });
    if ((p.factor ?? 1) > 1) throw new ArgumentError('Factor must be no more than 1 to make lr reduce');
    this.step = p.step; this.factor = p.factor ?? 1;
  }
  call(numUpdate: number): number {
    if (numUpdate < this.warmupSteps) return this.getWarmupLr(numUpdate);
    while (this.curStepInd <= this.step.length - 1) {
      if (numUpdate > this.step[this.curStepInd]) {
        this.count = this.step[this.curStepInd]; this.curStepInd++; this.baseLr *= this.factor;
      } else return this.baseLr;
    }
    return this.baseLr;
  }
}

/**
 * Polynomial decay from baseLr to finalLr over maxUpdate updates.
 * @example new PolyScheduler({ maxUpdate: 10, baseLr: 1, pwr: 2 }).call(5) // 0.25
 */
export class PolyScheduler extends LRScheduler {
  readonly power: number; readonly baseLrOrig: number; readonly maxUpdate: number; readonly finalLr: number; readonly maxSteps: number;
  constructor(o: Opts<SchedulerOptions & { maxUpdate: number; pwr: number; finalLr: number }>) {
    super(o);
    const p = normOpts<{ maxUpdate: number; pwr?: number; finalLr?: number }>(o);
    if (!(p.maxUpdate >= 1)) throw new ArgumentError('maximum number of updates must be strictly positive');
    this.power = p.pwr ?? 2; this.baseLrOrig = this.baseLr; this.maxUpdate = p.maxUpdate; this.finalLr = p.finalLr ?? 0;
    this.maxSteps = this.maxUpdate - this.warmupSteps;
  }
  call(numUpdate: number): number {
    if (numUpdate < this.warmupSteps) return this.getWarmupLr(numUpdate);
    if (numUpdate <= this.maxUpdate) {
      this.baseLr = this.finalLr + (this.baseLrOrig - this.finalLr) * Math.pow(1 - (numUpdate - this.warmupSteps) / this.maxSteps, this.power);
    }
    return this.baseLr;
  }
}

/**
 * Cosine decay from baseLr to finalLr over maxUpdate updates.
 * @example new CosineScheduler({ maxUpdate: 10, baseLr: 1 }).call(5) // 0.5
 */
export class CosineScheduler extends LRScheduler {
  readonly baseLrOrig: number; readonly maxUpdate: number; readonly finalLr: number; readonly maxSteps: number;
  constructor(o: Opts<SchedulerOptions & { maxUpdate: number; finalLr: number }>) {
    super(o);
    const p = normOpts<{ maxUpdate: number; finalLr?: number }>(o);
    if (!(p.maxUpdate >= 1)) throw new ArgumentError('maximum number of updates must be strictly positive');
    this.baseLrOrig = this.baseLr; this.maxUpdate = p.maxUpdate; this.finalLr = p.finalLr ?? 0;
    this.maxSteps = this.maxUpdate - this.warmupSteps;
  }
  call(numUpdate: number): number {
    if (numUpdate < this.warmupSteps) return this.getWarmupLr(numUpdate);
    if (numUpdate <= this.maxUpdate) {
      this.baseLr = this.finalLr + (this.baseLrOrig - this.finalLr) * (1 + Math.cos(Math.PI * (numUpdate - this.warmupSteps) / this.maxSteps)) / 2;
    }
    return this.baseLr;
  }
}
