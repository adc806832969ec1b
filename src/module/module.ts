// mx.mod.Module: MXNet 1.9's Module over one Executor (one context). Parameters live in the
// executor's argument arrays and are updated in place by the fused optimizer kernels; a change of
// batch size (the last batch) rebinds with executor.reshape, sharing parameters and gradients.
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { Executor } from '../executor/executor.js';
import type { GradReq } from '../ops/registry.js';
import type { Symbol } from '../symbol/symbol.js';
import { writeFileBytes } from '../format/fs.js';
import { DataDesc, type DataBatch, type DataIter } from '../io/base.js';
import { Uniform } from '../init/rules.js';
import '../rnn/fused-init.js'; // registers the 'fusedrnn' initializer of symbols' __init__ (mx.rnn is lazy in the bundles)
import type { EvalMetric } from '../metric/base.js';
import type { Optimizer } from '../optim/optimizer.js';
import { normOpts } from '../util/options.js';
import { getUpdater, type Updater } from '../optim/updater.js';
import { create as createKV, type KVStore } from '../kv/kvstore.js';
import { log } from '../callback/log.js';
import { checkpointBytes, loadCheckpoint, paramsFromFile, saveModuleCheckpoint, statesFile } from './checkpoint.js';
import { disposeOptimizer, kvInitParams, kvUpdateAll, loadOptimizerStates, moduleOptimizer, optimizerStateBytes, saveOptimizerStates } from './optimizer-setup.js';
import { fitModule, fitModuleAsync, iterPredictModule, predictModule, scoreModule, type FitOptions, type PredictOptions, type ScoreOptions } from './fit.js';
import { DataParallel, numWorkersOf } from './data-parallel.js';
import type { BaseModule, BindArgs, InitOptimizerArgs, InitParamsArgs, ShapeSpec } from './base.js';

export type { BindArgs, InitOptimizerArgs, InitParamsArgs, ShapeSpec };

export interface ModuleOptions { symbol: Symbol; dataNames?: string[]; labelNames?: string[] | null; context?: unknown; fixedParamNames?: string[] | null; logger?: (m: string) => void }

const sorted = (a: string[]) => [...a].sort();
const shapeKey = (s: Record<string, number[]>) => Object.entries(s).map(([k, v]) => `${k}:${v.join('x')}`).join(';');

/**
 * A trainable model over a symbol (MXNet's Module).
 * @example
 * const mod = new mx.mod.Module({ symbol: net, context: 'cpu' });
 * mod.fit(trainIter, { evalData: valIter, numEpoch: 10, optimizer: 'sgd', optimizerParams: { learning_rate: 0.1, momentum: 0.9 } });
 * mod.score(valIter, 'acc');
 */
export class Module implements BaseModule {
  readonly symbol: Symbol;
  readonly dataNames: string[];
  readonly labelNames: string[];
  readonly outputNames: string[];
  readonly paramNames: string[];
  readonly auxNames: string[];
  readonly fixedParamNames: string[];
  readonly logger: (m: string) => void;
  binded = false; forTraining = false; inputsNeedGrad = false; paramsInitialized = false; optimizerInitialized = false;
  dataShapes: DataDesc[] = []; labelShapes: DataDesc[] = [];
  optimizer?: Optimizer; updater?: Updater; kvstore?: KVStore; updateOnKvstore = false; ownKv = false;
  private main?: Executor;
  private cur?: Executor;
  private readonly shaped = new Map<string, Executor>();
  private pendingArgs: Record<string, NDArray> = {};
  private pendingAux: Record<string, NDArray> = {};
  private preloadOptStates?: string;
  /** Executors per batch (a context list or `{ workers: N }`), run on N threads. */
  readonly numWorkers: number;
  private dp?: DataParallel;
  private dpActive = false;

  constructor(o: ModuleOptions) {
    const p = normOpts<ModuleOptions>(o);
    if (!p.symbol) throw new ArgumentError('Module: symbol is required');
    this.symbol = p.symbol;
    this.dataNames = p.dataNames ?? ['data'];
    const args = this.symbol.listArguments();
    this.labelNames = (p.labelNames === null ? [] : p.labelNames ?? ['softmax_label']).filter((n) => args.includes(n));
    for (const n of this.dataNames) if (!args.includes(n)) throw new ArgumentError(`Module: data name '${n}' is not an argument of the symbol (arguments: ${args.join(', ')})`);
    this.paramNames = args.filter((n) => !this.dataNames.includes(n) && !this.labelNames.includes(n));
    this.auxNames = this.symbol.listAuxiliaryStates();
    this.outputNames = this.symbol.listOutputs();
    this.fixedParamNames = p.fixedParamNames ?? [];
    this.logger = p.logger ?? log;
    this.numWorkers = numWorkersOf(p.context);
  }

