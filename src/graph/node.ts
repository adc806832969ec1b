import type { Attrs } from '../ops/attrs.js';
import type { GradReq, OpDef } from '../ops/registry.js';

/**
 * A graph node. Variables have `op === 'null'` (arguments and aux states). `dict` holds the attributes
 * exactly as MXNet JSON stores them (strings, user-given keys only, hidden `__x__` keys included);
 * `attrs` is the parsed form the op sees (defaults filled in). Nodes are never mutated once built:
 * composition and passes copy them.
 */
export interface Node {
  op: string;
  name: string;
  dict: Record<string, string>;
  inputs: NodeEntry[];
  /** Resolved op (undefined for variables). */
  def?: OpDef;
  /** Parsed attributes (empty for variables). */
  attrs: Attrs;
  /** Backward nodes: the forward node they differentiate. */
  fwd?: Node;
  /** Backward nodes: the number of leading inputs that are output gradients (the rest are saved forward entries). */
  nGradIn?: number;
  /** Backward nodes: which forward inputs get a gradient ('null' = skip). */
  req?: GradReq[];
  /** Control-flow ops (_foreach, _while_loop, _cond): their bodies, each a graph's output entries (MXNet's `subgraphs`). */
  subgraphs?: readonly (readonly NodeEntry[])[];
}

/** One output of a node: (node, output index). `version` is MXNet's mutation counter (1 for aux inputs). */
export interface NodeEntry { node: Node; index: number; version?: number }

/** True for variable nodes. @example isVariable(sym.outputs[0].node) */
export const isVariable = (n: Node): boolean => n.op === 'null';

/** A fresh variable node. @example variableNode('data', { __shape__: '(1, 2)' }) */
export function variableNode(name: string, dict: Record<string, string> = {}): Node {
  return { op: 'null', name, dict, inputs: [], attrs: {} };
}

/**
 * Nodes reachable from `heads` in MXNet's DFS post-order (inputs in order, then the node): a
 * topological order, and the order `list_arguments` and JSON `nodes` use.
 * @example dfsOrder(sym.outputs).map((n) => n.name)
 */
export function dfsOrder(heads: readonly NodeEntry[]): Node[] {
  const seen = new Set<Node>();
  const order: Node[] = [];
  const stack: [Node, number][] = [];
  for (const h of heads) {
    if (seen.has(h.node)) continue;
    seen.add(h.node);
    stack.push([h.node, 0]);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [n, i] = top;
      if (i < n.inputs.length) {
        top[1]++;
        const c = n.inputs[i].node;
        if (!seen.has(c)) { seen.add(c); stack.push([c, 0]); }
      } else {
        stack.pop();
        order.push(n);
      }
    }
  }
  return order;
}
