// What an op's exporter (export-ops.ts, export-rnn.ts) gets from exportModel (export.ts).
import type { NodeEntry } from '../graph/node.js';
import type { NodeSpec, OnnxAttrValue } from './encode.js';

export interface ExportCtx {
  opset: number;
  shape(e: NodeEntry): number[] | undefined;
  name(e: NodeEntry): string;
  fresh(base: string): string;
  node(opType: string, ins: string[], outs: string[], attrs?: Record<string, OnnxAttrValue>): void;
  init(base: string, dims: number[], data: ArrayLike<number>, type?: number): string;
  param(name: string): Float32Array | undefined;
  setParam(name: string, data: Float32Array): void;
  /**
   * Exports a body graph (a control-flow op's subgraph) into `nodes` (a subgraph's node list; this graph's when
   * absent), its variables named by `varName`, shapes from `shapes` by variable name; returns each entry's ONNX name.
   */
  emit(outputs: readonly NodeEntry[], shapes: Record<string, number[]>, varName: (name: string) => string, nodes?: NodeSpec[]): (e: NodeEntry) => string;
}
