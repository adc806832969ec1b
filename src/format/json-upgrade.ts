/**
 * The upgraders of MXNet's `legacy_json_util.cc`, applied to checked JSON in MXNet's order:
 * FixParsing (hidden keys, file < current), 0.8→0.9 (missing aux inputs), 0.9.3→0.9.4 (initializer
 * hints), 0.9.4→0.9.5 (argmax/argmin axis -1). Input names come from the op registry, with a
 * built-in table for the ops these upgrades concern when an op is not registered.
 */
import { FormatError } from '../errors.js';
import { getOp, hasOp, opAux } from '../ops/registry.js';
import { parseAttrs } from '../ops/attrs.js';
import { INPUT_INIT_HINTS } from '../ops/init-hints.js';
import { checkGraph, type JSONNode, type SymbolJSON, type WorkNode } from './json-check.js';

/** MXNet's kHiddenKeys (c_api_symbolic.cc). */
export const HIDDEN_KEYS = ['ctx_group', 'lr_mult', 'wd_mult', 'force_mirroring', 'mirror_stage'];

const isTrue = (v: string | undefined) => v !== undefined && /^(true|1)$/i.test(v.trim());
const BN = ['data', 'gamma', 'beta', 'moving_mean', 'moving_var'];
const FALLBACK: Record<string, (a: Record<string, string>) => string[]> = {
  FullyConnected: (a) => (isTrue(a.no_bias) ? ['data', 'weight'] : ['data', 'weight', 'bias']),
  Convolution: (a) => (isTrue(a.no_bias) ? ['data', 'weight'] : ['data', 'weight', 'bias']),
  Deconvolution: (a) => (a.no_bias === undefined || isTrue(a.no_bias) ? ['data', 'weight'] : ['data', 'weight', 'bias']),
  BatchNorm: () => BN, BatchNorm_v1: () => BN, CuDNNBatchNorm: () => BN, _contrib_SyncBatchNorm: () => BN,
  SoftmaxOutput: () => ['data', 'label'], Softmax: () => ['data', 'label'],
  LinearRegressionOutput: () => ['data', 'label'], LogisticRegressionOutput: () => ['data', 'label'], MAERegressionOutput: () => ['data', 'label'],
  LeakyReLU: (a) => (a.act_type === 'prelu' ? ['data', 'gamma'] : ['data']),
  Embedding: () => ['data', 'weight'],
  Activation: () => ['data'], Pooling: () => ['data'], Flatten: () => ['data'], Dropout: () => ['data'],
};

/** FListInputNames (arguments then aux states) of an op, or undefined when unknown. @example inputNames('BatchNorm', {}, 'bn') // ['data', 'gamma', 'beta', 'moving_mean', 'moving_var'] */
export function inputNames(op: string, attrs: Record<string, string>, node: string): string[] | undefined {
  if (hasOp(op)) {
    try {
      const def = getOp(op);
      const plain: Record<string, string> = {};
      for (const [k, v] of Object.entries(attrs)) if (!k.startsWith('__')) plain[k] = v;
      const a = parseAttrs(def.name, def.attrs, plain, node, false);
      return [...def.inputs(a), ...opAux(def, a)];
    } catch { /* fall back to the table; the symbol loader reports bad attributes */ }
  }
  return FALLBACK[op]?.(attrs);
}

/** Auxiliary-state names of an op (their entries get version 1, as MXNet saves mutated inputs). */
function auxNames(op: string, attrs: Record<string, string>, node: string): string[] {
  if (hasOp(op)) {
    try {
      const def = getOp(op);
      const plain = Object.fromEntries(Object.entries(attrs).filter(([k]) => !k.startsWith('__')));
      return opAux(def, parseAttrs(def.name, def.attrs, plain, node, false));
    } catch { /* fall through */ }
  }
  return FALLBACK[op]?.(attrs) === BN ? ['moving_mean', 'moving_var'] : [];
}

