// Option-object helpers shared by optimizers, schedulers, initializers and iterators: MXNet's
// snake_case keyword names and JS camelCase both work.

/** `learning_rate` -> `learningRate`. @example camel('rescale_grad') // 'rescaleGrad' */
export function camel(k: string): string { return k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()); }

/**
 * A copy of an options object with snake_case keys turned into camelCase (a Map or a list of
 * [key, value] pairs is accepted too, like MXNet's `optimizer_params=(('learning_rate', 0.1),)`).
 * @example normOpts({ learning_rate: 0.1 }) // { learningRate: 0.1 }
 */
export function normOpts<T = Record<string, unknown>>(o: unknown): T {
  const out: Record<string, unknown> = {};
  if (!o) return out as T;
  const entries: [string, unknown][] = o instanceof Map ? [...o.entries()] : Array.isArray(o) ? (o as [string, unknown][]) : Object.entries(o as object);
  for (const [k, v] of entries) if (v !== undefined) out[camel(k)] = v;
  return out as T;
}

/** An options type that also takes MXNet's snake_case names (checked at run time). */
export type Opts<T> = Partial<T> & { [k: string]: unknown };
