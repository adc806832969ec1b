import { ArgumentError } from '../errors.js';
import type { NodeEntry } from './node.js';
import { IndexedGraph } from './indexed.js';

/**
 * An immutable graph: output entries plus named attributes ("shape", "dtype", "storage", ...).
 * Passes communicate only through these attributes and return new Graphs (`withAttr`).
 * @example const g = new Graph(sym.outputs).withAttr('shape_inputs', { data: [1, 2] });
 */
export class Graph {
  private idx?: IndexedGraph;
  constructor(readonly outputs: readonly NodeEntry[], readonly attrs: ReadonlyMap<string, unknown> = new Map()) {}

  /** The dense index of this graph (built once, cached). @example g.indexed.nodes.length */
  get indexed(): IndexedGraph { return (this.idx ??= new IndexedGraph(this.outputs)); }

  /** True if attribute `k` is set. @example g.hasAttr('shape') */
  hasAttr(k: string): boolean { return this.attrs.has(k); }

  /** Reads an attribute, throwing if it is missing. @example g.getAttr<Shape[]>('shape') */
  getAttr<T>(k: string): T {
    if (!this.attrs.has(k)) throw new ArgumentError(`graph attribute '${k}' is missing`);
    return this.attrs.get(k) as T;
  }

  /** A copy with one attribute set (same outputs, so the index is shared). @example g.withAttr('dtype', types) */
  withAttr(k: string, v: unknown): Graph {
    const m = new Map(this.attrs); m.set(k, v);
    const g = new Graph(this.outputs, m);
    g.idx = this.idx;
    return g;
  }
}
