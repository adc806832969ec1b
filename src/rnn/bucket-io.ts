// mx.rnn.BucketSentenceIter and mx.rnn.encodeSentences (MXNet's python/mxnet/rnn/io.py): sentences grouped
// into length buckets, padded with invalid_label, labels the inputs shifted by one; each batch carries its
// bucket key (the padded length) for BucketingModule.
import { ArgumentError } from '../errors.js';
import { DataBatch, DataDesc, DataIter, StopIteration } from '../io/base.js';
import { array, nextUniform } from '../ndarray/create.js';
import { mulberry32 } from '../util/random.js';

/**
 * Maps token sentences to integer ids, growing `vocab` (MXNet's encode_sentences; ids from start_label,
 * invalid_key reserved for invalid_label). Returns [encoded sentences, vocab].
 * @example const [ids, vocab] = mx.rnn.encodeSentences([['a', 'b'], ['b', 'c']], { startLabel: 1 })
 */
export function encodeSentences(sentences: string[][],
  o: { vocab?: Map<string, number> | null; invalidLabel?: number; invalidKey?: string; startLabel?: number; unknownToken?: string | null } = {}): [number[][], Map<string, number>] {
  const newVocab = !o.vocab, vocab = o.vocab ?? new Map([[o.invalidKey ?? '\n', o.invalidLabel ?? -1]]);
  let idx = o.startLabel ?? 0;
  const res = sentences.map((sent) => sent.map((w) => {
    if (!vocab.has(w)) {
      if (!newVocab && !o.unknownToken) throw new ArgumentError(`encodeSentences: unknown token '${w}'`);
      if (!newVocab) return vocab.get(o.unknownToken!)!;
      if (idx === (o.invalidLabel ?? -1)) idx++;
      vocab.set(w, idx++);
    }
    return vocab.get(w)!;
  }));
  return [res, vocab];
}

/** Options of BucketSentenceIter (MXNet's keyword arguments). */
export interface BucketSentenceIterOptions {
  buckets?: number[]; invalidLabel?: number; dataName?: string; labelName?: string; layout?: 'NT' | 'TN';
  /** Seed of the shuffles (default: mx.random's seeded source). */
  seed?: number;
}

/**
 * Buckets of padded sentences (ids); the default buckets are every length with at least batchSize sentences.
 * Sentences longer than the largest bucket are dropped (counted in `discarded`). Batches: data (N, len),
 * label = data shifted left with invalid_label at the end; `bucketKey` = len.
 * @example const it = new mx.rnn.BucketSentenceIter(ids, 32, { buckets: [10, 20, 30], invalidLabel: 0 })
 */
export class BucketSentenceIter extends DataIter {
  readonly buckets: number[]; readonly invalidLabel: number; readonly dataName: string; readonly labelName: string; readonly layout: 'NT' | 'TN';
  readonly defaultBucketKey: number; readonly discarded: number;
  private readonly data: Float32Array[][];
  private idx: [number, number][] = [];
  private cur = 0;
  private readonly rand: () => number;
  constructor(sentences: ArrayLike<number>[], batchSize: number, o: BucketSentenceIterOptions = {}) {
    super(batchSize);
    if (!(batchSize >= 1)) throw new ArgumentError(`BucketSentenceIter: batch_size must be >= 1, got ${batchSize}`);
    this.invalidLabel = o.invalidLabel ?? -1; this.dataName = o.dataName ?? 'data'; this.labelName = o.labelName ?? 'softmax_label';
    this.layout = o.layout ?? 'NT';
    let buckets = o.buckets ? [...o.buckets] : [];
    if (!buckets.length) {
      const count = new Map<number, number>();
      for (const s of sentences) count.set(s.length, (count.get(s.length) ?? 0) + 1);
      buckets = [...count].filter(([, c]) => c >= batchSize).map(([l]) => l);
    }
    buckets.sort((a, b) => a - b);
    if (!buckets.length) throw new ArgumentError('BucketSentenceIter: no bucket (no length has batch_size sentences; pass buckets)');
    this.buckets = buckets;
    this.data = buckets.map(() => []);
    let discarded = 0;
    for (const s of sentences) {
      const b = buckets.findIndex((l) => l >= s.length);
      if (b < 0) { discarded++; continue; }
      const buf = new Float32Array(buckets[b]).fill(this.invalidLabel);
      buf.set(Array.from(s));
      this.data[b].push(buf);
    }
    this.discarded = discarded;
    this.defaultBucketKey = buckets[buckets.length - 1];
    this.rand = o.seed !== undefined ? mulberry32(o.seed) : nextUniform;
    this.data.forEach((bk, i) => { for (let j = 0; j + batchSize <= bk.length; j += batchSize) this.idx.push([i, j]); });
    this.reset();
  }
  private shapeOf(len: number): number[] { return this.layout === 'NT' ? [this.batchSize, len] : [len, this.batchSize]; }
  get provideData(): DataDesc[] { return [new DataDesc(this.dataName, this.shapeOf(this.defaultBucketKey), 'float32', this.layout)]; }
  get provideLabel(): DataDesc[] { return [new DataDesc(this.labelName, this.shapeOf(this.defaultBucketKey), 'float32', this.layout)]; }
  /** Number of batches per epoch. */
  get numBatches(): number { return this.idx.length; }
  reset(): void {
    this.cur = 0;
    const shuffle = <T>(a: T[]) => { for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(this.rand() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } };
    shuffle(this.idx);
    for (const b of this.data) shuffle(b);
  }
  next(): DataBatch {
    if (this.cur >= this.idx.length) throw new StopIteration();
    const [i, j] = this.idx[this.cur++], len = this.buckets[i], N = this.batchSize;
    const d = new Float32Array(N * len), l = new Float32Array(N * len), nt = this.layout === 'NT';
    for (let n = 0; n < N; n++) {
      const s = this.data[i][j + n];
      for (let t = 0; t < len; t++) {
        const k = nt ? n * len + t : t * N + n;
        d[k] = s[t]; l[k] = t + 1 < len ? s[t + 1] : this.invalidLabel;
      }
    }
    const shape = this.shapeOf(len);
    return new DataBatch({
      data: [array(d, { shape })], label: [array(l, { shape })], pad: 0, bucketKey: len, transient: true,
      provideData: [new DataDesc(this.dataName, shape, 'float32', this.layout)], provideLabel: [new DataDesc(this.labelName, shape, 'float32', this.layout)],
    });
  }
}
