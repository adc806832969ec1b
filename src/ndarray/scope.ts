// Creation tracking for mx.tidy: every NDArray made while a tidy scope is open is recorded here at
// construction (whatever made it: an op, autograd, an iterator, a Predictor), independent of the autograd tape.
import { ArgumentError } from '../errors.js';
/** An NDArray, as far as tracking goes (no import of ndarray.ts: it imports this file). */
type NDArray = { dispose(): void };

/** Open tidy scopes, innermost last. */
const scopes: Set<NDArray>[] = [];
let live = 0;

/** Called by the NDArray constructor. */
export function trackCreated(a: NDArray): void {
  live++;
  if (scopes.length) scopes[scopes.length - 1].add(a);
}

/** Called by NDArray.dispose (once per array). */
export function trackDisposed(a: NDArray): void {
  live--;
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].delete(a)) break;
}

/** NDArrays created and not yet disposed (collected-but-not-disposed ones count until their finalizer runs). */
export const liveArrays = (): number => live;

/** Opens a scope; returns it (close with `closeScope`). */
export function openScope(): Set<NDArray> { const s = new Set<NDArray>(); scopes.push(s); return s; }

/** Closes the innermost scope; `keep` arrays move to the enclosing scope (if any), the rest are returned. */
export function closeScope(s: Set<NDArray>, keep: Set<NDArray>): NDArray[] {
  if (scopes[scopes.length - 1] !== s) throw new ArgumentError('mx.tidy: scopes closed out of order');
  scopes.pop();
  const parent = scopes[scopes.length - 1];
  const drop: NDArray[] = [];
  for (const a of s) { if (keep.has(a)) parent?.add(a); else drop.push(a); }
  return drop;
}

/** Removes `a` from every open scope (mx.keep). */
export function untrack(a: NDArray): void { for (const s of scopes) s.delete(a); }
