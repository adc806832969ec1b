// gluon.data: Dataset, SimpleDataset, ArrayDataset and DataLoader (MXNet 1.9 gluon/data/{dataset,dataloader,
// sampler}.py). Batches of NDArray fields are gathered row by row straight into one new array (what nd.stack
// gives, without a view per sample); shuffling draws from mx.random's seeded source.
import { ArgumentError } from '../../errors.js';
import { nextUniform } from '../../ndarray/create.js';
import { NDArray } from '../../ndarray/ndarray.js';
import { DTYPE_BYTES } from '../../runtime/dtype.js';
import { u8 } from '../../runtime/view.js';

type Sample = unknown;

/** Random access to samples. @example class MyData extends Dataset { get length() { return 10; } get(i) { return i; } } */
export abstract class Dataset {
  abstract get length(): number;
  abstract get(i: number): Sample;
  /** A dataset with `fn` applied to each sample (all fields as arguments). @example ds.transform((x, y) => [x.mul(2), y]) */
  transform(fn: (...fields: any[]) => Sample, lazy = true): Dataset {
    const t = new TransformedDataset(this, (s) => (Array.isArray(s) ? fn(...s) : fn(s)));
    return lazy ? t : new SimpleDataset(Array.from({ length: t.length }, (_, i) => t.get(i)));
  }
  /** `fn` on the first field only (the data, not the label). @example ds.transformFirst(new transforms.ToTensor()) */
  transformFirst(fn: ((x: any) => unknown) | { forward(x: any): unknown }, lazy = true): Dataset {
    const f = typeof fn === 'function' ? fn : (x: unknown) => fn.forward(x);
    return this.transform((x: unknown, ...rest: unknown[]) => (rest.length ? [f(x), ...rest] : f(x)), lazy);
  }
}

class TransformedDataset extends Dataset {
  constructor(private base: Dataset, private fn: (s: Sample) => Sample) { super(); }
  get length(): number { return this.base.length; }
  get(i: number): Sample { return this.fn(this.base.get(i)); }
}

/** A dataset over a JS array. @example new gluon.data.SimpleDataset([1, 2, 3]) */
export class SimpleDataset extends Dataset {
  constructor(private items: Sample[]) { super(); }
  get length(): number { return this.items.length; }
  get(i: number): Sample { return this.items[i]; }
}

type Field = NDArray | ArrayLike<unknown>;

/**
 * Zips arrays of equal length (NDArrays along axis 0, JS or typed arrays); one field gives bare samples.
 * @example const ds = new gluon.data.ArrayDataset(images, labels); ds.get(0) // [image0, label0]
 */
export class ArrayDataset extends Dataset {
  readonly fields: Field[];
  constructor(...fields: Field[]) {
    super();
    if (!fields.length) throw new ArgumentError('ArrayDataset: needs at least one array');
    const n = lengthOf(fields[0]);
    fields.forEach((f, i) => { if (lengthOf(f) !== n) throw new ArgumentError(`ArrayDataset: all arrays must have the same length; array[0] has length ${n} while array[${i}] has ${lengthOf(f)}`); });
    this.fields = fields;
  }
  get length(): number { return lengthOf(this.fields[0]); }
  get(i: number): Sample {
    const s = this.fields.map((f) => (f instanceof NDArray ? f.at(i) : f[i]));
    return s.length === 1 ? s[0] : s;
  }
  /** @internal The batch of these indices, each field gathered into one array. */
  gather(idx: number[]): unknown {
    const out = this.fields.map((f) => (f instanceof NDArray ? gatherRows(f, idx) : defaultBatchify(idx.map((i) => f[i]))));
    return out.length === 1 ? out[0] : out;
  }
}
const lengthOf = (f: Field) => (f instanceof NDArray ? f.shape[0] : f.length);

function gatherRows(a: NDArray, idx: number[]): NDArray {
  const out = NDArray.empty([idx.length, ...a.shape.slice(1)], a.dtype);
  const row = a.size / Math.max(1, a.shape[0]) * DTYPE_BYTES[a.dtype];
  const src = u8(0, a.data.buffer.byteLength), base = a.byteOffset, dst = out.byteOffset; // all of memory: rows copied within it
  idx.forEach((i, k) => src.copyWithin(dst + k * row, base + i * row, base + (i + 1) * row));
  return out;
}

