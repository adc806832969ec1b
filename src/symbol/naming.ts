import { ArgumentError } from '../errors.js';
/**
 * MXNet's NameManager: unnamed ops get `<hint lowercased><counter>` with one counter per hint
 * (`fullyconnected0`, `convolution1`, `_plus0`). `NameManager.prefix` mirrors `mx.name.Prefix`.
 * @example NameManager.reset(); NameManager.get(undefined, 'FullyConnected') === 'fullyconnected0'
 */
export const NameManager = {
  counters: new Map<string, number>(),
  prefix: '',
  /** The given name (with the prefix), or a fresh automatic one for this hint. */
  get(name: string | undefined, hint: string): string {
    if (name) return this.prefix + name;
    const h = hint.toLowerCase();
    const k = this.counters.get(h) ?? 0;
    this.counters.set(h, k + 1);
    return `${this.prefix}${h}${k}`;
  },
  /** Forgets all counters (and the prefix). @example NameManager.reset() */
  reset(): void { this.counters.clear(); this.prefix = ''; },
  /** Runs `fn` with a name prefix (MXNet's `with mx.name.Prefix('p_')`). @example NameManager.withPrefix('net1_', () => build()) */
  withPrefix<T>(prefix: string, fn: () => T): T {
    const old = this.prefix; this.prefix = old + prefix;
    try { return fn(); } finally { this.prefix = old; }
  },
};

/** MXNet's hidden attribute keys: given bare (`lr_mult`), they are stored as `__lr_mult__`. */
export const HIDDEN_KEYS = ['ctx_group', 'lr_mult', 'wd_mult', 'force_mirroring', 'mirror_stage'];

/** `lr_mult` → `__lr_mult__` (MXNet's MXSymbolCreateAtomicSymbol / MXSymbolSetAttr rule). @example hiddenKey('ctx_group') === '__ctx_group__' */
export function hiddenKey(k: string): string { return HIDDEN_KEYS.some((h) => k.startsWith(h)) ? `__${k}__` : k; }

/**
 * MXNet's AttrScope: attributes (string values) given to every symbol created inside `fn`,
 * variables included; bare hidden keys become `__key__` (`ctx_group` → `__ctx_group__`).
 * @example AttrScope.with({ ctx_group: 'stage1' }, () => mx.sym.FullyConnected({ data, num_hidden: 8 }))
 */
export const AttrScope = {
  current: {} as Record<string, string>,
  with<T>(attrs: Record<string, string>, fn: () => T): T {
    const old = this.current;
    for (const [k, v] of Object.entries(attrs)) if (typeof v !== 'string') throw new ArgumentError(`AttrScope: attribute ${k} must be a string`);
    this.current = { ...old, ...attrs };
    try { return fn(); } finally { this.current = old; }
  },
};

function pyFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  const a = Math.abs(n);
  if (a >= 1e-4 && a < 1e16) return String(n);
  const [m, e] = n.toExponential().split('e');
  const sign = e.startsWith('-') ? '-' : '+';
  const digits = e.replace(/^[-+]/, '');
  return `${m}e${sign}${digits.padStart(2, '0')}`;
}

/**
 * A JS attribute value written the way Python's `str()` writes it, which is how MXNet stores
 * attributes: `(3, 3)`, `(1,)`, `True`, `None`, `1e-05`, `relu`.
 * @example pyStr([3, 3]) === '(3, 3)'; pyStr(1e-5) === '1e-05'; pyStr(true) === 'True'
 */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyFloat(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${pyStr(v[0])},)` : `(${v.map(pyStr).join(', ')})`;
  return String(v);
}
