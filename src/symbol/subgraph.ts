// Control-flow bodies as Symbols: the Subgraph the control ops run (src/ops/control/subgraph.ts), bound once per
// lowering as its own planned Executor; the nodes that hold them; and MXNet's subgraph cut (outer values a body reads
// become inputs of the op).
import { ArgumentError } from '../errors.js';
import { bind } from '../executor/bind.js';
import { Graph } from '../graph/graph.js';
import { outputName } from '../graph/indexed.js';
import { dfsOrder, isVariable, variableNode, type Node, type NodeEntry } from '../graph/node.js';
import { NDArray } from '../ndarray/ndarray.js';
import { parseAttrs } from '../ops/attrs.js';
import { SUBGRAPHS, type SubExec, type Subgraph } from '../ops/control/subgraph.js';
import { getOp, type Shape, type TensorRef } from '../ops/registry.js';
import { inferShapePass } from '../passes/infer-shape.js';
import { inferTypePass } from '../passes/infer-type.js';
import { applyPasses } from '../passes/pass.js';
import type { DType } from '../runtime/dtype.js';
import { AttrScope } from './naming.js';
import { Symbol } from './symbol.js';

const ref = (a: NDArray): TensorRef => ({ off: a.byteOffset, shape: a.shape, dtype: a.dtype, size: a.size });

/** A body Symbol as the control ops see it (inputs in `listInputs()` order, aux states included, as MXNet). */
export class SymbolSubgraph implements Subgraph {
  readonly inputNames: string[];
  constructor(readonly sym: Symbol) { this.inputNames = sym.listInputs(); }
  get numOutputs(): number { return this.sym.outputs.length; }

  private run<T>(key: 'shape' | 'dtype', given: Record<string, unknown>): { ins: T[]; outs: T[] } {
    const g = applyPasses(new Graph(this.sym.outputs).withAttr(key === 'shape' ? 'shape_inputs' : 'type_inputs', given), [key === 'shape' ? inferShapePass : inferTypePass]);
    const per = g.getAttr<T[]>(key), ig = g.indexed, at = new Map<string, number>();
    for (const id of ig.inputNodes) at.set(ig.nodes[id].name, ig.entryPtr[id]);
    return { ins: this.inputNames.map((n) => per[at.get(n)!]), outs: Array.from(ig.outputs, (e) => per[e]) };
  }

  inferShape(ins: (Shape | undefined)[]) { return this.run<Shape | undefined>('shape', named(this.inputNames, ins)); }
  inferType(ins: (DType | undefined)[]) { return this.run<DType>('dtype', named(this.inputNames, ins)); }

  bind(ins: Shape[], types: DType[], grad: boolean): SubExec {
    const s = this.sym, owned: NDArray[] = [], arr = new Map<string, NDArray>();
    const zeros = (sh: Shape, t: DType) => { const a = NDArray.empty([...sh], t); a.data.fill(0); owned.push(a); return a; };
    this.inputNames.forEach((n, i) => arr.set(n, zeros(ins[i], types[i])));
    const args = s.listArguments(), aux = s.listAuxiliaryStates();
    const grads = grad ? args.map((n) => zeros(arr.get(n)!.shape, arr.get(n)!.dtype)) : undefined;
    const exe = bind(s, { args: args.map((n) => arr.get(n)!), argsGrad: grads, gradReq: grad ? 'write' : 'null', auxStates: aux.map((n) => arr.get(n)!) }, owned);
    const og = grad ? exe.outputs.map((o) => zeros(o.shape, o.dtype)) : [];
    return {
      ins: this.inputNames.map((n) => ref(arr.get(n)!)),
      outs: exe.outputs.map(ref),
      outGrads: og.map(ref),
      inGrads: this.inputNames.map((n) => { const k = args.indexOf(n); return grads && k >= 0 ? ref(grads[k]) : undefined; }),
      forward: (isTrain) => { exe.forward({ isTrain }); },
      backward: () => exe.backward(og),
      dispose: () => { exe.dispose(); og.forEach((a) => a.dispose()); },
    };
  }
}

function named<T>(names: string[], vals: (T | undefined)[]): Record<string, T> {
  const r: Record<string, T> = {};
  names.forEach((n, i) => { if (vals[i] !== undefined) r[n] = vals[i]!; });
  return r;
}

/** MXNet writes a locs tuple as Python's str() of a list. */
const listStr = (v: number[]) => `[${v.join(', ')}]`;

/**
 * A control-flow node (`_foreach`, `_while_loop`, `_cond`) holding its bodies: attributes parsed, the bodies as
 * Subgraphs under the SUBGRAPHS key, and `subgraphs` for JSON.
 * @example controlNode('_cond', 'cond0', [c, t, e], inputs, { num_args: 5, num_outputs: 1, ... })
 */
export function controlNode(op: string, name: string, subs: Symbol[], inputs: NodeEntry[], raw: Record<string, string | number | number[]>): Node {
  const def = getOp(op, name), dict: Record<string, string> = { ...AttrScope.current };
  for (const [k, v] of Object.entries(raw)) dict[k] = Array.isArray(v) ? listStr(v) : String(v);
  return withBodies({ op: def.name, name, dict, inputs, def, attrs: parseAttrs(def.name, def.attrs, dict, name, false) }, subs);
}

/** A node with its bodies attached (JSON loading and controlNode). */
export function withBodies(n: Node, subs: Symbol[]): Node {
  return { ...n, attrs: { ...n.attrs, [SUBGRAPHS]: subs.map((s) => new SymbolSubgraph(s)) }, subgraphs: subs.map((s) => s.outputs) };
}

/**
 * MXNet's subgraph cut: a body's graph keeps the nodes made inside it (dict `__subgraph_name__` = `scope`); every
 * entry it reads from outside becomes a fresh variable (named by the outer entry's output name), the outer entry
 * an input of the control op. Body outputs that are variables or outer values go through `identity`, as MXNet.
 * @example const { body, outer } = cutSubgraph([y], 'foreach0')
 */
export function cutSubgraph(outs: Symbol[], scope: string): { body: Symbol; outer: Map<string, NodeEntry> } {
  const inside = (n: Node) => n.dict.__subgraph_name__ === scope;
  const heads: NodeEntry[] = outs.map((o) => {
    if (o.outputs.length !== 1) throw new ArgumentError(`a loop or branch output must be a single-output symbol, got ${o.outputs.length} outputs`);
    const e = o.outputs[0];
    return isVariable(e.node) || !inside(e.node) ? identity(e, scope) : e;
  });
  const outer = new Map<string, NodeEntry>(), map = new Map<Node, Node>(), cutVar = new Map<string, Node>();
  const mapEntry = (e: NodeEntry): NodeEntry => {
    if (inside(e.node)) return { node: map.get(e.node)!, index: e.index };
    const nm = outputName(e);
    if (!outer.has(nm)) { outer.set(nm, e); cutVar.set(nm, variableNode(nm, { __subgraph_name__: scope })); }
    return { node: cutVar.get(nm)!, index: 0 };
  };
  for (const n of dfsOrder(heads)) if (inside(n)) map.set(n, isVariable(n) ? n : { ...n, inputs: n.inputs.map(mapEntry) });
  return { body: new Symbol(heads.map(mapEntry)), outer };
}

function identity(e: NodeEntry, scope: string): NodeEntry {
  const def = getOp('identity'), name = `${scope}_identity_${e.node.name}_${e.index}`;
  return { node: { op: def.name, name, dict: { __subgraph_name__: scope }, inputs: [e], def, attrs: parseAttrs(def.name, def.attrs, {}, name) }, index: 0 };
}
