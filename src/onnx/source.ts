/**
 * Where ONNX model bytes come from: bytes, a path (Node) or, in the async variants, a URL or a
 * Response. Also the model metadata (MXNet's `get_model_metadata`).
 */
import { isBytes, toBytes, type BytesLike } from '../format/reader.js';
import { fetchBytes, readFileBytes, type Source } from '../format/fs.js';
import { decodeModel, opsetOf, type OnnxModel, type OnnxValueInfo } from './proto.js';
import { dtypeName } from './tensor.js';

/** A model given as bytes or a Node path. */
export type OnnxSource = BytesLike | string;

/** Decoded model plus the directory external data is read from (paths only). */
export function readModel(src: OnnxSource): { model: OnnxModel; baseDir?: string } {
  if (isBytes(src)) return { model: decodeModel(toBytes(src)) };
  const bytes = readFileBytes(src, 'ONNX model');
  const p = src.startsWith('file:') ? decodeURIComponent(new URL(src).pathname) : src;
  const cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return { model: decodeModel(bytes), baseDir: cut >= 0 ? p.slice(0, cut) : '.' };
}

/** Bytes from any async source (URL, Response, bytes, or a path in Node). */
export async function fetchModelBytes(src: Source): Promise<Uint8Array> {
  return isBytes(src) ? toBytes(src) : fetchBytes(src, 'ONNX model');
}

/** One graph input or output: dims are numbers, names of symbolic dims, or null when unknown. */
export interface OnnxTensorInfo { name: string; shape: (number | string | null)[] | null; dtype: string }

/** What `getModelMetadata` returns. */
export interface OnnxMetadata {
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  opset: number | undefined;
  irVersion: number;
  producer: string;
  /** Ops used, with counts, in first-use order. */
  ops: Record<string, number>;
}

const info = (v: OnnxValueInfo): OnnxTensorInfo => ({
  name: v.name,
  shape: v.shape ? v.shape.map((d) => (d.value !== undefined ? d.value : d.param !== undefined && d.param !== '' ? d.param : null)) : null,
  dtype: dtypeName(v.elemType),
});

/** Metadata of a decoded model. */
export function modelMetadata(m: OnnxModel): OnnxMetadata {
  const inits = new Set(m.graph.initializer.map((t) => t.name));
  const ops: Record<string, number> = {};
  for (const n of m.graph.node) { const k = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType; ops[k] = (ops[k] ?? 0) + 1; }
  return {
    inputs: m.graph.input.filter((v) => !inits.has(v.name)).map(info),
    outputs: m.graph.output.map(info),
    opset: opsetOf(m),
    irVersion: m.irVersion,
    producer: [m.producerName, m.producerVersion].filter(Boolean).join(' '),
    ops,
  };
}

/**
 * Input and output names, shapes (symbolic dims as their names) and dtypes of an ONNX model
 * (MXNet's `mx.contrib.onnx.get_model_metadata`). Initializers listed as inputs are left out.
 * @example mx.onnx.getModelMetadata('resnet18.onnx').inputs // [{ name: 'input', shape: ['N', 3, 224, 224], dtype: 'float32' }]
 */
export function getModelMetadata(source: OnnxSource): OnnxMetadata {
  return modelMetadata(readModel(source).model);
}

/**
 * `getModelMetadata` for a URL, a Response or bytes (browsers, edge).
 * @example await mx.onnx.getModelMetadataAsync('/models/mlp.onnx')
 */
export async function getModelMetadataAsync(source: Source): Promise<OnnxMetadata> {
  return modelMetadata(decodeModel(await fetchModelBytes(source)));
}