  /** The executor running now (the reshaped one after a batch-size change). */
  get executor(): Executor { if (!this.cur) throw new ArgumentError('Module: call bind() first'); return this.cur; }
  /** Output shapes of the bound executor. @example mod.outputShapes */
  get outputShapes(): [string, number[]][] { return this.executor.outputs.map((o, i) => [this.outputNames[i], o.shape]); }

  /**
   * Allocates the executor for the given input shapes (grad_req: params `write` unless fixed, data
   * only with inputsNeedGrad, labels never; everything `null` when not for training).
   * @example mod.bind({ dataShapes: [['data', [64, 1, 28, 28]]], labelShapes: [['softmax_label', [64]]] })
   */
  bind(o: BindArgs): void {
    const p = normOpts<BindArgs>(o);
    if (p.forceRebind) this.unbind();
    if (this.binded) { this.logger('Already bound, ignoring bind()'); return; }
    this.forTraining = p.forTraining ?? true; this.inputsNeedGrad = !!p.inputsNeedGrad;
    this.dataShapes = DataDesc.getList(p.dataShapes);
    this.labelShapes = DataDesc.getList(p.labelShapes ?? []).filter((d) => this.labelNames.includes(d.name));
    const shapes: Record<string, number[]> = {};
    for (const d of [...this.dataShapes, ...this.labelShapes]) shapes[d.name] = d.shape;
    const base = p.gradReq ?? 'write';
    const reqFor = (n: string): GradReq => (typeof base === 'string' ? base : base[n] ?? 'write');
    const req: Record<string, GradReq> = {};
    for (const n of this.symbol.listArguments()) {
      if (!this.forTraining) req[n] = 'null';
      else if (this.dataNames.includes(n)) req[n] = this.inputsNeedGrad ? reqFor(n) : 'null';
      else if (this.labelNames.includes(n)) req[n] = 'null';
      else req[n] = this.fixedParamNames.includes(n) ? 'null' : reqFor(n);
    }
    if (this.forTraining && this.numWorkers > 1) {
      const r = DataParallel.bind(this.symbol, this.numWorkers, shapes, req, [...this.dataNames, ...this.labelShapes.map((d) => d.name)]);
      this.dp = r.dp; this.main = this.cur = r.exe;
      if (r.note) { this.logger(r.note); this.shaped.set(shapeKey(shapes), this.main); }
    } else {
      this.main = this.cur = this.symbol.simpleBind({ shapes, gradReq: req });
      this.shaped.set(shapeKey(shapes), this.main);
    }
    this.binded = true;
    if (this.paramsInitialized) this.main.copyParamsFrom(this.pendingArgs, this.pendingAux, true);
  }

  private unbind(): void {
    this.dp?.dispose(); this.dp = undefined; this.dpActive = false;
    for (const e of new Set([...this.shaped.values(), ...(this.main ? [this.main] : [])])) e.dispose(); this.shaped.clear(); this.main = this.cur = undefined; this.binded = false; }

