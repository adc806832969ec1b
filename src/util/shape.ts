import { ShapeError } from '../errors.js';

/** A tensor shape: dimension sizes, outermost first. */
export type Shape = number[];

/** Number of elements. @example prod([2, 3]) === 6 */
export function prod(s: readonly number[]): number { let p = 1; for (const d of s) p *= d; return p; }

/** `(2, 3)`-style string as MXNet prints shapes. @example fmtShape([2, 3]) === '(2,3)' */
export function fmtShape(s: readonly number[] | undefined): string {
  if (!s) return '?';
  return s.length === 1 ? `(${s[0]},)` : `(${s.join(',')})`;
}

/** Equal shapes. */
export function sameShape(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides in elements. @example strides([2, 3]) -> [3, 1] */
export function strides(s: readonly number[]): number[] {
  const r = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) { r[i] = acc; acc *= s[i]; }
  return r;
}

/** NumPy broadcasting of two shapes (right-aligned). Throws ShapeError naming both. */
export function broadcastShapes(a: Shape, b: Shape, op = 'broadcast'): Shape {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * MXNet's Reshape codes: 0 copy, -1 infer, -2 copy the rest, -3 merge two, -4 split one (two
 * values follow, one may be -1); `reverse` applies them right to left.
 * @example inferReshape([2, 3, 5, 5], [0, -1]) -> [2, 75]
 */
export function inferReshape(src: Shape, spec: readonly number[], reverse = false): Shape {
  const fail = (m: string) => { throw new ShapeError(`Reshape: cannot reshape ${fmtShape(src)} to ${fmtShape(spec as number[])}: ${m}`); };
  let ishape = [...src];
  let sp = [...spec];
  if (reverse) { ishape = ishape.reverse(); sp = sp.reverse(); } // MXNet reverses both vectors as they are
  const out: number[] = [];
  let inferIdx = -1;
  let si = 0;
  for (let i = 0; i < sp.length; i++) {
    const c = sp[i];
    if (c > 0) { out.push(c); si++; }
    else if (c === 0) { if (si >= ishape.length) fail('0 refers past the input dims'); out.push(ishape[si++]); }
    else if (c === -1) { if (inferIdx >= 0) fail('more than one -1'); inferIdx = out.length; out.push(1); si++; }
    else if (c === -2) { while (si < ishape.length) out.push(ishape[si++]); }
    else if (c === -3) { if (si + 1 >= ishape.length) fail('-3 needs two input dims'); out.push(ishape[si] * ishape[si + 1]); si += 2; }
    else if (c === -4) {
      if (si >= ishape.length || i + 2 >= sp.length) fail('-4 needs an input dim and two values');
      const d = ishape[si++];
      let a = sp[++i], b = sp[++i];
      if (a === -1 && b === -1) fail('-4 with two -1');
      if (a === -1) a = d / b; else if (b === -1) b = d / a;
      if (a * b !== d) fail(`-4 split ${d} into ${a}x${b}`);
      out.push(a, b);
    } else fail(`invalid code ${c}`);
  }
  if (inferIdx >= 0) {
    const known = prod(out);
    const total = prod(ishape);
    if (known === 0 || total % known !== 0) fail('cannot infer -1');
    out[inferIdx] = total / known;
  }
  if (prod(out) !== prod(ishape)) fail(`size ${prod(ishape)} != ${prod(out)}`);
  return reverse ? out.reverse() : out;
}
