// mx.io basics: DataDesc, DataBatch and the DataIter protocol (MXNet 1.9 python/mxnet/io/io.py).
import { MxError } from '../errors.js';
import type { NDArray } from '../ndarray/ndarray.js';
import type { DType } from '../runtime/dtype.js';

/** Raised by `next()` at the end of an epoch (MXNet's StopIteration). @example try { it.next(); } catch (e) { if (e instanceof StopIteration) it.reset(); } */
export class StopIteration extends MxError {
  constructor() { super('argument', 'StopIteration'); this.name = 'StopIteration'; }
}

/**
 * Name, shape (batch included), dtype and layout of one input.
 * @example new mx.io.DataDesc('data', [64, 1, 28, 28])
 */
export class DataDesc {
  constructor(readonly name: string, readonly shape: number[], readonly dtype: DType = 'float32', readonly layout = 'NCHW') {}
  /** Index of the batch axis ('N') of a layout (0 when unknown). @example DataDesc.getBatchAxis('TNC') // 1 */
  static getBatchAxis(layout?: string): number { return layout ? Math.max(0, layout.indexOf('N')) : 0; }
  /** Descriptors from [name, shape] pairs or DataDesc objects. @example DataDesc.getList([['data', [1, 2]]]) */
  static getList(shapes: (DataDesc | [string, number[]] | { name: string; shape: number[] })[]): DataDesc[] {
    return shapes.map((s) => (s instanceof DataDesc ? s : Array.isArray(s) ? new DataDesc(s[0], s[1]) : new DataDesc(s.name, s.shape)));
  }
  /** `DataDesc[data,(64, 1, 28, 28),float32,NCHW]`, like MXNet's repr. */
  toString(): string { return `DataDesc[${this.name},(${this.shape.join(', ')}),${this.dtype},${this.layout}]`; }
}

/** One mini-batch: data and label arrays, and how many trailing samples are padding. */
export interface DataBatchInit { data: NDArray[]; label?: NDArray[] | null; pad?: number; index?: Int32Array | number[] | null; bucketKey?: unknown; provideData?: DataDesc[];
  provideLabel?: DataDesc[]; transient?: boolean }

/**
 * A batch (MXNet's DataBatch).
 * @example const b = new mx.io.DataBatch({ data: [x], label: [y], pad: 0 });
 */
export class DataBatch {
  data: NDArray[]; label: NDArray[] | null; pad: number; index: Int32Array | number[] | null; bucketKey: unknown;
  provideData?: DataDesc[]; provideLabel?: DataDesc[];
  /** True when the iterator made fresh arrays for this batch alone: fit/score/predict free them after use. */
  transient: boolean;
  constructor(o: DataBatchInit | NDArray[], label?: NDArray[] | null, pad = 0) {
    const p: DataBatchInit = Array.isArray(o) ? { data: o, label, pad } : o;
    this.data = p.data; this.label = p.label ?? null; this.pad = p.pad ?? 0; this.index = p.index ?? null;
    this.bucketKey = p.bucketKey; this.provideData = p.provideData; this.provideLabel = p.provideLabel; this.transient = !!p.transient;
  }
  /** Frees the batch's arrays now (optional: unreferenced arrays are collected anyway). @example batch.dispose() */
  dispose(): void { for (const a of [...this.data, ...(this.label ?? [])]) a.dispose(); }
  toString(): string { return `DataBatch: data shapes: ${this.data.map((d) => `(${d.shape.join(', ')})`).join(' ')} label shapes: ` +
    `${(this.label ?? []).map((d) => `(${d.shape.join(', ')})`).join(' ')}`; }
}

/**
 * Base iterator: `reset()`, `next()` (throws StopIteration at the end), `iterNext()`, `provideData`,
 * `provideLabel`, and `for (const batch of iter)` for one epoch.
 * @example for (const batch of it) { ... } it.reset();
 */
export abstract class DataIter implements Iterable<DataBatch> {
  constructor(public batchSize = 0) {}
  abstract get provideData(): DataDesc[];
  abstract get provideLabel(): DataDesc[];
  /** Rewinds to the start of an epoch. */
  abstract reset(): void;
  /** The next batch; throws StopIteration at the end of the epoch. */
  abstract next(): DataBatch;
  /** Padding of the current batch. */
  getPad(): number { return 0; }
  *[Symbol.iterator](): Iterator<DataBatch> {
    for (;;) {
      let b: DataBatch;
      try { b = this.next(); } catch (e) { if (e instanceof StopIteration) return; throw e; }
      yield b;
    }
  }
}
