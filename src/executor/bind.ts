import { ArgumentError, MemoryError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { isDynamic, type GradReq, type Shape } from '../ops/registry.js';
import { toDType, type DType } from '../runtime/dtype.js';
import { dfsOrder, type NodeEntry } from '../graph/node.js';
import { fmtShape, sameShape } from '../util/shape.js';
import { Executor } from './executor.js';
import { planBind } from './plan.js';
// lazy: data-dependent shapes' segment planning, evaluated on the first bind of such a graph
import * as segments from './segments.js';

/** True when some node reachable from `heads` has a data-dependent output shape. @example hasDynamic(sym.outputs) */
export function hasDynamic(heads: readonly NodeEntry[]): boolean { return dfsOrder(heads).some((n) => isDynamic(n.def)); }

/** grad_req as MXNet takes it: one string, a list (argument order) or a dict (missing → 'null'). */
export type GradReqSpec = GradReq | GradReq[] | Record<string, GradReq>;

/**
 * What binding reads of a symbol: a `Symbol` satisfies it (declared here, not imported, so that the executor layer
 * stays below `src/symbol`, which calls bind).
 */
export interface Bindable {
  readonly outputs: readonly NodeEntry[];
  listArguments(): string[];
  listAuxiliaryStates(): string[];
  listOutputs(): string[];
  inferShapePartial(shapes: Record<string, Shape>): { argShapes: (Shape | undefined)[]; auxShapes: (Shape | undefined)[] };
  inferType(types: Record<string, string>): { argTypes: DType[]; auxTypes: DType[] };
}

export interface BindOptions {
  /** Argument arrays: a list in `listArguments()` order or a dict by name. */
  args: NDArray[] | Record<string, NDArray>;
  /** Gradient arrays (list or dict); arguments without one get no gradient. */
  argsGrad?: (NDArray | undefined)[] | Record<string, NDArray>;
  gradReq?: GradReqSpec;
  auxStates?: NDArray[] | Record<string, NDArray>;
  /** Set false to turn off inference-time fusion. */
  fuse?: boolean;
  /**
   * MXNet's shared_exec: run in this executor's arena when it is large enough (one arena for executors that never
   * run at the same time, as BucketingModule's buckets; outputs then stay valid only until either one runs).
   */
  sharedExec?: Executor;
}

export interface SimpleBindOptions {
  /** Input shapes by name (the rest are inferred). */
  shapes: Record<string, Shape>;
  gradReq?: GradReqSpec;
  typeDict?: Record<string, string | DType>;
  fuse?: boolean;
}

function normReq(spec: GradReqSpec | undefined, names: string[]): Record<string, GradReq> {
  const r: Record<string, GradReq> = {};
  const check = (q: unknown, n: string): GradReq => {
    if (q !== 'write' && q !== 'add' && q !== 'null') throw new ArgumentError(`grad_req for '${n}' must be 'write', 'add' or 'null', got ${String(q)}`);
    return q;
  };
  names.forEach((n, i) => {
    const q = spec === undefined ? 'write' : typeof spec === 'string' ? spec : Array.isArray(spec) ? spec[i] : spec[n] ?? 'null';
    r[n] = check(q, n);
  });
  return r;
}

function listOf<T>(v: T[] | Record<string, T> | undefined, names: string[], what: string, required: boolean): (T | undefined)[] {
  if (!v) { if (required && names.length) throw new ArgumentError(`bind: ${what} are required (${names.join(', ')})`); return names.map(() => undefined); }
  if (Array.isArray(v)) {
    if (required && v.length !== names.length) throw new ArgumentError(`bind: ${names.length} ${what} expected (${names.join(', ')}), got ${v.length}`);
    return names.map((_, i) => v[i]);
  }
  return names.map((n) => { if (required && !v[n]) throw new ArgumentError(`bind: missing ${what.replace(/s$/, '')} '${n}'`); return v[n]; });
}

/** Each given array is a live NDArray (bind reads and writes them in place). */
function checkArrays(list: (NDArray | undefined)[], names: string[], what: string): void {
  list.forEach((a, i) => {
    if (a === undefined) return;
    if (!(a instanceof NDArray)) throw new ArgumentError(`bind: ${what} '${names[i]}' must be an NDArray, got ${a === null ? 'null' : typeof a}`, { arg: names[i] });
    if (a.isDisposed) throw new ArgumentError(`bind: ${what} '${names[i]}' is a disposed NDArray`, { arg: names[i] });
  });
}

/**
 * MXNet's `Symbol.bind`: runs the passes on the symbol with the given arrays' shapes and builds an
 * Executor over them (the arrays are used in place, not copied).
 * @example const exe = bind(net, { args: { data, fc1_weight: w, fc1_bias: b }, gradReq: 'null' });
 */
export function bind(sym: Bindable, o: BindOptions, owned: NDArray[] = []): Executor {
  const argNames = sym.listArguments(), auxNames = sym.listAuxiliaryStates();
  const dup = [...argNames, ...auxNames].find((n, i, all) => all.indexOf(n) !== i);
  if (dup) { for (const a of owned) a.dispose(); throw new ArgumentError(`bind: two different variables are named '${dup}' (names must be unique)`); }
  const args = listOf(o.args, argNames, 'arguments', true) as NDArray[];
  const aux = listOf(o.auxStates, auxNames, 'aux states', true) as NDArray[];
  const grads = listOf(o.argsGrad, argNames, 'gradients', false);
  try { checkArrays(args, argNames, 'argument'); checkArrays(aux, auxNames, 'aux state'); checkArrays(grads, argNames, 'gradient of'); } catch (e) { for (const a of owned) a.dispose(); throw e; }
  const req = normReq(o.gradReq, argNames);
  argNames.forEach((n, i) => { if (!grads[i]) req[n] = 'null'; });
  const shapes: Record<string, Shape> = {}, types: Record<string, DType> = {};
  argNames.forEach((n, i) => { shapes[n] = args[i].shape; types[n] = args[i].dtype; });
  auxNames.forEach((n, i) => { shapes[n] = aux[i].shape; types[n] = aux[i].dtype; });
  grads.forEach((gr, i) => {
    if (gr && gr.size !== args[i].size) throw new ShapeError(`bind: gradient of '${argNames[i]}' has shape ${fmtShape(gr.shape)}, argument has ${fmtShape(args[i].shape)}`);
  });
  if (hasDynamic(sym.outputs)) return bindSegments(sym, o, { args, aux, grads, req, argNames, auxNames }, owned);
  let plan;
  try { plan = planBind({ outputs: sym.outputs, shapes, types, gradReq: req, fuse: o.fuse }); } catch (e) { for (const a of owned) a.dispose(); throw e; }
  const rebind = (newShapes: Record<string, Shape>, from: Executor): Executor => {
    const inf = sym.inferShapePartial(newShapes);
    const own: NDArray[] = [];
    const pick = (old: NDArray | undefined, s: Shape | undefined) => {
      if (!old || !s || (s.length === old.shape.length && s.every((d, k) => d === old.shape[k]))) return old;
      const a = NDArray.empty([...s], old.dtype); a.data.fill(0); own.push(a); return a;
    };
    const p = from.bindParts;
    return bind(sym, {
      args: p.args.map((a, i) => pick(a, inf.argShapes[i])!), auxStates: p.aux.map((a, i) => pick(a, inf.auxShapes[i])!),
      argsGrad: p.grads.map((g, i) => pick(g, inf.argShapes[i])), gradReq: p.gradReq, fuse: o.fuse,
    }, own);
  };
  try { return new Executor({ plan, argNames, auxNames, outputNames: sym.listOutputs(), args, grads, aux, gradReq: req, owned, rebind, shared: o.sharedExec });
    } catch (e) { for (const a of owned) a.dispose(); throw e; }
}

/** A graph with data-dependent shapes: static segments bound per shape at run time (src/executor/segments.ts). */
function bindSegments(sym: Bindable, o: BindOptions, b: { args: NDArray[]; aux: NDArray[]; grads: (NDArray | undefined)[]; req: Record<string, GradReq>; argNames: string[]; auxNames: string[] },
  owned: NDArray[]): Executor {
  // Gradients: forward only (backward says so, naming the op); mx.autograd differentiates such graphs imperatively.
  const vars = new Map<string, NDArray>();
  b.argNames.forEach((name, i) => vars.set(name, b.args[i]));
  b.auxNames.forEach((name, i) => vars.set(name, b.aux[i]));
  const rebind = (shapes: Record<string, Shape>, from: Executor): Executor => {
    const inf = sym.inferShapePartial(shapes), own: NDArray[] = [], p = from.bindParts;
    const pick = (old: NDArray, s: Shape | undefined) => {
      if (!s || sameShape(s, old.shape)) return old;
      const a = NDArray.empty([...s], old.dtype); a.data.fill(0); own.push(a); return a;
    };
    return bind(sym, { args: p.args.map((a, i) => pick(a, inf.argShapes[i])), auxStates: p.aux.map((a, i) => pick(a, inf.auxShapes[i])), gradReq: 'null', fuse: o.fuse }, own);
  };
  return new Executor({
    plan: undefined as never, argNames: b.argNames, auxNames: b.auxNames, outputNames: sym.listOutputs(), args: b.args, grads: b.grads, aux: b.aux,
    gradReq: b.req, owned, rebind, segments: new segments.Segments(sym.outputs, vars, o.fuse),
  });
}

/**
 * MXNet's `Symbol.simple_bind`: infers every argument and aux shape from the given input shapes,
 * allocates zeroed arguments, gradients (for grad_req other than 'null') and aux states, and binds.
 * @example const exe = simpleBind(net, { shapes: { data: [64, 1, 28, 28] }, gradReq: 'write' });
 */
export function simpleBind(sym: Bindable, o: SimpleBindOptions): Executor {
  if (!o || typeof o !== 'object' || !o.shapes || typeof o.shapes !== 'object') throw new ArgumentError('simpleBind: options must be { shapes: { name: shape } }', { arg: 'shapes' });
  const argNames = sym.listArguments(), auxNames = sym.listAuxiliaryStates();
  const inf = sym.inferShapePartial(o.shapes);
  const tdict: Record<string, DType> = {};
  for (const [k, v] of Object.entries(o.typeDict ?? {})) tdict[k] = toDType(v);
  const ty = sym.inferType(tdict);
  const unknown = [...argNames.filter((_, i) => !inf.argShapes[i]), ...auxNames.filter((_, i) => !inf.auxShapes[i])];
  if (unknown.length) throw new ShapeError(`simpleBind: cannot infer the shapes of ${unknown.join(', ')}; give them in shapes (known: ${Object.keys(o.shapes).join(', ') || 'none'})`, { unknown });
  const req = normReq(o.gradReq, argNames);
  const owned: NDArray[] = [];
  let what = '';
  const zeros = (s: Shape, d: DType, label: string) => { what = `${label} ${fmtShape(s)}`; const a = NDArray.empty([...s], d); owned.push(a); a.data.fill(0); return a; };
  try {
    const args = argNames.map((n, i) => zeros(inf.argShapes[i]!, ty.argTypes[i], `'${n}'`));
    const grads = argNames.map((n, i) => (req[n] === 'null' ? undefined : zeros(inf.argShapes[i]!, ty.argTypes[i], `the gradient of '${n}'`)));
    const aux = auxNames.map((n, i) => zeros(inf.auxShapes[i]!, ty.auxTypes[i], `'${n}'`));
    what = "the executor's arena";
    return bind(sym, { args, argsGrad: grads, gradReq: req, auxStates: aux, fuse: o.fuse }, owned);
  } catch (e) { // a failure part way frees what was allocated; out of memory says for what
    for (const a of owned) a.dispose();
    if (e instanceof MemoryError && !e.message.startsWith('simpleBind')) e.message = `simpleBind: ${what}: ${e.message}`;
    throw e;
  }
}
