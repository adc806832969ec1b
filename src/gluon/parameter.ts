// gluon.Parameter / Constant / ParameterDict (MXNet 1.9 gluon/parameter.py): unknown dims are 0 and filled in by
// the first forward (deferred init); the chosen initializer's own rule applies whatever the name (Gluon's
// `__init__` dispatch, unlike Module's suffix rules); the data array is allocated once and updated in place, so
// executors bound over it (hybridize) and the Trainer see every change.
import { ArgumentError, MxError, ShapeError } from '../errors.js';
import { markVariable, unmark } from '../autograd/tape.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { GradReq } from '../ops/registry.js';
import { Uniform } from '../init/rules.js';
import { create as createInit, Initializer } from '../init/initializer.js';
import { toDType, type DType } from '../runtime/dtype.js';
import { rowSet, setRowSet } from '../runtime/row-sparse.js';
import { Variable } from '../symbol/create.js';
import type { Symbol } from '../symbol/symbol.js';
import { fmtShape } from '../util/shape.js';

export type InitSpec = Initializer | string | undefined;

export interface ParameterOptions {
  shape?: number[] | number;
  dtype?: DType | string;
  gradReq?: GradReq;
  lrMult?: number;
  wdMult?: number;
  init?: InitSpec;
  allowDeferredInit?: boolean;
  differentiable?: boolean;
}

/** Raised by `data()` before a deferred parameter got its shape from a forward. */
export class DeferredInitializationError extends MxError {
  constructor(message: string) { super('argument', message); this.name = 'MxError'; }
}

/**
 * A learnable array of a Block, with its gradient and optimizer multipliers.
 * @example const p = new mx.gluon.Parameter('w', { shape: [3, 0], allowDeferredInit: true }); p.initialize(); p.shape = [3, 4];
 */
export class Parameter {
  readonly name: string;
  shape: number[];
  readonly dtype: DType;
  lrMult: number;
  wdMult: number;
  init: InitSpec;
  allowDeferredInit: boolean;
  readonly differentiable: boolean;
  private _gradReq: GradReq;
  private _data?: NDArray;
  private _grad?: NDArray;
  private deferred?: { init: InitSpec; defaultInit: Initializer };
  /** Bumped whenever the data or grad arrays are replaced (cached executors rebind). */
  version = 0;

  constructor(name: string, o: ParameterOptions = {}) {
    this.name = name;
    this.shape = o.shape === undefined ? [] : typeof o.shape === 'number' ? [o.shape] : [...o.shape];
    this.dtype = toDType(o.dtype ?? 'float32');
    this.lrMult = o.lrMult ?? 1;
    this.wdMult = o.wdMult ?? 1;
    this.init = o.init;
    this.allowDeferredInit = o.allowDeferredInit ?? false;
    this.differentiable = o.differentiable ?? true;
    this._gradReq = this.differentiable ? (o.gradReq ?? 'write') : 'null';
  }

  /** True once every dim is known. */
  get shapeKnown(): boolean { return this.shape.length > 0 && this.shape.every((d) => d > 0); }
  get isInitialized(): boolean { return !!this._data; }

  /** Fills 0 dims from `s` (known dims must agree). @example p.setShape([10, 784]) */
  setShape(s: number[]): void {
    if (this.shape.length && (s.length !== this.shape.length || this.shape.some((d, i) => d > 0 && d !== s[i]))) {
      throw new ShapeError(`Expected shape ${fmtShape(s)} is incompatible with given shape ${fmtShape(this.shape)} for Parameter ${this.name}`);
    }
    this.shape = [...s];
  }

  get gradReq(): GradReq { return this._gradReq; }
  set gradReq(req: GradReq) {
    if (req !== 'write' && req !== 'add' && req !== 'null') throw new ArgumentError(`grad_req must be 'write', 'add' or 'null', got ${String(req)}`);
    if (!this.differentiable) req = 'null';
    if (req === this._gradReq) return;
    this._gradReq = req;
    this.version++; // hybridized blocks bind the request into their executors: re-bind
    if (this._data) this.attach();
  }

