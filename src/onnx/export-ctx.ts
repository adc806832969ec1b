// What an op's exporter (export-ops.ts, export-rnn.ts) gets from exportModel (export.ts).
import type { NodeEntry } from '../graph/node.js';
import type { OnnxAttrValue } from './encode.js';

export interface ExportCtx {
  opset: number;
  shape(e: NodeEntry): number[] | undefined;
  name(e: NodeEntry): string;
  fresh(base: string): string;
  node(opType: string, ins: string[], outs: string[], attrs?: Record<string, OnnxAttrValue>): void;
  init(base: string, dims: number[], data: ArrayLike<number>, type?: number): string;
  param(name: string): Float32Array | undefined;
  setParam(name: string, data: Float32Array): void;
}
