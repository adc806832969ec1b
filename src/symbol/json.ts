import { FormatError, MxError } from '../errors.js';
import { readFileBytes, writeFileBytes } from '../format/fs.js';
// Lazy in the bundles (scripts/lazy.mjs): the checks and upgrades of files read (an import never reads one).
import * as jsonCheck from '../format/json-check.js'; // lazy
import * as legacy from '../format/legacy-json.js'; // lazy
import { numArgs, numOutputs } from '../graph/indexed.js';
import { dfsOrder, isVariable, variableNode, type Node, type NodeEntry } from '../graph/node.js';
import { parseAttrs } from '../ops/attrs.js';
import { getOp, opAux } from '../ops/registry.js';
import * as subgraph from './subgraph.js'; // lazy: control-flow bodies (rare in files) load it on first sight
import { Symbol } from './symbol.js';

/** Reads a symbol JSON file (Node; errors name the path). @example readSymbolFile('lenet-symbol.json') */
export function readSymbolFile(path: string): string { return new TextDecoder().decode(readFileBytes(path, 'symbol JSON')); }
/** Writes text to a file (Node). @example writeSymbolFile('net-symbol.json', net.toJSON()) */
export function writeSymbolFile(path: string, text: string): void { writeFileBytes(path, new TextEncoder().encode(text), 'symbol JSON'); }

/** The MXNet version we write (1.9.1), as `mxnet_version` encodes it. */
export const MXNET_VERSION = 10901;

/** Emulates dmlc::JSONWriter's text layout (2-space indent per open scope, ", " + newline separators). */
class Writer {
  out = '';
  private multi: boolean[] = [];
  private count: number[] = [];
  private sep(): void { if (!this.multi.length || this.multi[this.multi.length - 1]) this.out += '\n' + ' '.repeat(this.multi.length * 2); }
  begin(ch: '{' | '[', multi: boolean): void { this.out += ch; this.multi.push(multi); this.count.push(0); }
  end(ch: '}' | ']'): void { const m = this.multi.pop(), n = this.count.pop(); if (m && n) this.sep(); this.out += ch; }
  key(k: string): void { if (this.count[this.count.length - 1]++ > 0) this.out += ', '; this.sep(); this.out += JSON.stringify(k) + ': '; }
  item(): void { if (this.count[this.count.length - 1]++ > 0) this.out += ', '; this.sep(); }
  ints(a: readonly number[], inlineMax = 10): void { this.begin('[', a.length > inlineMax); for (const x of a) { this.item(); this.out += String(x); } this.end(']'); }
  entries(a: readonly number[][]): void { this.begin('[', a.length > 10); for (const e of a) { this.item(); this.ints(e, Infinity); } this.end(']'); }
  map(m: Record<string, string>): void {
    const keys = Object.keys(m).sort();
    this.begin('{', keys.length > 1);
    for (const k of keys) { this.key(k); this.out += JSON.stringify(m[k]); }
    this.end('}');
  }
}

/**
 * MXNet 1.x symbol JSON (FORMATS.md §2): nodes in DFS order, arg_nodes, node_row_ptr, heads,
 * attrs.mxnet_version, in dmlc JSONWriter's exact text layout. Op names are canonical; aux inputs
 * carry version 1 (MXNet's mutation counter).
 * @example const text = toJSON(net); mx.sym.fromJSON(text).listArguments()
 */
export function toJSON(s: Symbol): string {
  const w = new Writer();
  writeGraph(w, s.outputs, true);
  return w.out;
}

/** One graph object (a control-flow node's `subgraphs` hold nested ones, without graph attrs, as nnvm writes them). */
function writeGraph(w: Writer, outputs: readonly NodeEntry[], top: boolean): void {
  const nodes = dfsOrder(outputs);
  const id = new Map<Node, number>(nodes.map((n, i) => [n, i]));
  const version = new Map<Node, number>();
  w.begin('{', true);
  w.key('nodes');
  w.begin('[', true);
  for (const n of nodes) {
    w.item();
    w.begin('{', true);
    w.key('op'); w.out += JSON.stringify(isVariable(n) ? 'null' : n.def!.name);
    w.key('name'); w.out += JSON.stringify(n.name);
    if (Object.keys(n.dict).length) { w.key('attrs'); w.map(n.dict); }
    const na = numArgs(n);
    w.key('inputs');
    w.entries(n.inputs.map((e, k) => {
      let v = 0;
      if (k >= na && isVariable(e.node)) { v = (version.get(e.node) ?? 0) + 1; version.set(e.node, v); }
      return [id.get(e.node)!, e.index, v];
    }));
    if (n.subgraphs?.length) {
      w.key('subgraphs'); w.begin('[', true);
      for (const g of n.subgraphs) { w.item(); writeGraph(w, g, false); }
      w.end(']');
    }
    w.end('}');
  }
  w.end(']');
  w.key('arg_nodes'); w.ints(nodes.flatMap((n, i) => (isVariable(n) ? [i] : [])));
  const rowPtr = [0];
  for (const n of nodes) rowPtr.push(rowPtr[rowPtr.length - 1] + numOutputs(n));
  w.key('node_row_ptr'); w.ints(rowPtr);
  w.key('heads'); w.entries(outputs.map((e) => [id.get(e.node)!, e.index, 0]));
  if (top) { w.key('attrs'); w.begin('{', false); w.key('mxnet_version'); w.out += `["int", ${MXNET_VERSION}]`; w.end('}'); }
  w.end('}');
}

