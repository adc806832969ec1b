// "Did you mean" for names a user mistyped: CLI options and commands, op names (mx.nd / mx.sym / symbol JSON).
import { ArgumentError } from '../errors.js';

const levenshtein = (a: string, b: string): number => {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
};

/** The closest of `names` to `s` (for "did you mean"), if close enough. @example closest('epoch', ['epochs']) // 'epochs' */
export function closest(s: string, names: Iterable<string>): string | undefined {
  let best: string | undefined, bd = Infinity;
  const low = s.toLowerCase();
  for (const n of names) { const d = levenshtein(low, n.toLowerCase()); if (d < bd) { bd = d; best = n; } }
  return bd <= Math.max(2, s.length / 3) ? best : undefined;
}

/** Misses that stay `undefined` (promise and JSON probes, test frameworks, module interop, sub-namespaces). */
const PROBES = new Set(['then', 'catch', 'finally', 'toJSON', 'inspect', 'asymmetricMatch', 'nodeType', 'default', 'length', 'name', 'contrib', 'npx', 'np', 'linalg', 'random', 'image', 'sparse']);

/**
 * Makes reading an unknown op name on `target` (mx.nd, mx.sym) an ArgumentError with a "did you mean", as MXNet's
 * AttributeError, instead of JavaScript's "mx.nd.Convolutoin is not a function". Known members are own properties,
 * so only a miss reaches the prototype's trap (nothing is added to a hit). Symbols, `_`-names and PROBES stay undefined.
 * @example refuseUnknownOps(mx.nd, 'mx.nd'); mx.nd.Convolutoin // ArgumentError: mx.nd has no operator 'Convolutoin' (did you mean 'Convolution'?)
 */
export function refuseUnknownOps(target: object, label: string): void {
  const proto = new Proxy(Object.create(Object.getPrototypeOf(target)), {
    get(t, k, recv) {
      if (typeof k !== 'string' || k in t || !/^[A-Za-z]\w*$/.test(k) || PROBES.has(k)) return Reflect.get(t, k, recv);
      const near = closest(k, Object.keys(target));
      throw new ArgumentError(`${label} has no operator '${k}'${near ? ` (did you mean '${near}'?)` : ''}`, { op: k });
    },
  });
  Object.setPrototypeOf(target, proto);
}
