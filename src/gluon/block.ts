// gluon.Block / HybridBlock (MXNet 1.9 gluon/block.py): MXNet's prefix naming (global counter at top level,
// per-parent counters inside nameScope, '' prefixes transparent), child registration, parameter collection,
// and HybridBlock's two paths: hybridForward(F = nd) imperatively (recorded by autograd at invoke), or traced
// with F = sym into one Symbol that runs on the planned executor once hybridized (cached-op.ts).
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { named, tidyForward } from './scope.js';
import { sym } from '../api/sym.js';
import { Group, Variable } from '../symbol/create.js';
import { NameManager } from '../symbol/naming.js';
import { Symbol } from '../symbol/symbol.js';
import { matchesFully, Parameter, ParameterDict, type InitSpec, type ParameterOptions } from './parameter.js';
import { ndF } from './f.js';
import { loadParameters, saveParameters, type LoadParametersOptions } from './params-io.js';
import type { BytesLike } from '../format/reader.js';

interface Scope { block: Block; counter: Map<string, number> }
let current: Scope | undefined;

function createPrefix(prefix: string | undefined, params: ParameterDict | undefined, hint: string): [string, ParameterDict] {
  const cur = current;
  if (!cur) {
    const p = prefix ?? `${NameManager.get(undefined, hint)}_`;
    return [p, params ? new ParameterDict(params.prefix, params) : new ParameterDict(p)];
  }
  let pre = prefix;
  if (pre === undefined) {
    const c = cur.counter.get(hint) ?? 0;
    cur.counter.set(hint, c + 1);
    pre = `${hint}${c}_`;
  }
  const parent = cur.block.params;
  return [cur.block.prefix + pre, params ? new ParameterDict(params.prefix, params) : new ParameterDict(parent.prefix + pre, parent.sharedDict)];
}

declare module './parameter.js' { interface ParameterDict { readonly sharedDict: ParameterDict | undefined } }
Object.defineProperty(ParameterDict.prototype, 'sharedDict', { get(this: { shared?: ParameterDict }) { return this.shared; } });

export interface BlockOptions { prefix?: string; params?: ParameterDict; /** @internal naming alias when it depends on arguments (Activation) */ alias?: string }
type Value = NDArray | Symbol;

/**
 * Base of all layers and models. Subclasses create children inside `nameScope` and register them with
 * `registerChild`; `forward` computes. `collectParams()` gathers every parameter of the tree.
 * @example
 * class Net extends mx.gluon.Block { constructor() { super(); this.nameScope(() => { this.fc = this.registerChild(new nn.Dense(10), 'fc'); }); }
 *   forward(x) { return this.fc.forward(x); } }
 */
export class Block {
  /** The naming alias (MXNet: class name lower-cased); layers set it explicitly so bundling cannot rename it. */
  static alias?: string;
  readonly prefix: string;
  readonly params: ParameterDict;
  readonly children = new Map<string, Block>();
  /** Parameters registered by local name (MXNet's _reg_params: passed to hybridForward). */
  readonly regParams: Record<string, Parameter> = {};
  protected readonly emptyPrefix: boolean;
  private scopeCounter = new Map<string, number>();

  constructor(o: BlockOptions = {}) {
    const C = this.constructor as typeof Block;
    const alias = o.alias ?? (Object.prototype.hasOwnProperty.call(C, 'alias') && C.alias ? C.alias : this.aliasName());
    [this.prefix, this.params] = createPrefix(o.prefix, o.params, alias);
    this.emptyPrefix = this.prefix === '' || o.prefix === '';
  }

  /** The alias used for automatic prefixes. */
  protected aliasName(): string { return (this.constructor as typeof Block).alias ?? this.constructor.name.toLowerCase(); }
  /** The prefix without its trailing '_'. @example new nn.Dense(10).name // 'dense0' */
  get name(): string { return this.prefix.endsWith('_') ? this.prefix.slice(0, -1) : this.prefix; }

