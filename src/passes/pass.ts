import { ArgumentError } from '../errors.js';
import type { Graph } from '../graph/graph.js';

/**
 * A graph pass: a pure function Graph → Graph with a declared contract (NNVM's
 * depend_graph_attr / provide_graph_attr / set_change_graph).
 * @example const p: Pass = { name: 'inferShape', requires: ['shape_inputs'], provides: ['shape'], changesGraph: false, run };
 */
export interface Pass {
  name: string;
  /** Graph attributes that must be present before the pass runs. */
  requires: readonly string[];
  /** Graph attributes the pass guarantees afterwards. */
  provides: readonly string[];
  /** True when the pass returns different nodes/outputs (attributes computed on the old graph are dropped). */
  changesGraph: boolean;
  run: (g: Graph) => Graph;
}

/**
 * Runs passes in order, checking each contract: required attributes must be present, provided ones
 * must appear. A pass that changes the graph keeps only the attributes it provides or never indexed
 * by entry (those listed in `keep`).
 * @example const g2 = applyPasses(g, [inferShapePass, inferTypePass, planMemoryPass]);
 */
export function applyPasses(g: Graph, passes: readonly Pass[]): Graph {
  let cur = g;
  for (const p of passes) {
    const missing = p.requires.filter((k) => !cur.hasAttr(k));
    if (missing.length) throw new ArgumentError(`pass ${p.name} requires graph attribute(s) ${missing.join(', ')} (run the passes that provide them first)`);
    const next = p.run(cur);
    const lost = p.provides.filter((k) => !next.hasAttr(k));
    if (lost.length) throw new ArgumentError(`pass ${p.name} did not provide ${lost.join(', ')}`);
    if (!p.changesGraph && next.outputs !== cur.outputs) throw new ArgumentError(`pass ${p.name} declared changesGraph=false but changed the graph`);
    cur = next;
  }
  return cur;
}
