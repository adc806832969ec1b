import { MxError, ShapeError, opMessage } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import { numArgs } from '../graph/indexed.js';
import { isVariable } from '../graph/node.js';
import { parseAttrs } from '../ops/attrs.js';
import type { Shape } from '../ops/registry.js';
import { memoryMaxBytes } from '../runtime/runtime.js';
import { fmtShape, prod, sameShape } from '../util/shape.js';
import type { Pass } from './pass.js';

/** A variable's `__shape__` hint, when complete (no 0 / -1 dims). @example hintShape({ __shape__: '(1, 2)' }) // [1, 2] */
export function hintShape(dict: Record<string, string>): Shape | undefined {
  const s = dict.__shape__;
  if (!s) return undefined;
  const v = parseAttrs('Variable', { s: { type: 'shape' } }, { s }).s as number[];
  return v.every((d) => d > 0) ? v : undefined;
}

/**
 * Throws unless every dimension is a non-negative safe integer and the element count fits the memory's maximum (one
 * byte per element at least; bind checks bytes by dtype): a model file's pad of 1e9 must fail here, before any
 * planner sizes workspaces or lowering loops by it.
 * @example checkShapeBound([1, 16, 2e9, 2e9], 'c', 'Convolution', 'output 0') // throws ShapeError
 */
export function checkShapeBound(s: Shape, node: string, op: string, what: string): void {
  const max = memoryMaxBytes();
  for (const d of s) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(opMessage(node, op, `${what} has an invalid dimension ${d} in ${fmtShape(s)}`), { node, op, arg: what });
  }
  const n = prod(s);
  if (n > max) throw new ShapeError(opMessage(node, op, `${what} of shape ${fmtShape(s)} has ${n} elements, more than the memory's maximum of ${max} bytes can hold`), { node, op, arg: what });
}

function merge(shapes: (Shape | undefined)[], e: number, s: Shape | undefined, node: string, op: string, what: string): boolean {
  if (!s) return false;
  checkShapeBound(s, node, op, what);
  const cur = shapes[e];
  if (cur) {
    if (!sameShape(cur, s)) throw new ShapeError(opMessage(node, op, `Shape inconsistent for ${what}, Provided=${fmtShape(cur)}, inferred shape=${fmtShape(s)}`), { node, op, arg: what });
    return false;
  }
  shapes[e] = [...s];
  return true;
}

const PARTIAL_INIT = new Set(['_zeros', '_ones', '_full']);

/**
 * Shape inference to a fixed point over the indexed graph: variables take `shape_inputs[name]` (or
 * their `__shape__` hint), every op's `inferShape` fills outputs and may fill unknown inputs (weights
 * from data). Backward nodes get their forward inputs' shapes. Unknown entries stay undefined
 * (partial inference); inconsistencies throw ShapeError naming the node.
 * @example applyPasses(new Graph(sym.outputs).withAttr('shape_inputs', { data: [1, 784] }), [inferShapePass]).getAttr('shape')
 */
export const inferShapePass: Pass = {
  name: 'inferShape', requires: ['shape_inputs'], provides: ['shape'], changesGraph: false,
  run(g: Graph): Graph {
    const given = g.getAttr<Record<string, Shape>>('shape_inputs');
    const ig = g.indexed;
    const shapes: (Shape | undefined)[] = new Array(ig.numEntries).fill(undefined);
    for (const id of ig.inputNodes) {
      const n = ig.nodes[id];
      const g0 = Object.hasOwn(given, n.name) ? given[n.name] : undefined; // a node named 'constructor' is not Object's
      const s = g0 ? [...g0] : hintShape(n.dict);
      if (s) checkShapeBound(s, n.name, 'Variable', `the shape of '${n.name}'`);
      shapes[ig.entryId(id, 0)] = s;
    }
    // MXNet's `_zeros((0, H))` begin states: 0 dims are unknown, filled by the consumers' backward inference.
    const partial: (Shape | undefined)[] = new Array(ig.numEntries).fill(undefined);
    ig.nodes.forEach((n, i) => { if (PARTIAL_INIT.has(n.def?.name ?? '') && (n.attrs.shape as Shape | undefined)?.includes(0)) partial[ig.entryPtr[i]] = n.attrs.shape; });
    const done = new Uint8Array(ig.nodes.length);
    for (let iter = 0, changed = true; changed && iter < 16; iter++) {
      changed = false;
      for (let i = 0; i < ig.nodes.length; i++) {
        const n = ig.nodes[i];
        if (done[i] || isVariable(n)) continue;
        const inE = ig.inputsOf(i);
        const outE = ig.entryPtr[i];
        if (n.fwd) {
          // backward node: one output per forward input, shaped like it
          const fid = ig.nodeId(n.fwd);
          const fin = ig.inputsOf(fid);
          let all = true;
          for (let k = 0; k < (n.nGradIn ?? 0); k++) changed = merge(shapes, inE[k], shapes[ig.entryPtr[fid] + k], n.name, n.op, `output gradient ${k}`) || changed;
          for (let k = 0; k < numArgs(n.fwd); k++) { changed = merge(shapes, outE + k, shapes[fin[k]], n.name, n.op, `input ${k}`) || changed; all &&= !!shapes[outE + k]; }
          if (all) done[i] = 1;
          continue;
        }
        const ins = Array.from(inE, (e) => shapes[e]);
        if (ins.length && ins.every((s, k) => !s && !partial[inE[k]])) continue;
        const na = numArgs(n);
        let r;
        const known = { outs: Array.from({ length: ig.entryPtr[i + 1] - outE }, (_, k) => shapes[outE + k]), partial: Array.from(inE, (e) => partial[e]) };
        try { r = n.def!.inferShape(n.attrs, ins.slice(0, na), ins.slice(na), n.name, known); } catch (err) {
          if (err instanceof MxError || ins.every((s) => s)) throw err;
          continue; // an op that cannot work with missing inputs yet
        }
        const names = [...n.def!.inputs(n.attrs), ...(n.def!.aux?.(n.attrs) ?? [])];
        r.ins.forEach((s, k) => { changed = merge(shapes, inE[k], s, n.name, n.def!.name, `input '${names[k]}'`) || changed; });
        (r.aux ?? []).forEach((s, k) => { changed = merge(shapes, inE[na + k], s, n.name, n.def!.name, `aux '${names[na + k]}'`) || changed; });
        r.outs.forEach((s, k) => { changed = merge(shapes, outE + k, s, n.name, n.def!.name, `output ${k}`) || changed; });
        let all = true;
        for (const e of inE) all &&= !!shapes[e];
        for (let k = outE; k < ig.entryPtr[i + 1]; k++) all &&= !!shapes[k];
        if (all) done[i] = 1;
      }
    }
    return g.withAttr('shape', shapes);
  },
};

/** Names of the entries whose shapes are still unknown (for error messages). @example unknownShapes(g) // ['fc1_weight'] */
export function unknownShapes(g: Graph): string[] {
  const shapes = g.getAttr<(Shape | undefined)[]>('shape');
  const ig = g.indexed;
  const out: string[] = [];
  ig.nodes.forEach((n, i) => {
    for (let e = ig.entryPtr[i]; e < ig.entryPtr[i + 1]; e++) if (!shapes[e]) out.push(isVariable(n) ? n.name : `${n.name}[${e - ig.entryPtr[i]}]`);
  });
  return out;
}