/**
 * Reads MXNet symbol JSON of any generation (the legacy upgrade runs first). Unknown operators and
 * malformed graphs throw errors naming the node; unknown attributes are kept, not rejected.
 * @example const net = fromJSON(fs.readFileSync('lenet-symbol.json', 'utf8'));
 */
export function fromJSON(text: string | object): Symbol {
  let raw: any;
  try { raw = typeof text === 'string' ? JSON.parse(text) : text; } catch (e) { throw new FormatError(`symbol JSON does not parse: ${(e as Error).message}`); }
  if (!raw || !Array.isArray(raw.nodes) || !Array.isArray(raw.heads)) throw new FormatError('symbol JSON needs "nodes" and "heads" arrays');
  return new Symbol(loadGraph(legacy.upgradeSymbolJSON(raw), 0));
}

/** The heads of one graph object; a node's `subgraphs` (control flow) load as nested graphs. */
function loadGraph(json: any, depth: number): NodeEntry[] {
  if (depth > 16) throw new FormatError('symbol JSON: subgraphs nested more than 16 deep');
  if (!json || !Array.isArray(json.nodes) || !Array.isArray(json.heads)) throw new FormatError('symbol JSON: a subgraph needs "nodes" and "heads" arrays');
  const nodes: Node[] = [];
  json.nodes.forEach((jn: any, i: number) => {
    const name = String(jn.name ?? `node${i}`);
    const dict: Record<string, string> = {};
    for (const [k, v] of Object.entries(jn.attrs ?? {})) dict[k] = String(v);
    const inputs: NodeEntry[] = (jn.inputs ?? []).map((e: number[], k: number) => {
      if (!Array.isArray(e) || !(e[0] >= 0 && e[0] < i)) {
        throw new FormatError(`symbol JSON: node ${i} (${name}) has input ${jsonCheck.brief(e)} that does not refer to an earlier node`, { node: name });
      }
      return outputEntry(nodes[e[0]], e[1] ?? 0, `node ${i} (${name}) input ${k}`);
    });
    if (jn.op === 'null') { nodes.push(variableNode(name, dict)); return; }
    let def;
    try { def = getOp(String(jn.op), name); } catch (e) { throw new FormatError((e as MxError).message, { node: name, op: jn.op }); }
    const subs = jn.subgraphs === undefined ? [] : Array.isArray(jn.subgraphs) ? jn.subgraphs.map((g: unknown) => new Symbol(loadGraph(g, depth + 1))) : undefined;
    if (!subs) throw new FormatError(`symbol JSON: node ${i} (${name}) has "subgraphs" that is not a list`, { node: name });
    const attrs = parseAttrs(def.name, def.attrs, dict, name, false);
    const want = def.inputs(attrs).length + opAux(def, attrs).length;
    if (inputs.length !== want) throw new FormatError(`Error in operator ${name}: ${def.name} expects ${want} inputs (${[...def.inputs(attrs), ...opAux(def, attrs)].join(', ')}), the file gives ` +
      `${inputs.length}`, { node: name });
    const node: Node = { op: def.name, name, dict, inputs, def, attrs };
    nodes.push(subs.length ? subgraph.withBodies(node, subs) : node);
  });
  return json.heads.map((h: number[]) => {
    if (!(h[0] >= 0 && h[0] < nodes.length)) throw new FormatError(`symbol JSON: head ${jsonCheck.brief(h)} is out of range`);
    return outputEntry(nodes[h[0]], h[1] ?? 0, `head ${jsonCheck.brief(h)}`);
  });
}

/** An entry reading output `index` of `node`, which must exist (an index of 1e8 or 2^32 is a FormatError, not a shape puzzle). */
function outputEntry(node: Node, index: number, what: string): NodeEntry {
  const n = numOutputs(node);
  if (!Number.isSafeInteger(index) || index < 0 || index >= n) {
    throw new FormatError(`symbol JSON: ${what} reads output ${jsonCheck.brief(index)} of node ${node.name} (${isVariable(node) ? 'Variable' : node.op}), which has ${n} output${n === 1 ? '' : 's'}`,
      { node: node.name });
  }
  return { node, index };
}
