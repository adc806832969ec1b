import { ArgumentError } from '../errors.js';
import { opAux, opOutputs, opVisible } from '../ops/registry.js';
import { dfsOrder, isVariable, type Node, type NodeEntry } from './node.js';

/** MXNet's output name of an entry: `<node>_<outname>`, a variable's own name. @example outputName(fc.outputs[0]) === 'fc1_output' */
export function outputName(e: NodeEntry): string {
  const n = e.node;
  if (isVariable(n)) return n.name;
  if (n.fwd) return `${n.name}_grad${e.index}`;
  return `${n.name}_${opOutputs(n.def!, n.attrs)[e.index]}`;
}

/** Number of outputs of a node (hidden ones included). Backward nodes have one per forward input. @example numOutputs(bnNode) === 3 */
export function numOutputs(n: Node): number {
  if (isVariable(n)) return 1;
  if (n.fwd) return n.fwd.def!.inputs(n.fwd.attrs).length;
  return opOutputs(n.def!, n.attrs).length;
}

/** Number of visible outputs (what `listOutputs` shows and `getInternals` exposes). @example numVisible(bnNode) === 1 */
export function numVisible(n: Node): number {
  if (isVariable(n) || n.fwd) return numOutputs(n);
  return opVisible(n.def!, n.attrs);
}

/** Regular (non-aux) input count of a forward op node. @example numArgs(fcNode) === 3 */
export function numArgs(n: Node): number {
  if (isVariable(n)) return 0;
  if (n.fwd) return n.inputs.length;
  return n.def!.inputs(n.attrs).length;
}

/** Aux input count of a forward op node. @example numAux(bnNode) === 2 */
export function numAux(n: Node): number { return isVariable(n) || n.fwd ? 0 : opAux(n.def!, n.attrs).length; }

/**
 * Dense view of a graph (NNVM's IndexedGraph): nodes in DFS post-order (a topological order) get
 * ids 0..n-1, node outputs get entry ids `entryPtr[node] + index`, inputs are CSR arrays of entry ids.
 * Per-entry data (shapes, offsets, ref counts) then lives in flat arrays indexed by entry id.
 * @example const ig = new IndexedGraph(sym.outputs); ig.entryId(ig.nodeId(n), 0)
 */
export class IndexedGraph {
  readonly nodes: Node[];
  readonly entryPtr: Int32Array;
  readonly inputPtr: Int32Array;
  readonly inputEntries: Int32Array;
  /** Entry id of each graph output. */
  readonly outputs: Int32Array;
  /** Ids of variable nodes, in node order. */
  readonly inputNodes: number[];
  private ids = new Map<Node, number>();

  constructor(heads: readonly NodeEntry[]) {
    this.nodes = dfsOrder(heads);
    const n = this.nodes.length;
    this.nodes.forEach((node, i) => this.ids.set(node, i));
    this.entryPtr = new Int32Array(n + 1);
    let nin = 0;
    for (let i = 0; i < n; i++) { this.entryPtr[i + 1] = this.entryPtr[i] + numOutputs(this.nodes[i]); nin += this.nodes[i].inputs.length; }
    this.inputPtr = new Int32Array(n + 1);
    this.inputEntries = new Int32Array(nin);
    let k = 0;
    for (let i = 0; i < n; i++) {
      for (const e of this.nodes[i].inputs) this.inputEntries[k++] = this.entryOf(e);
      this.inputPtr[i + 1] = k;
    }
    this.outputs = Int32Array.from(heads.map((h) => this.entryOf(h)));
    this.inputNodes = [];
    for (let i = 0; i < n; i++) if (isVariable(this.nodes[i])) this.inputNodes.push(i);
  }

  /** Total number of entries. */
  get numEntries(): number { return this.entryPtr[this.nodes.length]; }
  /** Id of a node of this graph. */
  nodeId(n: Node): number {
    const id = this.ids.get(n);
    if (id === undefined) throw new ArgumentError(`node ${n.name} is not in this graph`, { node: n.name });
    return id;
  }
  /** Entry id of (node id, output index). */
  entryId(node: number, index: number): number { return this.entryPtr[node] + index; }
  /** Entry id of a NodeEntry. */
  entryOf(e: NodeEntry): number { return this.entryPtr[this.nodeId(e.node)] + e.index; }
  /** Input entry ids of a node. */
  inputsOf(node: number): Int32Array { return this.inputEntries.subarray(this.inputPtr[node], this.inputPtr[node + 1]); }
  /** Node id that produces an entry. */
  nodeOfEntry(e: number): number {
    let lo = 0, hi = this.nodes.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (this.entryPtr[mid] <= e) lo = mid; else hi = mid - 1; }
    return lo;
  }
}
