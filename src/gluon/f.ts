// The `F` that HybridBlock.hybridForward gets in imperative mode: mx.nd with MXNet's symbol-only keywords
// (`name`, `attr`) dropped, so one hybridForward body serves mx.nd and mx.sym.
import { nd } from '../api/nd.js';

const cache = new Map<PropertyKey, unknown>();
const strip = (a: unknown) => {
  if (!a || typeof a !== 'object' || Array.isArray(a) || !('name' in a || 'attr' in a)) return a;
  const { name: _n, attr: _a, ...rest } = a as Record<string, unknown>;
  return rest;
};

/** mx.nd for hybridForward: `F.FullyConnected(x, w, b, { num_hidden: 10, name: 'fwd' })` works on NDArrays too. @example ndF.relu(x) */
export const ndF: typeof nd = new Proxy(nd, {
  get(target, prop) {
    const v = (target as Record<PropertyKey, unknown>)[prop];
    if (typeof v !== 'function' || typeof prop !== 'string' || prop === 'NDArray') return v;
    let w = cache.get(prop);
    if (!w) { const f = v as (...a: unknown[]) => unknown; w = (...args: unknown[]) => f(...args.map(strip)); cache.set(prop, w); }
    return w;
  },
});
