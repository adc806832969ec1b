import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import { DTYPE_BYTES, MEMORY_DTYPES, arrayCtor, type DType, type TypedArray } from '../runtime/dtype.js';
import { view } from '../runtime/view.js';
import { inferReshape, prod, fmtShape } from '../util/shape.js';
import type { TensorRef } from '../ops/registry.js';
import { registry, Storage } from './storage.js';
import { formatNDArray } from './format.js';
import { trackCreated, trackDisposed } from './scope.js';

/** Hook through which NDArray methods run registered ops (set by ndarray/invoke.ts, avoids an import cycle). */
export const opHook: {
  invoke?: (op: string, ins: NDArray[], attrs: Record<string, unknown>) => NDArray[];
  /** Records a view as the op MXNet records for it when autograd is recording (ReshapeWithRecord, SliceWithRecord). */
  recordView?: (op: string, attrs: Record<string, unknown>, input: NDArray, out: NDArray) => void;
} = {};
const call = (op: string, ins: NDArray[], attrs: Record<string, unknown> = {}) => {
  if (!opHook.invoke) throw new ArgumentError('ops are not registered');
  return opHook.invoke(op, ins, attrs)[0];
};

/**
 * An n-dimensional array living in the one wasm memory: (byte offset, shape, dtype). `.data` is a
 * zero-copy typed-array view, created fresh on each access (never keep it across an allocation).
 *
 * @example
 * const a = mx.nd.array([[1, 2], [3, 4]]);
 * a.data[0] = 10;            // writes wasm memory directly
 * console.log(a.shape, a.toArray(), a.mul(2).toString());
 * a.dispose();
 */
export class NDArray {
  readonly shape: number[];
  readonly dtype: DType;
  /** Byte offset of the first element in wasm memory. */
  readonly offset: number;
  readonly size: number;
  /** @internal */ readonly storage: Storage;
  /**
   * @internal The autograd tape's record of this array (its graph entry), opaque here. A field, not a WeakMap: V8's
   * young-generation GC keeps WeakMap keys (and FinalizationRegistry targets) alive, so per-step arrays used as keys
   * were promoted and cost a full GC later.
   */
  tape: unknown = undefined;
  private disposed = false;
  private finalized: boolean;

  /** @internal Use mx.nd.empty / zeros / array to create arrays. `finalize` false: see NDArray.scratch. */
  constructor(storage: Storage, offset: number, shape: number[], dtype: DType, finalize = true) {
    if (!MEMORY_DTYPES.has(dtype)) throw new DTypeError(`NDArray cannot hold ${dtype} (supported: ${[...MEMORY_DTYPES].join(', ')})`);
    this.storage = storage.retain();
    this.offset = offset;
    this.shape = shape;
    this.dtype = dtype;
    this.size = prod(shape);
    this.finalized = finalize;
    if (finalize) registry.register(this, storage, this);
    trackCreated(this);
  }

  /**
   * @internal An uninitialised array its maker always disposes (or hands on after `adopt()`): not registered for
   * garbage-collection release, which in V8 keeps even a short-lived array alive through young-generation GCs.
   * @example const t = NDArray.scratch([64, 10]); try { ... } finally { t.dispose(); }
   */
  static scratch(shape: number[], dtype: DType = 'float32'): NDArray {
    return new NDArray(Storage.alloc(prod(shape) * DTYPE_BYTES[dtype]), -1, shape, dtype, false);
  }
  /** @internal Registers a scratch array for release on collection (it is handed to a caller who may not dispose it). */
  adopt(): this {
    if (!this.finalized && !this.disposed) { this.finalized = true; registry.register(this, this.storage, this); }
    return this;
  }

  /** An uninitialised array (contents undefined). @example NDArray.empty([2, 3]) */
  static empty(shape: number[], dtype: DType = 'float32'): NDArray {
    for (const d of shape) if (!Number.isInteger(d) || d < 0) throw new ShapeError(`invalid shape ${fmtShape(shape)}`);
    return new NDArray(Storage.alloc(prod(shape) * DTYPE_BYTES[dtype]), -1, shape, dtype);
  }

