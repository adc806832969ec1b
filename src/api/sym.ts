import { ArgumentError } from '../errors.js';
import '../ops/index.js'; // registers every op: installSymOps() below lists them at evaluation (bundles may order modules otherwise)
import { eachOpName } from '../ops/registry.js';
import { installNamed, badArg } from './nd.js';
import { refuseUnknownOps } from '../util/closest.js';
import { createOp, Group, Variable, type VariableOptions } from '../symbol/create.js';
import { fromJSON, readSymbolFile } from '../symbol/json.js';
import { inFile } from '../format/fs.js';
import { AttrScope, NameManager } from '../symbol/naming.js';
import { Symbol } from '../symbol/symbol.js';
import type { SymOps } from './typed-ops.js';
import { symContrib } from './control-flow.js';

/**
 * Calls `createOp` MXNet-style: `mx.sym.FullyConnected(data, { num_hidden: 10, name: 'fc1' })`
 * or `mx.sym.Convolution({ data, kernel: [3, 3], num_filter: 8 })`; variadic ops take a list.
 * @example symOp('Concat', [a, b, { dim: 1 }])
 */
export function symOp(name: string, args: unknown[]): Symbol {
  const pos: Symbol[] = [];
  let kw: Record<string, unknown> = {};
  for (const a of args) {
    if (a instanceof Symbol) pos.push(a);
    else if (Array.isArray(a) && a.every((x) => x instanceof Symbol)) pos.push(...a);
    else if (a && typeof a === 'object' && !Array.isArray(a) && !ArrayBuffer.isView(a)) kw = { ...kw, ...(a as Record<string, unknown>) };
    else if (a !== undefined) throw badArg(name, args.indexOf(a), a, 'Symbol');
  }
  if (Array.isArray(kw.data) && (kw.data as unknown[]).every((x) => x instanceof Symbol)) { pos.push(...(kw.data as Symbol[])); delete kw.data; }
  return createOp(name, pos, kw, name);
}

/**
 * `mx.sym`: Variable/var, Group, fromJSON/load, plus one function per registered op and alias.
 * @example
 * const data = mx.sym.Variable('data');
 * const net = mx.sym.SoftmaxOutput({ data: mx.sym.FullyConnected({ data, num_hidden: 10 }), name: 'softmax' });
 */
export const sym: {
  Variable: typeof Variable; var: typeof Variable; Group: typeof Group; Symbol: typeof Symbol;
  fromJSON: typeof fromJSON; loadJSON: typeof fromJSON; load: (path: string) => Symbol; save: (path: string, s: Symbol) => void;
  NameManager: typeof NameManager; AttrScope: typeof AttrScope;
  zeros: (shape: number[], o?: InitOpts) => Symbol; ones: (shape: number[], o?: InitOpts) => Symbol;
  full: (shape: number[], value: number, o?: InitOpts) => Symbol;
  contrib: typeof symContrib;
} & SymOps = {
  Variable, var: Variable, Group, Symbol, fromJSON, loadJSON: fromJSON, NameManager, AttrScope, contrib: symContrib,
  /** Reads `prefix-symbol.json` (Node). @example mx.sym.load('lenet-symbol.json') */
  load: (path: string) => inFile(path, () => fromJSON(readSymbolFile(path))),
  /** Writes symbol JSON (Node). @example mx.sym.save('net-symbol.json', net) */
  save: (path: string, s: Symbol) => s.save(path),
  /** A `_zeros` node (MXNet's mx.sym.zeros: shape, dtype (float32 written out, as MXNet), name, attr). @example mx.sym.zeros([1, 128], { name: 'h0' }) */
  zeros: (shape: number[], o: InitOpts = {}) => createOp('_zeros', [], { dtype: 'float32', ...o, shape }),
  /** A `_ones` node. @example mx.sym.ones([2, 3]) */
  ones: (shape: number[], o: InitOpts = {}) => createOp('_ones', [], { dtype: 'float32', ...o, shape }),
  /** A `_full` node: `value` everywhere. @example mx.sym.full([2, 3], 0.5) */
  full: (shape: number[], value: number, o: InitOpts = {}) => createOp('_full', [], { dtype: 'float32', ...o, shape, value }),
} as never;
/** Options of mx.sym.zeros / ones / full. */
export interface InitOpts { dtype?: string; name?: string; attr?: Record<string, string> }

/** Adds `mx.sym.<Op>` for every registered op name and alias (call again after registering ops). @example installSymOps(); mx.sym.MyOp(x) */
export function installSymOps(target: Record<string, unknown> = sym): void {
  eachOpName((name) => installNamed(target, name, (...args: unknown[]) => symOp(name, args)));
}

export type { VariableOptions };
installSymOps();
refuseUnknownOps(sym, 'mx.sym');
