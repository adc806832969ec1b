// mx.sym.contrib.foreach / while_loop / cond: MXNet's Python builders of the control-flow ops. The body functions run
// once on fresh variables inside an AttrScope naming the subgraph; the result is cut into a body Symbol whose outer
// reads become the op's inputs (src/symbol/subgraph.ts), and the op node holds it.
import { ArgumentError } from '../errors.js';
import { variableNode, type NodeEntry } from '../graph/node.js';
import { Variable } from './create.js';
import { AttrScope, NameManager } from './naming.js';
import { controlNode, cutSubgraph } from './subgraph.js';
import { Symbol } from './symbol.js';

const scopes = new Map<string, number>();
/** MXNet's _get_unique_subgraph_name: `foreach0`, nested as `outer$inner0`. */
function scopeName(name: string): string {
  const outer = AttrScope.current.__subgraph_name__;
  const n = outer ? `${outer}$${name}` : name, k = scopes.get(n) ?? 0;
  scopes.set(n, k + 1);
  return `${n}${k}`;
}

const list = (v: Symbol | Symbol[] | undefined | null): Symbol[] => (v == null ? [] : Array.isArray(v) ? v : [v]);
function nameOf(s: Symbol, what: string): string {
  if (!(s instanceof Symbol) || s.outputs.length !== 1) throw new ArgumentError(`${what} must be single-output Symbols`);
  return s.outputs[0].node.name;
}

/** Runs `fn` on fresh variables named like `vars` inside a new subgraph scope; returns the cut body and its outer reads. */
function trace(vars: Symbol[], name: string, fn: (vs: Symbol[]) => Symbol[], what: string) {
  const scope = scopeName(name);
  const names = vars.map((v) => nameOf(v, what));
  const outs = AttrScope.with({ __subgraph_name__: scope }, () => fn(names.map((n) => Variable(n))));
  return { names, ...cutSubgraph(outs, scope) };
}

/** The op inputs for a union of bodies (MXNet's _union_inputs): one input per distinct outer value. */
function union(bodies: ReturnType<typeof trace>[], given: Map<string, NodeEntry>) {
  const inputs: NodeEntry[] = [], locs: number[][] = [];
  const idx = (e: NodeEntry) => { let k = inputs.findIndex((x) => x.node === e.node && x.index === e.index); if (k < 0) { k = inputs.length; inputs.push(e); } return k; };
  for (const b of bodies) {
    locs.push(b.body.listInputs().map((n) => {
      const e = given.get(n) ?? b.outer.get(n);
      if (e) return idx(e);
      const v = b.body.outputs.length ? findVar(b.body, n) : undefined; // a variable made inside the body (a weight): an outer copy
      return idx({ node: variableNode(n, { ...(v?.dict ?? {}) }), index: 0 });
    }));
  }
  return { inputs, locs };
}
const findVar = (s: Symbol, n: string) => s.getInternals().outputs.find((e) => e.node.op === 'null' && e.node.name === n)?.node;

const group = (node: ReturnType<typeof controlNode>, from: number, to: number) => Array.from({ length: to - from }, (_, i) => new Symbol([{ node, index: from + i }]));

/**
 * MXNet's `mx.sym.contrib.foreach(body, data, init_states)`: `body(data_slice, states) => [outputs, new_states]`
 * runs over axis 0 of `data`; returns `[outputs stacked on axis 0, last states]` (a Symbol where the body gave one).
 * @example const [outs, [h]] = mx.sym.contrib.foreach((x, [s]) => [x.add(s), [x.add(s)]], data, [h0]);
 */
export function foreach(body: (data: any, states: Symbol[]) => [Symbol | Symbol[], Symbol | Symbol[]], data: Symbol | Symbol[], initStates: Symbol | Symbol[], name = 'foreach'): [any, any] {
  const ds = list(data), ss = list(initStates);
  let nOut = 0, single = false, statesSingle = !Array.isArray(initStates);
  const b = trace([...ds, ...ss], name, (vs) => {
    const [o, s] = body(Array.isArray(data) ? vs.slice(0, ds.length) : vs[0], statesSingle ? [vs[ds.length]] : vs.slice(ds.length));
    single = o instanceof Symbol; nOut = list(o).length;
    const st = list(s);
    if (st.length !== ss.length) throw new ArgumentError(`foreach: the body returned ${st.length} states for ${ss.length} initial states`);
    return [...list(o), ...st];
  }, 'foreach data and states');
  const sub = b.body.listInputs(), loc = (n: string, what: string) => {
    const k = sub.indexOf(n);
    if (k < 0) throw new ArgumentError(`foreach: the ${what} '${n}' is not used in the loop body`);
    return k;
  };
  const dl = b.names.slice(0, ds.length).map((n) => loc(n, 'data')), sl = b.names.slice(ds.length).map((n) => loc(n, 'state'));
  const rest = sub.map((_, k) => k).filter((k) => !dl.includes(k) && !sl.includes(k));
  const given = new Map<string, NodeEntry>([...ds, ...ss].map((s, i) => [b.names[i], s.outputs[0]]));
  const u = union([{ ...b, body: b.body }], given);
  const inputs = [...dl, ...sl, ...rest].map((k) => u.inputs[u.locs[0][k]]);
  const node = controlNode('_foreach', NameManager.get(undefined, '_foreach'), [b.body], inputs,
    { num_args: inputs.length + 1, num_outputs: nOut + ss.length, num_out_data: nOut, in_state_locs: sl, in_data_locs: dl, remain_locs: rest });
  const outs = group(node, 0, nOut), states = group(node, nOut, nOut + ss.length);
  return [single ? outs[0] : outs, statesSingle ? states[0] : states];
}

