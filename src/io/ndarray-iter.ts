// mx.io.NDArrayIter: batches over in-memory arrays, with MXNet 1.9's exact cursor / pad / roll_over
// rules. Data is copied once to host memory; each batch is gathered into fresh NDArrays.
import { ArgumentError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { nextUniform } from '../ndarray/create.js';
import { mulberry32 } from '../util/random.js';
import { normOpts, type Opts } from '../util/options.js';
import { DataBatch, DataDesc, DataIter, StopIteration } from './base.js';

/** A host (non-wasm) float array with a shape: what file iterators hand to NDArrayIter. @example new HostArray([2, 2], new Float32Array(4)) */
export class HostArray { constructor(readonly shape: number[], readonly values: Float32Array) {} }

/** Arrays NDArrayIter accepts: an NDArray, a typed/nested array, a list of them, or a dict name -> array. */
export type IterSource = NDArray | ArrayLike<number> | number[][] | unknown[] | Record<string, unknown>;
interface Src { name: string; d: Float32Array; shape: number[]; row: number }

function toHost(v: unknown): { d: Float32Array; shape: number[] } {
  if (v instanceof HostArray) return { d: v.values, shape: v.shape };
  if (v instanceof NDArray) return { d: Float32Array.from(v.data as ArrayLike<number>), shape: v.shape.slice() };
  if (ArrayBuffer.isView(v)) return { d: Float32Array.from(v as unknown as ArrayLike<number>), shape: [(v as unknown as ArrayLike<number>).length] };
  if (Array.isArray(v)) {
    const shape: number[] = []; let x: unknown = v;
    while (Array.isArray(x)) { shape.push(x.length); x = x[0]; }
    const flat = (v as unknown[]).flat(Infinity) as number[];
    return { d: Float32Array.from(flat), shape };
  }
  throw new ArgumentError(`NDArrayIter: unsupported data type ${typeof v}`);
}

/** MXNet's _init_data: list -> data, _1_data...; dict -> names; single -> default name. @example initSources({ a: x }, false, 'data') */
export function initSources(v: IterSource | undefined | null, allowEmpty: boolean, defaultName: string): Src[] {
  if (v === undefined || v === null) { if (!allowEmpty) throw new ArgumentError('NDArrayIter: data is required'); return []; }
  let named: [string, unknown][];
  if (v instanceof NDArray || ArrayBuffer.isView(v) || v instanceof HostArray) named = [[defaultName, v]];
  else if (Array.isArray(v)) {
    const isList = v.length > 0 && (v[0] instanceof NDArray || ArrayBuffer.isView(v[0]) || v[0] instanceof HostArray);
    named = isList ? v.map((x, i) => [i === 0 ? defaultName : `_${i}_${defaultName}`, x]) : [[defaultName, v]];
  } else named = Object.entries(v as Record<string, unknown>);
  return named.map(([name, x]) => { const h = toHost(x); return { name, ...h, row: h.shape.slice(1).reduce((a, b) => a * b, 1) }; });
}

export interface NDArrayIterOptions {
  data: IterSource; label?: IterSource | null; batchSize?: number; shuffle?: boolean;
  lastBatchHandle?: 'pad' | 'discard' | 'roll_over'; dataName?: string; labelName?: string; layout?: string;
  /** Seed of the shuffle (default: drawn from mx.random's seeded source). */
  seed?: number;
  /**
   * Distributed training: this iterator reads only part `partIndex` of `numParts` contiguous parts,
   * rows [floor(n/P*i), floor(n/P*(i+1))) (MXNet's MNISTIter split; pass kv.numWorkers / kv.rank).
   */
  numParts?: number; partIndex?: number;
}

/**
 * Iterates over arrays in mini-batches. Each batch holds fresh arrays (`batch.transient`): Module's
 * fit/score/predict free them after use; a manual loop may call `batch.dispose()` (or leave it to GC).
 * @example const it = new mx.io.NDArrayIter({ data: x, label: y, batch_size: 64, shuffle: true, last_batch_handle: 'pad' });
 */
export class NDArrayIter extends DataIter {
  readonly data: Src[]; readonly label: Src[];
  readonly numData: number; readonly shuffle: boolean; readonly lastBatchHandle: string; readonly layout: string;
  cursor: number;
  private idx: Int32Array;
  private cache: Int32Array | null = null;
  private readonly rand: () => number;

  constructor(o: Opts<NDArrayIterOptions> | IterSource, label?: IterSource | null, batchSize?: number) {
    const p = (o && typeof o === 'object' && !Array.isArray(o) && !(o instanceof NDArray) && !(o instanceof HostArray) && !ArrayBuffer.isView(o) && 'data' in o)
      ? normOpts<NDArrayIterOptions>(o) : { data: o as IterSource, label, batchSize };
    const bs = p.batchSize ?? 1;
    super(bs);
    if (!(bs >= 1)) throw new ArgumentError('NDArrayIter: batch_size must be >= 1');
    this.data = initSources(p.data, false, p.dataName ?? 'data');
    this.label = initSources(p.label, true, p.labelName ?? 'softmax_label');
    const all = this.data[0].shape[0];
    for (const s of [...this.data, ...this.label]) if (s.shape[0] !== all) throw new ShapeError(`NDArrayIter: all data must have the same first dimension (${s.name}: ${s.shape[0]} vs ${all})`);
    const parts = p.numParts ?? 1, part = p.partIndex ?? 0;
    if (!(Number.isInteger(parts) && parts >= 1 && Number.isInteger(part) && part >= 0 && part < parts))
      throw new ArgumentError(`NDArrayIter: part_index ${part} of num_parts ${parts} is not a valid part`);
    const lo = Math.floor((all / parts) * part), hi = Math.floor((all / parts) * (part + 1)), n = hi - lo;
    if (n < 1) throw new ArgumentError(`NDArrayIter: part ${part} of ${parts} of ${all} rows is empty`);
    this.lastBatchHandle = p.lastBatchHandle ?? 'pad';
    if (!['pad', 'discard', 'roll_over'].includes(this.lastBatchHandle)) throw new ArgumentError(`NDArrayIter: last_batch_handle must be pad, discard or roll_over, got ${this.lastBatchHandle}`);
    if (this.lastBatchHandle === 'discard' && n < bs) throw new ArgumentError(`batch_size needs to be smaller than data size when not padding (${bs} > ${n})`);
    this.shuffle = !!p.shuffle; this.layout = p.layout ?? 'NCHW';
    this.rand = p.seed !== undefined ? mulberry32(p.seed) : nextUniform;
    this.idx = Int32Array.from({ length: n }, (_, i) => lo + i);
    this.numData = n;
    this.cursor = -bs;
    this.reset();
  }

  get provideData(): DataDesc[] { return this.data.map((s) => new DataDesc(s.name, [this.batchSize, ...s.shape.slice(1)], 'float32', this.layout)); }
  get provideLabel(): DataDesc[] { return this.label.map((s) => new DataDesc(s.name, [this.batchSize, ...s.shape.slice(1)], 'float32', this.layout)); }

  /** Reshuffles (when shuffle) and rewinds; roll_over keeps the leftover for the next epoch. @example it.reset() */
  reset(): void {
    if (this.shuffle) {
      const a = this.idx;
      for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(this.rand() * (i + 1)); const t = a[i]; a[i] = a[j]; a[j] = t; }
    }
    const bs = this.batchSize, n = this.numData;
    if (this.lastBatchHandle === 'roll_over' && n - bs < this.cursor && this.cursor < n) this.cursor = this.cursor - n - bs;
    else this.cursor = -bs;
  }
  /** Advances the cursor; false at the end. @example while (it.iterNext()) { ... } */
  iterNext(): boolean { this.cursor += this.batchSize; return this.cursor < this.numData; }

  /** Sample indices (into the original arrays) of the current batch. */
  private batchRows(): Int32Array {
    const bs = this.batchSize, n = this.numData, c = this.cursor;
    if (c >= n) throw new ArgumentError('DataIter needs reset.');
    if (this.lastBatchHandle === 'roll_over' && -bs < c && c < 0) {
      const cached = this.cache ?? new Int32Array(0); this.cache = null;
      const rest = this.idx.subarray(0, c + bs);
      const out = new Int32Array(cached.length + rest.length); out.set(cached); out.set(rest, cached.length); return out;
    }
    if (this.lastBatchHandle === 'pad' && c + bs > n) {
      const pad = bs - n + c;
      const out = new Int32Array(bs); out.set(this.idx.subarray(c)); out.set(this.idx.subarray(0, pad), n - c); return out;
    }
    return this.idx.slice(c, Math.min(c + bs, n));
  }
  private gather(srcs: Src[], rows: Int32Array): NDArray[] {
    return srcs.map((s) => {
      const out = NDArray.empty([rows.length, ...s.shape.slice(1)], 'float32');
      const d = out.data as Float32Array, r = s.row; // one fresh view, no allocation until the copy ends
      if (r === 1) for (let i = 0; i < rows.length; i++) d[i] = s.d[rows[i]];
      else for (let i = 0; i < rows.length; i++) d.set(s.d.subarray(rows[i] * r, rows[i] * r + r), i * r);
      return out;
    });
  }
  /** Padding of the current batch (MXNet's getpad). @example it.getPad() */
  getPad(): number {
    const bs = this.batchSize, c = this.cursor;
    if (this.lastBatchHandle === 'pad' && c + bs > this.numData) return c + bs - this.numData;
    if (this.lastBatchHandle === 'roll_over' && -bs < c && c < 0) return -c;
    return 0;
  }
  /** The next batch; StopIteration at the end (an incomplete last batch is cached for roll_over). @example const b = it.next() */
  next(): DataBatch {
    if (!this.iterNext()) throw new StopIteration();
    const rows = this.batchRows();
    if (rows.length !== this.batchSize) { this.cache = rows; throw new StopIteration(); }
    return new DataBatch({ data: this.gather(this.data, rows), label: this.gather(this.label, rows), pad: this.getPad(), index: rows, provideData: this.provideData, provideLabel: this.provideLabel,
      transient: true });
  }
}
