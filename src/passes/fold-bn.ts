import type { Graph } from '../graph/graph.js';
import { dfsOrder, isVariable, type Node, type NodeEntry } from '../graph/node.js';
import type { Pass } from './pass.js';

/**
 * The clamp [lo, hi] of an activation node that can follow a folded BatchNorm (relu as Activation or the unary
 * op; clip, MobileNetV2's relu6), or undefined.
 */
function clampOf(n: Node): [number, number] | undefined {
  if ((n.op === 'Activation' && n.attrs.act_type === 'relu') || n.op === 'relu') return [0, Infinity];
  if (n.op === 'clip' && Number.isFinite(n.attrs.a_min) && Number.isFinite(n.attrs.a_max) && n.attrs.a_min <= n.attrs.a_max) return [n.attrs.a_min, n.attrs.a_max];
  return undefined;
}

/**
 * Inference-only folding (binds without gradients): Convolution → BatchNorm (channel axis 1, only its first output
 * read) → optionally relu or clip becomes one Convolution node with hidden attributes `__bn_eps__`,
 * `__bn_fix_gamma__`, `__bn_lo__`, `__bn_hi__` and the BatchNorm's gamma, beta (inputs) and moving_mean, moving_var
 * (aux) appended: the conv's lowering then runs the BatchNorm and the clamp as one pass over its output while it is
 * in cache (f32_bn_act), computed from the current parameters at every forward (nothing is baked in at bind, so
 * parameters set after bind are honoured). The conv's output must have no other reader and not be a graph output;
 * the same for the BatchNorm's when an activation is absorbed. Provides 'bn_folded' (number of folds).
 * @example applyPasses(new Graph(net.outputs), [foldBatchNormPass]).getAttr('bn_folded')
 */
export const foldBatchNormPass: Pass = {
  name: 'foldBatchNorm', requires: [], provides: ['bn_folded'], changesGraph: true,
  run(g: Graph): Graph {
    const nodes = dfsOrder(g.outputs);
    const readers = new Map<Node, number>(), hidden = new Set<Node>();
    const read = (e: NodeEntry) => { readers.set(e.node, (readers.get(e.node) ?? 0) + 1); if (e.index > 0) hidden.add(e.node); };
    for (const n of nodes) n.inputs.forEach(read);
    for (const h of g.outputs) readers.set(h.node, (readers.get(h.node) ?? 0) + 2); // a graph output is never folded away
    const readerOf = new Map<Node, Node>();
    for (const n of nodes) for (const e of n.inputs) readerOf.set(e.node, n);
    const foldable = (bn: Node) => {
      const conv = bn.inputs[0]?.node;
      return bn.op === 'BatchNorm' && conv?.op === 'Convolution' && bn.inputs[0].index === 0 && !conv.attrs.__act__ &&
        conv.attrs.__bn_eps__ === undefined && readers.get(conv) === 1 && (bn.attrs.axis ?? 1) === 1 && !bn.attrs.output_mean_var && !hidden.has(bn);
    };
    const map = new Map<Node, NodeEntry>();
    const mapE = (e: NodeEntry): NodeEntry => {
      const m = map.get(e.node)!;
      return m.node === e.node ? e : { node: m.node, index: m.index + e.index };
    };
    const absorbed = new Set<Node>();
    let folded = 0;
    for (const n of nodes) {
      if (isVariable(n)) { map.set(n, { node: n, index: 0 }); continue; }
      if (absorbed.has(n)) continue; // mapped when its BatchNorm was folded
      if (foldable(n)) {
        const conv = n.inputs[0].node, next = readers.get(n) === 1 ? readerOf.get(n) : undefined;
        const clamp = next && next.inputs[0]?.node === n && next.inputs.length === 1 ? clampOf(next) : undefined;
        const [lo, hi] = clamp ?? [-Infinity, Infinity];
        const extra = { __bn_eps__: n.attrs.eps, __bn_fix_gamma__: !!n.attrs.fix_gamma, __bn_lo__: lo, __bn_hi__: hi };
        const f: Node = {
          ...conv, attrs: { ...conv.attrs, ...extra },
          dict: { ...conv.dict, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) },
          inputs: [...conv.inputs.map(mapE), ...n.inputs.slice(1).map(mapE)],
        };
        map.set(conv, { node: f, index: 0 });
        map.set(n, { node: f, index: 0 });
        if (clamp) { map.set(next!, { node: f, index: 0 }); absorbed.add(next!); }
        folded++;
        continue;
      }
      const ins = n.inputs.map(mapE);
      map.set(n, ins.every((e, k) => e === n.inputs[k]) ? { node: n, index: 0 } : { node: { ...n, inputs: ins }, index: 0 });
    }
    const outs = g.outputs.map(mapE);
    const m = new Map(g.attrs);
    m.set('bn_folded', folded);
    for (const k of ['shape', 'dtype', 'storage']) m.delete(k);
    return new (g.constructor as typeof Graph)(outs, m);
  },
};
