import { ArgumentError, ShapeError } from '../errors.js';
import { toDType, type DType } from '../runtime/dtype.js';
import { mulberry32, normalFrom } from '../util/random.js';
import { NDArray } from './ndarray.js';

type Nested = number | Nested[];

function shapeOf(v: Nested): number[] {
  const s: number[] = [];
  let x: Nested = v;
  while (Array.isArray(x)) { s.push(x.length); x = x[0] as Nested; if (x === undefined) break; }
  return s;
}

/**
 * An NDArray from nested arrays, a typed array (with a shape) or another NDArray (copied).
 * @example mx.nd.array([[1, 2], [3, 4]]); mx.nd.array(new Float32Array(6), { shape: [2, 3] })
 */
export function array(v: Nested | ArrayLike<number> | NDArray, opts: { dtype?: DType | string; shape?: number[] } = {}): NDArray {
  if (v instanceof NDArray) { const c = v.asType(toDType(opts.dtype ?? v.dtype)); return opts.shape ? c.reshape(opts.shape) : c; }
  const dtype = toDType(opts.dtype ?? (v instanceof Int32Array ? 'int32' : v instanceof Uint8Array ? 'uint8' : 'float32'));
  // Checked before allocating: a refused input leaves no array behind.
  const fill = (n: number, shape: number[]) => {
    if (shape.reduce((a, b) => a * b, 1) !== n) throw new ShapeError(`array: ${n} values do not fill shape (${shape.join(',')})`, { arg: 'shape' });
    return NDArray.empty(shape, dtype);
  };
  if (ArrayBuffer.isView(v)) {
    const out = fill((v as ArrayLike<number>).length, opts.shape ?? [(v as ArrayLike<number>).length]);
    out.data.set(v as ArrayLike<number>);
    return out;
  }
  if (typeof v !== 'number' && !Array.isArray(v)) throw new ArgumentError(`array: expected a number, an array or a typed array, got ${v === null ? 'null' : typeof v}`, { arg: 'values' });
  const shape = typeof v === 'number' ? [] : shapeOf(v as Nested);
  const flat = typeof v === 'number' ? [v] : (v as Nested[]).flat(Infinity as 1) as number[];
  if (!opts.shape && flat.length !== shape.reduce((a, b) => a * b, 1)) throw new ShapeError(`array: ragged nested array (${flat.length} values for shape (${shape.join(',')}))`);
  const out = fill(flat.length, opts.shape ?? shape), d = out.data;
  for (let i = 0; i < flat.length; i++) {
    const x = Number(flat[i]);
    if (Number.isNaN(x) && typeof flat[i] !== 'number') { out.dispose(); throw new ArgumentError(`array: non-numeric value ${String(flat[i])}`); }
    d[i] = x;
  }
  return out;
}

/** Uninitialised array. @example mx.nd.empty([2, 3]) */
export function empty(shape: number[] | number, dtype: DType | string = 'float32'): NDArray {
  return NDArray.empty(typeof shape === 'number' ? [shape] : shape, toDType(dtype));
}
/** Array filled with a value. @example mx.nd.full([2, 2], 7) */
export function full(shape: number[] | number, value: number, dtype: DType | string = 'float32'): NDArray {
  const a = empty(shape, dtype); a.data.fill(value); return a;
}
/** Zeros. @example mx.nd.zeros([3]) */
export function zeros(shape: number[] | number, dtype: DType | string = 'float32'): NDArray { return full(shape, 0, dtype); }
/** Ones. @example mx.nd.ones([3]) */
export function ones(shape: number[] | number, dtype: DType | string = 'float32'): NDArray { return full(shape, 1, dtype); }

/**
 * Evenly spaced values in [start, stop) (MXNet's arange, with `repeat`).
 * @example mx.nd.arange(0, 10, 2) // [0, 2, 4, 6, 8]
 */
export function arange(start: number, stop?: number, step = 1, opts: { repeat?: number; dtype?: DType | string } = {}): NDArray {
  if (stop === undefined) { stop = start; start = 0; }
  if (step === 0) throw new ArgumentError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const rep = opts.repeat ?? 1;
  const out = empty([n * rep], opts.dtype ?? 'float32');
  const d = out.data;
  for (let i = 0; i < n; i++) for (let r = 0; r < rep; r++) d[i * rep + r] = start + i * step;
  return out;
}

let globalSeed = 0;
let source = mulberry32(globalSeed);
/** Seeds mx.nd.random (same numbers on every platform). @example mx.random.seed(42) */
export function seed(s: number): void { globalSeed = s >>> 0; source = mulberry32(globalSeed); }
/** The shared seeded uniform source in [0, 1). */
export function nextUniform(): number { return source(); }

/** Seeded random arrays. */
export const random = {
  /** U(low, high). @example mx.nd.random.uniform(-1, 1, [2, 3]) */
  uniform(low = 0, high = 1, shape: number[] | number = [1], dtype: DType | string = 'float32'): NDArray {
    const a = empty(shape, dtype); const d = a.data;
    for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * source();
    return a;
  },
  /** N(loc, scale²). @example mx.nd.random.normal(0, 1, [2, 3]) */
  normal(loc = 0, scale = 1, shape: number[] | number = [1], dtype: DType | string = 'float32'): NDArray {
    const a = empty(shape, dtype); const d = a.data; const n = normalFrom(source);
    for (let i = 0; i < d.length; i++) d[i] = loc + scale * n();
    return a;
  },
  seed,
};
