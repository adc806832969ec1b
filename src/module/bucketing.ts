// mx.mod.BucketingModule (MXNet's bucketing_module.py): one symbol per bucket key from `symGen`, one executor per
// bucket, all bound to the default bucket's parameter and gradient arrays (so every bucket trains the same
// weights with one optimizer) and run in its arena (MXNet's shared memory pool; a bucket whose plan is larger
// than the default's gets its own). Batches pick their executor by `bucketKey`.
import { ArgumentError } from '../errors.js';
import { DataDesc, type DataBatch, type DataIter } from '../io/base.js';
import type { EvalMetric } from '../metric/index.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { zeros } from '../ndarray/create.js';
import type { Executor } from '../executor/executor.js';
import type { Symbol } from '../symbol/symbol.js';
import { fitModule, scoreModule, type FitOptions, type ScoreOptions } from './fit.js';
import { Module, type BindArgs, type InitOptimizerArgs, type InitParamsArgs, type ShapeSpec } from './module.js';

/** What symGen returns for a bucket key: the symbol and its data and label names. */
export type SymGenResult = [Symbol, string[], string[]] | { symbol: Symbol; dataNames?: string[]; labelNames?: string[] };
/** Options of BucketingModule (MXNet's keyword arguments). */
export interface BucketingModuleOptions {
  symGen: (key: unknown) => SymGenResult; defaultBucketKey: unknown; context?: unknown; fixedParamNames?: string[];
  logger?: (msg: string) => void;
}

interface Bucket { symbol: Symbol; dataNames: string[]; labelNames: string[]; exe: Executor }

/**
 * Trains one set of parameters over several unrolled lengths.
 * @example
 * const mod = new mx.mod.BucketingModule({ symGen: (len) => [lm(len), ['data'], ['softmax_label']], defaultBucketKey: it.defaultBucketKey });
 * mod.fit(it, { numEpoch: 5, evalMetric: new mx.metric.Perplexity({ ignoreLabel: 0 }) });
 */
export class BucketingModule {
  readonly symGen: (key: unknown) => SymGenResult;
  readonly defaultBucketKey: unknown;
  logger: (msg: string) => void;
  private readonly opts: BucketingModuleOptions;
  private base?: Module;
  private readonly buckets = new Map<unknown, Bucket>();
  private cur?: Bucket;
  private forTraining = true;

  constructor(o: BucketingModuleOptions) {
    if (typeof o.symGen !== 'function') throw new ArgumentError('BucketingModule: symGen must be a function of the bucket key');
    this.symGen = o.symGen; this.defaultBucketKey = o.defaultBucketKey; this.opts = o;
    this.logger = o.logger ?? ((m) => console.log(m));
  }
  private gen(key: unknown): { symbol: Symbol; dataNames: string[]; labelNames: string[] } {
    const r = this.symGen(key);
    return Array.isArray(r) ? { symbol: r[0], dataNames: r[1], labelNames: r[2] } : { symbol: r.symbol, dataNames: r.dataNames ?? ['data'], labelNames: r.labelNames ?? ['softmax_label'] };
  }
  /** The default bucket's Module (owns the parameters, gradients and optimizer). */
  get module(): Module { if (!this.base) throw new ArgumentError('BucketingModule: call bind() first'); return this.base; }
  get binded(): boolean { return !!this.base?.binded; }
  get paramsInitialized(): boolean { return !!this.base?.paramsInitialized; }
  get optimizerInitialized(): boolean { return !!this.base?.optimizerInitialized; }
  get symbol(): Symbol { return this.cur?.symbol ?? this.module.symbol; }
  /** Bucket keys with an executor so far. */
  get bucketKeys(): unknown[] { return [...this.buckets.keys()]; }

  /** Binds the default bucket (shapes of the largest bucket, as the iterator's provideData gives). @example mod.bind({ dataShapes: it.provideData, labelShapes: it.provideLabel }) */
  bind(o: BindArgs): void {
    if (this.base?.binded && !o.forceRebind) { this.logger('Already bound, ignoring bind()'); return; }
    const g = this.gen(this.defaultBucketKey);
    this.base = new Module({ symbol: g.symbol, dataNames: g.dataNames, labelNames: g.labelNames, context: this.opts.context as never, fixedParamNames: this.opts.fixedParamNames,
      logger: this.logger });
    this.base.bind({ ...o, inputsNeedGrad: false });
    this.forTraining = o.forTraining ?? true;
    this.buckets.clear();
    this.cur = { ...g, exe: this.base.executor };
    this.buckets.set(this.defaultBucketKey, this.cur);
  }
  initParams(o: InitParamsArgs = {}): void { this.module.initParams(o); }
  initOptimizer(o: InitOptimizerArgs = {}): void { this.module.initOptimizer(o); }
  getParams(): ReturnType<Module['getParams']> { return this.module.getParams(); }
  setParams(...a: Parameters<Module['setParams']>): void { this.module.setParams(...a); }

