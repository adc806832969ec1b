// Row sets of gradient buffers: MXNet's `row_sparse` gradient (Embedding sparse_grad=True) without a storage type.
// The buffer stays a dense array equal to the dense gradient, but it is known to be zero outside `rows`: the
// writer (Embedding's backward) rewrites only those rows next time, and the optimizers' lazy update (MXNet's
// lazy_update for sgd / adam) touches only them. Freeing the block drops its entry (allocator.free).

const sets = new Map<number, { bytes: number; rows: Int32Array }>();

/**
 * Records that the `bytes`-long buffer at `off` is zero outside `rows` (sorted, unique row indices).
 * @example setRowSet(g.byteOffset, g.nbytes, Int32Array.of(3, 7))
 */
export function setRowSet(off: number, bytes: number, rows: Int32Array): void { sets.set(off, { bytes, rows }); }

/** The rows of the buffer at `off` (undefined: dense or unknown, or recorded for another size). @example rowSet(g.byteOffset, g.nbytes) */
export function rowSet(off: number, bytes: number): Int32Array | undefined {
  const s = sets.get(off);
  return s && s.bytes === bytes ? s.rows : undefined;
}

/** Forgets the buffer's rows (it was written densely, or freed). @example dropRowSet(g.byteOffset) */
export function dropRowSet(off: number): void { if (sets.size) sets.delete(off); }

/**
 * Calls `f(firstRow, count)` for each run of consecutive rows in a sorted row set.
 * @example forRowRuns(Int32Array.of(1, 2, 5), (r, n) => ...) // (1, 2), (5, 1)
 */
export function forRowRuns(rows: Int32Array, f: (row: number, count: number) => void): void {
  for (let i = 0; i < rows.length;) {
    let j = i + 1;
    while (j < rows.length && rows[j] === rows[j - 1] + 1) j++;
    f(rows[i], j - i);
    i = j;
  }
}
