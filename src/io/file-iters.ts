// File-backed iterators: MNISTIter (IDX, gzipped or not) and CSVIter, both MXNet-compatible.
import { ArgumentError, ShapeError } from '../errors.js';
import { normOpts, type Opts } from '../util/options.js';
import { mulberry32 } from '../util/random.js';
import { HostArray, NDArrayIter } from './ndarray-iter.js';
import { parseIdx, readBytes } from './files.js';

export interface MNISTIterOptions {
  image: string | Uint8Array; label: string | Uint8Array; batchSize?: number; shuffle?: boolean; flat?: boolean;
  seed?: number; silent?: boolean; inputShape?: number[]; numParts?: number; partIndex?: number;
}

/**
 * MXNet's MNISTIter: IDX image + label files (paths in Node, or bytes), pixels scaled to [0, 1],
 * shuffled once with `seed` (default shuffle true), (N,1,28,28) or flat (N,784); the incomplete
 * last batch is dropped, as MXNet does.
 * @example new mx.io.MNISTIter({ image: 'data/train-images-idx3-ubyte.gz', label: 'data/train-labels-idx1-ubyte.gz', batch_size: 64 })
 */
export class MNISTIter extends NDArrayIter {
  constructor(opts: Opts<MNISTIterOptions>) {
    const o = normOpts<MNISTIterOptions>(opts);
    if (!o.image || !o.label) throw new ArgumentError('MNISTIter: image and label are required');
    const img = parseIdx(readBytes(o.image, 'MNISTIter image'), 3, `MNISTIter image ${typeof o.image === 'string' ? o.image : ''}`.trim());
    const lab = parseIdx(readBytes(o.label, 'MNISTIter label'), 1, `MNISTIter label ${typeof o.label === 'string' ? o.label : ''}`.trim());
    let n = img.dims[0];
    if (lab.dims[0] !== n) throw new ShapeError(`MNISTIter: ${n} images but ${lab.dims[0]} labels`);
    const [h, w] = [img.dims[1], img.dims[2]], px = h * w;
    let order = Int32Array.from({ length: n }, (_, i) => i);
    if (o.shuffle ?? true) {
      const r = mulberry32(o.seed ?? 0);
      for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); const t = order[i]; order[i] = order[j]; order[j] = t; }
    }
    const parts = o.numParts ?? 1, part = o.partIndex ?? 0;
    if (parts > 1) { const per = Math.floor(n / parts); order = order.slice(part * per, (part + 1) * per); n = order.length; }
    const x = new Float32Array(n * px), y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const s = order[i];
      for (let k = 0; k < px; k++) x[i * px + k] = img.data[s * px + k] / 255;
      y[i] = lab.data[s];
    }
    const shape = o.flat ? [n, px] : [n, ...(o.inputShape ?? [1, h, w])];
    if (shape.slice(1).reduce((a, b) => a * b, 1) !== px) throw new ShapeError(`MNISTIter: input_shape (${o.inputShape}) does not hold ${h}x${w} pixels`);
    super({ data: new HostArray(shape, x), label: new HostArray([n], y), batchSize: o.batchSize ?? 128, lastBatchHandle: 'discard' });
  }
}

export interface CSVIterOptions {
  dataCsv: string | Uint8Array; dataShape: number[]; labelCsv?: string | Uint8Array; labelShape?: number[];
  batchSize?: number; roundBatch?: boolean; dataName?: string; labelName?: string;
  /** Distributed training: read only this part of the rows (see NDArrayIter). */
  numParts?: number; partIndex?: number;
}

function parseCsv(b: Uint8Array, what: string): Float32Array {
  const text = new TextDecoder().decode(b);
  const vals: number[] = [];
  text.split(/\r?\n/).forEach((line, li) => {
    if (!line.trim()) return;
    for (const cell of line.split(',')) {
      const v = Number(cell.trim());
      if (cell.trim() === '' || Number.isNaN(v)) throw new ArgumentError(`${what}: line ${li + 1}: '${cell}' is not a number`);
      vals.push(v);
    }
  });
  return Float32Array.from(vals);
}

/**
 * MXNet's CSVIter: rows of a CSV file reshaped to data_shape (label_shape, default [1]; zeros when no
 * label file); round_batch (default true) pads the last batch from the start, else it is dropped.
 * @example new mx.io.CSVIter({ data_csv: 'x.csv', data_shape: [3], label_csv: 'y.csv', batch_size: 2 })
 */
export class CSVIter extends NDArrayIter {
  constructor(opts: Opts<CSVIterOptions>) {
    const o = normOpts<CSVIterOptions>(opts);
    if (!o.dataCsv || !o.dataShape) throw new ArgumentError('CSVIter: data_csv and data_shape are required');
    const x = parseCsv(readBytes(o.dataCsv, 'CSVIter data_csv'), 'CSVIter data_csv');
    const row = o.dataShape.reduce((a, b) => a * b, 1);
    if (x.length % row) throw new ShapeError(`CSVIter: ${x.length} values do not split into rows of data_shape (${o.dataShape.join(',')})`);
    const n = x.length / row;
    const ls = o.labelShape ?? [1], lrow = ls.reduce((a, b) => a * b, 1);
    const y = o.labelCsv ? parseCsv(readBytes(o.labelCsv, 'CSVIter label_csv'), 'CSVIter label_csv') : new Float32Array(n * lrow);
    if (y.length !== n * lrow) throw new ShapeError(`CSVIter: label_csv has ${y.length} values, expected ${n} rows of ${lrow}`);
    const lshape = ls.length === 1 && ls[0] === 1 ? [n] : [n, ...ls];
    super({ data: new HostArray([n, ...o.dataShape], x), label: new HostArray(lshape, y), batchSize: o.batchSize ?? 1, numParts: o.numParts, partIndex: o.partIndex,
      lastBatchHandle: (o.roundBatch ?? true) ? 'pad' : 'discard', dataName: o.dataName ?? 'data', labelName: o.labelName ?? 'softmax_label' });
  }
}
