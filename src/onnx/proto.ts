/**
 * ONNX messages (onnx.proto, field numbers in ../shared/reference/onnx/ONNX.md §1) decoded from
 * untrusted bytes into plain objects. Unknown fields are skipped, as protobuf requires; nesting
 * (subgraphs in attributes) is limited in depth.
 */
import { FormatError } from '../errors.js';
import { toBytes, type BytesLike } from '../format/reader.js';
import { LEN, VARINT, I32, WireReader } from './wire.js';

export interface OnnxDim { value?: number; param?: string }
export interface OnnxValueInfo { name: string; elemType: number; shape?: OnnxDim[] }
export interface OnnxTensor {
  name: string; dims: number[]; dataType: number;
  floatData: number[]; int32Data: number[]; int64Data: number[]; doubleData: number[]; uint64Data: number[];
  stringData: Uint8Array[]; rawData?: Uint8Array; dataLocation: number; externalData: Record<string, string>;
}
export interface OnnxAttribute {
  name: string; type: number; f?: number; i?: number; s?: Uint8Array; t?: OnnxTensor; g?: OnnxGraph;
  floats: number[]; ints: number[]; strings: Uint8Array[]; tensors: OnnxTensor[]; graphs: OnnxGraph[]; refAttrName?: string;
}
export interface OnnxNode { input: string[]; output: string[]; name: string; opType: string; domain: string; attribute: OnnxAttribute[] }
export interface OnnxGraph {
  name: string; node: OnnxNode[]; initializer: OnnxTensor[]; sparseInitializer: number;
  input: OnnxValueInfo[]; output: OnnxValueInfo[]; valueInfo: OnnxValueInfo[]; docString: string;
}
export interface OnnxOpset { domain: string; version: number }
export interface OnnxModel {
  irVersion: number; producerName: string; producerVersion: string; domain: string; modelVersion: number; docString: string;
  graph: OnnxGraph; opsetImport: OnnxOpset[]; metadataProps: Record<string, string>; functions: number;
}

const MAX_DEPTH = 16;

function stringEntry(r: WireReader): [string, string] {
  let k = '', v = '';
  while (r.more()) {
    const [f, w] = r.key();
    if (f === 1 && w === LEN) k = r.string('key');
    else if (f === 2 && w === LEN) v = r.string('value');
    else r.skip(w);
  }
  return [k, v];
}

function dim(r: WireReader): OnnxDim {
  const d: OnnxDim = {};
  while (r.more()) {
    const [f, w] = r.key();
    if (f === 1 && w === VARINT) d.value = r.varint('dim_value');
    else if (f === 2 && w === LEN) d.param = r.string('dim_param');
    else r.skip(w);
  }
  return d;
}

function valueInfo(r: WireReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0 };
  while (r.more()) {
    const [f, w] = r.key();
    if (f === 1 && w === LEN) v.name = r.string('name');
    else if (f === 2 && w === LEN) {
      const t = r.sub('TypeProto');
      while (t.more()) {
        const [tf, tw] = t.key();
        if (tf === 1 && tw === LEN) {
          const tt = t.sub('TypeProto.Tensor');
          while (tt.more()) {
            const [xf, xw] = tt.key();
            if (xf === 1 && xw === VARINT) v.elemType = tt.varint('elem_type');
            else if (xf === 2 && xw === LEN) {
              const s = tt.sub('TensorShapeProto');
              v.shape = [];
              while (s.more()) { const [sf, sw] = s.key(); if (sf === 1 && sw === LEN) v.shape.push(dim(s.sub('Dimension'))); else s.skip(sw); }
            } else tt.skip(xw);
          }
        } else t.skip(tw);
      }
    } else r.skip(w);
  }
  return v;
}

function tensor(r: WireReader): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0, floatData: [], int32Data: [], int64Data: [], doubleData: [], uint64Data: [], stringData: [], dataLocation: 0, externalData: {} };
  while (r.more()) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.repeated(w, 'varint', 'dims', t.dims); break;
      case 2: if (w !== VARINT) r.fail('bad data_type'); t.dataType = r.varint('data_type'); break;
      case 4: r.repeated(w, 'f32', 'float_data', t.floatData); break;
      case 5: r.repeated(w, 'varint', 'int32_data', t.int32Data); break;
      case 6: if (w !== LEN) r.fail('bad string_data'); t.stringData.push(r.bytesField('string_data')); break;
      case 7: r.repeated(w, 'varint', 'int64_data', t.int64Data); break;
      case 8: if (w !== LEN) r.fail('bad name'); t.name = r.string('name'); break;
      case 9: if (w !== LEN) r.fail('bad raw_data'); t.rawData = r.bytesField('raw_data'); break;
      case 10: r.repeated(w, 'f64', 'double_data', t.doubleData); break;
      case 11: r.repeated(w, 'varint', 'uint64_data', t.uint64Data); break;
      case 13: { if (w !== LEN) r.fail('bad external_data'); const [k, v] = stringEntry(r.sub('StringStringEntryProto')); t.externalData[k] = v; break; }
      case 14: if (w !== VARINT) r.fail('bad data_location'); t.dataLocation = r.varint('data_location'); break;
      default: r.skip(w);
    }
  }
  return t;
}

