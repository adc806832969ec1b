import { DTypeError, opMessage } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import { numArgs } from '../graph/indexed.js';
import { isVariable } from '../graph/node.js';
import { toDType, type DType } from '../runtime/dtype.js';
import type { Pass } from './pass.js';

/**
 * Dtype inference: variables take `type_inputs[name]` (or their `__dtype__`), ops their
 * `inferType` (default: every output takes the first known input dtype, float32 when none).
 * Backward nodes' outputs take their forward inputs' dtypes. Provides 'dtype' per entry.
 * @example applyPasses(g.withAttr('type_inputs', { data: 'float32' }), [inferTypePass]).getAttr('dtype')
 */
export const inferTypePass: Pass = {
  name: 'inferType', requires: ['type_inputs'], provides: ['dtype'], changesGraph: false,
  run(g: Graph): Graph {
    const given = g.getAttr<Record<string, DType>>('type_inputs');
    const ig = g.indexed;
    const types: (DType | undefined)[] = new Array(ig.numEntries).fill(undefined);
    for (const id of ig.inputNodes) {
      const n = ig.nodes[id];
      types[ig.entryId(id, 0)] = (Object.hasOwn(given, n.name) ? given[n.name] : undefined) ?? (n.dict.__dtype__ !== undefined ? toDType(n.dict.__dtype__) : undefined);
    }
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < ig.nodes.length; i++) {
        const n = ig.nodes[i];
        if (isVariable(n)) continue;
        const inE = ig.inputsOf(i), outE = ig.entryPtr[i], nOut = ig.entryPtr[i + 1] - outE;
        if (n.fwd) {
          const fin = ig.inputsOf(ig.nodeId(n.fwd));
          for (let k = 0; k < nOut; k++) types[outE + k] = types[fin[k]] ?? 'float32';
          continue;
        }
        const na = numArgs(n);
        const ins = Array.from(inE, (e) => types[e]);
        const first = ins.find((t) => t) ?? 'float32';
        const r = n.def!.inferType?.(n.attrs, ins.slice(0, na), n.name)
          ?? { ins: ins.slice(0, na).map(() => first), outs: new Array(nOut).fill(first), aux: ins.slice(na).map(() => first) };
        const set = (e: number, t: DType | undefined, what: string) => {
          if (!t) return;
          if (types[e] && types[e] !== t) throw new DTypeError(opMessage(n.name, n.def!.name, `Type inconsistent for ${what}, Provided=${types[e]}, inferred type=${t}`), { node: n.name });
          types[e] = t;
        };
        r.ins.forEach((t, k) => set(inE[k], t, `input ${k}`));
        (r.aux ?? []).forEach((t, k) => set(inE[na + k], t, `aux ${k}`));
        r.outs.forEach((t, k) => set(outE + k, t, `output ${k}`));
      }
    }
    return g.withAttr('dtype', types.map((t) => t ?? 'float32'));
  },
};
