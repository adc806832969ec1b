/**
 * The dtype vocabulary: MXNet's `mshadow::TypeFlag` codes (the same numbers appear in `.params`
 * files and in `__dtype__` attributes). This is the only file that defines them.
 */
import { DTypeError } from '../errors.js';

export type DType = 'float32' | 'float64' | 'float16' | 'uint8' | 'int32' | 'int8' | 'int64';

/** Dtypes an NDArray can hold in wasm memory. */
export const MEMORY_DTYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'uint8', 'int8']);

export const DTYPE_CODE: Record<DType, number> = {
  float32: 0, float64: 1, float16: 2, uint8: 3, int32: 4, int8: 5, int64: 6,
};
export const CODE_DTYPE: Record<number, DType> = {
  0: 'float32', 1: 'float64', 2: 'float16', 3: 'uint8', 4: 'int32', 5: 'int8', 6: 'int64',
};
export const DTYPE_BYTES: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, uint8: 1, int32: 4, int8: 1, int64: 8,
};

export type TypedArray = Float32Array | Int32Array | Uint8Array | Int8Array;

/** Typed-array constructor for a memory dtype. */
export function arrayCtor(dtype: DType): { new (buf: ArrayBufferLike, off: number, len: number): TypedArray; new (len: number): TypedArray } {
  switch (dtype) {
    case 'float32': return Float32Array as never;
    case 'int32': return Int32Array as never;
    case 'uint8': return Uint8Array as never;
    case 'int8': return Int8Array as never;
    default: throw new DTypeError(`dtype ${dtype} cannot live in wasm memory`, { dtype });
  }
}

/** Normalises user spellings ('float32', np.float32-like 'f4', MXNet codes) to a DType. */
export function toDType(d: unknown): DType {
  if (d === undefined || d === null || d === 'None') return 'float32';
  if (typeof d === 'number' || (typeof d === 'string' && /^\d+$/.test(d))) {
    const c = CODE_DTYPE[Number(d)];
    if (c) return c;
  }
  if (typeof d === 'string') {
    const s = d.replace(/^np\.|^numpy\./, '');
    if (s in DTYPE_CODE) return s as DType;
    const alias: Record<string, DType> = { f4: 'float32', f8: 'float64', f2: 'float16', i4: 'int32', u1: 'uint8', i1: 'int8', i8: 'int64', float: 'float32', int: 'int32' };
    if (alias[s]) return alias[s];
  }
  throw new DTypeError(`unknown dtype ${typeof d === 'string' ? `'${d.slice(0, 40)}'` : String(d)} (supported: ${Object.keys(DTYPE_CODE).join(', ')})`, { arg: 'dtype' });
}
