// Iterator wrappers: ResizeIter (fixed number of batches per epoch) and PrefetchingIter (combines
// iterators; single-threaded here: batches are fetched when asked for).
import { ArgumentError } from '../errors.js';
import { DataBatch, DataDesc, DataIter, StopIteration } from './base.js';

/**
 * Makes an iterator yield exactly `size` batches per epoch (restarting the inner one as needed).
 * @example new mx.io.ResizeIter(trainIter, 100)
 */
export class ResizeIter extends DataIter {
  cur = 0;
  constructor(readonly dataIter: DataIter, readonly size: number, readonly resetInternal = true) { super(dataIter.batchSize); }
  get provideData(): DataDesc[] { return this.dataIter.provideData; }
  get provideLabel(): DataDesc[] { return this.dataIter.provideLabel; }
  reset(): void { this.cur = 0; if (this.resetInternal) this.dataIter.reset(); }
  next(): DataBatch {
    if (this.cur === this.size) throw new StopIteration();
    let b: DataBatch;
    try { b = this.dataIter.next(); } catch (e) {
      if (!(e instanceof StopIteration)) throw e;
      this.dataIter.reset(); b = this.dataIter.next();
    }
    this.cur++;
    return b;
  }
}

/**
 * Combines one or more iterators batch by batch (data and labels concatenated as lists), with
 * optional renaming: `renameData` maps per iterator old -> new names.
 * @example new mx.io.PrefetchingIter([itA, itB], [{ data: 'a' }, { data: 'b' }])
 */
export class PrefetchingIter extends DataIter {
  readonly iters: DataIter[];
  private ahead: (DataBatch | null)[] | null = null;
  constructor(iters: DataIter | DataIter[], readonly renameData?: Record<string, string>[], readonly renameLabel?: Record<string, string>[]) {
    const list = Array.isArray(iters) ? iters : [iters];
    if (!list.length) throw new ArgumentError('PrefetchingIter: at least one iterator');
    super(list[0].batchSize);
    this.iters = list;
  }
  private rename(descs: DataDesc[], map?: Record<string, string>): DataDesc[] {
    return descs.map((d) => (map?.[d.name] ? new DataDesc(map[d.name], d.shape, d.dtype, d.layout) : d));
  }
  get provideData(): DataDesc[] { return this.iters.flatMap((it, i) => this.rename(it.provideData, this.renameData?.[i])); }
  get provideLabel(): DataDesc[] { return this.iters.flatMap((it, i) => this.rename(it.provideLabel, this.renameLabel?.[i])); }
  reset(): void { for (const it of this.iters) it.reset(); this.ahead = null; }
  private fetch(): (DataBatch | null)[] {
    return this.iters.map((it) => { try { return it.next(); } catch (e) { if (e instanceof StopIteration) return null; throw e; } });
  }
  next(): DataBatch {
    const cur = this.ahead ?? this.fetch();
    if (cur.some((b) => b === null)) { this.ahead = cur; throw new StopIteration(); }
    const bs = cur as DataBatch[];
    this.ahead = null;
    return new DataBatch({ data: bs.flatMap((b) => b.data), label: bs.flatMap((b) => b.label ?? []), pad: bs[0].pad, index: bs[0].index,
      provideData: this.provideData, provideLabel: this.provideLabel, transient: bs.every((b) => b.transient) });
  }
}
