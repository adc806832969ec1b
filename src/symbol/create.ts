import { ArgumentError, opMessage } from '../errors.js';
import { variableNode, type Node, type NodeEntry } from '../graph/node.js';
import { parseAttrs } from '../ops/attrs.js';
import { getOp, opAux } from '../ops/registry.js';
import { INPUT_INIT_HINTS } from '../ops/init-hints.js';
import { DTYPE_CODE, toDType } from '../runtime/dtype.js';
import { AttrScope, hiddenKey, NameManager, pyStr } from './naming.js';
import { Symbol } from './symbol.js';

/** Options of `mx.sym.Variable` (MXNet's keyword arguments). */
export interface VariableOptions {
  shape?: number[];
  dtype?: string | number;
  lr_mult?: number;
  wd_mult?: number;
  /** Initializer: a string, an object with `dumps()`, or a JSON-able value. */
  init?: unknown;
  stype?: string;
  /** Extra attributes (hidden `__x__` keys or user keys). */
  attr?: Record<string, unknown>;
}

/**
 * A variable (argument, label or aux state). Options become MXNet's hidden attributes
 * (`__shape__`, `__dtype__`, `__lr_mult__`, `__wd_mult__`, `__init__`).
 * @example const data = mx.sym.Variable('data', { shape: [1, 784] });
 */
export function Variable(name: string, o: VariableOptions = {}): Symbol {
  if (typeof name !== 'string' || !name) throw new ArgumentError('Variable: name must be a non-empty string');
  const d: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...AttrScope.current, ...(o.attr ?? {}) })) d[hiddenKey(k)] = pyStr(v);
  if (o.shape) d.__shape__ = pyStr(o.shape);
  if (o.lr_mult !== undefined) d.__lr_mult__ = pyStr(o.lr_mult);
  if (o.wd_mult !== undefined) d.__wd_mult__ = pyStr(o.wd_mult);
  if (o.dtype !== undefined) d.__dtype__ = String(DTYPE_CODE[toDType(o.dtype)]);
  if (o.init !== undefined) {
    const i = o.init as { dumps?: () => string };
    d.__init__ = typeof o.init === 'string' ? o.init : typeof i.dumps === 'function' ? i.dumps() : JSON.stringify(o.init);
  }
  if (o.stype !== undefined) d.__storage_type__ = o.stype === 'default' ? '0' : o.stype === 'row_sparse' ? '1' : o.stype === 'csr' ? '2' : String(o.stype);
  return new Symbol([{ node: variableNode(name, d), index: 0 }]);
}


/** One input of an op call: a single-output Symbol. */
function entryOf(s: Symbol, op: string, what: string): NodeEntry {
  if (s.outputs.length !== 1) throw new ArgumentError(`${op}: input '${what}' must be a single-output symbol, got ${s.outputs.length} outputs`);
  return s.outputs[0];
}

/**
 * Creates an op node the way MXNet's generated `mx.sym.<Op>` does: inputs positionally, then by
 * name in `kw`; `kw.name`, `kw.attr` and the op's attributes; missing inputs become variables
 * `<name>_<input>` (`fc1_weight`, `softmax_label`) that inherit the op's attributes.
 * @example createOp('FullyConnected', [data], { num_hidden: 10, name: 'fc1' })
 */
export function createOp(opName: string, positional: Symbol[], kw: Record<string, unknown> = {}, hint = opName): Symbol {
  const def = getOp(opName);
  const { name: userName, attr, ...rest } = kw;
  const named: Record<string, Symbol> = {};
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (v instanceof Symbol) named[k] = v;
    else if (v !== undefined) raw[k] = v;
  }
  for (const [k, v] of Object.entries({ ...AttrScope.current, ...((attr as Record<string, unknown>) ?? {}) })) raw[k] = v;
  for (const k of Object.keys(raw)) { const h = hiddenKey(k); if (h !== k) { raw[h] = raw[k]; delete raw[k]; } }
  if (def.attrs.num_args && raw.num_args === undefined) raw.num_args = positional.length + Object.keys(named).length;
  const name = NameManager.get(userName as string | undefined, hint);
  const attrs = parseAttrs(def.name, def.attrs, raw, name);
  const dict: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) dict[k] = pyStr(v);
  const argNames = def.inputs(attrs), auxNames = opAux(def, attrs), all = [...argNames, ...auxNames];
  if (positional.length > all.length) throw new ArgumentError(opMessage(name, def.name, `takes ${all.length} inputs (${all.join(', ')}), got ${positional.length} positional`), { node: name });
  const inputs: NodeEntry[] = [];
  let used = 0;
  // As MXNet's FSetInputVarAttrOnCompose, an initializer hint also lands on a given variable that has no __init__.
  const given = (e: NodeEntry, k: number) => {
    const h = INPUT_INIT_HINTS[def.name]?.[k];
    if (h && e.node.op === 'null' && !('__init__' in e.node.dict)) e.node.dict.__init__ = h;
    inputs.push(e);
  };
  all.forEach((an, k) => {
    if (k < positional.length) { given(entryOf(positional[k], name, an), k); return; }
    if (named[an]) { used++; given(entryOf(named[an], name, an), k); return; }
    const hintInit = INPUT_INIT_HINTS[def.name]?.[k];
    const v = variableNode(`${name}_${an}`, { ...dict, ...(hintInit ? { __init__: hintInit } : {}) });
    inputs.push({ node: v, index: 0 });
  });
  if (used !== Object.keys(named).length) {
    const bad = Object.keys(named).filter((k) => !all.includes(k) || all.indexOf(k) < positional.length);
    throw new ArgumentError(opMessage(name, def.name, `unexpected input(s) ${bad.join(', ')} (inputs: ${all.join(', ')})`), { node: name });
  }
  const node: Node = { op: def.name, name, dict, inputs, def, attrs };
  const nOut = def.visibleOutputs ? def.visibleOutputs(attrs) : (def.outputs?.(attrs).length ?? 1);
  return new Symbol(Array.from({ length: nOut }, (_, i) => ({ node, index: i })));
}

/**
 * Groups symbols into one multi-output symbol (outputs concatenated in order).
 * @example const g = mx.sym.Group([fc1, fc2]); g.listOutputs()
 */
export function Group(symbols: Symbol[]): Symbol {
  return new Symbol(symbols.flatMap((s) => s.outputs));
}
