import { ArgumentError, opMessage } from '../errors.js';
import { toDType } from '../runtime/dtype.js';

/**
 * Attribute specs and parsing. Values arrive either as MXNet JSON strings (`"(3, 3)"`, `"True"`,
 * `"None"`, `"0.001"`) or as plain JS values (`[3, 3]`, `true`, `null`, `1e-3`); both parse to the
 * same typed value. `formatAttr` writes MXNet's string form back (for toJSON).
 */
export type AttrType = 'int' | 'float' | 'bool' | 'shape' | 'str' | 'dtype' | 'floatOrNone' | 'intOrNone' | 'shapeOrNone' | 'any';

export interface AttrSpec {
  type: AttrType;
  default?: unknown;
  required?: boolean;
  /** Allowed values for 'str'. */
  values?: readonly string[];
  /** Inclusive bounds for 'int' and 'float'. */
  min?: number;
  max?: number;
}

/** Counts that size input/output lists: untrusted files must not make them negative or huge. */
const COUNT_LIMITS: Record<string, [number, number]> = { num_args: [1, 4096], num_outputs: [1, 4096] };

export type AttrSpecs = Record<string, AttrSpec>;
export type Attrs = Record<string, any>;

const isNone = (v: unknown) => v === null || v === undefined || v === 'None' || v === 'none';

function parseTuple(v: unknown, allowNone = false): (number | null)[] {
  if (Array.isArray(v)) return v.map((x) => (allowNone && isNone(x) ? null : Number(x)));
  if (typeof v === 'number') return [v];
  const s = String(v).trim();
  const inner = s.replace(/^[([]\s*/, '').replace(/\s*[)\]]$/, '');
  if (inner === '') return [];
  return inner.split(',').filter((t) => t.trim() !== '').map((t) => {
    const x = t.trim();
    if (allowNone && isNone(x)) return null;
    const n = Number(x.replace(/L$/, ''));
    if (!Number.isFinite(n)) throw new ArgumentError(`bad tuple element ${x}`);
    return n;
  });
}

function parseOne(t: AttrType, v: unknown): unknown {
  switch (t) {
    case 'int': { const n = typeof v === 'string' ? Number(v.replace(/L$/, '')) : Number(v); if (!Number.isInteger(n)) throw new ArgumentError('not an integer'); return n; }
    case 'float': { const n = Number(v); if (Number.isNaN(n) && String(v).toLowerCase() !== 'nan') throw new ArgumentError('not a number'); return n; }
    case 'bool': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      const s = String(v).toLowerCase();
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      throw new ArgumentError('not a boolean');
    }
    case 'shape': return parseTuple(v).map((x) => { if (!Number.isInteger(x)) throw new ArgumentError('not an integer tuple'); return x; });
    case 'str': return String(v);
    case 'dtype': return toDType(v);
    case 'floatOrNone': return isNone(v) ? null : parseOne('float', v);
    case 'intOrNone': return isNone(v) ? null : parseOne('int', v);
    case 'shapeOrNone': return isNone(v) ? null : parseTuple(v, true);
    case 'any': return v;
  }
}

/**
 * Parses raw attributes against specs, filling defaults. Unknown keys starting with `__` (hidden
 * keys like `__lr_mult__`) are kept; other unknown keys are an error naming the op.
 * @example parseAttrs('Convolution', specs, { kernel: '(3, 3)', num_filter: '8' }, 'conv1')
 */
export function parseAttrs(op: string, specs: AttrSpecs, raw: Record<string, unknown>, node?: string, strict = true): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const spec = specs[k];
    if (!spec) {
      if (k.startsWith('__') || !strict) { out[k] = v; continue; }
      throw new ArgumentError(opMessage(node, op, `unknown attribute '${k}' (known: ${Object.keys(specs).join(', ') || 'none'})`), { op, node, attr: k });
    }
    try { out[k] = parseOne(spec.type, v); } catch (e) {
      throw new ArgumentError(opMessage(node, op, `invalid value ${JSON.stringify(v)} for attribute '${k}' (${spec.type}): ${(e as Error).message}`), { op, node, attr: k });
    }
    const [lo, hi] = [spec.min ?? COUNT_LIMITS[k]?.[0], spec.max ?? COUNT_LIMITS[k]?.[1]];
    if (typeof out[k] === 'number' && ((lo !== undefined && out[k] < lo) || (hi !== undefined && out[k] > hi))) {
      throw new ArgumentError(opMessage(node, op, `attribute '${k}' = ${out[k]} is out of range [${lo ?? '-inf'}, ${hi ?? 'inf'}]`), { op, node, attr: k });
    }
    if (spec.values && !spec.values.includes(out[k])) {
      throw new ArgumentError(opMessage(node, op, `attribute '${k}' must be one of ${spec.values.join('|')}, got '${out[k]}'`), { op, node, attr: k });
    }
  }
  for (const [k, spec] of Object.entries(specs)) {
    if (k in out) continue;
    if (spec.required) throw new ArgumentError(opMessage(node, op, `required attribute '${k}' is missing`), { op, node, attr: k });
    out[k] = spec.default === undefined ? null : spec.default;
  }
  return out;
}

/** MXNet's string form of an attribute value: `(3, 3)`, `True`, `None`, `0.001`. @example formatAttr([3, 3]) === '(3, 3)' */
export function formatAttr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return v.length === 1 ? `(${formatAttr(v[0])},)` : `(${v.map(formatAttr).join(', ')})`;
  if (typeof v === 'number') return String(v);
  return String(v);
}
