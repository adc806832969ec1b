/**
 * Writes ONNX ModelProto bytes from a plain description (the exporter's back end; tests write their
 * ONNX graphs with it too). Initializers go out as raw_data (little-endian), not as graph inputs.
 */
import { WireWriter } from './wire.js';
import { DT } from './tensor.js';
import { MxError } from '../errors.js';

/** Attribute values: a number is an INT, `{ f }` a FLOAT, number[] INTS, `{ floats }` FLOATS, a string STRING, `{ t }` a TENSOR, `{ g }` a GRAPH. */
export type OnnxAttrValue = number | number[] | string | { f: number } | { floats: number[] } | { t: TensorSpec } | { strings: string[] } | { g: GraphSpec };
/** A tensor to write: float32 data, or int64 / int32 / bool / float64 values given as numbers. */
export interface TensorSpec { name?: string; dims: number[]; type?: number; data: ArrayLike<number> }
export interface NodeSpec { opType: string; inputs: string[]; outputs: string[]; name?: string; domain?: string; attrs?: Record<string, OnnxAttrValue> }
/** A graph input or output; a string dim is a symbolic dimension (dim_param), null unknown. */
export interface ValueSpec { name: string; dims?: (number | string | null)[]; type?: number }
export interface GraphSpec { name?: string; nodes: NodeSpec[]; initializers?: TensorSpec[]; inputs: ValueSpec[]; outputs: ValueSpec[] }
export interface ModelSpec { graph: GraphSpec; opset?: number; irVersion?: number; producerName?: string; producerVersion?: string; docString?: string }

function rawOf(t: TensorSpec): Uint8Array {
  const type = t.type ?? DT.FLOAT, n = t.data.length;
  switch (type) {
    case DT.FLOAT: { const a = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data); return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer); }
    case DT.DOUBLE: return new Uint8Array(Float64Array.from(t.data).buffer);
    case DT.INT32: return new Uint8Array(Int32Array.from(t.data).buffer);
    case DT.INT64: { const a = new BigInt64Array(n); for (let i = 0; i < n; i++) a[i] = BigInt(Math.trunc(t.data[i])); return new Uint8Array(a.buffer); }
    case DT.BOOL: case DT.UINT8: return Uint8Array.from(t.data);
    case DT.INT8: return new Uint8Array(Int8Array.from(t.data).buffer);
    default: throw new MxError('unsupported', `encodeModel: tensor type ${type} not writable`);
  }
}

function tensor(w: WireWriter, t: TensorSpec): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type ?? DT.FLOAT);
  if (t.name) w.str(8, t.name);
  w.bytes(9, rawOf(t));
}

function attr(w: WireWriter, name: string, v: OnnxAttrValue): void {
  w.str(1, name);
  if (typeof v === 'number') w.int(20, 2).int(3, v);
  else if (typeof v === 'string') w.int(20, 3).str(4, v);
  else if (Array.isArray(v)) { w.int(20, 7); for (const x of v) w.int(8, x); }
  else if ('f' in v) w.int(20, 1).float(2, v.f);
  else if ('floats' in v) { w.int(20, 6); for (const x of v.floats) w.float(7, x); }
  else if ('strings' in v) { w.int(20, 8); for (const x of v.strings) w.str(9, x); }
  else if ('g' in v) w.int(20, 5).msg(6, (gw) => graph(gw, v.g));
  else w.int(20, 4).msg(5, (m) => tensor(m, v.t));
}

function valueInfo(w: WireWriter, v: ValueSpec): void {
  w.str(1, v.name);
  if (v.type === undefined && v.dims === undefined) return; // type left to the runtime's inference
  w.msg(2, (tp) => tp.msg(1, (tt) => {
    tt.int(1, v.type ?? DT.FLOAT);
    if (v.dims) tt.msg(2, (s) => { for (const d of v.dims!) s.msg(1, (dm) => { if (typeof d === 'number') dm.int(1, d); else if (typeof d === 'string') dm.str(2, d); }); });
  }));
}

function graph(gw: WireWriter, g: GraphSpec): void {
  for (const n of g.nodes) {
    gw.msg(1, (nw) => {
      for (const i of n.inputs) nw.str(1, i);
      for (const o of n.outputs) nw.str(2, o);
      if (n.name) nw.str(3, n.name);
      nw.str(4, n.opType);
      for (const [k, v] of Object.entries(n.attrs ?? {})) nw.msg(5, (aw) => attr(aw, k, v));
      if (n.domain) nw.str(7, n.domain);
    });
  }
  gw.str(2, g.name ?? 'graph');
  for (const t of g.initializers ?? []) gw.msg(5, (tw) => tensor(tw, t));
  for (const v of g.inputs) gw.msg(11, (vw) => valueInfo(vw, v));
  for (const v of g.outputs) gw.msg(12, (vw) => valueInfo(vw, v));
}

/**
 * ModelProto bytes (IR 8, default-domain opset 13 unless given).
 * @example encodeModel({ graph: { nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'y', dims: [1, 4] }] } })
 */
export function encodeModel(m: ModelSpec): Uint8Array {
  const w = new WireWriter();
  w.int(1, m.irVersion ?? 8);
  w.str(2, m.producerName ?? 'mxwasm');
  if (m.producerVersion) w.str(3, m.producerVersion);
  if (m.docString) w.str(6, m.docString);
  w.msg(7, (gw) => graph(gw, m.graph));
  w.msg(8, (o) => { o.str(1, ''); o.int(2, m.opset ?? 13); });
  return w.finish();
}