  get ndim(): number { return this.shape.length; }
  /** Bytes of data. */
  get nbytes(): number { return this.size * DTYPE_BYTES[this.dtype]; }
  /** Zero-copy typed-array view on wasm memory. */
  get data(): TypedArray { this.check(); return view(this.dtype, this.byteOffset, this.size); }
  /** @internal Byte offset, resolved (constructor passes -1 for "start of storage"). */
  get byteOffset(): number { this.check(); return this.offset < 0 ? this.storage.off : this.offset; }
  /** The kernel-facing reference. */
  get ref(): TensorRef { this.check(); return { off: this.byteOffset, shape: this.shape, dtype: this.dtype, size: this.size }; }
  /** True once disposed, or once the storage it views was freed (a view of a disposed base array made before it). */
  get isDisposed(): boolean { return this.disposed || this.storage.freed; }
  /** MXNet-style context string (always cpu(0)). */
  get context(): string { return 'cpu(0)'; }

  /**
   * A copy of the data as a (non-wasm) typed array. The typed-array constructor copies into uninitialised memory in
   * one pass; `slice()` of a view on shared wasm memory took 1.6x as long (1.6 MB: 111 vs 68 µs with no page faults).
   * With `out` (a typed array of the dtype's class and the array's size, e.g. kept from the previous call), copies
   * into it and returns it: no fresh buffer, so none of the page faults a fresh 1.5 MB buffer costs on Linux once
   * glibc has trimmed its heap (~390 faults, ~5 ms on the bench VM: bench/README.md).
   * @example a.toTypedArray(); const out = a.toTypedArray(); b.toTypedArray(out)
   */
  toTypedArray(out?: TypedArray): TypedArray {
    const C = arrayCtor(this.dtype) as unknown as new (a: ArrayLike<number>) => TypedArray;
    if (out === undefined) return new C(this.data);
    if (!(out instanceof C)) throw new DTypeError(`toTypedArray: out is a ${out?.constructor?.name}, a ${this.dtype} array needs a ${C.name}`);
    if (out.length !== this.size) throw new ShapeError(`toTypedArray: out has ${out.length} elements, the array ${this.size} (shape ${fmtShape(this.shape)})`);
    out.set(this.data);
    return out;
  }

