/**
 * Structural checks of untrusted symbol JSON (any generation): node fields, input entries that
 * point at nodes that exist, variables without inputs, attribute values that are strings, and a
 * topological order (nodes that refer forward are reordered; cycles are a FormatError naming a node).
 */
import { FormatError } from '../errors.js';

/** A node of upgraded (1.x) symbol JSON. */
export interface JSONNode {
  op: string;
  name: string;
  /** `[node index, output index, version]`. */
  inputs: [number, number, number][];
  /** Attribute strings, sorted by key (MXNet keeps them in a std::map). */
  attrs?: Record<string, string>;
  control_deps?: number[];
  subgraphs?: SymbolJSON[];
}

/** Upgraded (1.x) symbol JSON. */
export interface SymbolJSON {
  nodes: JSONNode[];
  arg_nodes: number[];
  heads: [number, number, number][];
  attrs: Record<string, unknown> & { mxnet_version: ['int', number] };
}

/** A node while upgrading: attributes merged into one string map. */
export interface WorkNode {
  op: string;
  name: string;
  inputs: [number, number, number][];
  attrs: Record<string, string>;
  control_deps: number[];
  subgraphs?: unknown[];
}

/** A checked graph. */
export interface WorkGraph { nodes: WorkNode[]; heads: [number, number, number][]; graphAttrs: Record<string, unknown> }

/**
 * A short text of an untrusted JSON value for error messages, never recursing more than 3 levels (JSON.stringify of
 * an entry nested 10,000 deep overflows the stack on the error path).
 * @example brief([[[[1]]]]) === '[[[[...]]]]'
 */
export function brief(v: unknown, depth = 0): string {
  if (Array.isArray(v)) return depth >= 3 ? '[...]' : `[${v.slice(0, 4).map((x) => brief(x, depth + 1)).join(',')}${v.length > 4 ? ',...' : ''}]`;
  if (typeof v === 'object' && v !== null) return '{...}';
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 20)) + (v.length > 20 ? '...' : '');
  return String(v);
}

/**
 * Throws a FormatError when a parsed JSON value nests deeper than `max` arrays/objects (iterative: the deep value
 * itself never reaches a recursive reader). MXNet's files nest about 5 levels, plus 4 per subgraph level.
 * @example checkDepth(JSON.parse(text), 160, 'symbol JSON')
 */
