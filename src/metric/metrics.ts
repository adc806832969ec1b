// The metrics (MXNet 1.9 mx.metric), with its exact update rules (API.md table).
import { ArgumentError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { normOpts, type Opts } from '../util/options.js';
import { EvalMetric, argmaxRows, checkCount, hostList, metricRegistry, registerMetric, type Host, type MetricInput } from './base.js';

type Names = Opts<{ name: string; outputNames: string[] | null; labelNames: string[] | null }>;
const o = <T>(x: unknown) => normOpts<T & Names>(x);
const pairs = (labels: MetricInput, preds: MetricInput): [Host, Host][] => {
  const l = hostList(labels), p = hostList(preds); checkCount(l, p); return l.map((x, i) => [x, p[i]]);
};

/** Fraction of argmax(pred, axis) equal to label. @example new mx.metric.Accuracy() */
export class Accuracy extends EvalMetric {
  readonly axis: number;
  constructor(opts: Names & { axis?: number } = {}) { const p = o<{ axis?: number }>(opts); super(p.name ?? 'accuracy', p.outputNames, p.labelNames, { axis: p.axis ?? 1 }); this.axis = p.axis ?? 1; }
  update(labels: MetricInput, preds: MetricInput): void {
    for (const [l, p] of pairs(labels, preds)) {
      const pl = p.shape.join(',') !== l.shape.join(',') ? argmaxRows(p, this.axis) : p.d;
      if (pl.length !== l.d.length) throw new ShapeError(`Shape of labels ${l.d.length} does not match shape of predictions ${pl.length}`);
      let c = 0;
      for (let i = 0; i < pl.length; i++) if (Math.trunc(pl[i]) === Math.trunc(l.d[i])) c++;
      this.add(c, pl.length);
    }
  }
}

/** Label among the k highest predictions. @example new mx.metric.TopKAccuracy({ top_k: 5 }) */
export class TopKAccuracy extends EvalMetric {
  readonly topK: number;
  constructor(opts: Names & { topK?: number } = {}) {
    const p = o<{ topK?: number }>(opts), k = p.topK ?? 1;
    if (k <= 1) throw new ArgumentError('Please use Accuracy if top_k is no more than 1');
    super(`${p.name ?? 'top_k_accuracy'}_${k}`, p.outputNames, p.labelNames, { top_k: k }); this.topK = k;
  }
  update(labels: MetricInput, preds: MetricInput): void {
    for (const [l, p] of pairs(labels, preds)) {
      if (p.shape.length > 2) throw new ShapeError('Predictions should be no more than 2 dims');
      const n = p.shape[0], c = p.shape.length === 2 ? p.shape[1] : 1;
      let hit = 0;
      for (let i = 0; i < n; i++) {
        if (c === 1) { if (p.d[i] === l.d[i]) hit++; continue; }
        const y = Math.trunc(l.d[i]), v = p.d[i * c + y];
        let above = 0;
        for (let j = 0; j < c; j++) if (p.d[i * c + j] > v) above++;
        if (above < Math.min(this.topK, c)) hit++;
      }
      this.add(hit, n);
    }
  }
}

/** Binary confusion counts from argmax(pred, 1) vs 0/1 labels. */
class Binary {
  tp = 0; fp = 0; fn = 0; tn = 0; gtp = 0; gfp = 0; gfn = 0; gtn = 0;
  update(l: Host, p: Host, who: string): void {
    const pl = argmaxRows(p, 1);
    if (pl.length !== l.d.length) throw new ShapeError(`Shape of labels ${l.d.length} does not match shape of predictions ${pl.length}`);
    for (let i = 0; i < pl.length; i++) {
      const y = l.d[i], q = pl[i];
      if (y !== 0 && y !== 1) throw new ArgumentError(`${who} currently only supports binary classification.`);
      if (q === 1 && y === 1) { this.tp++; this.gtp++; } else if (q === 1) { this.fp++; this.gfp++; } else if (y === 1) { this.fn++; this.gfn++; } else { this.tn++; this.gtn++; }
    }
  }
  static f1(tp: number, fp: number, fn: number): number {
    const pr = tp + fp > 0 ? tp / (tp + fp) : 0, rc = tp + fn > 0 ? tp / (tp + fn) : 0;
    return pr + rc > 0 ? 2 * pr * rc / (pr + rc) : 0;
  }
  static mcc(tp: number, fp: number, fn: number, tn: number): number {
    let den = 1;
    for (const t of [tp + fp, tp + fn, tn + fp, tn + fn]) if (t !== 0) den *= t;
    return (tp * tn - fp * fn) / Math.sqrt(den);
  }
  resetLocal(): void { this.tp = this.fp = this.fn = this.tn = 0; }
  reset(): void { this.resetLocal(); this.gtp = this.gfp = this.gfn = this.gtn = 0; }
}

abstract class BinaryMetric extends EvalMetric {
  protected readonly m = new Binary();
  readonly average: string;
  constructor(def: string, opts: Names & { average?: string }) {
    const p = o<{ average?: string }>(opts);
    super(p.name ?? def, p.outputNames, p.labelNames, { average: p.average ?? 'macro' }); this.average = p.average ?? 'macro';
  }
  protected abstract score(g: boolean): number;
  update(labels: MetricInput, preds: MetricInput): void {
    for (const [l, p] of pairs(labels, preds)) this.m.update(l, p, this.name);
    if (this.average === 'macro') { this.add(0, 1); this.sumMetric += this.score(false); this.globalSumMetric += this.score(true); this.m.resetLocal(); }
    else {
      const n = this.m.tp + this.m.fp + this.m.fn + this.m.tn, gn = this.m.gtp + this.m.gfp + this.m.gfn + this.m.gtn;
      this.sumMetric = this.score(false) * n; this.numInst = n; this.globalSumMetric = this.score(true) * gn; this.globalNumInst = gn;
    }
  }
  reset(): void { super.reset(); this.m.reset(); }
  resetLocal(): void { super.resetLocal(); this.m.resetLocal(); }
}
/** Binary F1 (macro: mean of per-batch F1; micro: from global counts). @example new mx.metric.F1({ average: 'micro' }) */
export class F1 extends BinaryMetric {
  constructor(opts: Names & { average?: string } = {}) { super('f1', opts); }
  protected score(g: boolean): number { const m = this.m; return g ? Binary.f1(m.gtp, m.gfp, m.gfn) : Binary.f1(m.tp, m.fp, m.fn); }
}
/** Binary Matthews correlation coefficient. @example new mx.metric.MCC() */
export class MCC extends BinaryMetric {
  constructor(opts: Names & { average?: string } = {}) { super('mcc', opts); }
  protected score(g: boolean): number { const m = this.m; return g ? Binary.mcc(m.gtp, m.gfp, m.gfn, m.gtn) : Binary.mcc(m.tp, m.fp, m.fn, m.tn); }
}

/** exp(mean -log p[label]) with optional ignore_label; pick along `axis` (default last). @example new mx.metric.Perplexity({ ignore_label: null }) */
export class Perplexity extends EvalMetric {
  readonly ignoreLabel: number | null; readonly axis: number;
  constructor(opts: Names & { ignoreLabel?: number | null; axis?: number } = {}) {
    const p = o<{ ignoreLabel?: number | null; axis?: number }>(opts);
    super(p.name ?? 'perplexity', p.outputNames, p.labelNames, { ignore_label: p.ignoreLabel ?? null, axis: p.axis ?? -1 });
    this.ignoreLabel = p.ignoreLabel ?? null; this.axis = p.axis ?? -1;
  }
  update(labels: MetricInput, preds: MetricInput): void {
    let loss = 0, num = 0;
    for (const [l, p] of pairs(labels, preds)) {
      const ax = this.axis < 0 ? this.axis + p.shape.length : this.axis, c = p.shape[ax];
      const inner = p.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
      if (l.d.length !== p.d.length / c) throw new ShapeError(`Perplexity: label size ${l.d.length} != pred size / classes ${p.d.length / c}`);
      for (let i = 0; i < l.d.length; i++) {
        const y = l.d[i];
        if (this.ignoreLabel !== null && y === this.ignoreLabel) { continue; }
        const oi = Math.floor(i / inner), ii = i % inner;
        const yi = Math.min(Math.max(Math.trunc(y), 0), c - 1);
        loss -= Math.log(Math.max(1e-10, p.d[(oi * c + yi) * inner + ii]));
        num++;
      }
    }
    this.add(loss, num);
  }
  get(): [string, number] { return [this.name, this.numInst === 0 ? NaN : Math.exp(this.sumMetric / this.numInst)]; }
  getGlobal(): [string, number] { return [this.name, this.globalNumInst === 0 ? NaN : Math.exp(this.globalSumMetric / this.globalNumInst)]; }
}

abstract class Regression extends EvalMetric {
  constructor(def: string, opts: Names) { const p = o<object>(opts); super(p.name ?? def, p.outputNames, p.labelNames); }
  protected abstract batch(l: Float64Array, p: Float64Array): number;
  update(labels: MetricInput, preds: MetricInput): void {
    for (const [l, p] of pairs(labels, preds)) {
      if (l.d.length !== p.d.length) throw new ShapeError(`Shape of labels ${l.d.length} does not match shape of predictions ${p.d.length}`);
      this.add(this.batch(l.d, p.d), 1);
    }
  }
}
const meanOf = (l: Float64Array, p: Float64Array, f: (x: number) => number) => { let s = 0; for (let i = 0; i < l.length; i++) s += f(l[i] - p[i]); return s / l.length; };
/** Mean absolute error, averaged over batches. @example new mx.metric.MAE() */
export class MAE extends Regression { constructor(opts: Names = {}) { super('mae', opts); } protected batch(l: Float64Array, p: Float64Array) { return meanOf(l, p, Math.abs); } }
/** Mean squared error, averaged over batches. @example new mx.metric.MSE() */
export class MSE extends Regression { constructor(opts: Names = {}) { super('mse', opts); } protected batch(l: Float64Array, p: Float64Array) { return meanOf(l, p, (x) => x * x); } }
/** Root mean squared error per batch, averaged over batches. @example new mx.metric.RMSE() */
export class RMSE extends Regression { constructor(opts: Names = {}) { super('rmse', opts); } protected batch(l: Float64Array, p: Float64Array) { return Math.sqrt(meanOf(l, p, (x) => x * x)); } }

/** Mean -log(p[label] + eps) per sample. @example new mx.metric.CrossEntropy() */
export class CrossEntropy extends EvalMetric {
  readonly eps: number;
  constructor(opts: Names & { eps?: number } = {}, def = 'cross-entropy') { const p = o<{ eps?: number }>(opts); super(p.name ?? def, p.outputNames, p.labelNames, { eps: p.eps ?? 1e-12 });
    this.eps = p.eps ?? 1e-12; }
  update(labels: MetricInput, preds: MetricInput): void {
    for (const [l, p] of pairs(labels, preds)) {
      const n = l.d.length;
      if (n !== p.shape[0]) throw new ShapeError(`label count ${n} != prediction rows ${p.shape[0]}`);
      const c = p.d.length / n;
      let s = 0;
      for (let i = 0; i < n; i++) s += -Math.log(p.d[i * c + Math.trunc(l.d[i])] + this.eps);
      this.add(s, n);
    }
  }
}
/** Same formula as CrossEntropy, named nll-loss. @example new mx.metric.NegativeLogLikelihood() */
export class NegativeLogLikelihood extends CrossEntropy { constructor(opts: Names & { eps?: number } = {}) { super(opts, 'nll-loss'); } }

/** Pearson correlation of pred and label, averaged over batches (macro). @example new mx.metric.PearsonCorrelation() */
export class PearsonCorrelation extends EvalMetric {
  constructor(opts: Names = {}) { const p = o<object>(opts); super(p.name ?? 'pearsonr', p.outputNames, p.labelNames); }
  update(labels: MetricInput, preds: MetricInput): void {
    for (const [l, p] of pairs(labels, preds)) {
      const n = l.d.length; let ml = 0, mp = 0;
      for (let i = 0; i < n; i++) { ml += l.d[i]; mp += p.d[i]; }
      ml /= n; mp /= n;
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < n; i++) { const a = p.d[i] - mp, b = l.d[i] - ml; sxy += a * b; sxx += a * a; syy += b * b; }
      this.add(sxy / Math.sqrt(sxx * syy), 1);
    }
  }
}