  /**
   * Initialises parameters (sorted by name, as MXNet) from argParams/auxParams where given, else with
   * the initializer (default Uniform(0.01)), honouring each variable's `__init__` attribute.
   * @example mod.initParams({ initializer: new mx.init.Xavier({ magnitude: 2.24 }) })
   */
  initParams(o: InitParamsArgs = {}): void {
    const p = normOpts<InitParamsArgs>(o);
    if (!this.binded) throw new ArgumentError('call bind before initializing the parameters');
    if (this.paramsInitialized && !p.forceInit) { this.logger('Parameters already initialized and force_init=False. init_params call ignored.'); return; }
    const init = p.initializer === undefined ? new Uniform(0.01) : p.initializer;
    const attrs = this.symbol.attrDict(), exe = this.main!;
    const impl = (name: string, arr: NDArray, cache: Record<string, NDArray> | null | undefined) => {
      if (cache) {
        const c = cache[name];
        if (c && c !== arr && c.size !== arr.size) throw new ArgumentError(`${name}: shape (${c.shape.join(',')}) does not match (${arr.shape.join(',')})`);
        if (c) { if (c !== arr) c.copyTo(arr.shape.join() === c.shape.join() ? arr : arr.reshape(c.shape)); return; }
        if (!p.allowMissing) throw new ArgumentError(`${name} is not presented`);
      }
      if (init) init.call({ name, attrs: attrs[name] }, arr);
    };
    if (!p.allowExtra) for (const [d, names] of [[p.argParams, this.paramNames], [p.auxParams, this.auxNames]] as const) {
      for (const k of Object.keys(d ?? {})) if (!names.includes(k)) throw new ArgumentError(`Find name "${k}" that is not in the ${names === this.auxNames ? 'auxiliary states' : 'arguments'}`);
    }
    for (const n of sorted(this.paramNames)) impl(n, exe.argDict[n], p.argParams);
    for (const n of sorted(this.auxNames)) impl(n, exe.auxDict[n], p.auxParams);
    this.dp?.syncAux();
    this.paramsInitialized = true;
  }

  /**
   * Copies parameters in (before bind they are kept until bind).
   * @example mod.setParams(argParams, auxParams)
   */
  setParams(argParams: Record<string, NDArray>, auxParams: Record<string, NDArray> = {}, o: { allowMissing?: boolean; forceInit?: boolean; allowExtra?: boolean } = {}): void {
    const p = normOpts<{ allowMissing?: boolean; forceInit?: boolean; allowExtra?: boolean }>(o);
    if (!this.binded) { this.pendingArgs = { ...argParams }; this.pendingAux = { ...auxParams }; this.paramsInitialized = true; return; }
    if (!p.allowMissing) { this.initParams({ initializer: null, argParams, auxParams, allowMissing: false, forceInit: p.forceInit ?? true, allowExtra: p.allowExtra }); return; }
    if (this.paramsInitialized && p.forceInit === false) return;
    this.main!.copyParamsFrom(argParams, auxParams, p.allowExtra ?? false);
    this.dp?.syncAux();
    this.paramsInitialized = true;
  }

  /** Copies of the parameters: [argParams, auxParams]. @example const [arg, aux] = mod.getParams() */
  getParams(): [Record<string, NDArray>, Record<string, NDArray>] {
    if (!this.binded) return [{ ...this.pendingArgs }, { ...this.pendingAux }];
    const a: Record<string, NDArray> = {}, x: Record<string, NDArray> = {};
    for (const n of this.paramNames) a[n] = this.main!.argDict[n].copy();
    for (const n of this.auxNames) x[n] = this.dp ? this.dp.averagedAux(n) : this.main!.auxDict[n].copy();
    return [a, x];
  }

  /**
   * Creates the optimizer: rescale_grad = 1/batch unless given, param_idx2name and the symbol (for
   * lr_mult/wd_mult). Updates run through the KVStore ('local' by default; in-process stores hold
   * the weights in place, so no copies); `kvstore: null` updates with a plain updater.
   * @example mod.initOptimizer({ optimizer: 'sgd', optimizerParams: { learning_rate: 0.1, momentum: 0.9 } })
   */
  initOptimizer(o: InitOptimizerArgs = {}): void {
    const p = normOpts<InitOptimizerArgs>(o);
    if (!this.binded || !this.paramsInitialized) throw new ArgumentError('call bind and initParams before initOptimizer');
    if (this.optimizerInitialized && !p.forceInit) { this.logger('optimizer already initialized, ignoring...'); return; }
    const kvSpec = p.kvstore === undefined ? 'local' : p.kvstore;
    this.kvstore = kvSpec ? createKV(kvSpec) : undefined; this.ownKv = typeof kvSpec === 'string';
    this.updateOnKvstore = !!this.kvstore;
    let batch = this.dataShapes[0].shape[0];
    if (this.kvstore && this.kvstore.type.includes('dist') && this.kvstore.type.includes('_sync')) batch *= this.kvstore.numWorkers;
    const opt = (this.optimizer = moduleOptimizer(p.optimizer ?? 'sgd', p.optimizerParams, this.symbol, this.paramNames, batch, this.logger));
    this.updater = getUpdater(opt);
    // A single-process store keeps the executor's weight arrays themselves: push runs the fused update in place.
    if (this.kvstore) { this.kvstore.setOptimizer(opt); kvInitParams(this.kvstore, this.paramNames.map((n) => this.main!.argDict[n])); }
    if (this.preloadOptStates) { this.loadOptimizerStates(this.preloadOptStates); this.preloadOptStates = undefined; }
    this.optimizerInitialized = true;
  }