  /**
   * Allocates and initializes the data (explicit `init` > the parameter's own `init` > `defaultInit`), or defers
   * until the shape is known. A second call is ignored unless `forceReinit`.
   * @example p.initialize(new mx.init.Xavier())
   */
  initialize(init?: InitSpec, defaultInit: InitSpec = new Uniform(), forceReinit = false): void {
    if (this._data && !forceReinit) return;
    const chosen = init ?? this.init;
    const dflt = createInit(defaultInit ?? new Uniform());
    if (!this.shapeKnown) {
      if (!this.allowDeferredInit) throw new ShapeError(`Cannot initialize Parameter '${this.name}' because it has invalid shape: ${fmtShape(this.shape)}.`);
      this.deferred = { init: chosen, defaultInit: dflt };
      return;
    }
    this.finishInit(chosen, dflt);
  }

  /** @internal Completes a deferred init once the shape is set (the first forward). */
  finishDeferredInit(): void {
    if (this._data || !this.deferred) return;
    if (!this.shapeKnown) throw new DeferredInitializationError(`Parameter '${this.name}' has not been initialized yet because initialization was deferred. Actual initialization happens during ` +
      `the first forward pass.`);
    const d = this.deferred; this.deferred = undefined;
    this.finishInit(d.init, d.defaultInit);
  }

  /** True when initialize() ran but the shape is still unknown. */
  get isDeferred(): boolean { return !!this.deferred && !this._data; }

  private finishInit(chosen: InitSpec, dflt: Initializer): void {
    const arr = this._data && this._data.shape.join() === this.shape.join() ? this._data : NDArray.empty([...this.shape], this.dtype);
    const init = chosen === undefined ? dflt : createInit(chosen);
    init.initWeight(this.name, arr);
    if (arr !== this._data) { this._data?.dispose(); this._data = arr; this.version++; }
    this.attach();
  }

  /** (Re)marks the data array as an autograd variable with a gradient per gradReq. */
  private attach(): void {
    const d = this._data!;
    if (this._gradReq === 'null') { this._grad?.dispose(); this._grad = undefined; unmark(d); this.version++; return; }
    if (!this._grad || this._grad.shape.join() !== d.shape.join()) { this._grad?.dispose(); this._grad = NDArray.empty([...d.shape], this.dtype); this._grad.data.fill(0); this.version++; }
    markVariable(d, this._gradReq, this._grad);
  }

  private check(what: string): NDArray {
    if (this._data) return this._data;
    if (this.deferred) throw new DeferredInitializationError(`Parameter '${this.name}' has not been initialized yet because initialization was deferred. Actual initialization happens during the ` +
      `first forward pass. Please pass one batch of data through the network before accessing ${what}.`);
    throw new ArgumentError(`Parameter '${this.name}' has not been initialized. Note that you should initialize parameters and create Trainer with Block.collectParams() instead of Block.params ` +
      `because the later does not include Parameters of nested child Blocks`);
  }

  /** The value array. @example net.collectParams().get('dense0_weight').data().shape */
  data(): NDArray { return this.check('data()'); }
  /** The gradient array (error when gradReq is 'null'). @example p.grad().toArray() */
  grad(): NDArray {
    this.check('grad()');
    if (!this._grad) throw new ArgumentError(`Cannot get gradient array for Parameter '${this.name}' because grad_req='null'`);
    return this._grad;
  }
  /** @internal The gradient array or undefined. */
  get gradArray(): NDArray | undefined { return this._grad; }
  /** Copies a value in (shape must match; a deferred parameter takes the shape and is initialized with it). @example p.setData(mx.nd.ones([3])) */
  setData(v: NDArray): void {
    if (!this._data) {
      this.setShape(v.shape);
      const d = this.deferred;
      this.deferred = undefined;
      this.finishInit(d?.init ?? 'zeros', createInit('zeros'));
    }
    if (v.size !== this._data!.size || v.shape.join() !== this._data!.shape.join())
      throw new ShapeError(`Parameter '${this.name}': setData with shape ${fmtShape(v.shape)}, expected ${fmtShape(this._data!.shape)}`);
    v.copyTo(this._data!);
  }
  /** Zeroes the gradient. @example p.zeroGrad() */
  zeroGrad(): void {
    const g = this._grad;
    if (!g) return;
    g.data.fill(0);
    if (rowSet(g.byteOffset, g.nbytes)) setRowSet(g.byteOffset, g.nbytes, new Int32Array(0)); // a sparse gradient: now no rows
  }
  /** The symbol variable of this parameter (MXNet's Parameter.var). @example p.var().name */
  var(): Symbol {
    const f = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(v)); // Python's str(float), as MXNet writes
    return Variable(this.name, { ...(this.shapeKnown ? { shape: this.shape } : {}), dtype: this.dtype, attr: { __lr_mult__: f(this.lrMult), __wd_mult__: f(this.wdMult) } });
  }
  /** Casts are not supported beyond float32 here. */
  toString(): string { return `Parameter ${this.name} (shape=${fmtShape(this.shape)}, dtype=${this.dtype})`; }
  /** Frees the arrays. */
  dispose(): void { this._data?.dispose(); this._grad?.dispose(); this._data = this._grad = undefined; this.version++; }
}

