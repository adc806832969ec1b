import type { Graph } from '../graph/graph.js';
import { numArgs, numOutputs, numVisible } from '../graph/indexed.js';
import { isVariable, variableNode, type Node, type NodeEntry } from '../graph/node.js';
import { parseAttrs } from '../ops/attrs.js';
import { getOp, hasOp, ignoresOutGrads, type GradReq } from '../ops/registry.js';
import type { Pass } from './pass.js';

/** What the gradient pass adds: where each argument's gradient is, and the extra input variables. */
export interface GradInfo {
  /** Number of forward heads (the first outputs of the new graph). */
  numForward: number;
  /** Argument name → graph output index holding its gradient (absent: no gradient reaches it; it stays zero). */
  gradOutput: Record<string, number>;
  /** Head-gradient variables, one per forward head (undefined for loss heads and heads that need none). */
  headGradVars: (Node | undefined)[];
  /** Variables that must hold zeros (gradients of outputs nobody reads). */
  zeroVars: Node[];
  /** Head-gradient and zero variables → the forward entry whose shape and dtype they take. */
  mirrors: Map<Node, NodeEntry>;
}

/** Sums gradient contributions: one add_n node if registered, else a chain of elemwise_add. */
function sumEntries(es: NodeEntry[], base: string): NodeEntry {
  if (es.length === 1) return es[0];
  if (hasOp('add_n')) {
    const def = getOp('add_n');
    const attrs = parseAttrs(def.name, def.attrs, { num_args: es.length }, `${base}_sum`);
    return { node: { op: def.name, name: `${base}_sum`, dict: { num_args: String(es.length) }, inputs: es, def, attrs }, index: 0 };
  }
  const def = getOp('elemwise_add');
  let acc = es[0];
  for (let k = 1; k < es.length; k++) acc = { node: { op: def.name, name: `${base}_sum${k}`, dict: {}, inputs: [acc, es[k]], def, attrs: {} }, index: 0 };
  return acc;
}

/**
 * Builds the backward graph (MXNet's MXGradient): walking forward nodes in reverse topological
 * order, each node whose outputs need a gradient gets one `_backward_<op>` node reading its output
 * gradients (fan-out contributions summed) plus what `OpDef.backward.saves` says; its outputs are
 * the gradients of the forward inputs. Arguments with grad_req 'null' (and aux states) get none.
 * Loss heads need no head gradient. New outputs: forward heads, then the argument gradients.
 * Requires 'grad_req' (name → req); provides 'grad_info'.
 * @example applyPasses(g.withAttr('grad_req', { data: 'null', fc1_weight: 'write' }), [gradientPass])
 */
export const gradientPass: Pass = {
  name: 'gradient', requires: ['grad_req'], provides: ['grad_info'], changesGraph: true,
  run(g: Graph): Graph {
    const req = g.getAttr<Record<string, GradReq>>('grad_req');
    const ig = g.indexed;
    const needs = new Uint8Array(ig.numEntries);
    const aux = new Set<number>();
    ig.nodes.forEach((n, i) => { const na = numArgs(n); ig.inputsOf(i).forEach((e, k) => { if (k >= na) aux.add(e); }); });
    ig.nodes.forEach((n, i) => {
      const e0 = ig.entryPtr[i];
      if (isVariable(n)) { needs[e0] = !aux.has(e0) && ((Object.hasOwn(req, n.name) ? req[n.name] : undefined) ?? 'null') !== 'null' ? 1 : 0; return; }
      if (!n.def!.backward) return;
      const any = Array.from(ig.inputsOf(i).subarray(0, numArgs(n))).some((e) => needs[e]);
      if (any) for (let e = e0; e < ig.entryPtr[i + 1]; e++) needs[e] = 1;
    });
    const contrib = new Map<number, NodeEntry[]>();
    const push = (e: number, x: NodeEntry) => { const l = contrib.get(e); if (l) l.push(x); else contrib.set(e, [x]); };
    const headGradVars: (Node | undefined)[] = [];
    const mirrors = new Map<Node, NodeEntry>();
    g.outputs.forEach((h, k) => {
      const e = ig.outputs[k];
      if (!needs[e] || (!isVariable(h.node) && ignoresOutGrads(h.node.def!, h.node.attrs!))) { headGradVars.push(undefined); return; }
      const v = variableNode(`_head_grad_${k}`);
      headGradVars.push(v); mirrors.set(v, h);
      push(e, { node: v, index: 0 });
    });
    const zeroVars: Node[] = [];
    for (let i = ig.nodes.length - 1; i >= 0; i--) {
      const n = ig.nodes[i];
      if (isVariable(n) || !n.def!.backward || !needs[ig.entryPtr[i]]) continue;
      const bw = n.def!.backward;
      const outGrads: NodeEntry[] = [];
      if (!ignoresOutGrads(n.def!, n.attrs!)) {
        let anyGrad = false;
        for (let k = 0; k < numVisible(n); k++) {
          const c = contrib.get(ig.entryPtr[i] + k);
          if (c) { anyGrad = true; outGrads.push(sumEntries(c, `${n.name}_out${k}_grad`)); }
          else { const z = variableNode(`_zero_grad_${n.name}_${k}`); zeroVars.push(z); mirrors.set(z, { node: n, index: k }); outGrads.push({ node: z, index: 0 }); }
        }
        if (!anyGrad) continue; // nothing downstream depends on this node: its input gradients are zero
      }
      const na = numArgs(n);
      const saved: NodeEntry[] = [];
      if (bw.saves.includes('inputs')) saved.push(...n.inputs.slice(0, na));
      if (bw.saves.includes('outputs')) for (let k = 0; k < numOutputs(n); k++) saved.push({ node: n, index: k });
      const inE = ig.inputsOf(i);
      const reqs: GradReq[] = Array.from(inE.subarray(0, na), (e) => (needs[e] ? 'write' : 'null'));
      const b: Node = { op: `_backward_${n.def!.name}`, name: `${n.name}_backward`, dict: {}, inputs: [...outGrads, ...saved], def: n.def, attrs: n.attrs, fwd: n, nGradIn: outGrads.length,
        req: reqs };
      reqs.forEach((r, k) => { if (r !== 'null') push(inE[k], { node: b, index: k }); });
    }
    const outputs: NodeEntry[] = [...g.outputs];
    const gradOutput: Record<string, number> = {};
    for (const id of ig.inputNodes) {
      const v = ig.nodes[id], e = ig.entryPtr[id];
      const c = contrib.get(e);
      if (!needs[e] || !c) continue;
      gradOutput[v.name] = outputs.length;
      outputs.push(sumEntries(c, `${v.name}_grad`));
    }
    const info: GradInfo = { numForward: g.outputs.length, gradOutput, headGradVars, zeroVars, mirrors };
    const m = new Map(g.attrs);
    m.set('grad_info', info);
    for (const k of ['shape', 'dtype', 'storage']) m.delete(k); // entry-indexed: stale on the new graph
    return new (g.constructor as typeof Graph)(outputs, m);
  },
};
