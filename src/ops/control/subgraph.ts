// What the control-flow ops (_foreach, _while_loop, _cond) see of their bodies: a subgraph held as a Symbol by the
// layers above (src/symbol/subgraph.ts implements it), bound once per lowering as its own planned executor. The ops
// layer only reads shapes and runs it; copies between the op's arrays and the body's go through `copyBytes`.
import { ArgumentError, ShapeError, opMessage } from '../../errors.js';
import { DTYPE_BYTES, type DType } from '../../runtime/dtype.js';
import { u8, view } from '../../runtime/view.js';
import type { Attrs } from '../attrs.js';
import type { Shape, TensorRef } from '../registry.js';

/** A body bound once: fixed input arrays, outputs, and (when bound for gradients) head gradients and input gradients. */
export interface SubExec {
  /** The body's inputs in `list_inputs()` order. */
  ins: TensorRef[];
  outs: TensorRef[];
  /** Head gradients of the outputs (write them, then `backward`); empty unless bound for gradients. */
  outGrads: TensorRef[];
  /** Gradient of each input (undefined where none was bound). */
  inGrads: (TensorRef | undefined)[];
  forward(isTrain: boolean): void;
  backward(): void;
  dispose(): void;
}

/** A body subgraph: its input names (`list_inputs()` order), shape and type inference, and binding. */
export interface Subgraph {
  readonly inputNames: string[];
  readonly numOutputs: number;
  inferShape(ins: (Shape | undefined)[]): { ins: (Shape | undefined)[]; outs: (Shape | undefined)[] };
  inferType(ins: (DType | undefined)[]): { ins: DType[]; outs: DType[] };
  bind(ins: Shape[], types: DType[], grad: boolean): SubExec;
}

/** The attribute key under which a control-flow node's parsed attributes hold its bodies (never written to JSON). */
export const SUBGRAPHS = '__subgraph_bodies__';

/** A node's bodies, or an ArgumentError naming it (the op built without mx.sym.contrib / a JSON `subgraphs` field). */
export function bodies(a: Attrs, node: string | undefined, op: string, n: number): Subgraph[] {
  const s = a[SUBGRAPHS] as Subgraph[] | undefined;
  if (!s || s.length !== n) throw new ArgumentError(opMessage(node, op, `needs ${n} subgraph${n > 1 ? 's' : ''} (build it with mx.sym.contrib.${op.slice(1)}), got ${s?.length ?? 0}`), { node, op });
  return s;
}

/** Bytes of a tensor. */
export const bytesOf = (t: TensorRef): number => t.size * DTYPE_BYTES[t.dtype];

/** Copies `n` bytes inside the one memory (ranges may not overlap partially: they are distinct arrays). */
export function copyBytes(dst: number, src: number, n: number): void {
  if (n && dst !== src) u8(dst, n).set(u8(src, n));
}

/** dst += src (float32 gradients of a body's free inputs, summed over iterations). */
export function addInto(dst: TensorRef, src: TensorRef): void {
  const d = view(dst.dtype, dst.off, dst.size), s = view(src.dtype, src.off, src.size);
  for (let i = 0; i < d.length; i++) d[i] += s[i];
}

/** Whether a one-element tensor is non-zero (a loop or branch condition read at run time). */
export const truthy = (t: TensorRef): boolean => view(t.dtype, t.off, 1)[0] !== 0;

/** Input positions of the body given by a locs tuple, checked against the body's input count. */
export function checkLocs(locs: number[], nBody: number, what: string, node: string | undefined, op: string): void {
  for (const l of locs) if (!(Number.isInteger(l) && l >= 0 && l < nBody)) throw new ShapeError(opMessage(node, op, `${what} holds ${l}, but the body has ${nBody} inputs`), { node, op, attr: what });
  if (new Set(locs).size !== locs.length) throw new ShapeError(opMessage(node, op, `${what} repeats an input: (${locs.join(', ')})`), { node, op, attr: what });
}

/** Output names: MXNet's `output` for one, `output0`, `output1`, ... for more. */
export const outNames = (n: number): string[] => (n === 1 ? ['output'] : Array.from({ length: n }, (_, i) => `output${i}`));

/** A shape with a leading axis of `len` (the per-iteration outputs stacked). */
export const stacked = (len: number, s: Shape | undefined): Shape | undefined => (s ? [len, ...s] : undefined);