  /**
   * The executor for a bucket key and these input shapes: made on first use from symGen(key), bound to the
   * default bucket's parameter and gradient arrays. @example mod.switchBucket(20, [['data', [32, 20]]])
   */
  switchBucket(key: unknown, dataShapes: ShapeSpec[], labelShapes: ShapeSpec[] = []): void {
    const have = this.buckets.get(key);
    if (have) { this.cur = have; return; }
    const g = this.gen(key), base = this.module.executor, shapes: Record<string, number[]> = {};
    for (const d of [...DataDesc.getList(dataShapes), ...DataDesc.getList(labelShapes)]) shapes[d.name] = d.shape;
    const inf = g.symbol.inferShape(shapes), argNames = g.symbol.listArguments(), auxNames = g.symbol.listAuxiliaryStates();
    const args: Record<string, NDArray> = {}, grads: Record<string, NDArray> = {}, aux: Record<string, NDArray> = {};
    argNames.forEach((n, i) => {
      const own = g.dataNames.includes(n) || g.labelNames.includes(n) || !base.argDict[n];
      if (own && !g.dataNames.includes(n) && !g.labelNames.includes(n)) throw new ArgumentError(`BucketingModule: bucket ${String(key)} has a parameter '${n}' the default bucket does not`);
      args[n] = own ? zeros(inf.argShapes[i]) : base.argDict[n];
      if (!own && base.gradDict[n] && this.forTraining) grads[n] = base.gradDict[n];
    });
    auxNames.forEach((n) => { aux[n] = base.auxDict[n]; });
    // MXNet's shared memory pool: the default bucket (the largest, bound first) lends its arena to every other one.
    const exe = g.symbol.bind({ args, argsGrad: grads, gradReq: this.forTraining ? 'write' : 'null', auxStates: aux, sharedExec: base });
    this.cur = { ...g, exe };
    this.buckets.set(key, this.cur);
  }

  /** Forward on the batch's bucket (its bucketKey, or the default). @example mod.forward(batch, { isTrain: false }) */
  forward(batch: DataBatch, o: { isTrain?: boolean } = {}): void {
    if (!this.paramsInitialized) throw new ArgumentError('call bind and initParams before forward');
    const key = batch.bucketKey ?? this.defaultBucketKey;
    if (key === this.defaultBucketKey) { this.cur = this.buckets.get(key); this.module.forward(batch, o); return; }
    const g = this.gen(key);
    this.switchBucket(key, batch.provideData ?? g.dataNames.map((n, i) => [n, batch.data[i].shape] as ShapeSpec), batch.provideLabel ??
      g.labelNames.map((n, i) => [n, batch.label![i].shape] as ShapeSpec));
    const b = this.cur!, inputs: Record<string, NDArray | boolean> = { isTrain: o.isTrain ?? this.forTraining };
    b.dataNames.forEach((n, i) => { inputs[n] = batch.data[i]; });
    if (batch.label) b.labelNames.forEach((n, i) => { if (batch.label![i] && b.exe.argDict[n]) inputs[n] = batch.label![i]; });
    b.exe.forward(inputs as never);
  }
  backward(outGrads?: NDArray[]): void {
    if (this.cur!.exe === this.module.executor) this.module.backward(outGrads); else this.cur!.exe.backward(outGrads);
  }
  forwardBackward(batch: DataBatch): void { this.forward(batch, { isTrain: true }); this.backward(); }
  /** One optimizer step: the gradients every bucket writes are the default bucket's arrays. */
  update(): void { this.module.update(); }
  getOutputs(): NDArray[] { return this.cur!.exe === this.module.executor ? this.module.getOutputs() : this.cur!.exe.outputs; }
  updateMetric(metric: EvalMetric, labels: NDArray[] | null): void {
    const b = this.cur!, l: Record<string, NDArray> = {}, pr: Record<string, NDArray> = {};
    (labels ?? []).forEach((a, i) => { l[b.labelNames[i] ?? `label${i}`] = a; });
    const outNames = b.symbol.listOutputs();
    this.getOutputs().forEach((a, i) => { pr[outNames[i]] = a; });
    metric.updateDict(l, pr);
  }
  /** MXNet's fit over a bucketing iterator. @example mod.fit(it, { numEpoch: 2 }) */
  fit(train: DataIter, o: FitOptions): void { fitModule(this as unknown as Module, train, o); }
  score(evalData: DataIter, metric: EvalMetric | string, o: ScoreOptions = {}): [string, number][] { return scoreModule(this as unknown as Module, evalData, metric, o); }
  /** Frees every bucket's executor. */
  dispose(): void {
    for (const b of this.buckets.values()) if (b.exe !== this.base?.executor) b.exe.dispose();
    this.buckets.clear(); this.base?.dispose(); this.base = undefined;
  }
}
