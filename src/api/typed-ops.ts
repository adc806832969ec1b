// The types of `mx.nd.<Op>` and `mx.sym.<Op>`, from the generated registry signatures (./op-types.ts): a
// misspelt op (`mx.nd.Convoluton`) or attribute (`num_hiden`), a wrong attribute type (`act_type: 42`), or
// a missing required attribute fails to compile. Inputs come positionally or by name in the attribute object.
import type { NDArray } from '../ndarray/ndarray.js';
import type { Symbol } from '../symbol/symbol.js';
import type { OpSignatures, OpsWithRequired } from './op-types.js';

/** Per op name: its attributes (MXNet names; `OpAttrs['Activation']['act_type']` is the union of act types). */
export type OpAttrs = { [K in keyof OpSignatures]: OpSignatures[K]['a'] };
/** Per op name: the names of its inputs (data, weight, bias...). */
export type OpInputs = { [K in keyof OpSignatures]: OpSignatures[K]['i'] };
/** Every registered op name and alias. */
export type OpName = keyof OpAttrs;

type NdIn = NDArray | NDArray[];
/** The attribute object of `mx.nd.<K>`: attributes, inputs by name, `isTrain`. */
export type NdArgs<K extends OpName> = OpAttrs[K] & { [I in OpInputs[K]]?: NDArray } & { isTrain?: boolean };
/** What an imperative op returns: one NDArray, or a list for multi-output ops. */
export type NdResult = NDArray & NDArray[];
/** `mx.nd.<K>`: inputs positionally, then the attribute object (required when the op has a required attribute). */
export type NdOpFn<K extends OpName> = K extends OpsWithRequired
  ? (...args: [...NdIn[], NdArgs<K>]) => NdResult
  : { (...inputs: NdIn[]): NdResult; (...args: [...NdIn[], NdArgs<K>]): NdResult };
/** MXNet's sub-namespaces of prefixed op names: `_contrib_boolean_mask` is also `contrib.boolean_mask`. */
type Prefixed<P extends string> = { [K in OpName as K extends `${P}${infer R}` ? R : never]: K };
type NdSub<P extends string> = { [R in keyof Prefixed<P>]: NdOpFn<Prefixed<P>[R] & OpName> };
/** One function per op on `mx.nd` (and `mx.nd.contrib`, `mx.nd.npx`, `mx.nd.np` for `_contrib_`, `_npx_`, `_npi_` names). */
export type NdOps = { [K in OpName]: NdOpFn<K> } & { contrib: NdSub<'_contrib_'>; npx: NdSub<'_npx_'>; np: NdSub<'_npi_'> };

type SymIn = Symbol | Symbol[];
/** The attribute object of `mx.sym.<K>`: attributes, inputs by name, the node's `name` and `attr`. */
export type SymArgs<K extends OpName> = OpAttrs[K] & { [I in OpInputs[K]]?: Symbol } & SymNodeArgs;
/** What every symbolic op call also takes: the node's name and attributes, and MXNet's per-parameter `lr_mult`/`wd_mult`, `__x__` attributes. */
export interface SymNodeArgs { data?: SymIn; name?: string; attr?: Record<string, string | number>; lr_mult?: number | string; wd_mult?: number | string; [k: `__${string}__`]: unknown }
/** `mx.sym.<K>`: input Symbols positionally, then the attribute object. */
export type SymOpFn<K extends OpName> = K extends OpsWithRequired
  ? (...args: [...SymIn[], SymArgs<K>]) => Symbol
  : { (...inputs: SymIn[]): Symbol; (...args: [...SymIn[], SymArgs<K>]): Symbol };
type SymSub<P extends string> = { [R in keyof Prefixed<P>]: SymOpFn<Prefixed<P>[R] & OpName> };
/** One function per op on `mx.sym` (and its `contrib`, `npx`, `np` sub-namespaces). */
export type SymOps = { [K in OpName]: SymOpFn<K> } & { contrib: SymSub<'_contrib_'>; npx: SymSub<'_npx_'>; np: SymSub<'_npi_'> };