/** Sum of the prediction values per element (for MakeLoss outputs); labels ignored. @example new mx.metric.Loss() */
export class Loss extends EvalMetric {
  constructor(opts: Names = {}) { const p = o<object>(opts); super(p.name ?? 'loss', p.outputNames, p.labelNames); }
  update(_labels: MetricInput, preds: MetricInput): void { for (const p of hostList(preds)) { let s = 0; for (const v of p.d) s += v; this.add(s, p.d.length); } }
}

/** A metric from a function `feval(label, pred)` -> value or [sum, count]. @example new mx.metric.CustomMetric((l, p) => 0, 'zero') */
export class CustomMetric extends EvalMetric {
  constructor(readonly feval: (label: NDArray | Host, pred: NDArray | Host) => number | [number, number], name?: string,
    readonly allowExtraOutputs = false) { super(name ?? (feval.name || 'custom')); }
  update(labels: MetricInput, preds: MetricInput): void {
    for (const [l, p] of pairs(labels, preds)) {
      const r = this.feval(l, p);
      if (Array.isArray(r)) this.add(r[0], r[1]); else this.add(r, 1);
    }
  }
}

/** Several metrics updated together; get() gives lists. @example new mx.metric.CompositeEvalMetric([new mx.metric.Accuracy(), new mx.metric.CrossEntropy()]) */
export class CompositeEvalMetric extends EvalMetric {
  readonly metrics: EvalMetric[];
  constructor(metrics: (EvalMetric | string)[] = [], name = 'composite') { super(name); this.metrics = metrics.map((m) => create(m)); }
  /** Adds a child metric. @example comp.add(mx.metric.create('mse')) */
  addMetric(m: EvalMetric | string): void { this.metrics.push(create(m)); }
  update(labels: MetricInput, preds: MetricInput): void { for (const m of this.metrics) m.update(labels, preds); }
  updateDict(labels: Record<string, NDArray>, preds: Record<string, NDArray>): void { for (const m of this.metrics) m.updateDict(labels, preds); }
  reset(): void { for (const m of this.metrics) m.reset(); }
  resetLocal(): void { for (const m of this.metrics) m.resetLocal(); }
  get(): [string[], number[]] { const nv = this.metrics.flatMap((m) => m.getNameValue()); return [nv.map((x) => x[0]), nv.map((x) => x[1])]; }
  getGlobal(): [string[], number[]] { const nv = this.metrics.flatMap((m) => m.getGlobalNameValue()); return [nv.map((x) => x[0]), nv.map((x) => x[1])]; }
}