  /** Nested JS arrays (a number for a 0-d array). @example mx.nd.ones([2, 2]).toArray() -> [[1, 1], [1, 1]] */
  toArray(): any {
    const d = this.data;
    const build = (dim: number, base: number): any => {
      if (dim === this.shape.length) return d[base];
      const stride = prod(this.shape.slice(dim + 1));
      const out = new Array(this.shape[dim]);
      for (let i = 0; i < this.shape[dim]; i++) out[i] = build(dim + 1, base + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element array. @example mx.nd.sum(a).asScalar() */
  asScalar(): number {
    if (this.size !== 1) throw new ShapeError(`asScalar needs a one-element array, got shape ${fmtShape(this.shape)}`);
    return this.data[0];
  }

  /** A copy converted to another dtype. @example a.asType('int32') */
  asType(dtype: DType): NDArray {
    const out = NDArray.empty([...this.shape], dtype);
    const src = this.data, dst = out.data;
    if (dtype === 'float32' || this.dtype !== 'float32') dst.set(src as ArrayLike<number>);
    else for (let i = 0; i < src.length; i++) dst[i] = Math.trunc(src[i]);
    return out;
  }

  /** A deep copy. @example const b = a.copy() */
  copy(): NDArray { const out = NDArray.empty([...this.shape], this.dtype); out.data.set(this.data as ArrayLike<number>); return out; }

  /** Copies into another array of the same size; returns it. @example a.copyTo(b) */
  copyTo(other: NDArray): NDArray {
    if (other.size !== this.size) throw new ShapeError(`copyTo: shape ${fmtShape(this.shape)} does not fit ${fmtShape(other.shape)}`);
    if (other.dtype === this.dtype) other.data.set(this.data as ArrayLike<number>);
    else other.data.set(this.asType(other.dtype).data as ArrayLike<number>);
    return other;
  }

  /** Overwrites the contents from a typed array, array or scalar. @example a.set(0) */
  set(v: number | ArrayLike<number>): this {
    const d = this.data;
    if (typeof v === 'number') d.fill(v);
    else { if (v.length !== d.length) throw new ShapeError(`set: ${v.length} values for an array of ${d.length}`); d.set(v); }
    return this;
  }

  /**
   * A view with another shape (MXNet codes 0, -1, -2, -3, -4; `reverse`). Shares memory. Under autograd.record it is
   * recorded as MXNet's Reshape op (gradients flow through it). @example a.reshape([0, -1])
   */
  reshape(shape: number[], reverse = false): NDArray {
    this.check();
    const s = inferReshape(this.shape, shape, reverse);
    const v = new NDArray(this.storage, this.byteOffset, s, this.dtype);
    opHook.recordView?.('Reshape', { shape: s }, this, v);
    return v;
  }

  /** Rows [begin, end) along axis 0, as a view (recorded as slice_axis under autograd.record). @example a.slice(0, 2) */
  slice(begin: number, end: number): NDArray {
    this.check();
    if (this.ndim === 0) throw new ShapeError('slice of a 0-d array');
    const n = this.shape[0];
    const b = begin < 0 ? begin + n : begin, e = end < 0 ? end + n : Math.min(end, n);
    if (!(b >= 0 && b <= e && e <= n)) throw new ArgumentError(`slice [${begin}, ${end}) out of range for axis 0 of size ${n}`);
    const row = prod(this.shape.slice(1)) * DTYPE_BYTES[this.dtype];
    const v = new NDArray(this.storage, this.byteOffset + b * row, [e - b, ...this.shape.slice(1)], this.dtype);
    opHook.recordView?.('slice_axis', { axis: 0, begin: b, end: e }, this, v);
    return v;
  }

  /** Row i along axis 0 (the axis dropped), as a view (recorded as slice_axis + Reshape under autograd.record). @example a.at(0) */
  at(i: number): NDArray {
    this.check();
    const n = this.shape[0];
    const k = i < 0 ? i + n : i;
    if (!(k >= 0 && k < n)) throw new ArgumentError(`index ${i} out of range for axis 0 of size ${n}`);
    // MXNet's AtWithRecord: a recorded slice, then a recorded reshape dropping the axis
    return this.slice(k, k + 1).reshape(this.shape.slice(1));
  }

  /** Permuted copy (default: reversed axes). @example a.transpose([1, 0]) */
  transpose(axes?: number[]): NDArray { return call('transpose', [this], axes ? { axes } : {}); }
  /** Broadcast copy to a shape (0 keeps a dim). @example mx.nd.ones([1, 3]).broadcastTo([2, 3]) */
  broadcastTo(shape: number[]): NDArray { return call('broadcast_to', [this], { shape }); }

  add(o: NDArray | number): NDArray { return binary(this, o, 'broadcast_add', '_plus_scalar'); }
  sub(o: NDArray | number): NDArray { return binary(this, o, 'broadcast_sub', '_minus_scalar'); }
  mul(o: NDArray | number): NDArray { return binary(this, o, 'broadcast_mul', '_mul_scalar'); }
  div(o: NDArray | number): NDArray { return binary(this, o, 'broadcast_div', '_div_scalar'); }
  pow(o: NDArray | number): NDArray { return binary(this, o, 'broadcast_power', '_power_scalar'); }
  neg(): NDArray { return call('negative', [this]); }
  /** Sum over axes (default all). @example a.sum({axis: 1}) */
  sum(attrs: Record<string, unknown> = {}): NDArray { return call('sum', [this], attrs); }
  mean(attrs: Record<string, unknown> = {}): NDArray { return call('mean', [this], attrs); }
  max(attrs: Record<string, unknown> = {}): NDArray { return call('max', [this], attrs); }
  min(attrs: Record<string, unknown> = {}): NDArray { return call('min', [this], attrs); }
  argmax(attrs: Record<string, unknown> = {}): NDArray { return call('argmax', [this], attrs); }

  /** MXNet's print form. @example console.log(a.toString()) */
  toString(): string { return formatNDArray(this.toArray(), this.shape, this.dtype); }

  /** Frees the memory now (views keep their storage alive until they are disposed too). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    trackDisposed(this);
    if (this.finalized) registry.unregister(this);
    this.storage.release();
  }

  /** Throws on a disposed array, and on a view whose storage is gone: nothing may read or write freed memory. */
  private check(): void {
    if (this.disposed || this.storage.freed) throw new ArgumentError(`use of a disposed NDArray (shape ${fmtShape(this.shape)}) (freed by dispose())`);
  }
}

function binary(a: NDArray, b: NDArray | number, op: string, scalarOp: string): NDArray {
  if (typeof b === 'number') return call(scalarOp, [a], { scalar: b });
  return call(op, [a, b]);
}
