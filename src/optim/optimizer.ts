// Optimizer base class (mx.optimizer.Optimizer): learning rate / weight decay bookkeeping exactly
// as MXNet 1.9 (per-index update counts, lr_mult / wd_mult from symbol attributes, wd_mult 0 for
// parameters not ending in _weight/_gamma), a by-name registry, and the Updater.
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { rt } from '../runtime/runtime.js';
import type { KernelTable } from '../runtime/manifest.js';
import { LRScheduler } from './lr-scheduler.js';
import { normOpts } from '../util/options.js';
import { closest } from '../util/closest.js';

/** A symbol as the optimizer sees it (duck-typed: `listArguments`, `attrDict`). */
export interface SymbolLike { listArguments(): string[]; attrDict(): Record<string, Record<string, string>> }
export type Index = number | string;
export type SchedulerLike = LRScheduler | ((numUpdate: number) => number);

export interface OptimizerOptions {
  learningRate?: number; rescaleGrad?: number; wd?: number; clipGradient?: number | null;
  lrScheduler?: SchedulerLike; paramIdx2Name?: Record<Index, string>; sym?: SymbolLike;
  beginNumUpdate?: number; multiPrecision?: boolean;
  [k: string]: unknown;
}

/**
 * Base of all optimizers. Subclasses implement `createState` and `step` (one fused kernel call).
 * @example const opt = mx.optimizer.create('sgd', { learning_rate: 0.1, momentum: 0.9 }); opt.update(0, w, g, opt.createState(0, w));
 */
export abstract class Optimizer {
  lr: number;
  rescaleGrad: number;
  wd: number;
  clipGradient: number | null;
  lrScheduler?: SchedulerLike;
  beginNumUpdate: number;
  numUpdate: number;
  multiPrecision: boolean;
  idx2name: Record<string, string>;
  lrMult: Record<string, number> = {};
  wdMult: Record<string, number> = {};
  readonly indexUpdateCount = new Map<string, number>();
  protected symInfo?: [Record<string, Record<string, string>>, string[]];

  /** `defaultLr`: the subclass's own learning_rate default (Adam 0.001...), which, like MXNet, overrides a scheduler's base_lr. */
  constructor(opts: OptimizerOptions = {}, defaultLr?: number) {
    const o = normOpts<OptimizerOptions>(opts);
    this.rescaleGrad = o.rescaleGrad ?? 1;
    this.lrScheduler = o.lrScheduler;
    let lr = o.learningRate ?? defaultLr;
    if (lr === undefined && !o.lrScheduler) lr = 0.01;
    if (o.lrScheduler instanceof LRScheduler && lr !== undefined) o.lrScheduler.baseLr = lr;
    this.lr = lr ?? (o.lrScheduler instanceof LRScheduler ? o.lrScheduler.baseLr : 0.01);
    this.wd = o.wd ?? 0;
    this.clipGradient = o.clipGradient ?? null;
    this.beginNumUpdate = o.beginNumUpdate ?? 0;
    this.numUpdate = this.beginNumUpdate;
    this.multiPrecision = !!o.multiPrecision;
    this.idx2name = { ...(o.paramIdx2Name ?? (o.paramIdx2name as Record<Index, string>) ?? {}) };
    if (o.sym) this.symInfo = [o.sym.attrDict(), o.sym.listArguments()];
    this.setLrMult({});
    this.setWdMult({});
  }

  /** Zeroed state arrays for a weight (none for plain SGD). @example const s = opt.createState(0, w) */
  abstract createState(index: Index, weight: NDArray): NDArray[];
  /** One fused in-place update with the resolved lr / wd (subclasses). */
  protected abstract step(index: Index, w: NDArray, g: NDArray, state: NDArray[], lr: number, wd: number): void;

  /**
   * Updates `weight` in place from `grad` (bumps this index's update count, resolves lr and wd).
   * @example opt.update(0, weight, grad, state)
   */
  update(index: Index, weight: NDArray, grad: NDArray, state: NDArray[]): void {
    if (weight.size !== grad.size) throw new ArgumentError(`optimizer update: weight has ${weight.size} elements, gradient ${grad.size}`);
    if (weight.dtype !== 'float32' || grad.dtype !== 'float32') throw new ArgumentError('optimizer update: float32 weights and gradients only');
    this.updateCount(index);
    this.step(index, weight, grad, state, this.getLr(index), this.getWd(index));
  }

  /** Sets the base learning rate (error when a scheduler drives it, as MXNet). @example opt.setLearningRate(0.05) */
  setLearningRate(lr: number): void {
    if (this.lrScheduler) throw new ArgumentError('LRScheduler of the optimizer has already been defined. Note that set_learning_rate can mutate the value of the learning rate of the optimizer ' +
      'only when the LRScheduler of the optimizer is undefined.');
    this.lr = lr;
  }
  /** The current learning rate (scheduler at numUpdate, else lr). @example opt.learningRate */
  get learningRate(): number { return this.schedule(this.numUpdate); }