/**
 * MXNet's `mx.sym.contrib.while_loop(cond, func, loop_vars, max_iterations)`: `cond(...vars)` gives a scalar,
 * `func(...vars) => [step_outputs, new_vars]`; returns `[step outputs stacked (max_iterations rows, zeros after the
 * last iteration), final vars]`.
 * @example const [[outs], [i, s]] = mx.sym.contrib.while_loop((i, s) => i.lesser_scalar(5), (i, s) => [[s], [i.plus_scalar(1), s.add(i)]], [i0, s0], 10);
 */
export function whileLoop(cond: (...vars: Symbol[]) => Symbol, func: (...vars: Symbol[]) => [Symbol | Symbol[] | null, Symbol | Symbol[]], loopVars: Symbol | Symbol[], maxIterations: number,
  name = 'while_loop'): [Symbol[], any] {
  const vs = list(loopVars);
  if (!vs.length) throw new ArgumentError('while_loop: loop_vars should contain at least one element');
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) throw new ArgumentError(`while_loop: max_iterations must be a positive integer, got ${maxIterations}`);
  const c = trace(vs, `${name}_cond`, (v) => {
    const r = cond(...v);
    if (!(r instanceof Symbol)) throw new ArgumentError('while_loop: the return of cond must be a Symbol');
    return [r];
  }, 'while_loop loop_vars');
  let nOut = 0;
  const f = trace(vs, `${name}_func`, (v) => {
    const [o, s] = func(...v), st = list(s);
    if (st.length !== vs.length) throw new ArgumentError('while_loop: the number of loop_vars should be consistent during the loop');
    nOut = list(o).length;
    return [...list(o), ...st];
  }, 'while_loop loop_vars');
  const given = new Map<string, NodeEntry>(vs.map((s, i) => [c.names[i], s.outputs[0]]));
  const u = union([c, f], given), fin = f.body.listInputs();
  const vl = f.names.map((n, j) => {
    const k = fin.indexOf(n);
    if (k < 0) throw new ArgumentError(`while_loop: the ${j + 1}-th loop_var doesn't involve into the computation`);
    return k;
  });
  const node = controlNode('_while_loop', NameManager.get(undefined, '_while_loop'), [c.body, f.body], u.inputs, {
    num_args: u.inputs.length + 2, num_outputs: nOut + vs.length, num_out_data: nOut, max_iterations: maxIterations,
    cond_input_locs: u.locs[0], func_input_locs: u.locs[1], func_var_locs: vl,
  });
  const finals = group(node, nOut, nOut + vs.length);
  return [group(node, 0, nOut), Array.isArray(loopVars) ? finals : finals[0]];
}

/**
 * MXNet's `mx.sym.contrib.cond(pred, then_func, else_func)`: runs one branch by a scalar condition; both branches give
 * the same number of outputs of the same shapes. Returns a Symbol (one output) or a list.
 * @example const y = mx.sym.contrib.cond(a.sum().lesser_scalar(5), () => a.mul_scalar(2), () => a.plus_scalar(1));
 */
export function cond(pred: Symbol, thenFunc: () => Symbol | Symbol[], elseFunc: () => Symbol | Symbol[], name = 'cond'): any {
  nameOf(pred, 'cond: pred');
  const c = trace([], `${name}_pred`, () => [pred], 'cond');
  let single = false;
  const t = trace([], `${name}_then`, () => { const r = thenFunc(); single = r instanceof Symbol; return list(r); }, 'cond');
  const e = trace([], `${name}_else`, () => list(elseFunc()), 'cond');
  const n = t.body.outputs.length;
  if (n !== e.body.outputs.length) throw new ArgumentError('cond: number of outputs differs between then-branch and else-branch');
  const u = union([c, t, e], new Map());
  const node = controlNode('_cond', NameManager.get(undefined, '_cond'), [c.body, t.body, e.body], u.inputs,
    { num_args: u.inputs.length + 3, num_outputs: n, cond_input_locs: u.locs[0], then_input_locs: u.locs[1], else_input_locs: u.locs[2] });
  const outs = group(node, 0, n);
  return single ? outs[0] : outs;
}