/** A parameter that is never trained (grad_req 'null'), initialized to `value`. @example new mx.gluon.Constant('scale', mx.nd.array([2])) */
export class Constant extends Parameter {
  constructor(name: string, value: NDArray | number[]) {
    const v = value instanceof NDArray ? value : NDArray.empty([value.length]).set(value);
    super(name, { shape: v.shape, gradReq: 'null', differentiable: false, init: 'zeros' });
    this.initialize();
    v.copyTo(this.data());
  }
}

/**
 * Parameters by full name (MXNet's ParameterDict). `get` creates or returns (merging 0 dims of shapes).
 * @example const pd = net.collectParams(); pd.keys(); pd.initialize(new mx.init.Xavier());
 */
export class ParameterDict {
  readonly map = new Map<string, Parameter>();
  constructor(readonly prefix = '', private shared?: ParameterDict) {}

  /**
   * The parameter with this full name (MXNet's `pd[name]`), else `prefix + name` (MXNet's `pd.get`), created with
   * these options if absent. @example pd.get('dense0_weight'); pd.get('weight', { shape: [10, 0] })
   */
  get(name: string, o: ParameterOptions = {}): Parameter {
    const exact = this.map.get(name);
    if (exact && o.shape === undefined) return exact;
    const full = this.prefix + name;
    let p = this.map.get(full) ?? this.shared?.map.get(full);
    if (!p) { p = new Parameter(full, o); this.map.set(full, p); return p; }
    if (o.shape !== undefined) {
      const s = typeof o.shape === 'number' ? [o.shape] : o.shape;
      if (p.shape.length === 0) p.shape = [...s];
      else if (s.length === p.shape.length) p.shape = p.shape.map((d, i) => (d > 0 ? d : s[i]));
    }
    this.map.set(full, p);
    return p;
  }
  /** Adds existing parameters. */
  update(other: ParameterDict | Map<string, Parameter>): void {
    const m = other instanceof ParameterDict ? other.map : other;
    for (const [k, v] of m) {
      const cur = this.map.get(k);
      if (cur && cur !== v) throw new ArgumentError(`Cannot update self with other because they have different Parameters with the same name '${k}'`);
      this.map.set(k, v);
    }
  }
  keys(): string[] { return [...this.map.keys()]; }
  values(): Parameter[] { return [...this.map.values()]; }
  entries(): [string, Parameter][] { return [...this.map.entries()]; }
  has(name: string): boolean { return this.map.has(name); }
  get size(): number { return this.map.size; }
  [globalThis.Symbol.iterator](): IterableIterator<[string, Parameter]> { return this.map.entries(); }
  /** Initializes every parameter. @example pd.initialize(new mx.init.Xavier()) */
  initialize(init: InitSpec = new Uniform(), o: { forceReinit?: boolean } = {}): void {
    for (const p of this.map.values()) p.initialize(undefined, init, o.forceReinit);
  }
  /** Zeroes all gradients. */
  zeroGrad(): void { for (const p of this.map.values()) p.zeroGrad(); }
  /** Sets an attribute (gradReq, lrMult, wdMult) on all. @example pd.setattr('gradReq', 'null') */
  setattr(name: 'gradReq' | 'lrMult' | 'wdMult', value: unknown): void { for (const p of this.map.values()) (p as unknown as Record<string, unknown>)[name] = value; }
  /** Parameters whose name matches. @example pd.select('.*weight') */
  select(re: string | RegExp): ParameterDict {
    const r = typeof re === 'string' ? new RegExp(re) : re;
    const out = new ParameterDict(this.prefix);
    for (const [k, v] of this.map) if (matchesFully(r, k)) out.map.set(k, v);
    return out;
  }
  toString(): string { return `${this.prefix} (\n${this.values().map((p) => `  ${p}`).join('\n')}\n)`; }
}

/** Python's re.match semantics (anchored at the start), as MXNet's collect_params(select). */
export function matchesFully(r: RegExp, s: string): boolean {
  const a = new RegExp(`^(?:${r.source})`, r.flags.replace('g', ''));
  return a.test(s);
}