  /** Per-parameter lr multipliers (names or indices), over `__lr_mult__` symbol attributes. @example opt.setLrMult({ fc1_weight: 0.1 }) */
  setLrMult(mult: Record<string, number>): void {
    this.lrMult = {};
    if (this.symInfo) {
      const [attr, names] = this.symInfo;
      for (const n of names) if (attr[n]?.__lr_mult__ !== undefined) this.lrMult[n] = Number(attr[n].__lr_mult__);
    }
    Object.assign(this.lrMult, mult);
  }
  /** Per-parameter wd multipliers; names not ending in _weight/_gamma get 0. @example opt.setWdMult({ fc1_bias: 1 }) */
  setWdMult(mult: Record<string, number>): void {
    this.wdMult = {};
    for (const n of Object.values(this.idx2name)) if (!(n.endsWith('_weight') || n.endsWith('_gamma'))) this.wdMult[n] = 0;
    if (this.symInfo) {
      const [attr, names] = this.symInfo;
      for (const n of names) if (attr[n]?.__wd_mult__ !== undefined) this.wdMult[n] = Number(attr[n].__wd_mult__);
    }
    Object.assign(this.wdMult, mult);
  }

  /** The update count of one index after this step (Adam's t). */
  protected count(index: Index): number { return this.indexUpdateCount.get(String(index)) ?? this.beginNumUpdate; }
  protected updateCount(index: Index): void {
    const k = String(index);
    const c = (this.indexUpdateCount.get(k) ?? this.beginNumUpdate) + 1;
    this.indexUpdateCount.set(k, c);
    this.numUpdate = Math.max(c, this.numUpdate);
  }
  private schedule(n: number): number {
    const s = this.lrScheduler;
    if (!s) return this.lr;
    return typeof s === 'function' ? s(n) : s.call(n);
  }
  /** Learning rate for an index (scheduler, then lr_mult by index or name). @example opt.getLr(0) */
  getLr(index: Index): number {
    let lr = this.schedule(this.numUpdate);
    const k = String(index);
    if (k in this.lrMult) lr *= this.lrMult[k];
    else if (k in this.idx2name) lr *= this.lrMult[this.idx2name[k]] ?? 1;
    return lr;
  }
  /** Weight decay for an index (wd_mult by index or name). @example opt.getWd(0) */
  getWd(index: Index): number {
    let wd = this.wd;
    const k = String(index);
    if (k in this.wdMult) wd *= this.wdMult[k];
    else if (k in this.idx2name) wd *= this.wdMult[this.idx2name[k]] ?? 1;
    return wd;
  }
  /** The clip value the kernels take (-1: none; MXNet treats 0/None as none). */
  protected get clip(): number { return this.clipGradient ? this.clipGradient : -1; }
  /** The kernel table. */
  protected get K(): KernelTable { return rt().K; }
  /** Zeroed arrays shaped like `w`. */
  protected zeros(w: NDArray, k: number): NDArray[] {
    return Array.from({ length: k }, () => { const a = NDArray.empty(w.shape, 'float32'); a.data.fill(0); return a; });
  }
}

type Ctor = new (o?: OptimizerOptions) => Optimizer;
const registry = new Map<string, Ctor>();

/** Registers an optimizer class under a name (lower-cased, as MXNet). @example register('mysgd', MySGD) */
export function register(name: string, cls: Ctor): void { registry.set(name.toLowerCase(), cls); }

/** The name an optimizer's class is registered under (what a server re-creates it from). @example registeredName(new SGD()) // 'sgd' */
export function registeredName(opt: Optimizer): string | undefined {
  for (const [n, C] of registry) if (opt.constructor === C) return n;
  return undefined;
}

/**
 * Creates an optimizer by name ('sgd', 'nag', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'signum', 'ftrl').
 * @example mx.optimizer.create('sgd', { learning_rate: 0.1, momentum: 0.9, wd: 1e-4 })
 */
export function create(name: string | Optimizer, opts: OptimizerOptions = {}): Optimizer {
  if (name instanceof Optimizer) return name;
  const C = registry.get(String(name).toLowerCase());
  if (!C) throw new ArgumentError(`Cannot find optimizer ${name} (known: ${[...registry.keys()].join(', ')})`);
  const opt = new C(opts);
  // MXNet refuses an unknown keyword (`learningrate` trained at the default rate, silently); a built-in rule keeps
  // each of its options in the field of that name (a user's registered class may not: not checked).
  if (BUILTIN.has(C)) {
    for (const k of Object.keys(normOpts(opts))) {
      if (BASE_OPTS.includes(k) || k in opt) continue;
      const near = closest(k, [...BASE_OPTS, ...Object.keys(opt).filter((f) => typeof (opt as unknown as Record<string, unknown>)[f] !== 'object')]);
      throw new ArgumentError(`optimizer ${String(name).toLowerCase()}: unknown option '${k}'${near ? ` (did you mean '${near}'?)` : ''}`, { arg: k });
    }
  }
  return opt;
}
/** Options of the base class, beside each built-in rule's own. */
const BASE_OPTS = ['learningRate', 'rescaleGrad', 'wd', 'clipGradient', 'lrScheduler', 'paramIdx2Name', 'paramIdx2name', 'sym', 'beginNumUpdate', 'multiPrecision'];
/** The rules src/optim/rules.ts registers (their options are checked by name in `create`). */
export const BUILTIN = new Set<Ctor>();
