// Initializers (mx.init): MXNet 1.9's dispatch on the parameter name (weight -> the rule, bias 0,
// gamma 1, beta 0, min 0, max 1; moving_mean 0 / moving_var 1), the `__init__` variable attribute,
// and `dumps()`. Random draws use mx.random's seeded source, so a seeded run repeats exactly.
import { ArgumentError } from '../errors.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { nextUniform } from '../ndarray/create.js';
import { normalFrom } from '../util/random.js';
import { normOpts } from '../util/options.js';

/** A parameter to initialise: its name and variable attributes (`__init__`, `__lr_mult__`...). */
export interface InitDesc { name: string; attrs?: Record<string, string>; globalInit?: Initializer }

/** Python's json.dumps layout (", " and ": "), which MXNet writes into `__init__` attributes. @example pyJson(['one', {}]) // '["one", {}]' */
export function pyJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(pyJson).join(', ') + ']';
  if (v && typeof v === 'object') return '{' + Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`).join(', ') + '}';
  return JSON.stringify(v ?? null);
}

/**
 * Base initializer. `init.call(desc, arr)` fills `arr` in place following MXNet's naming rules.
 * @example const xi = new mx.init.Xavier({ magnitude: 2 }); xi.call('fc1_weight', w); xi.call('fc1_bias', b);
 */
export abstract class Initializer {
  /** The registry name and constructor kwargs (MXNet names), for dumps(). */
  constructor(readonly kind: string, public kwargs: Record<string, unknown> = {}) {}

  /** Fills `arr` for the parameter `desc` (a name or an InitDesc). @example init.call({ name: 'w', attrs: { __init__: '["one", {}]' } }, arr) */
  call(desc: string | InitDesc, arr: NDArray): void {
    const d: InitDesc = typeof desc === 'string' ? { name: desc } : desc;
    const init = d.attrs?.__init__;
    if (init) { create(init).initWeight(d.name, arr); return; }
    const n = d.name;
    if (n.endsWith('weight')) this.initWeight(n, arr);
    else if (n.endsWith('bias')) this.initBias(n, arr);
    else if (n.endsWith('gamma')) this.initGamma(n, arr);
    else if (n.endsWith('beta')) this.initBeta(n, arr);
    else if (n.endsWith('min')) fill(arr, 0);
    else if (n.endsWith('max')) fill(arr, 1);
    else if (n.endsWith('moving_mean') || n.endsWith('running_mean') || n.endsWith('moving_inv_var') || n.endsWith('moving_avg')) fill(arr, 0);
    else if (n.endsWith('moving_var') || n.endsWith('running_var')) fill(arr, 1);
    else this.initDefault(n, arr);
  }
  /** Serialised form, as MXNet writes it: `["xavier", {"rnd_type": "uniform", ...}]`. @example new mx.init.Uniform(0.1).dumps() */
  dumps(): string { return pyJson([this.kind, this.kwargs]); }

  /** The initializer's own rule (what weights get). */
  abstract initWeight(name: string, arr: NDArray): void;
  protected initBias(_n: string, arr: NDArray): void { fill(arr, 0); }
  protected initGamma(_n: string, arr: NDArray): void { fill(arr, 1); }
  protected initBeta(_n: string, arr: NDArray): void { fill(arr, 0); }
  protected initDefault(name: string, _arr: NDArray): void {
    throw new ArgumentError(`Unknown initialization pattern for ${name}. Default initialization is now limited to "weight", "bias", "gamma" (1.0), and "beta" (0.0). Please use ` +
      `mx.sym.Variable(init=mx.init.*) to set initialization pattern`);
  }
}

/** Fills an array with one value. @example fill(arr, 0) */
export function fill(arr: NDArray, v: number): void { arr.data.fill(v); }
/** U(lo, hi) from the seeded source. @example fillUniform(arr, -0.1, 0.1) */
export function fillUniform(arr: NDArray, lo: number, hi: number): void {
  const tmp = new Float32Array(arr.size);
  for (let i = 0; i < tmp.length; i++) tmp[i] = lo + (hi - lo) * nextUniform();
  arr.data.set(tmp);
}
/** N(0, sigma²) from the seeded source. @example fillNormal(arr, 0.01) */
export function fillNormal(arr: NDArray, sigma: number): void {
  const tmp = new Float32Array(arr.size), n = normalFrom(nextUniform);
  for (let i = 0; i < tmp.length; i++) tmp[i] = sigma * n();
  arr.data.set(tmp);
}

type Factory = (kw: Record<string, unknown>) => Initializer;
const registry = new Map<string, Factory>();
/** Registers an initializer under a name (lower-cased). @example registerInit('myinit', (kw) => new MyInit(kw)) */
export function registerInit(name: string, f: Factory): void { registry.set(name.toLowerCase(), f); }

/**
 * An initializer from an instance, a name, or MXNet's serialised form `["name", {kwargs}]`.
 * @example mx.init.create('xavier'); mx.init.create('["normal", {"sigma": 0.1}]')
 */
export function create(spec: string | Initializer | [string, Record<string, unknown>]): Initializer {
  if (spec instanceof Initializer) return spec;
  let name: string, kw: Record<string, unknown> = {};
  if (Array.isArray(spec)) [name, kw] = spec;
  else if (spec.trim().startsWith('[')) {
    try { [name, kw] = JSON.parse(spec); } catch { throw new ArgumentError(`cannot parse initializer ${spec}`); }
  } else name = spec;
  const f = registry.get(String(name).toLowerCase());
  if (!f) throw new ArgumentError(`Cannot find initializer ${name} (known: ${[...registry.keys()].join(', ')})`);
  return f(normOpts(kw));
}