export function checkDepth(root: unknown, max: number, what: string): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d >= max) throw new FormatError(`${what}: nested more than ${max} levels deep`);
    for (const x of Array.isArray(v) ? v : Object.values(v as object)) if (typeof x === 'object' && x !== null) stack.push([x, d + 1]);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIdx = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function attrMap(v: unknown, fail: (m: string) => never, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) fail(`"${field}" must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
    else fail(`attribute "${k}" in "${field}" must be a string, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}`);
  }
  return out;
}

function entry(e: unknown, n: number, fail: (m: string) => never, what: string): [number, number, number] {
  if (!Array.isArray(e) || (e.length !== 2 && e.length !== 3)) fail(`${what} must be [node, output, version], got ${brief(e)}`);
  const [id, idx, ver = 0] = e as unknown[];
  if (!isIdx(id) || !isIdx(idx) || !isIdx(ver)) fail(`${what} has a non-integer or negative field: ${brief(e)}`);
  if ((id as number) >= n) fail(`${what} points at node ${id}, which does not exist (the graph has ${n} nodes)`);
  return [id as number, idx as number, ver as number];
}

/**
 * Checks a parsed symbol JSON object and returns its nodes in topological order.
 * @example checkGraph(JSON.parse(text), 'symbol JSON').nodes.length
 */
export function checkGraph(obj: unknown, what: string): WorkGraph {
  if (!isObj(obj)) throw new FormatError(`${what}: expected an object with "nodes" and "heads"`);
  const rawNodes = obj.nodes, rawHeads = obj.heads;
  if (!Array.isArray(rawNodes)) throw new FormatError(`${what}: "nodes" must be an array`);
  if (!Array.isArray(rawHeads)) throw new FormatError(`${what}: "heads" must be an array`);
  const N = rawNodes.length;
  const nodes: WorkNode[] = rawNodes.map((raw, i) => {
    const fail = (m: string): never => {
      const nm = isObj(raw) && typeof raw.name === 'string' ? ` (${raw.name.slice(0, 80)})` : '';
      throw new FormatError(`${what}: node ${i}${nm}: ${m}`, { node: i });
    };
    if (!isObj(raw)) return fail('must be an object');
    if (typeof raw.op !== 'string' || raw.op === '') fail('"op" must be a non-empty string');
    if (typeof raw.name !== 'string') fail('"name" must be a string');
    if (!Array.isArray(raw.inputs)) fail('"inputs" must be an array');
    const inputs = (raw.inputs as unknown[]).map((e, k) => entry(e, N, fail, `input ${k}`));
    if (raw.op === 'null' && inputs.length) fail('a variable ("op": "null") cannot have inputs');
    // nnvm reads "attrs" and "attr" into one map, then inserts "param" entries that are not there yet.
    const attrs = { ...attrMap(raw.attr, fail, 'attr'), ...attrMap(raw.attrs, fail, 'attrs') };
    for (const [k, v] of Object.entries(attrMap(raw.param, fail, 'param'))) if (!(k in attrs)) attrs[k] = v;
    // Variadic ops size their input list from num_args: keep it a sane count (MXNet: = number of inputs).
    if ('num_args' in attrs && !(/^\s*\d{1,6}\s*$/.test(attrs.num_args) && Number(attrs.num_args) <= 1 << 16)) fail(`attribute num_args '${attrs.num_args.slice(0, 40)}' is not a valid input count`);
    let deps: number[] = [];
    if (raw.control_deps !== undefined) {
      if (!Array.isArray(raw.control_deps)) fail('"control_deps" must be an array');
      deps = (raw.control_deps as unknown[]).map((d) => { if (!isIdx(d) || d >= N) fail(`control dependency ${brief(d)} is not a node`); return d as number; });
    }
    let subgraphs: unknown[] | undefined;
    if (raw.subgraphs !== undefined) {
      if (!Array.isArray(raw.subgraphs)) fail('"subgraphs" must be an array');
      subgraphs = raw.subgraphs as unknown[];
    }
    return { op: raw.op as string, name: raw.name as string, inputs, attrs, control_deps: deps, ...(subgraphs ? { subgraphs } : {}) };
  });
  const heads = rawHeads.map((e, k) => entry(e, N, (m) => { throw new FormatError(`${what}: head ${k}: ${m}`, { head: k }); }, 'entry'));
  for (const [k, e] of heads.entries()) {
    if (nodes[e[0]].op === 'null' && e[1] !== 0) throw new FormatError(`${what}: head ${k} reads output ${e[1]} of variable node ${e[0]} (${nodes[e[0]].name}), which has one output`, { head: k });
  }
  nodes.forEach((n, i) => n.inputs.forEach((e, k) => {
    if (nodes[e[0]].op === 'null' && e[1] !== 0) {
      throw new FormatError(`${what}: node ${i} (${n.name}): input ${k} reads output ${e[1]} of variable node ${e[0]} (${nodes[e[0]].name}), which has one output`, { node: i });
    }
  }));
  const graphAttrs = obj.attrs === undefined || obj.attrs === null ? {} : obj.attrs;
  if (!isObj(graphAttrs)) throw new FormatError(`${what}: graph "attrs" must be an object`);
  return topoSort({ nodes, heads, graphAttrs }, what);
}

/** Reorders nodes so every input comes first (identity for files MXNet wrote); throws on a cycle. */
function topoSort(g: WorkGraph, what: string): WorkGraph {
  const { nodes } = g, N = nodes.length;
  const deps = (i: number) => [...nodes[i].inputs.map((e) => e[0]), ...nodes[i].control_deps];
  let ordered = true;
  for (let i = 0; i < N && ordered; i++) for (const d of deps(i)) if (d >= i) { ordered = false; break; }
  if (ordered) return g;
  const state = new Uint8Array(N), order: number[] = [];
  for (let s = 0; s < N; s++) {
    if (state[s]) continue;
    const stack: [number, number][] = [[s, 0]];
    state[s] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1], ds = deps(top[0]);
      if (top[1] < ds.length) {
        const d = ds[top[1]++];
        if (state[d] === 1) throw new FormatError(`${what}: node ${top[0]} (${nodes[top[0]].name}) is part of a cycle (through node ${d}, ${nodes[d].name})`, { node: top[0] });
        if (state[d] === 0) { state[d] = 1; stack.push([d, 0]); }
      } else { state[top[0]] = 2; order.push(top[0]); stack.pop(); }
    }
  }
  const pos = new Int32Array(N);
  order.forEach((old, k) => { pos[old] = k; });
  const remap = (e: [number, number, number]): [number, number, number] => [pos[e[0]], e[1], e[2]];
  return {
    nodes: order.map((old) => ({ ...nodes[old], inputs: nodes[old].inputs.map(remap), control_deps: nodes[old].control_deps.map((d) => pos[d]) })),
    heads: g.heads.map(remap),
    graphAttrs: g.graphAttrs,
  };
}
