// The interface between the Executor and the segments of a graph with data-dependent shapes (segments.ts).
import type { NDArray } from '../ndarray/ndarray.js';

/** What an executor over a graph with data-dependent shapes runs (the Segments of segments.ts). */
export interface SegmentRunner {
  run(isTrain: boolean): NDArray[];
  dispose(): void;
  debugStr(): string;
  readonly arenaBytes: number;
  readonly naiveBytes: number;
  /** The first dynamic op, as 'node (op)'. */
  readonly firstDynamic: string;
}