/**
 * A metric by name ('acc', 'top_k_accuracy', 'f1', 'mcc', 'perplexity', 'mae', 'mse', 'rmse', 'ce',
 * 'nll_loss', 'pearsonr', 'loss'), a list (composite), a function (custom) or an instance.
 * @example mx.metric.create('acc'); mx.metric.create(['acc', 'ce']); mx.metric.create('top_k_accuracy', { top_k: 5 })
 */
export function create(metric: string | EvalMetric | (string | EvalMetric)[] | ((l: Host, p: Host) => number), ...args: unknown[]): EvalMetric {
  if (metric instanceof EvalMetric) return metric;
  if (typeof metric === 'function') return new CustomMetric(metric as never, ...(args as [string?]));
  if (Array.isArray(metric)) return new CompositeEvalMetric(metric);
  const f = metricRegistry.get(String(metric).toLowerCase());
  if (!f) throw new ArgumentError(`Metric must be either callable or in ${[...metricRegistry.keys()].join(', ')}; got ${metric}`);
  return f(...args);
}
/** Wraps a function of (label, pred) host arrays. @example mx.metric.np((l, p) => 0) */
export function np(feval: (label: Host, pred: Host) => number, name?: string, allowExtraOutputs = false): CustomMetric {
  return new CustomMetric(feval as never, name, allowExtraOutputs);
}

registerMetric(['acc', 'accuracy'], (x) => new Accuracy(x as never));
registerMetric(['top_k_accuracy', 'top_k_acc'], (x) => new TopKAccuracy(x as never));
registerMetric(['f1'], (x) => new F1(x as never));
registerMetric(['mcc'], (x) => new MCC(x as never));
registerMetric(['perplexity'], (x) => new Perplexity(x as never));
registerMetric(['mae'], (x) => new MAE(x as never));
registerMetric(['mse'], (x) => new MSE(x as never));
registerMetric(['rmse'], (x) => new RMSE(x as never));
registerMetric(['ce', 'cross-entropy', 'crossentropy'], (x) => new CrossEntropy(x as never));
registerMetric(['nll_loss', 'nll-loss', 'negativeloglikelihood'], (x) => new NegativeLogLikelihood(x as never));
registerMetric(['pearsonr', 'pearsoncorrelation'], (x) => new PearsonCorrelation(x as never));
registerMetric(['loss'], (x) => new Loss(x as never));
registerMetric(['composite'], (x) => new CompositeEvalMetric(x as never));
