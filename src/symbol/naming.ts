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