  /**
   * Runs `fn` with this block as the naming scope: blocks created inside get `prefix + alias + n_`.
   * @example this.nameScope(() => { this.body = this.registerChild(new nn.HybridSequential()); });
   */
  nameScope<T>(fn: () => T): T {
    if (this.emptyPrefix) return fn();
    const old = current;
    current = { block: this, counter: this.scopeCounter };
    try { return fn(); } finally { current = old; }
  }

  /** Registers a child (under `name`, or its index); returns it. @example this.out = this.registerChild(new nn.Dense(10), 'out') */
  registerChild<B extends Block>(block: B, name?: string): B {
    if (!(block instanceof Block)) throw new ArgumentError(`${this.name}: registerChild expects a Block`);
    const k = name ?? String(this.children.size);
    this.children.set(k, block);
    this.clearCache();
    return block;
  }

  /** Creates (or gets) a parameter `prefix + name` and registers it by local name. @example this.weight = this.param('weight', { shape: [10, 0] }) */
  param(name: string, o: ParameterOptions = {}): Parameter {
    const p = this.params.get(name, o);
    this.regParams[name] = p;
    return p;
  }

  /** Every parameter of this block and its children (optionally those matching a regex, as Python's re.match). @example net.collectParams('.*weight') */
  collectParams(select?: string | RegExp): ParameterDict {
    const out = new ParameterDict(this.params.prefix);
    const walk = (b: Block) => { out.update(b.params); for (const c of b.children.values()) walk(c); };
    walk(this);
    if (!select) return out;
    const r = typeof select === 'string' ? new RegExp(select) : select;
    const sel = new ParameterDict(out.prefix);
    for (const [k, v] of out.map) if (matchesFully(r, k)) sel.map.set(k, v);
    return sel;
  }

  /** Structural names (`0.weight`, `features.3.bias`) → parameters, as save_parameters writes. */
  collectParamsWithPrefix(prefix = ''): Map<string, Parameter> {
    const pre = prefix ? `${prefix}.` : '';
    const out = new Map<string, Parameter>();
    for (const [k, p] of Object.entries(this.regParams)) out.set(pre + k, p);
    for (const [k, c] of this.children) for (const [n, p] of c.collectParamsWithPrefix(pre + k)) out.set(n, p);
    return out;
  }

  /** Initializes all parameters (default Uniform(0.07)); deferred ones wait for the first forward. @example net.initialize(new mx.init.Xavier()) */
  initialize(init?: InitSpec, o: { forceReinit?: boolean } = {}): void { this.collectParams().initialize(init, o); }

  /** Hybridizes every HybridBlock child (a plain Block itself does not hybridize). @example net.hybridize() */
  hybridize(active = true, o: HybridizeOptions = {}): void { for (const c of this.children.values()) c.hybridize(active, o); }

  /** Zeroes every gradient. */
  zeroGrad(): void { this.collectParams().zeroGrad(); }

  /** Writes the parameters in Gluon's format (structural names: `0.weight`). @example net.saveParameters('net.params') */
  saveParameters(path: string): void { saveParameters(this, path); }
  /**
   * Reads Gluon parameters (structural or full-name files; a path or bytes), copying into this block's parameters.
   * @example net.loadParameters('net.params', { allowMissing: false, ignoreExtra: false })
   */
  loadParameters(src: string | BytesLike, o: LoadParametersOptions = {}): void { loadParameters(this, src, o); }

  /** @internal Drops cached graphs (a child was added). */
  clearCache(): void { /* HybridBlock overrides */ }

  /** The computation (subclasses). */
  forward(..._args: unknown[]): unknown { throw new ArgumentError(`${this.name}: forward is not implemented`); }
  /** Same as forward (MXNet's __call__). @example net.call(x) */
  call(...args: unknown[]): unknown { return this.forward(...args); }

  /** Summary of the tree. */
  toString(): string {
    const inner = [...this.children].map(([k, c]) => `  (${k}): ${String(c).replace(/\n/g, '\n  ')}`).join('\n');
    return `${this.constructor.name}(${inner ? `\n${inner}\n` : ''})`;
  }
}