  /** Switches to an executor for these batch shapes (cached; parameters shared). */
  private ensureShapes(batch: DataBatch): void {
    const shapes: Record<string, number[]> = {};
    let same = true;
    this.dataShapes.forEach((d, i) => { const s = batch.data[i]?.shape ?? d.shape; shapes[d.name] = s; if (s.join() !== this.cur!.argDict[d.name].shape.join()) same = false; });
    if (same) return;
    const n = batch.data[0].shape[0];
    this.labelShapes.forEach((d, i) => { shapes[d.name] = batch.label?.[i]?.shape ?? [n, ...d.shape.slice(1)]; });
    const key = shapeKey(shapes);
    let e = this.shaped.get(key);
    if (!e) { e = this.main!.reshape(shapes); this.shaped.set(key, e); }
    this.cur = e;
  }

  /**
   * Forward pass on a batch (isTrain defaults to forTraining). A different batch size reshapes.
   * @example mod.forward(batch, { isTrain: false }); mod.getOutputs()[0]
   */
  forward(batch: DataBatch, o: { isTrain?: boolean } = {}): void {
    if (!this.binded || !this.paramsInitialized) throw new ArgumentError('call bind and initParams before forward');
    if (batch.data.length !== this.dataNames.length) throw new ArgumentError(`forward: ${batch.data.length} data arrays for data names ${this.dataNames.join(', ')}`);
    this.dpActive = !!this.dp?.accepts(batch, this.dataNames[0]);
    if (this.dpActive) { this.dp!.forward(batch, { data: this.dataNames, label: this.labelShapes.map((d) => d.name) }, o.isTrain ?? this.forTraining); return; }
    this.ensureShapes(batch);
    const exe = this.cur!;
    const inputs: Record<string, NDArray | boolean> = { isTrain: o.isTrain ?? this.forTraining };
    this.dataNames.forEach((n, i) => { inputs[n] = batch.data[i]; });
    if (batch.label) this.labelShapes.forEach((d, i) => { if (batch.label![i] && exe.argDict[d.name]) inputs[d.name] = batch.label![i]; });
    exe.forward(inputs as never);
  }
  /** Backward pass (outGrads needed unless the head is a loss). @example mod.backward() */
  backward(outGrads?: NDArray[]): void {
    if (!this.forTraining) throw new ArgumentError('backward: the module was not bound for training');
    if (this.dpActive) { if (outGrads) throw new ArgumentError('backward: out grads are not supported with several contexts'); this.dp!.backward(); } else this.executor.backward(outGrads);
  }
  /** forward(isTrain) then backward. @example mod.forwardBackward(batch) */
  forwardBackward(batch: DataBatch): void {
    // Several contexts: one round trip to the workers for both passes.
    if (this.dp?.accepts(batch, this.dataNames[0]) && this.forTraining) { this.dpActive = true;
      this.dp.forward(batch, { data: this.dataNames, label: this.labelShapes.map((d) => d.name) }, true, true); return; }
    this.forward(batch, { isTrain: true }); this.backward();
  }

  /** One optimizer step over every parameter with a gradient, in place. @example mod.update() */
  update(): void {
    if (!this.optimizerInitialized) throw new ArgumentError('call initOptimizer before update');
    if (this.dpActive) { this.dp!.update(this.paramNames, this.updateOnKvstore ? this.kvstore : undefined, this.updater); return; }
    const exe = this.cur!;
    if (this.updateOnKvstore && this.kvstore!.type.includes('dist')) { kvUpdateAll(this.kvstore!, this.paramNames, exe.gradDict, exe.argDict); return; }
    this.paramNames.forEach((n, i) => {
      const g = exe.gradDict[n];
      if (!g) return;
      const w = exe.argDict[n];
      if (this.updateOnKvstore) { this.kvstore!.push(i, g); this.kvstore!.pull(i, w); } else this.updater!(i, g, w);
    });
  }

