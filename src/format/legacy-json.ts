/**
 * MXNet symbol JSON of every generation (0.8 `param`/`attr`, 0.9-0.11 `attr`, 1.x `attrs`) checked
 * and upgraded to the 1.x shape that `mx.sym.fromJSON` reads, following MXNet's
 * `src/nnvm/legacy_json_util.cc` (FORMATS.md §2.4). Untrusted input: every node reference, entry
 * and attribute is checked and a problem is a FormatError naming the node index.
 */
import { FormatError } from '../errors.js';
import { brief, checkDepth, type SymbolJSON } from './json-check.js';
import { upgradeGraph } from './json-upgrade.js';

/** Deepest nesting of arrays/objects read (32 subgraph levels, as json-upgrade allows, at 4 JSON levels each, plus the top). */
const MAX_DEPTH = 160;

/** The MXNet version this runtime writes and upgrades to (1.9.1). */
export const MXNET_VERSION = 10901;

export type { JSONNode, SymbolJSON } from './json-check.js';

/**
 * `JSON.parse` whose failures are FormatErrors ("symbol JSON: Unexpected token ... at position 12").
 * @example parseSymbolJSON(readFileSync('lenet-symbol.json', 'utf8'))
 */
export function parseSymbolJSON(text: string, what = 'symbol JSON'): unknown {
  if (typeof text !== 'string') throw new FormatError(`${what}: expected text, got ${typeof text}`);
  try { return JSON.parse(text); } catch (e) {
    throw new FormatError(`${what}: not valid JSON: ${(e as Error).message}`, { file: what });
  }
}

/**
 * The `mxnet_version` a symbol JSON was saved by (800 = 0.8.0 when absent, as MXNet assumes).
 * @example symbolVersion({ nodes: [], heads: [], attrs: { mxnet_version: ['int', 10401] } }) === 10401
 */
export function symbolVersion(json: unknown): number {
  const attrs = (json as { attrs?: unknown })?.attrs;
  if (attrs === undefined || attrs === null) return 800;
  if (typeof attrs !== 'object' || Array.isArray(attrs)) throw new FormatError('symbol JSON: graph "attrs" must be an object');
  const v = (attrs as Record<string, unknown>).mxnet_version;
  if (v === undefined) return 800;
  if (!Array.isArray(v) || v.length !== 2 || !Number.isSafeInteger(v[1]) || v[1] < 0) {
    throw new FormatError(`symbol JSON: "mxnet_version" must be ["int", <version>], got ${brief(v)}`);
  }
  return v[1] as number;
}

/**
 * Checks MXNet symbol JSON of any generation and upgrades it to the 1.x form: `attrs` maps of
 * strings (0.8 `param` merged in, `attr` renamed), 3-element input entries, hidden keys such as
 * `lr_mult`/`ctx_group`/`weight_lr_mult` moved to `__lr_mult__`/`__ctx_group__` (on the named input
 * variable), BatchNorm moving statistics added as `<node>_moving_mean/var` variables for files
 * older than 0.9, initializer hints (`__init__`) for files older than 0.9.4, `argmax/argmin`
 * `axis=-1` dropped for files older than 0.9.5. Nodes come out in topological order with
 * `arg_nodes` recomputed and `mxnet_version` set to this runtime's. Accepts text or a parsed object.
 * @example const json = upgradeSymbolJSON(readFileSync('save_000800.json', 'utf8'));
 * json.nodes.some((n) => n.name === 'batchnorm0_moving_mean') // true
 */
export function upgradeSymbolJSON(json: unknown): SymbolJSON {
  const obj = typeof json === 'string' ? parseSymbolJSON(json) : json;
  if (typeof obj === 'object' && obj !== null) checkDepth(obj, MAX_DEPTH, 'symbol JSON');
  return upgradeGraph(obj, symbolVersion(obj), MXNET_VERSION, 'symbol JSON');
}
