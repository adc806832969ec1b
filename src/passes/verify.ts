import { ArgumentError, MemoryError, ShapeError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import { numAux } from '../graph/indexed.js';
import { isVariable } from '../graph/node.js';
import type { Shape } from '../ops/registry.js';
import type { Pass } from './pass.js';
import type { StoragePlan } from './plan-memory.js';

/**
 * Checks graph invariants: node order is topological (acyclic), every op node has the inputs its
 * op declares, every entry's shape is known, and no two planned buffers that are live at the same
 * time overlap in the arena. Throws an MxError naming what is wrong; provides 'verified'.
 * @example applyPasses(g, [inferShapePass, inferTypePass, planMemoryPass, verifyPass])
 */
export const verifyPass: Pass = {
  name: 'verify', requires: ['shape', 'storage'], provides: ['verified'], changesGraph: false,
  run(g: Graph): Graph {
    const ig = g.indexed;
    ig.nodes.forEach((n, i) => {
      for (const e of ig.inputsOf(i)) if (ig.nodeOfEntry(e) >= i) throw new ArgumentError(`graph is not acyclic at node ${n.name}`);
      if (isVariable(n) || n.fwd) return;
      const want = n.def!.inputs(n.attrs).length + numAux(n);
      if (n.inputs.length !== want) throw new ArgumentError(`Error in operator ${n.name}: ${n.op} expects ${want} inputs, has ${n.inputs.length}`);
    });
    const shapes = g.getAttr<(Shape | undefined)[]>('shape');
    for (let e = 0; e < ig.numEntries; e++) {
      if (!shapes[e]) {
        const n = ig.nodes[ig.nodeOfEntry(e)];
        throw new ShapeError(`shape of ${isVariable(n) ? `variable '${n.name}'` : `output ${e - ig.entryPtr[ig.nodeId(n)]} of ${n.name}`} is unknown`);
      }
    }
    const blocks = g.getAttr<StoragePlan>('storage').blocks;
    for (let a = 0; a < blocks.length; a++) {
      for (let b = a + 1; b < blocks.length; b++) {
        const x = blocks[a], y = blocks[b];
        const live = x.start <= y.end && y.start <= x.end;
        const overlap = x.off < y.off + y.bytes && y.off < x.off + x.bytes && x.bytes > 0 && y.bytes > 0;
        if (live && overlap) throw new MemoryError(`memory plan: blocks at ${x.off} (+${x.bytes}) and ${y.off} (+${y.bytes}) overlap while both live`);
      }
    }
    return g.withAttr('verified', true);
  },
};