  /** The outputs of the last forward (valid until the next forward). @example mod.getOutputs()[0].toArray() */
  getOutputs(): NDArray[] { return this.dpActive ? this.dp!.outputs() : this.executor.outputs; }
  /** Gradients of the data inputs (bind with inputsNeedGrad). @example mod.getInputGrads()[0] */
  getInputGrads(): NDArray[] {
    if (!this.inputsNeedGrad) throw new ArgumentError('getInputGrads: bind with inputsNeedGrad: true');
    return this.dataNames.map((n) => this.executor.gradDict[n]);
  }
  /** Feeds the last outputs and these labels to a metric. @example mod.updateMetric(metric, batch.label) */
  updateMetric(metric: EvalMetric, labels: NDArray[] | null): void {
    const l: Record<string, NDArray> = {}, pr: Record<string, NDArray> = {};
    (labels ?? []).forEach((a, i) => { l[this.labelShapes[i]?.name ?? this.labelNames[i] ?? `label${i}`] = a; });
    this.getOutputs().forEach((a, i) => { pr[this.outputNames[i]] = a; });
    metric.updateDict(l, pr);
  }

  /** Trains (MXNet's fit). @example mod.fit(train, { evalData: val, numEpoch: 10 }) */
  fit(trainData: DataIter, o: FitOptions): void { fitModule(this, trainData, o); }
  /** fit yielding to the event loop between batches (same options, callbacks): pages. @example await mod.fitAsync(train, { numEpoch: 2 }) */
  fitAsync(trainData: DataIter, o: FitOptions & { yieldEveryMs?: number }): Promise<void> { return fitModuleAsync(this, trainData, o); }
  /** Evaluates a metric over an iterator (padding counted, as MXNet). @example mod.score(val, 'acc') */
  score(evalData: DataIter, metric: EvalMetric | string, o: ScoreOptions = {}): [string, number][] { return scoreModule(this, evalData, metric, o); }
  /** Outputs over an iterator or an array, padding stripped, batches concatenated. @example mod.predict(testIter) */
  predict(evalData: DataIter | NDArray, o: PredictOptions = {}): NDArray | NDArray[] | NDArray[][] { return predictModule(this, evalData, o); }
  /** Per batch: outputs (padding stripped, valid until the next batch), index, batch (MXNet's iter_predict). @example for (const [outs, i] of mod.iterPredict(it)) {} */
  iterPredict(evalData: DataIter, o: { numBatch?: number; reset?: boolean } = {}): Generator<[NDArray[], number, DataBatch]> { return iterPredictModule(this, evalData, o); }

  /** Writes `prefix-symbol.json`, `prefix-%04d.params` (and `.states`). @example mod.saveCheckpoint('lenet', 10) */
  saveCheckpoint(prefix: string, epoch: number, saveOptimizerStates = false): void {
    saveModuleCheckpoint(prefix, epoch, this.symbol, ...this.getParams(), saveOptimizerStates ? optimizerStateBytes(this) : undefined);
  }
  /** Writes optimizer states. @example mod.saveOptimizerStates('x.states') */
  saveOptimizerStates(fname: string): void { saveOptimizerStates(this, fname); }
  /** Reads optimizer states. @example mod.loadOptimizerStates('x.states') */
  loadOptimizerStates(fname: string): void { loadOptimizerStates(this, fname); }
  /** Writes the params file only (MXNet's save_params). @example mod.saveParams('x.params') */
  saveParams(fname: string): void { const [a, x] = this.getParams(); writeFileBytes(fname, checkpointBytes(this.symbol, a, x).params, 'saveParams'); }
  /** Reads a params file into the parameters (MXNet's load_params: `arg:` / `aux:` keys). @example mod.loadParams('x.params') */
  loadParams(fname: string): void { const [a, x] = paramsFromFile(fname); this.setParams(a, x); }

  /** A module from a checkpoint (params applied at bind). @example const mod = mx.mod.Module.load('lenet', 10) */
  static load(prefix: string, epoch: number, loadOptimizerStates = false, o: Omit<ModuleOptions, 'symbol'> = {}): Module {
    const { symbol, argParams, auxParams } = loadCheckpoint(prefix, epoch);
    const m = new Module({ ...o, symbol });
    m.setParams(argParams, auxParams);
    if (loadOptimizerStates) m.preloadOptStates = statesFile(prefix, epoch);
    return m;
  }

  /** Frees the executors. @example mod.dispose() */
  dispose(): void { this.unbind(); disposeOptimizer(this); this.optimizerInitialized = false; }
}
