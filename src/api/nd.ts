import { ArgumentError, opMessage } from '../errors.js';
import { eachOpName, getOp, opAux } from '../ops/registry.js';
import { NDArray } from '../ndarray/ndarray.js';
import { invoke, parseAttrsCached } from '../ndarray/invoke.js';
import { assertOwnNDArray } from '../ndarray/foreign.js';
import * as create from '../ndarray/create.js';
import type { NdOps } from './typed-ops.js';
import { refuseUnknownOps } from '../util/closest.js';

/**
 * Calls a registered op imperatively, MXNet style. Inputs come positionally or by name in the
 * attribute object; outputs: one NDArray, or an array of them for multi-output ops.
 * @example mx.nd.FullyConnected(x, w, b, { num_hidden: 10 }); mx.nd.Convolution({ data: x, weight: w, kernel: [3, 3], num_filter: 8, no_bias: true })
 */
export function callOp(name: string, args: unknown[]): NDArray | NDArray[] {
  const def = getOp(name);
  const pos: NDArray[] = [];
  let attrs: Record<string, unknown> = {};
  for (const a of args) {
    assertOwnNDArray(a, `${name}: argument ${args.indexOf(a)}`);
    if (Array.isArray(a)) a.forEach((x, i) => assertOwnNDArray(x, `${name}: argument ${args.indexOf(a)}[${i}]`));
    if (a instanceof NDArray) pos.push(a);
    else if (Array.isArray(a) && a.every((x) => x instanceof NDArray)) pos.push(...a);
    else if (a && typeof a === 'object' && !Array.isArray(a) && !ArrayBuffer.isView(a)) attrs = { ...attrs, ...(a as Record<string, unknown>) };
    else if (a !== undefined) throw badArg(name, args.indexOf(a), a);
  }
  const named: Record<string, NDArray> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) { assertOwnNDArray(v, `${name}: input '${k}'`); (v instanceof NDArray ? named : rest)[k] = v as never; }
  if (Array.isArray(rest.data) && (rest.data as unknown[]).every((x) => x instanceof NDArray)) { pos.push(...(rest.data as NDArray[])); delete rest.data; }
  const isTrain = rest.isTrain === undefined ? undefined : rest.isTrain === true; delete rest.isTrain;
  if (def.attrs.num_args && rest.num_args === undefined) rest.num_args = pos.length + Object.keys(named).length;
  const a = parseAttrsCached(def, rest, name);
  const names = [...def.inputs(a), ...opAux(def, a)];
  const ins: NDArray[] = [];
  let p = 0;
  for (const n of names) {
    if (named[n]) ins.push(named[n]);
    else if (p < pos.length) ins.push(pos[p++]);
  }
  if (p < pos.length || ins.length !== names.length) {
    throw new ArgumentError(`Error in operator ${name}: expects inputs (${names.join(', ')}), got ${pos.length + Object.keys(named).length}`, { op: name });
  }
  const outs = invoke(name, ins, rest, { isTrain });
  return outs.length === 1 ? outs[0] : outs;
}

/** A positional argument that is neither an NDArray (or list of them) nor the attribute object. */
export function badArg(op: string, i: number, a: unknown, kind = 'NDArray'): ArgumentError {
  const what = a === null ? 'null' : Array.isArray(a) ? 'an array of values' : ArrayBuffer.isView(a) ? `a ${a.constructor.name}` : `${typeof a} ${String(a).slice(0, 40)}`;
  const hint = kind !== 'NDArray' ? '' : Array.isArray(a) || ArrayBuffer.isView(a) ? ' (make one with mx.nd.array(values))'
    : typeof a === 'number' ? ' (scalars go in the attribute object, e.g. { scalar: 2 })' : '';
  return new ArgumentError(opMessage(undefined, op, `argument ${i} must be a${kind === 'NDArray' ? 'n' : ''} ${kind}, a list of ${kind}s or the attribute object, got ${what}${hint}`), { op, arg: i });
}

const binary = (opArr: string, opScalar: string, opRScalar: string) => (a: NDArray | number, b: NDArray | number): NDArray => {
  if (typeof a === 'number' && typeof b === 'number') throw new ArgumentError(`${opArr}: at least one NDArray is needed`);
  if (typeof b === 'number') return invoke(opScalar, [a as NDArray], { scalar: b })[0];
  if (typeof a === 'number') return invoke(opRScalar, [b], { scalar: a })[0];
  return invoke(opArr, [a, b])[0];
};

/** MXNet's op-name prefixes that Python exposes as sub-namespaces (`_contrib_boolean_mask` is contrib.boolean_mask). */
const PREFIXES: [string, string][] = [['_contrib_', 'contrib'], ['_npx_', 'npx'], ['_npi_', 'np']];

/**
 * Installs `f(name)` under `target[name]` and, for a prefixed name, under its sub-namespace too.
 * @example installNamed(mx.nd, '_contrib_boolean_mask', fn) // mx.nd.contrib.boolean_mask
 */
export function installNamed(target: Record<string, unknown>, name: string, f: (...args: unknown[]) => unknown): void {
  if (!(name in target)) target[name] = f;
  if (name[0] !== '_') return;
  // (a loop, not find with a destructuring callback: ~460 calls at import, each made an iterator per prefix)
  for (let i = 0; i < PREFIXES.length; i++) {
    const pre = PREFIXES[i][0];
    if (!name.startsWith(pre)) continue;
    const ns = (target[PREFIXES[i][1]] ??= {}) as Record<string, unknown>;
    ns[name.slice(pre.length)] ??= f;
    return;
  }
}

/** Fills `target` with one function per registered op name and alias (mx.nd.Convolution, mx.nd.relu, mx.nd.contrib.boolean_mask, ...). */
export function installOpFunctions(target: Record<string, unknown>): void {
  eachOpName((name) => installNamed(target, name, (...args: unknown[]) => callOp(name, args)));
}

/** `mx.nd`: arrays, creation, random, and every registered op. */
export const nd: typeof create & {
  NDArray: typeof NDArray;
  add: ReturnType<typeof binary>; subtract: ReturnType<typeof binary>; multiply: ReturnType<typeof binary>;
  divide: ReturnType<typeof binary>; power: ReturnType<typeof binary>; maximum: ReturnType<typeof binary>; minimum: ReturnType<typeof binary>;
} & NdOps = {
  ...create,
  NDArray,
  add: binary('broadcast_add', '_plus_scalar', '_plus_scalar'),
  subtract: binary('broadcast_sub', '_minus_scalar', '_rminus_scalar'),
  multiply: binary('broadcast_mul', '_mul_scalar', '_mul_scalar'),
  divide: binary('broadcast_div', '_div_scalar', '_rdiv_scalar'),
  power: binary('broadcast_power', '_power_scalar', '_rpower_scalar'),
  maximum: binary('broadcast_maximum', '_maximum_scalar', '_maximum_scalar'),
  minimum: binary('broadcast_minimum', '_minimum_scalar', '_minimum_scalar'),
} as never;
refuseUnknownOps(nd, 'mx.nd');
