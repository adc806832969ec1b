import type { Graph } from '../graph/graph.js';
import { dfsOrder, isVariable, type Node, type NodeEntry } from '../graph/node.js';
import type { Pass } from './pass.js';

/** Ops whose forward honours the hidden `__act__` attribute (GEMM epilogue: relu, sigmoid, tanh). */
export const FUSIBLE = new Set(['FullyConnected', 'Convolution']);
const ACTS = new Set(['relu', 'sigmoid', 'tanh']);

/** The activation node `n` applies ('relu' | 'sigmoid' | 'tanh'), or undefined: Activation(act_type) or the unary op. */
function actOf(n: Node): string | undefined {
  if (n.op === 'Activation') return ACTS.has(n.attrs.act_type) ? n.attrs.act_type : undefined;
  return n.op && ACTS.has(n.op) ? n.op : undefined;
}

/**
 * Inference-only fusion: FullyConnected/Convolution followed by a relu, sigmoid or tanh (Activation
 * or the unary op), when the activation is the only reader of the producer's output and that output
 * is not a graph output, becomes one node with hidden attribute `__act__` (runs only for binds
 * without gradients). Provides 'fused' (number of fusions).
 * @example applyPasses(new Graph(net.outputs), [fusePass]).getAttr('fused')
 */
export const fusePass: Pass = {
  name: 'fuse', requires: [], provides: ['fused'], changesGraph: true,
  run(g: Graph): Graph {
    const nodes = dfsOrder(g.outputs);
    const readers = new Map<Node, number>();
    for (const n of nodes) for (const e of n.inputs) readers.set(e.node, (readers.get(e.node) ?? 0) + 1);
    for (const h of g.outputs) readers.set(h.node, (readers.get(h.node) ?? 0) + 1);
    const map = new Map<Node, NodeEntry>();
    const mapE = (e: NodeEntry): NodeEntry => {
      const m = map.get(e.node)!;
      return m.node === e.node ? e : { node: m.node, index: m.index + e.index };
    };
    let fused = 0;
    for (const n of nodes) {
      if (isVariable(n)) { map.set(n, { node: n, index: 0 }); continue; }
      const src = n.inputs[0]?.node;
      const act = actOf(n);
      // A conv with a folded BatchNorm (fold-bn.ts) applies its own clamp after the BatchNorm: no act on top.
      if (act && src && FUSIBLE.has(src.op) && !src.attrs.__act__ && src.attrs.__bn_eps__ === undefined && readers.get(src) === 1) {
        const p = map.get(src)!.node;
        const f: Node = { ...p, attrs: { ...p.attrs, __act__: act }, dict: { ...p.dict, __act__: act } };
        map.set(src, { node: f, index: 0 });
        map.set(n, { node: f, index: 0 });
        fused++;
        continue;
      }
      const ins = n.inputs.map(mapE);
      map.set(n, ins.every((e, k) => e === n.inputs[k]) ? { node: n, index: 0 } : { node: { ...n, inputs: ins }, index: 0 });
    }
    const outs = g.outputs.map(mapE);
    const m = new Map(g.attrs);
    m.set('fused', fused);
    for (const k of ['shape', 'dtype', 'storage']) m.delete(k);
    return new (g.constructor as typeof Graph)(outs, m);
  },
};