function attribute(r: WireReader, depth: number): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0, floats: [], ints: [], strings: [], tensors: [], graphs: [] };
  while (r.more()) {
    const [f, w] = r.key();
    switch (f) {
      case 1: if (w !== LEN) r.fail('bad attribute name'); a.name = r.string('name'); break;
      case 2: if (w !== I32) r.fail('bad attribute f'); a.f = r.f32('f'); break;
      case 3: if (w !== VARINT) r.fail('bad attribute i'); a.i = r.varint('i'); break;
      case 4: if (w !== LEN) r.fail('bad attribute s'); a.s = r.bytesField('s'); break;
      case 5: if (w !== LEN) r.fail('bad attribute t'); a.t = tensor(r.sub('TensorProto')); break;
      case 6: if (w !== LEN) r.fail('bad attribute g'); a.g = graph(r.sub('GraphProto'), depth + 1); break;
      case 7: r.repeated(w, 'f32', 'floats', a.floats); break;
      case 8: r.repeated(w, 'varint', 'ints', a.ints); break;
      case 9: if (w !== LEN) r.fail('bad attribute strings'); a.strings.push(r.bytesField('strings')); break;
      case 10: if (w !== LEN) r.fail('bad attribute tensors'); a.tensors.push(tensor(r.sub('TensorProto'))); break;
      case 11: if (w !== LEN) r.fail('bad attribute graphs'); a.graphs.push(graph(r.sub('GraphProto'), depth + 1)); break;
      case 20: if (w !== VARINT) r.fail('bad attribute type'); a.type = r.varint('type'); break;
      case 21: if (w !== LEN) r.fail('bad ref_attr_name'); a.refAttrName = r.string('ref_attr_name'); break;
      default: r.skip(w);
    }
  }
  return a;
}

function node(r: WireReader, depth: number): OnnxNode {
  const n: OnnxNode = { input: [], output: [], name: '', opType: '', domain: '', attribute: [] };
  while (r.more()) {
    const [f, w] = r.key();
    if (w !== LEN) { r.skip(w); continue; }
    if (f === 1) n.input.push(r.string('input'));
    else if (f === 2) n.output.push(r.string('output'));
    else if (f === 3) n.name = r.string('name');
    else if (f === 4) n.opType = r.string('op_type');
    else if (f === 5) n.attribute.push(attribute(r.sub('AttributeProto'), depth));
    else if (f === 7) n.domain = r.string('domain');
    else r.skip(w);
  }
  return n;
}

function graph(r: WireReader, depth: number): OnnxGraph {
  if (depth > MAX_DEPTH) r.fail(`subgraphs nested deeper than ${MAX_DEPTH}`);
  const g: OnnxGraph = { name: '', node: [], initializer: [], sparseInitializer: 0, input: [], output: [], valueInfo: [], docString: '' };
  while (r.more()) {
    const [f, w] = r.key();
    if (w !== LEN) { r.skip(w); continue; }
    switch (f) {
      case 1: g.node.push(node(r.sub('NodeProto'), depth)); break;
      case 2: g.name = r.string('name'); break;
      case 5: g.initializer.push(tensor(r.sub('TensorProto'))); break;
      case 10: g.docString = r.string('doc_string'); break;
      case 11: g.input.push(valueInfo(r.sub('ValueInfoProto'))); break;
      case 12: g.output.push(valueInfo(r.sub('ValueInfoProto'))); break;
      case 13: g.valueInfo.push(valueInfo(r.sub('ValueInfoProto'))); break;
      case 15: g.sparseInitializer++; r.skip(w); break;
      default: r.skip(w);
    }
  }
  return g;
}

/**
 * Decodes an ONNX ModelProto. Malformed or truncated bytes give a FormatError.
 * @example const m = decodeModel(bytes); m.graph.node.length
 */
export function decodeModel(src: BytesLike): OnnxModel {
  const bytes = toBytes(src);
  if (bytes.length === 0) throw new FormatError('ONNX model: empty file');
  const r = new WireReader(bytes, 'ModelProto');
  const m: OnnxModel = { irVersion: 0, producerName: '', producerVersion: '', domain: '', modelVersion: 0, docString: '', graph: undefined as never, opsetImport: [], metadataProps: {}, functions: 0 };
  while (r.more()) {
    const [f, w] = r.key();
    if (f === 1 && w === VARINT) m.irVersion = r.varint('ir_version');
    else if (f === 5 && w === VARINT) m.modelVersion = r.varint('model_version');
    else if (w !== LEN) r.skip(w);
    else if (f === 2) m.producerName = r.string('producer_name');
    else if (f === 3) m.producerVersion = r.string('producer_version');
    else if (f === 4) m.domain = r.string('domain');
    else if (f === 6) m.docString = r.string('doc_string');
    else if (f === 7) m.graph = graph(r.sub('GraphProto'), 0);
    else if (f === 8) {
      const o = r.sub('OperatorSetIdProto'), op: OnnxOpset = { domain: '', version: 0 };
      while (o.more()) { const [of, ow] = o.key(); if (of === 1 && ow === LEN) op.domain = o.string('domain'); else if (of === 2 && ow === VARINT) op.version = o.varint('version'); else o.skip(ow); }
      m.opsetImport.push(op);
    } else if (f === 14) { const [k, v] = stringEntry(r.sub('StringStringEntryProto')); m.metadataProps[k] = v; }
    else if (f === 25) { m.functions++; r.skip(w); }
    else r.skip(w);
  }
  if (!m.graph) throw new FormatError('ONNX model: no graph (is this an ONNX ModelProto file?)');
  if (m.irVersion < 1 || m.irVersion > 13) throw new FormatError(`ONNX model: ir_version ${m.irVersion} is not one this reader knows (1 to 13)`);
  return m;
}

/** Opset of a domain ('' and 'ai.onnx' are the default set). @example opsetOf(m, '') === 13 */
export function opsetOf(m: OnnxModel, domain = ''): number | undefined {
  const d = domain === 'ai.onnx' ? '' : domain;
  return m.opsetImport.find((o) => (o.domain === 'ai.onnx' ? '' : o.domain) === d)?.version;
}