/** UpgradeJSON_FixParsing: `lr_mult` → `__lr_mult__`; `<arg>_lr_mult` → `__lr_mult__` on that input variable. */
function fixHiddenKeys(nodes: WorkNode[]): void {
  for (const n of nodes) {
    const hidden: [string, string][] = [];
    for (const [k, v] of Object.entries(n.attrs)) {
      for (const key of HIDDEN_KEYS) {
        const pos = k.lastIndexOf(key);
        if (pos === 0 || (pos > 0 && pos === k.length - key.length)) { hidden.push([k, v]); delete n.attrs[k]; break; }
      }
    }
    for (const [k, v] of hidden) {
      let done = false;
      for (const key of HIDDEN_KEYS) {
        const pos = k.lastIndexOf(key);
        if (pos === 0 && k.length === key.length) { n.attrs[`__${key}__`] = v; done = true; break; }
        if (pos > 1 && pos === k.length - key.length) {
          if (n.op === 'null') break;
          const names = inputNames(n.op, n.attrs, n.name);
          const idx = names ? names.indexOf(k.slice(0, pos - 1)) : -1;
          const inp = idx >= 0 ? n.inputs[idx] : undefined;
          if (inp && nodes[inp[0]].op === 'null') { nodes[inp[0]].attrs[`__${key}__`] = v; done = true; }
          break;
        }
      }
      if (!done) n.attrs[k] = v;
    }
  }
}

/** UpgradeJSON_000800_000900: aux states were not stored before 0.9; add `<node>_<arg>` variables. */
function addMissingInputs(nodes: WorkNode[], heads: [number, number, number][]): WorkNode[] {
  const out: WorkNode[] = [], pos: number[] = [];
  nodes.forEach((n, i) => {
    const inputs = n.inputs.map((e) => [pos[e[0]], e[1], e[2]] as [number, number, number]);
    const names = n.op === 'null' ? undefined : inputNames(n.op, n.attrs, n.name);
    if (names && inputs.length < names.length) {
      const aux = auxNames(n.op, n.attrs, n.name);
      for (let k = inputs.length; k < names.length; k++) {
        out.push({ op: 'null', name: n.name ? `${n.name}_${names[k]}` : names[k], inputs: [], attrs: { ...n.attrs }, control_deps: [] });
        inputs.push([out.length - 1, 0, aux.includes(names[k]) ? 1 : 0]);
      }
    }
    pos[i] = out.length;
    out.push({ ...n, inputs, control_deps: n.control_deps.map((d) => pos[d]) });
  });
  for (const h of heads) h[0] = pos[h[0]];
  return out;
}

function addInitHints(nodes: WorkNode[]): void {
  for (const n of nodes) {
    const hints = INPUT_INIT_HINTS[n.op] ?? (hasOp(n.op) ? INPUT_INIT_HINTS[getOp(n.op).name] : undefined);
    if (!hints) continue;
    n.inputs.forEach((e, i) => {
      const v = nodes[e[0]];
      if (hints[i] && v.op === 'null' && !('__init__' in v.attrs)) v.attrs.__init__ = hints[i];
    });
  }
}

/** UpgradeJSON_000904_000905: argmax/argmin `axis = -1` meant "flatten" before 0.9.5. */
function fixArgmaxAxis(nodes: WorkNode[]): void {
  for (const n of nodes) if ((n.op === 'argmax' || n.op === 'argmin') && n.attrs.axis === '-1') delete n.attrs.axis;
}

const sorted = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));

/**
 * Checks and upgrades one graph (and its subgraphs) saved by `version` to the 1.x form.
 * @example upgradeGraph(JSON.parse(text), 800, 10901, 'symbol JSON')
 */
export function upgradeGraph(obj: unknown, version: number, target: number, what: string, depth = 0): SymbolJSON {
  if (depth > 32) throw new FormatError(`${what}: subgraphs nested more than 32 deep`);
  const g = checkGraph(obj, what);
  let nodes = g.nodes;
  const heads = g.heads.map((h) => [...h] as [number, number, number]);
  if (version < target) fixHiddenKeys(nodes);
  if (version < 900) nodes = addMissingInputs(nodes, heads);
  if (version < 904) addInitHints(nodes);
  if (version < 905) fixArgmaxAxis(nodes);
  const out: JSONNode[] = nodes.map((n, i) => {
    const o: JSONNode = { op: n.op, name: n.name, inputs: n.inputs };
    if (Object.keys(n.attrs).length) o.attrs = sorted(n.attrs);
    if (n.control_deps.length) o.control_deps = n.control_deps;
    if (n.subgraphs) o.subgraphs = n.subgraphs.map((s, k) => upgradeGraph(s, version, target, `${what} node ${i} (${n.name}) subgraph ${k}`, depth + 1));
    return o;
  });
  const arg_nodes = out.flatMap((n, i) => (n.op === 'null' ? [i] : []));
  return { nodes: out, arg_nodes, heads, attrs: { ...g.graphAttrs, mxnet_version: ['int', target] } };
}
