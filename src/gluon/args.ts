// MXNet's constructor convention in JS: positional arguments in MXNet's order, then one options object with the
// keyword names in camelCase (which may also name the positional ones).
import { ArgumentError } from '../errors.js';

const isOpts = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v) && (v as object).constructor === Object;

/**
 * Merges positional args (by `names`) and a trailing options object over `defaults`.
 * @example layerArgs('Dense', ['units', 'activation'], { activation: null }, [10, { useBias: false }])
 */
export function layerArgs<T extends Record<string, unknown>>(cls: string, names: string[], defaults: T, args: unknown[]): T & Record<string, any> {
  const out: Record<string, unknown> = { ...defaults };
  let pos = args;
  if (args.length && isOpts(args[args.length - 1])) { Object.assign(out, args[args.length - 1]); pos = args.slice(0, -1); }
  if (pos.length > names.length) throw new ArgumentError(`${cls}: ${pos.length} positional arguments, at most ${names.length} (${names.join(', ')})`);
  pos.forEach((v, i) => { if (v !== undefined) out[names[i]] = v; });
  return out as T & Record<string, any>;
}

/** An int or a tuple, expanded to `n` dims. @example tuple(3, 2) // [3, 3] */
export function tuple(v: number | number[], n: number, what = 'value'): number[] {
  const t = typeof v === 'number' ? Array(n).fill(v) : [...v];
  if (t.length !== n || !t.every((x) => Number.isInteger(x))) throw new ArgumentError(`${what} must be an int or a tuple of ${n} ints, got ${JSON.stringify(v)}`);
  return t;
}
