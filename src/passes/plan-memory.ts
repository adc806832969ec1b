import type { Graph } from '../graph/graph.js';
import { isVariable } from '../graph/node.js';
import type { Shape } from '../ops/registry.js';
import { DTYPE_BYTES, type DType } from '../runtime/dtype.js';
import { prod } from '../util/shape.js';
import type { Pass } from './pass.js';

/** Storage id sentinel: the entry lives in an NDArray the executor owns (argument, aux, gradient). */
export const EXTERNAL = -2;
/** Arena alignment (matches the allocator: every buffer starts on a cache line). */
export const ARENA_ALIGN = 64;
const align = (n: number) => Math.ceil(n / ARENA_ALIGN) * ARENA_ALIGN;

/** The memory plan: byte offsets into one arena. */
export interface StoragePlan {
  /** Per entry: arena byte offset, or EXTERNAL. */
  offsets: Int32Array;
  /** Per node: workspace byte offset in the arena (-1 when none) and bytes. */
  wsOffsets: Int32Array;
  wsBytes: Int32Array;
  arenaBytes: number;
  /** What the arena would take without reuse or in-place sharing (every internal entry and workspace separately). */
  naiveBytes: number;
  /** How many outputs share their input's buffer. */
  inplaceCount: number;
  /** Planned blocks with their lifetimes [start, end] in node order (for the verifier). */
  blocks: { off: number; bytes: number; start: number; end: number }[];
}

/**
 * Places blocks in the given order, each at the start of the smallest gap (among the already placed
 * blocks whose lifetimes overlap its own) that fits it, else above them all. Returns offsets and arena size.
 */
function place(order: number[], start: number[], end: number[], bytes: number[]): [Float64Array, number] {
  const off = new Float64Array(start.length).fill(-1);
  const size = (v: number) => align(Math.max(bytes[v], 1));
  let arena = 0;
  const placed: number[] = [];
  for (const v of order) {
    const live = placed.filter((u) => start[u] <= end[v] && start[v] <= end[u]).sort((a, b) => off[a] - off[b]);
    let best = -1, bestGap = Infinity, cursor = 0;
    for (const u of live) {
      const gap = off[u] - cursor;
      if (gap >= size(v) && gap < bestGap) { best = cursor; bestGap = gap; }
      cursor = Math.max(cursor, off[u] + size(u));
    }
    off[v] = best >= 0 ? best : cursor;
    arena = Math.max(arena, off[v] + size(v));
    placed.push(v);
  }
  return [off, arena];
}

/** Workspace bytes a node asks for (forward: max of both modes; backward nodes: their backward workspace). */
function workspaceOf(g: Graph, i: number, shapes: Shape[]): number {
  const ig = g.indexed, n = ig.nodes[i];
  if (isVariable(n)) return 0;
  const fwd = n.fwd ?? n, fid = ig.nodeId(fwd);
  const na = fwd.def!.inputs(fwd.attrs).length;
  const ins = Array.from(ig.inputsOf(fid).subarray(0, na), (e) => shapes[e]);
  const outs: Shape[] = [];
  for (let e = ig.entryPtr[fid]; e < ig.entryPtr[fid + 1]; e++) outs.push(shapes[e]);
  if (n.fwd) return n.def!.backward?.workspace?.(n.attrs, ins, outs) ?? 0;
  const ws = n.def!.workspace;
  return ws ? Math.max(ws(n.attrs, ins, outs, true), ws(n.attrs, ins, outs, false)) : 0;
}

/**
 * Plans every internal entry as a byte offset in one arena (MXNet PlanMemory + XNNPACK's planner).
 * Lifetimes come from the topological order and reader counts; an op's `inplace` pair reuses its
 * input's buffer when the input is internal, read by nobody else, not a graph output, and the
 * same size. Then blocks are placed largest first into the smallest gap among the blocks whose
 * lifetimes overlap. Graph outputs live to the end. Requires 'shape', 'dtype' and
 * 'external_entries' (Uint8Array, 1 = owned by an NDArray); provides 'storage'.
 * @example applyPasses(g, [inferShapePass, inferTypePass, planMemoryPass]).getAttr<StoragePlan>('storage').arenaBytes
 */
