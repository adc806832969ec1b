// gluon.Trainer (MXNet 1.9 gluon/trainer.py): parameters sorted by name give the optimizer indices; `step`
// sets rescale_grad = scale / batchSize, reduces gradients through the kvstore when there is one, then runs the
// optimizer's fused kernels (the same updater Module uses) on every parameter with grad_req != 'null'.
import { ArgumentError } from '../errors.js';
import { readFileBytes, writeFileBytes } from '../format/fs.js';
import { create as createKV, type KVStore } from '../kv/kvstore.js';
import '../optim/rules.js'; // the optimizers register themselves (mx.optimizer is lazy in the bundles)
import { create as createOptimizer, Optimizer, type OptimizerOptions } from '../optim/optimizer.js';
import { getUpdater, type Updater } from '../optim/updater.js';
import { Parameter, ParameterDict } from './parameter.js';

export interface TrainerOptions {
  /** 'device' / 'local' (one process: no store needed), a KVStore, or 'dist_sync' / 'dist_async' (Node, `mxwasm launch`). */
  kvstore?: string | KVStore | null;
  /** Update on the store (default: only for dist stores; always for dist_async). Gluon never rescales by the number of workers (MXNet). */
  updateOnKvstore?: boolean;
}

/**
 * Applies an optimizer to a set of parameters. @example
 * const trainer = new mx.gluon.Trainer(net.collectParams(), 'sgd', { learning_rate: 0.1 });
 * mx.autograd.record(() => loss(net.forward(x), y)).backward(); trainer.step(x.shape[0]);
 */
export class Trainer {
  readonly params: Parameter[];
  readonly optimizer: Optimizer;
  private updater: Updater;
  private scale: number;
  private kvSpec: string | KVStore | null;
  private kv?: KVStore;
  private kvReady = false;
  private updateOnKv: boolean;

  constructor(params: ParameterDict | Parameter[] | Map<string, Parameter> | Record<string, Parameter>, optimizer: string | Optimizer, optimizerParams: OptimizerOptions = {}, o: TrainerOptions = {}) {
    let list: Parameter[];
    if (params instanceof ParameterDict || params instanceof Map) list = [...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
    else if (Array.isArray(params)) list = [...params];
    else list = Object.keys(params).sort().map((k) => params[k]);
    for (const p of list) if (!(p instanceof Parameter)) throw new ArgumentError(`Trainer: first argument must be a list or dict of Parameters, got ${String(p)}`);
    const seen = new Set<string>();
    for (const p of list) { if (seen.has(p.name)) throw new ArgumentError(`Trainer: duplicate parameter ${p.name}`); seen.add(p.name); }
    this.params = list;
    this.optimizer = optimizer instanceof Optimizer ? optimizer : createOptimizer(optimizer, { ...optimizerParams });
    this.scale = this.optimizer.rescaleGrad;
    // Gluon's multipliers live on the Parameters (wd_mult 1 for every one, biases included), by index.
    this.optimizer.setLrMult(Object.fromEntries(list.map((p, i) => [String(i), p.lrMult])));
    this.optimizer.setWdMult(Object.fromEntries(list.map((p, i) => [String(i), p.wdMult])));
    this.updater = getUpdater(this.optimizer);
    this.kvSpec = o.kvstore === undefined ? 'device' : o.kvstore;
    // MXNet: dist stores update on the servers unless told otherwise; dist_async always does.
    const t = typeof this.kvSpec === 'string' ? this.kvSpec : this.kvSpec?.type ?? '';
    this.updateOnKv = t.includes('_async') || (o.updateOnKvstore ?? t.includes('dist'));
  }

  /** The current learning rate. @example trainer.learningRate */
  get learningRate(): number { return this.optimizer.learningRate; }
  /** Sets the learning rate. @example trainer.setLearningRate(0.01) */
  setLearningRate(lr: number): void { this.optimizer.setLearningRate(lr); }

  /**
   * The store, created on first use: none for one process ('device'/'local' strings, as MXNet with one context);
   * a KVStore instance or a dist type is used for allreduce (and, with updateOnKvstore, for the update).
   */
  private initKV(): void {
    if (this.kvReady) return;
    this.kvReady = true;
    const s = this.kvSpec;
    if (s === null || s === 'device' || s === 'local') return;
    this.kv = typeof s === 'string' ? createKV(s) : s;
    const ks: number[] = [], ws = this.params.filter((p, i) => p.gradReq !== 'null' && ks.push(i)).map((p) => p.data());
    this.kv.init(ks, ws);
    // A parameter-server store: every worker starts from rank 0's values (MXNet's broadcast).
    if (this.kv.type.includes('dist')) this.kv.pull(ks, ws);
    if (this.updateOnKv) this.kv.setOptimizer(this.optimizer);
  }

  /** The store used (undefined for one process). */
  get kvstore(): KVStore | undefined { this.initKV(); return this.kv; }

  /**
   * One optimization step: gradients are scaled by 1/batchSize (pass 1 for an averaged loss), reduced, applied.
   * @example trainer.step(64)
   */
  step(batchSize: number, ignoreStaleGrad = false): void {
    this.optimizer.rescaleGrad = this.scale / batchSize;
    this.initKV();
    this.allreduce();
    this.doUpdate(ignoreStaleGrad);
  }

  /** Sums gradients across workers (no-op in one process); for gradient clipping between the two halves. @example trainer.allreduceGrads() */
  allreduceGrads(): void {
    this.initKV();
    if (this.updateOnKv) throw new ArgumentError('allreduce_grads() when parameters are updated on kvstore is not supported. Try setting `update_on_kvstore` to False when creating trainer.');
    this.allreduce();
  }

  /** The update half of step (after allreduceGrads). @example trainer.update(64) */
  update(batchSize: number, ignoreStaleGrad = false): void {
    this.initKV();
    if (this.updateOnKv) throw new ArgumentError('update() when parameters are updated on kvstore is not supported. Try setting `update_on_kvstore` to False when creating trainer.');
    this.optimizer.rescaleGrad = this.scale / batchSize;
    this.doUpdate(ignoreStaleGrad);
  }

  private allreduce(): void {
    const kv = this.kv;
    if (!kv) return;
    this.params.forEach((p, i) => {
      if (p.gradReq === 'null') return;
      kv.pushPull(i, p.grad(), this.updateOnKv ? p.data() : p.grad());
    });
  }

  private doUpdate(_ignoreStale: boolean): void {
    if (this.kv && this.updateOnKv) return;
    this.params.forEach((p, i) => {
      if (p.gradReq === 'null') return;
      if (!p.isInitialized) throw new ArgumentError(`Trainer: Parameter '${p.name}' has not been initialized (run one forward first)`);
      this.updater(i, p.grad(), p.data());
    });
  }

  /** Optimizer states to a file (or bytes with path null). @example trainer.saveStates('net.states') */
  saveStates(path: string | null): Uint8Array {
    const b = this.kv && this.updateOnKv ? this.kv.saveOptimizerStates() : this.updater.getStates();
    if (path) writeFileBytes(path, b, 'Trainer.saveStates');
    return b;
  }
  /** Restores optimizer states (a path or bytes). @example trainer.loadStates('net.states') */
  loadStates(src: string | Uint8Array): void {
    const b = typeof src === 'string' ? readFileBytes(src, 'Trainer.loadStates') : src;
    if (this.kv && this.updateOnKv) this.kv.loadOptimizerStates(b); else this.updater.setStates(b);
  }
}
