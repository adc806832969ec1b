// EvalMetric base (mx.metric.EvalMetric): local and global sums as MXNet 1.9 keeps them, and the
// input handling shared by every metric (NDArrays, lists, nested arrays).
import { ArgumentError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { array } from '../ndarray/create.js';

/** What update() accepts for labels / predictions: one array or a list of them. */
export type MetricInput = NDArray | NDArray[] | number[] | number[][] | Float32Array;

/** A plain host copy of an array: values (float64 for exact sums) and shape. */
export interface Host { d: Float64Array; shape: number[] }

/** Normalises labels or preds to a list of host arrays. @example hostList(mx.nd.array([1, 2])) */
export function hostList(x: MetricInput): Host[] {
  const one = (a: unknown): Host => {
    const nd = a instanceof NDArray ? a : array(a as number[]);
    const h = { d: Float64Array.from(nd.data as ArrayLike<number>), shape: nd.shape.slice() };
    if (!(a instanceof NDArray)) nd.dispose();
    return h;
  };
  if (Array.isArray(x) && x.length && (x[0] instanceof NDArray)) return (x as NDArray[]).map(one);
  return [one(x)];
}

/** MXNet's check_label_shapes for lists. @example checkCount(hostList(labels), hostList(preds)) */
export function checkCount(labels: Host[], preds: Host[]): void {
  if (labels.length !== preds.length) throw new ShapeError(`Shape of labels ${labels.length} does not match shape of predictions ${preds.length}`);
}

/** Argmax along `axis` (default 1) of a host array. @example argmaxRows({ d: Float64Array.of(0.1, 0.9), shape: [1, 2] }) // [1] */
export function argmaxRows(p: Host, axis = 1): Float64Array {
  const ax = axis < 0 ? axis + p.shape.length : axis;
  const outer = p.shape.slice(0, ax).reduce((a, b) => a * b, 1), c = p.shape[ax], inner = p.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let best = 0, bv = -Infinity;
    for (let k = 0; k < c; k++) { const v = p.d[(o * c + k) * inner + i]; if (v > bv) { bv = v; best = k; } }
    out[o * inner + i] = best;
  }
  return out;
}

/**
 * Base metric: `update(labels, preds)`, `get()` (local), `getGlobal()`, `getNameValue()`, `reset()`,
 * `resetLocal()`.
 * @example const m = mx.metric.create('acc'); m.update([label], [pred]); console.log(m.get());
 */
export abstract class EvalMetric {
  sumMetric = 0; numInst = 0; globalSumMetric = 0; globalNumInst = 0;
  constructor(public name: string, readonly outputNames: string[] | null = null, readonly labelNames: string[] | null = null, readonly kwargs: Record<string, unknown> = {}) {}

  /** Accumulates one batch. @example m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.3, 0.7], [0, 1]])]) */
  abstract update(labels: MetricInput, preds: MetricInput): void;

  /** Update from name -> array dicts, picking `outputNames`/`labelNames` when set. @example m.updateDict({ softmax_label: l }, { softmax_output: p }) */
  updateDict(labels: Record<string, NDArray>, preds: Record<string, NDArray>): void {
    const p = this.outputNames ? this.outputNames.map((n) => preds[n]) : Object.values(preds);
    const l = this.labelNames ? this.labelNames.map((n) => labels[n]) : Object.values(labels);
    this.update(l, p);
  }
  /** Adds to local and global sums. */
  protected add(sum: number, num: number): void { this.sumMetric += sum; this.globalSumMetric += sum; this.numInst += num; this.globalNumInst += num; }
  /** Clears local and global sums. @example m.reset() */
  reset(): void { this.sumMetric = 0; this.numInst = 0; this.globalSumMetric = 0; this.globalNumInst = 0; }
  /** Clears the local sums only (Speedometer does this between reports). @example m.resetLocal() */
  resetLocal(): void { this.sumMetric = 0; this.numInst = 0; }
  /** [name, value] since the last resetLocal (NaN when empty). @example m.get() // ['accuracy', 0.66] */
  get(): [string | string[], number | number[]] { return [this.name, this.numInst === 0 ? NaN : this.sumMetric / this.numInst]; }
  /** [name, value] since the last reset. @example m.getGlobal() */
  getGlobal(): [string | string[], number | number[]] { return [this.name, this.globalNumInst === 0 ? NaN : this.globalSumMetric / this.globalNumInst]; }
  /** List of [name, value] pairs (local). @example m.getNameValue() // [['accuracy', 0.66]] */
  getNameValue(): [string, number][] { return zipNV(this.get()); }
  /** List of [name, value] pairs (global). @example m.getGlobalNameValue() */
  getGlobalNameValue(): [string, number][] { return zipNV(this.getGlobal()); }
  /** `EvalMetric: {'accuracy': 0.5}`. */
  toString(): string { return `EvalMetric: {${this.getNameValue().map(([n, v]) => `'${n}': ${v}`).join(', ')}}`; }
}

function zipNV([n, v]: [string | string[], number | number[]]): [string, number][] {
  if (Array.isArray(n)) return n.map((x, i) => [x, (v as number[])[i]]);
  return [[n, v as number]];
}

type Factory = (...args: unknown[]) => EvalMetric;
/** Metric factories by lower-case name. @example metricRegistry.has('acc') */
export const metricRegistry = new Map<string, Factory>();
/** Registers a metric under one or more names. @example registerMetric(['acc', 'accuracy'], (o) => new Accuracy(o)) */
export function registerMetric(names: string[], f: Factory): void { for (const n of names) metricRegistry.set(n.toLowerCase(), f); }
export { ArgumentError };