export const planMemoryPass: Pass = {
  name: 'planMemory', requires: ['shape', 'dtype', 'external_entries'], provides: ['storage'], changesGraph: false,
  run(g: Graph): Graph {
    const ig = g.indexed, N = ig.nodes.length, E = ig.numEntries;
    const shapes = g.getAttr<Shape[]>('shape'), types = g.getAttr<DType[]>('dtype');
    const ext = g.getAttr<Uint8Array>('external_entries');
    const bytes = new Float64Array(E);
    for (let e = 0; e < E; e++) bytes[e] = prod(shapes[e]) * DTYPE_BYTES[types[e]];
    const readers = new Int32Array(E), lastUse = new Int32Array(E).fill(-1);
    for (let i = 0; i < N; i++) for (const e of ig.inputsOf(i)) { readers[e]++; lastUse[e] = i; }
    const isOut = new Uint8Array(E);
    for (const e of ig.outputs) isOut[e] = 1;
    // value ids: entries merged by in-place sharing
    const value = new Int32Array(E).fill(-1);
    const vStart: number[] = [], vEnd: number[] = [], vBytes: number[] = [];
    let inplaceCount = 0;
    for (let i = 0; i < N; i++) {
      const n = ig.nodes[i];
      if (isVariable(n)) continue;
      const inE = ig.inputsOf(i), taken = new Set<number>();
      for (let k = 0; k < ig.entryPtr[i + 1] - ig.entryPtr[i]; k++) {
        const e = ig.entryPtr[i] + k;
        if (ext[e]) continue;
        const pair = n.fwd ? undefined : n.def!.inplace?.find(([inI, outI]) => {
          const x = inE[inI];
          return outI === k && x !== undefined && !ext[x] && !isOut[x] && readers[x] === 1 && bytes[x] === bytes[e] && value[x] >= 0 && !taken.has(value[x]);
        });
        if (pair) { value[e] = value[inE[pair[0]]]; taken.add(value[e]); inplaceCount++; continue; }
        value[e] = vStart.length; vStart.push(i); vEnd.push(i); vBytes.push(bytes[e]);
      }
    }
    for (let e = 0; e < E; e++) {
      const v = value[e];
      if (v < 0) continue;
      const end = isOut[e] ? N : lastUse[e];
      if (end > vEnd[v]) vEnd[v] = end;
    }
    const wsBytes = new Int32Array(N), wsValue = new Int32Array(N).fill(-1);
    for (let i = 0; i < N; i++) {
      const w = workspaceOf(g, i, shapes);
      if (w <= 0) continue;
      wsBytes[i] = w; wsValue[i] = vStart.length; vStart.push(i); vEnd.push(i); vBytes.push(w);
    }
    const V = vStart.length;
    const bySize = Array.from({ length: V }, (_, v) => v).sort((a, b) => vBytes[b] - vBytes[a] || vStart[a] - vStart[b]);
    const [vOff, arena] = place(bySize, vStart, vEnd, vBytes); // (placing in time order instead was never smaller on LeNet/ResNet)
    const offsets = new Int32Array(E).fill(EXTERNAL);
    for (let e = 0; e < E; e++) if (value[e] >= 0) offsets[e] = vOff[value[e]];
    const wsOffsets = new Int32Array(N).fill(-1);
    for (let i = 0; i < N; i++) if (wsValue[i] >= 0) wsOffsets[i] = vOff[wsValue[i]];
    let naive = 0;
    for (let e = 0; e < E; e++) if (!ext[e] && !isVariable(ig.nodes[ig.nodeOfEntry(e)])) naive += align(Math.max(bytes[e], 1));
    for (let i = 0; i < N; i++) if (wsBytes[i]) naive += align(wsBytes[i]);
    const blocks = Array.from({ length: V }, (_, v) => ({ off: vOff[v], bytes: vBytes[v], start: vStart[v], end: vEnd[v] }));
    const plan: StoragePlan = { offsets, wsOffsets, wsBytes, arenaBytes: arena, naiveBytes: naive, inplaceCount, blocks };
    return g.withAttr('storage', plan);
  },
};

/** External flags for a graph where only variables own storage (what tests and summaries use). @example g.withAttr('external_entries', variablesExternal(g)) */
export function variablesExternal(g: Graph): Uint8Array {
  const ig = g.indexed, ext = new Uint8Array(ig.numEntries);
  for (const id of ig.inputNodes) ext[ig.entryPtr[id]] = 1;
  return ext;
}
