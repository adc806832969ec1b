// Test helpers: the library (Node entry, from src), closeness checks, seeded data, finite differences.
import * as mx from '../src/entry/node.js';
import { mulberry32 } from '../src/util/random.js';

export { mx };

/** Max |a-b| / (atol + rtol*|b|) <= 1 elementwise; returns a message or ''. */
export function closeMsg(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): string {
  if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (Number.isNaN(x) !== Number.isNaN(y)) return `at ${i}: ${x} vs ${y}`;
    if (Number.isNaN(x)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return `at ${i}: ${x} vs ${y} (|diff| ${Math.abs(x - y)})`;
  }
  return '';
}

/** Throws unless close. */
export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6, what = ''): void {
  const m = closeMsg(a, b, rtol, atol);
  if (m) throw new Error(`${what ? what + ': ' : ''}not close ${m}`);
}

/** Seeded uniform values in [lo, hi). */
export function randArray(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  const r = mulberry32(seed); const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** Sizes every elementwise kernel is checked at (SIMD tails, 1, primes, a large one). */
export const SIZES = [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65, 1031, 100003];
