import { ShapeError } from '../errors.js';
/**
 * Plain scalar references for the elementwise kernels (assembly/kernels/f32-vbinary.ts,
 * f32-vunary.ts): the test oracle. Every result is rounded to float32 once (Math.fround), so
 * +, -, *, /, sqrt match the kernels exactly; transcendentals are the correctly rounded-ish
 * Math.* values the kernels' error bounds are measured against.
 *
 * @example
 * const f = REF_UNARY.sigmoid; f(0) === 0.5
 */
const F = Math.fround;

/** C powf semantics (JS Math.pow differs on pow(1, NaN) and pow(-1, ±Infinity)). @example powC(1, NaN) === 1 */
export function powC(a: number, b: number): number {
  if (b === 0 || a === 1) return 1;
  if (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) return 1;
  return F(Math.pow(a, b));
}

/** MXNet's mod: the result has the divisor's sign; 0 where b == 0. @example modP(-1, 3) === 2 */
export function modP(a: number, b: number): number {
  if (b === 0) return 0;
  let r = F(a % b);
  if (r !== 0 && (r < 0) !== (b < 0)) r = F(r + b);
  return r;
}

/** Round half away from zero (C round). @example roundAway(-2.5) === -3 */
export function roundAway(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** Round half to even (rint). @example rintEven(2.5) === 2 */
export function rintEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x), d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const b01 = (c: boolean) => (c ? 1 : 0);

/** Binary scalar functions by op name (z = f(x, y)). @example REF_BINARY.ge(1, 1) === 1 */
export const REF_BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => F(a + b), sub: (a, b) => F(a - b), mul: (a, b) => F(a * b), div: (a, b) => F(a / b),
  max: (a, b) => F(Math.max(a, b)), min: (a, b) => F(Math.min(a, b)), hypot: (a, b) => F(Math.hypot(a, b)),
  pow: powC, mod: modP,
  eq: (a, b) => b01(a === b), ne: (a, b) => b01(a !== b), gt: (a, b) => b01(a > b), ge: (a, b) => b01(a >= b),
  lt: (a, b) => b01(a < b), le: (a, b) => b01(a <= b),
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** Unary scalar functions by kernel op name (z = f(x)). @example REF_UNARY.exp(0) === 1 */
export const REF_UNARY: Record<string, (x: number) => number> = {
  neg: (x) => -x, abs: Math.abs, sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), square: (x) => F(x * x),
  sqrt: (x) => F(Math.sqrt(x)), rsqrt: (x) => F(1 / Math.sqrt(x)), recip: (x) => F(1 / x),
  exp: (x) => F(Math.exp(x)), log: (x) => F(Math.log(x)), log1p: (x) => F(Math.log1p(x)), expm1: (x) => F(Math.expm1(x)),
  sin: (x) => F(Math.sin(x)), cos: (x) => F(Math.cos(x)), tanh: (x) => F(Math.tanh(x)), sigmoid: (x) => F(sigmoid(x)),
  relu: (x) => (Number.isNaN(x) ? x : Math.max(x, 0)), softsign: (x) => F(x / (1 + Math.abs(x))),
  softrelu: (x) => F(Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))),
  floor: Math.floor, ceil: Math.ceil, round: roundAway, rint: rintEven, trunc: Math.trunc,
};

/** Gradient functions by kernel op name: z = f(y or x, g), in the kernels' float32 operation order. @example REF_GRAD.tanh(0, 2) === 2 */
export const REF_GRAD: Record<string, (y: number, g: number) => number> = {
  relu: (y, g) => (y > 0 ? g : 0),
  sigmoid: (y, g) => F(g * F(y * F(1 - y))),
  tanh: (y, g) => F(g * F(1 - F(y * y))),
  softsign: (x, g) => { const d = F(1 + Math.abs(x)); return F(g / F(d * d)); },
};

/** clip in MXNet's order: x > hi ? hi : x < lo ? lo : x. @example clipRef(7, 0, 6) === 6 */
export function clipRef(x: number, lo: number, hi: number): number { return x > hi ? hi : x < lo ? lo : x; }
/** clip's gradient: passes where lo <= x <= hi (bounds inclusive, NaN passes). @example clipGradRef(6, 1, 0, 6) === 1 */
export function clipGradRef(x: number, g: number, lo: number, hi: number): number { return x < lo || x > hi ? 0 : g; }

/** MXNet smooth_l1 with sigma s. @example smoothL1Ref(0.1, 1) === 0.005 */
export function smoothL1Ref(x: number, s: number): number {
  const q = F(s * s), ib = F(1 / q);
  return Math.abs(x) > ib ? F(Math.abs(x) - F(ib * 0.5)) : F(F(x * x) * F(0.5 * q));
}
/** Gradient of smooth_l1. @example smoothL1GradRef(3, 2, 1) === 2 */
export function smoothL1GradRef(x: number, g: number, s: number): number {
  const q = F(s * s), ib = F(1 / q);
  return Math.abs(x) > ib ? (x > 0 ? g : -g) : F(g * F(x * q));
}

/** where: c has one value per element (inner 1) or per row of `inner` elements. @example whereRef([1, 0], [1, 2], [3, 4]) -> [1, 4] */
export function whereRef(c: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, inner = 1): Float32Array {
  const z = new Float32Array(x.length);
  for (let i = 0; i < z.length; i++) z[i] = c[Math.floor(i / inner)] !== 0 ? x[i] : y[i];
  return z;
}

/** Shape of a NumPy broadcast (right-aligned). @example bshape([2, 1, 3], [4, 1]) -> [2, 4, 3] */
export function bshape(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new ShapeError(`cannot broadcast ${a} and ${b}`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Flat index into an array of shape `s` (right-aligned, size-1 dims broadcast) for output index `idx`. */
function srcIndex(idx: number[], s: number[]): number {
  let k = 0;
  const off = idx.length - s.length;
  for (let d = 0; d < s.length; d++) k = k * s[d] + (s[d] === 1 ? 0 : idx[d + off]);
  return k;
}
function* indices(shape: number[]): Generator<number[]> {
  const n = shape.reduce((p, d) => p * d, 1);
  const idx = shape.map(() => 0);
  for (let i = 0; i < n; i++) {
    yield idx;
    for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
  }
}

/** Broadcast binary op, naively. @example broadcastRef(REF_BINARY.add, a, [2, 1], b, [3]) */
export function broadcastRef(f: (a: number, b: number) => number, a: ArrayLike<number>, as: number[], b: ArrayLike<number>, bs: number[]): { data: Float32Array; shape: number[] } {
  const shape = bshape(as, bs);
  const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
  let i = 0;
  for (const idx of indices(shape)) data[i++] = f(a[srcIndex(idx, as)], b[srcIndex(idx, bs)]);
  return { data, shape };
}

/** Sums g (shape `gs`) down to shape `s` (the broadcast gradient), in float64. @example bcastSumRef(g, [2, 3], [1, 3]) */
export function bcastSumRef(g: ArrayLike<number>, gs: number[], s: number[]): Float32Array {
  const acc = new Float64Array(s.reduce((p, d) => p * d, 1));
  let i = 0;
  for (const idx of indices(gs)) acc[srcIndex(idx, s)] += g[i++];
  return Float32Array.from(acc);
}