/**
 * MXNet's default batchify: NDArrays stacked on a new axis 0, tuples batchified field by field, numbers into
 * one float32 array. @example defaultBatchify([mx.nd.ones([2]), mx.nd.zeros([2])]).shape // [2, 2]
 */
export function defaultBatchify(samples: unknown[]): any {
  const s0 = samples[0];
  if (s0 instanceof NDArray) {
    const out = NDArray.empty([samples.length, ...s0.shape], s0.dtype);
    const d = out.data, n = s0.size;
    samples.forEach((x, k) => d.set((x as NDArray).data as ArrayLike<number>, k * n));
    return out;
  }
  if (Array.isArray(s0)) return s0.map((_, j) => defaultBatchify(samples.map((x) => (x as unknown[])[j])));
  if (typeof s0 === 'number') return NDArray.empty([samples.length]).set(samples as number[]);
  throw new ArgumentError(`DataLoader: cannot batchify samples of type ${typeof s0}; pass batchifyFn`);
}

export interface DataLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  /** Sample indices per epoch (instead of shuffle). */
  sampler?: Iterable<number>;
  /** 'keep' (default), 'discard' or 'rollover'. */
  lastBatch?: 'keep' | 'discard' | 'rollover';
  /** Index lists per batch (excludes batchSize, shuffle, sampler, lastBatch). */
  batchSampler?: Iterable<number[]>;
  batchifyFn?: (samples: unknown[]) => unknown;
  /** Accepted for MXNet compatibility; loading runs in this thread. */
  numWorkers?: number;
}

/**
 * Mini-batches of a dataset, one pass per iteration. @example
 * for (const [data, label] of new gluon.data.DataLoader(ds, { batchSize: 64, shuffle: true })) { ... }
 */
export class DataLoader implements Iterable<any> {
  private leftover: number[] = [];
  private o: DataLoaderOptions;
  constructor(readonly dataset: Dataset, o: DataLoaderOptions = {}) {
    if (o.batchSampler) {
      if (o.batchSize !== undefined || o.shuffle || o.sampler || o.lastBatch)
        throw new ArgumentError('DataLoader: batch_size, shuffle, sampler and last_batch must not be specified if batch_sampler is specified.');
    } else {
      if (!(Number.isInteger(o.batchSize) && o.batchSize! > 0)) throw new ArgumentError('DataLoader: batch_size must be specified unless batch_sampler is specified');
      if (o.shuffle && o.sampler) throw new ArgumentError('DataLoader: shuffle must not be specified if sampler is specified');
      if (o.lastBatch && !['keep', 'discard', 'rollover'].includes(o.lastBatch))
        throw new ArgumentError(`DataLoader: last_batch must be one of 'keep', 'discard', or 'rollover', but got ${o.lastBatch}`);
    }
    this.o = o;
  }

  private indices(): number[] {
    const n = this.dataset.length;
    if (this.o.sampler) return [...this.o.sampler];
    const idx = Array.from({ length: n }, (_, i) => i);
    if (this.o.shuffle) for (let i = n - 1; i > 0; i--) { const j = Math.floor(nextUniform() * (i + 1)); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    return idx;
  }

  private *batches(): Generator<number[]> {
    if (this.o.batchSampler) { yield* this.o.batchSampler; return; }
    const b = this.o.batchSize!, last = this.o.lastBatch ?? 'keep';
    const idx = [...this.leftover, ...this.indices()];
    this.leftover = [];
    let i = 0;
    for (; i + b <= idx.length; i += b) yield idx.slice(i, i + b);
    if (i < idx.length) {
      if (last === 'keep') yield idx.slice(i);
      else if (last === 'rollover') this.leftover = idx.slice(i);
    }
  }

  /** Number of batches in one pass. */
  get length(): number {
    if (this.o.batchSampler) return [...this.o.batchSampler].length;
    const n = this.o.sampler ? [...this.o.sampler].length : this.dataset.length, b = this.o.batchSize!;
    const last = this.o.lastBatch ?? 'keep';
    return last === 'keep' ? Math.ceil(n / b) : last === 'discard' ? Math.floor(n / b) : Math.floor((this.leftover.length + n) / b);
  }

  *[Symbol.iterator](): Iterator<any> {
    const ds = this.dataset, f = this.o.batchifyFn;
    for (const idx of this.batches()) {
      if (!f && ds instanceof ArrayDataset) yield ds.gather(idx);
      else yield (f ?? defaultBatchify)(idx.map((i) => ds.get(i)));
    }
  }
}