/**
 * MXNet's CachedOp flags, accepted for compatibility; both behaviours are always on here, so neither changes anything:
 * - `staticAlloc` (MXNet: allocate the graph's memory once and keep it between calls, instead of per call): every
 *   hybridized call runs a bound Executor whose memory plan is allocated at bind and kept until the block re-plans
 *   or is disposed; there is no per-call allocating mode to switch off (outputs are copied out per call either way).
 * - `staticShape` (MXNet: skip shape inference while shapes do not change; a change is still allowed, slower):
 *   shapes are inferred once per input-shape set at bind; a call with known shapes costs one key lookup, a new shape
 *   re-plans (kept in a 4-entry LRU). As in MXNet, `staticShape` without `staticAlloc` is refused.
 */
export interface HybridizeOptions { staticAlloc?: boolean; staticShape?: boolean }

/** Per-trace state: one variable per parameter (shared parameters appear once). */
let traceVars: Map<Parameter, Symbol> | undefined;

/** Runs `fn` with fresh op-name counters under `prefix` (MXNet's per-call Prefix NameManager). */
function withNameScope<T>(prefix: string, fn: () => T): T {
  const oldC = NameManager.counters, oldP = NameManager.prefix;
  NameManager.counters = new Map(); NameManager.prefix = prefix;
  try { return fn(); } finally { NameManager.counters = oldC; NameManager.prefix = oldP; }
}

/**
 * A block whose computation is written once as `hybridForward(F, ...inputs, params)` with F = mx.nd or mx.sym.
 * Imperatively it runs op by op (autograd records them); after `hybridize()` the first call traces it into
 * a Symbol and later calls run that graph on the planned executor (re-planned per input shape).
 * @example
 * class Scale extends mx.gluon.HybridBlock {
 *   constructor() { super(); this.param('alpha', { shape: [1], init: 'ones' }); }
 *   hybridForward(F, x, p) { return F.broadcast_mul(x, p.alpha); }
 * }
 */
export class HybridBlock extends Block {
  protected active = false;
  /** @internal */ cached?: import('./cached-op.js').CachedOp;
  protected hybridOpts: HybridizeOptions = {};
  private initDone?: import('./parameter.js').Parameter[];

  /** The computation: `F` is mx.nd or mx.sym, `params` the registered parameters by local name. */
  hybridForward(_F: any, ..._args: any[]): any { throw new ArgumentError(`${this.name}: hybridForward is not implemented`); }

  override hybridize(active = true, o: HybridizeOptions = {}): void {
    if (o.staticShape && !o.staticAlloc) throw new ArgumentError(`${this.name}: staticShape requires staticAlloc`);
    this.active = active; this.hybridOpts = o;
    this.clearCache();
    super.hybridize(active, o);
  }

  override clearCache(): void { this.cached?.dispose(); this.cached = undefined; this.initDone = undefined; }

  override registerChild<B extends Block>(block: B, name?: string): B {
    if (!(block instanceof HybridBlock))
      throw new ArgumentError(`Children of HybridBlock must also be HybridBlock, but ${block.name} has type ${block.constructor.name}. If you are using Sequential, please try HybridSequential ` +
        `instead.`);
    return super.registerChild(block, name);
  }

  override forward(...inputs: any[]): any {
    let first: unknown;
    for (let i = 0; i < inputs.length && first == null; i++) first = inputs[i];
    if (first instanceof Symbol) {
      const ps: Record<string, Symbol> = {};
      for (const [k, p] of Object.entries(this.regParams)) {
        let v = traceVars?.get(p);
        if (!v) { v = p.var(); traceVars?.set(p, v); }
        ps[k] = v;
      }
      return withNameScope(this.prefix, () => this.hybridForward(sym, ...inputs, ps));
    }
    if (!(first instanceof NDArray)) throw new ArgumentError(`${this.name}: forward expects NDArray or Symbol inputs`);
    this.ensureInitialized(inputs);
    if (this.active) {
      if (!this.cached) this.cached = new (cachedOpClass())(this);
      return this.cached.call(inputs);
    }
    const ps: Record<string, NDArray> = {};
    for (const [k, p] of Object.entries(this.regParams)) ps[k] = p.data();
    return named(this, () => tidyForward(inputs, () => this.hybridForward(ndF, ...inputs, ps)));
  }

