// NDArray's autograd methods (attachGrad, grad, detach, backward) before mx.autograd loads. In the bundles the
// namespace is evaluated on first use (scripts/lazy.mjs): each method here loads it (its module then defines the real
// ones over these) and calls the real one. Under tsx the import below already ran it, and nothing is installed.
import { NDArray } from '../ndarray/ndarray.js';
import * as autograd from './index.js'; // lazy

const P = NDArray.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
if (!Object.hasOwn(P, 'attachGrad')) {
  const load = (): void => { void autograd.backward; };
  for (const k of ['attachGrad', 'detach', 'backward']) P[k] = { [k](this: NDArray, ...a: unknown[]) { load(); return P[k].apply(this, a); } }[k];
  Object.defineProperty(P, 'grad', { configurable: true, get(this: NDArray) { load(); return (this as { grad?: NDArray }).grad; } });
}

export { autograd };
