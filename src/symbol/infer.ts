import { ArgumentError, ShapeError } from '../errors.js';
import { Graph } from '../graph/graph.js';
import type { Shape } from '../ops/registry.js';
import { inferShapePass } from '../passes/infer-shape.js';
import { inferTypePass } from '../passes/infer-type.js';
import { applyPasses } from '../passes/pass.js';
import { toDType, type DType } from '../runtime/dtype.js';
import type { Symbol } from './symbol.js';

export interface ShapeInference<T = Shape | undefined> { argShapes: T[]; outShapes: T[]; auxShapes: T[] }
export interface TypeInference { argTypes: DType[]; outTypes: DType[]; auxTypes: DType[] }

function byName<T>(s: Symbol, given: Record<string, T> | T[], what: string): Record<string, T> {
  const inputs = s.listInputs();
  if (Array.isArray(given)) {
    const r: Record<string, T> = {};
    s.listArguments().forEach((n, i) => { if (given[i] !== undefined && given[i] !== null) r[n] = given[i]; });
    return r;
  }
  for (const k of Object.keys(given)) if (!inputs.includes(k)) throw new ArgumentError(`${what}: '${k}' is not an input of this symbol (inputs: ${inputs.join(', ')})`);
  return given;
}

function collect<T>(s: Symbol, g: Graph, per: T[]): { args: T[]; outs: T[]; aux: T[] } {
  const ig = g.indexed;
  const varE = new Map<string, number>();
  for (const id of ig.inputNodes) varE.set(ig.nodes[id].name, ig.entryPtr[id]);
  return {
    args: s.listArguments().map((n) => per[varE.get(n)!]),
    outs: Array.from(ig.outputs, (e) => per[e]),
    aux: s.listAuxiliaryStates().map((n) => per[varE.get(n)!]),
  };
}

/**
 * Partial shape inference: unknown shapes come back undefined. Errors name the node, as MXNet's
 * "Error in operator conv1: ...".
 * @example inferShapePartial(net, { data: [1, 784] }).argShapes
 */
export function inferShapePartial(s: Symbol, shapes: Record<string, Shape> | Shape[]): ShapeInference {
  const g = applyPasses(new Graph(s.outputs).withAttr('shape_inputs', byName(s, shapes, 'inferShape')), [inferShapePass]);
  const r = collect(s, g, g.getAttr<(Shape | undefined)[]>('shape'));
  return { argShapes: r.args, outShapes: r.outs, auxShapes: r.aux };
}

/**
 * Full shape inference: throws a ShapeError listing what stays unknown.
 * @example inferShape(net, { data: [64, 1, 28, 28] }).outShapes // [[64, 10]]
 */
export function inferShape(s: Symbol, shapes: Record<string, Shape> | Shape[]): ShapeInference<Shape> {
  const r = inferShapePartial(s, shapes);
  const unknown = [...s.listArguments().filter((_, i) => !r.argShapes[i]), ...s.listAuxiliaryStates().filter((_, i) => !r.auxShapes[i])];
  const outs = s.listOutputs().filter((_, i) => !r.outShapes[i]);
  if (unknown.length || outs.length) {
    throw new ShapeError(`inferShape: cannot infer the shapes of ${[...unknown, ...outs].join(', ')} from ${JSON.stringify(Array.isArray(shapes) ? shapes : Object.keys(shapes))}`, { unknown });
  }
  return r as ShapeInference<Shape>;
}

/**
 * Type inference (float32 where nothing says otherwise).
 * @example inferType(net, { data: 'float32' }).outTypes // ['float32']
 */
export function inferType(s: Symbol, types: Record<string, string | DType> | (string | DType)[] = {}): TypeInference {
  const given = byName(s, types, 'inferType');
  const t: Record<string, DType> = {};
  for (const [k, v] of Object.entries(given)) t[k] = toDType(v);
  const g = applyPasses(new Graph(s.outputs).withAttr('type_inputs', t), [inferTypePass]);
  const r = collect(s, g, g.getAttr<DType[]>('dtype'));
  return { argTypes: r.args, outTypes: r.outs, auxTypes: r.aux };
}