  /**
   * Traces the block with input variables (`data`, or `data0`, `data1`... for several inputs; undefined
   * inputs stay undefined). Returns the inputs' names and the output symbol (grouped when several).
   * @example const { out } = net.trace([x]);
   */
  trace(inputs: (NDArray | null | undefined)[]): { names: (string | undefined)[]; out: Symbol; nOut: number } {
    const present = inputs.filter((x) => x != null).length;
    let k = 0;
    const names = inputs.map((x) => (x == null ? undefined : present === 1 ? 'data' : `data${k++}`));
    const vars = names.map((n) => (n ? Variable(n) : undefined));
    const old = traceVars; traceVars = new Map();
    try {
      const r = this.forward(...vars);
      const outs: Symbol[] = Array.isArray(r) ? r : [r];
      if (!outs.every((o) => o instanceof Symbol)) throw new ArgumentError(`${this.name}: hybridForward must return Symbols when traced`);
      return { names, out: outs.length === 1 ? outs[0] : Group(outs), nOut: outs.length };
    } finally { traceVars = old; }
  }

  /** Deferred init: traces with the real input shapes, writes the inferred shapes into the parameters, initializes. */
  protected ensureInitialized(inputs: (NDArray | null | undefined)[]): void {
    if (this.initDone?.every((p) => p.isInitialized)) return; // the common case: one cheap check per call
    const params = this.collectParams().values();
    const pending = params.filter((p) => !p.isInitialized);
    if (!pending.length) { this.initDone = params; return; }
    const notInit = pending.filter((p) => !p.isDeferred);
    if (notInit.length) throw new ArgumentError(`${this.name}: Parameter '${notInit[0].name}' has not been initialized. Call initialize() before forward.`);
    const { names, out } = this.trace(inputs);
    const shapes: Record<string, number[]> = {};
    names.forEach((n, i) => { if (n) shapes[n] = inputs[i]!.shape; });
    const inf = named(this, () => out.inferShapePartial(shapes));
    const byName = new Map(pending.map((p) => [p.name, p]));
    const put = (names: string[], shp: (number[] | undefined)[]) => names.forEach((n, i) => { const p = byName.get(n); if (p && shp[i]) p.setShape(shp[i]!); });
    put(out.listArguments(), inf.argShapes);
    put(out.listAuxiliaryStates(), inf.auxShapes);
    // Blocks whose parameter shapes no op infers (gluon.rnn layers' input size, through a flattening) set them.
    const walk = (b: Block) => { (b as { inferDeferred?: (s: Record<string, number[]>) => void }).inferDeferred?.(shapes); for (const c of b.children.values()) walk(c); };
    walk(this);
    for (const p of pending) p.finishDeferredInit();
  }

  /**
   * Writes `path-symbol.json` and `path-%04d.params` (arg:/aux: keys) from the traced graph, as MXNet's export.
   * Needs hybridize() and one forward. @example net.export('lenet', 1)
   */
  export(path: string, epoch = 0): void {
    if (!this.cached) throw new ArgumentError(`${this.name}: Please first call block.hybridize() and then run forward with this block at least once before calling export.`);
    this.cached.export(path, epoch);
  }
}

let cachedOpCtor: (new (b: HybridBlock) => import('./cached-op.js').CachedOp) | undefined;
/** @internal cached-op.ts registers itself (it imports this file). */
export function setCachedOpClass(c: typeof cachedOpCtor): void { cachedOpCtor = c; }
function cachedOpClass() { if (!cachedOpCtor) throw new ArgumentError('hybridize: cached op not loaded'); return cachedOpCtor; }

/** Input NDArray or Symbol. */
export type { Value };
export { named, tidyForward };
