import { ArgumentError } from '../errors.js';
import { dfsOrder, isVariable, type Node, type NodeEntry } from '../graph/node.js';
import { Symbol } from './symbol.js';

/**
 * MXNet's `sym(data=other)`: a copy of `s` with argument variables replaced by symbols, by name
 * (one object) or positionally (in `listArguments()` order). Replaced names that do not exist throw.
 * @example compose(net, [{ data: mx.sym.Variable('x') }])
 */
export function compose(s: Symbol, args: (Symbol | Record<string, Symbol>)[]): Symbol {
  const repl = new Map<string, NodeEntry>();
  const argNames = s.listArguments();
  let p = 0;
  for (const a of args) {
    if (a instanceof Symbol) {
      if (p >= argNames.length) throw new ArgumentError(`compose: ${args.length} positional inputs for ${argNames.length} arguments`);
      repl.set(argNames[p++], single(a, argNames[p - 1]));
    } else {
      for (const [k, v] of Object.entries(a)) {
        if (!(v instanceof Symbol)) throw new ArgumentError(`compose: '${k}' must be a Symbol`);
        if (!s.listInputs().includes(k)) throw new ArgumentError(`compose: no variable named '${k}' (variables: ${s.listInputs().join(', ')})`);
        repl.set(k, single(v, k));
      }
    }
  }
  const map = new Map<Node, Node>();
  const mapEntry = (e: NodeEntry): NodeEntry => {
    if (isVariable(e.node) && repl.has(e.node.name)) return repl.get(e.node.name)!;
    return { node: map.get(e.node)!, index: e.index };
  };
  for (const n of dfsOrder(s.outputs)) {
    map.set(n, isVariable(n) ? n : { ...n, inputs: n.inputs.map(mapEntry) });
  }
  return new Symbol(s.outputs.map(mapEntry));
}

function single(s: Symbol, what: string): NodeEntry {
  if (s.outputs.length !== 1) throw new ArgumentError(`compose: '${what}' must be a single-output symbol`);
  return s.outputs[0];
}
