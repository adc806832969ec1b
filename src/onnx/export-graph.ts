// A control-flow op's body exported as ONNX nodes (a Loop body, an If branch, or inline in the graph): the body's
// own shape inference and op exporters, its variables named by the caller (outer tensors, the body's inputs).
import { MxError } from '../errors.js';
import type { Node, NodeEntry } from '../graph/node.js';
import { Symbol } from '../symbol/symbol.js';
import type { GraphSpec, NodeSpec, TensorSpec } from './encode.js';
import { EXPORTERS, type ExportCtx } from './export-ops.js';

/** What every graph of one export shares: the opset, unique names, the initializers and the parameter values. */
export interface GraphState { opset: number; fresh: (base: string) => string; inits: TensorSpec[]; values: Map<string, { dims: number[]; data: Float32Array }> }

/**
 * Exports the op nodes a body's `outputs` reach into `nodes`, its variables named by `varName`, shapes inferred from
 * `shapes` (by variable name); returns the ONNX name of each entry.
 * @example const nameOf = emitGraph(g, body, { x: [2, 3] }, (v) => outer[v], bodyNodes)
 */
export function emitGraph(g: GraphState, outputs: readonly NodeEntry[], shapes: Record<string, number[]>, varName: (name: string) => string, nodes: NodeSpec[]): (e: NodeEntry) => string {
  const symbol = new Symbol(outputs), internals = symbol.getInternals(), inf = internals.inferShapePartial(shapes);
  const entryShape = new Map<Node, number[][]>();
  internals.outputs.forEach((e, i) => { const s = inf.outShapes[i]; if (!s) return; const l = entryShape.get(e.node) ?? []; l[e.index] = s; entryShape.set(e.node, l); });
  const origOf = new Map<Node, Node>(), nodeName = new Map<Node, string>();
  for (const n of symbol.nodes()) if (n.op !== 'null') nodeName.set(n, g.fresh(n.name));
  const name = (e: NodeEntry) => (e.node.op === 'null' ? varName(e.node.name) : `${nodeName.get(e.node) ?? e.node.name}${e.index === 0 ? '' : e.index}`);
  const ctx: ExportCtx = {
    opset: g.opset,
    shape: (e) => entryShape.get(origOf.get(e.node) ?? e.node)?.[e.index],
    name,
    fresh: g.fresh,
    node: (opType, ins, outs, attrs) => { nodes.push({ opType, inputs: ins, outputs: outs, name: g.fresh(`${outs[0]}_node`), attrs }); },
    init: (base, dims, data, type) => { const nm = g.fresh(base); g.inits.push({ name: nm, dims, data, type }); return nm; },
    param: (nm) => g.values.get(nm)?.data,
    setParam: (nm, data) => { const t = g.inits.find((x) => x.name === nm); if (t) t.data = data; },
    emit: (outs, sh, vn, into) => emitGraph(g, outs, sh, vn, into ?? nodes),
  };
  for (const n of symbol.nodes()) {
    if (n.op === 'null') continue;
    const f = EXPORTERS[n.op] ?? EXPORTERS[n.def?.name ?? ''];
    if (!f) throw new MxError('unsupported', `exportModel: operator ${n.op} (node ${n.name}) has no ONNX mapping`, { op: n.op, node: n.name });
    const copy = { ...n, name: nodeName.get(n)! };
    origOf.set(copy, n);
    f(ctx, copy);
  }
  return name;
}

/** Every tensor name a node list reads, its subgraphs' included (outer names a Loop or If body reads). */
export function readNames(nodes: NodeSpec[]): string[] {
  return nodes.flatMap((x) => [...x.inputs, ...Object.values(x.attrs ?? {}).flatMap((a) => ((a as { g?: GraphSpec }).g ? readNames((a as { g: GraphSpec }).g.nodes) : []))]);
}
