/**
 * ONNX export (MXNet 1.9's `mx.onnx.export_model`): a Symbol and its parameters become ModelProto
 * bytes, opset 13 by default (9 to 21). Parameters become initializers (raw_data, not graph inputs, so
 * runtimes can fold them); the data inputs are graph inputs, optionally with a symbolic batch dim.
 */
import { ArgumentError, MxError } from '../errors.js';
import { emitGraph, readNames } from './export-graph.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { Node, NodeEntry } from '../graph/node.js';
import { isDynamic } from '../ops/registry.js';
import { DYNAMIC_EXPORTERS } from './export-dynamic.js';
import type { Symbol } from '../symbol/symbol.js';
import { encodeModel, type NodeSpec, type TensorSpec, type ValueSpec } from './encode.js';
import { EXPORTERS, type ExportCtx } from './export-ops.js';
import { ONNX_TYPE } from './tensor.js';
import type { DType } from '../runtime/dtype.js';

export interface ExportOptions {
  /** Default-domain opset to write (9 to 21); 13 unless given. */
  opset?: number;
  /** Name of a symbolic first (batch) dimension for every data input and output, e.g. 'N'. */
  dynamicBatch?: string;
  /** Graph name; default 'mxnet_converted_model' (as MXNet). */
  name?: string;
}

/** Params: a dict with optional `arg:`/`aux:` prefixes, or split `{ argParams, auxParams }`. */
export type ExportParams = Record<string, NDArray | Float32Array> | { argParams: Record<string, NDArray>; auxParams?: Record<string, NDArray> };

function flatParams(p: ExportParams): Map<string, { dims: number[]; data: Float32Array; type?: number }> {
  const out = new Map<string, { dims: number[]; data: Float32Array; type?: number }>();
  const add = (k: string, v: NDArray | Float32Array) => {
    const name = k.replace(/^(arg|aux):/, '');
    // integer parameters keep their type (float32 holds every uint8 / int8 / int32 value up to 2^24 exactly)
    if (v instanceof NDArray) out.set(name, { dims: [...v.shape], data: Float32Array.from(v.data as ArrayLike<number>), type: v.dtype === 'float32' ? undefined : ONNX_TYPE[v.dtype] });
    else out.set(name, { dims: [v.length], data: v });
  };
  if ('argParams' in p && typeof p.argParams === 'object' && !(p.argParams instanceof NDArray)) {
    const s = p as { argParams: Record<string, NDArray>; auxParams?: Record<string, NDArray> };
    for (const [k, v] of Object.entries(s.argParams)) add(k, v);
    for (const [k, v] of Object.entries(s.auxParams ?? {})) add(k, v);
  } else for (const [k, v] of Object.entries(p as Record<string, NDArray | Float32Array>)) add(k, v);
  return out;
}

const onnxType = (t: DType | undefined) => (t && t !== 'float32' ? ONNX_TYPE[t] : undefined);
/** Argument and output dtypes by type inference (none where the graph's types cannot be inferred: floats then). */
function dtypesOf(symbol: Symbol): { args: (DType | undefined)[]; outs: (DType | undefined)[] } {
  try { const t = symbol.inferType({}); return { args: t.argTypes, outs: t.outTypes }; } catch { return { args: [], outs: [] }; }
}

/**
 * ONNX bytes for a symbol and its parameters at the given input shapes.
 * @example
 * const bytes = mx.onnx.exportModel(net, { argParams, auxParams }, { data: [1, 3, 224, 224] }, { opset: 13, dynamicBatch: 'N' });
 * fs.writeFileSync('net.onnx', bytes);
 */
export function exportModel(symbol: Symbol, params: ExportParams, inputShapes: Record<string, number[]>, o: ExportOptions = {}): Uint8Array {
  const opset = o.opset ?? 13;
  if (!(opset >= 9 && opset <= 21)) throw new ArgumentError(`exportModel: opset ${opset} is outside 9 to 21`);
  const values = flatParams(params);
  const shapes: Record<string, number[]> = { ...inputShapes };
  const argNames = symbol.listArguments(), auxNames = symbol.listAuxiliaryStates();
  for (const n of [...argNames, ...auxNames]) if (!(n in shapes) && values.has(n)) shapes[n] = values.get(n)!.dims;
  const internals = symbol.getInternals();
  const inf = internals.inferShapePartial(Object.fromEntries(Object.entries(shapes).filter(([k]) => argNames.includes(k) || auxNames.includes(k))));
  const entryShape = new Map<Node, number[][]>();
  internals.outputs.forEach((e, i) => { const s = inf.outShapes[i]; if (!s) return; const l = entryShape.get(e.node) ?? []; l[e.index] = s; entryShape.set(e.node, l); });
  const origOf = new Map<Node, Node>();
  const nodes: NodeSpec[] = [], inits: TensorSpec[] = [], inputs: ValueSpec[] = [];
  const used = new Set<string>();
  const labels = new Set<string>();
  for (const n of symbol.nodes()) {
    if (!n.def) continue;
    const names = n.def.inputs(n.attrs);
    n.inputs.forEach((e, k) => { if (names[k] === 'label' && e.node.op === 'null') labels.add(e.node.name); });
  }
  const fresh = (base: string) => { let s = base, i = 1; while (used.has(s)) s = `${base}_${i++}`; used.add(s); return s; };
  // one ONNX name per node (old MXNet files may repeat node names: later ones get a suffix)
  const nodeName = new Map<Node, string>();
  for (const n of symbol.nodes()) nodeName.set(n, fresh(n.name));
  const tensorName = (e: NodeEntry) => { const b = nodeName.get(e.node) ?? e.node.name; return e.node.op === 'null' || e.index === 0 ? b : `${b}${e.index}`; };
  const batchDim = (s: number[]): (number | string)[] => (o.dynamicBatch ? [o.dynamicBatch, ...s.slice(1)] : s);
  // declared dtypes of the data inputs and the outputs (integer inputs, Cast-to-int outputs); float32 is left implicit
  const types = dtypesOf(symbol);
  for (const n of symbol.nodes()) {
    if (n.op !== 'null') continue;
    if (labels.has(n.name)) continue;
    const v = values.get(n.name);
    if (v && !(n.name in inputShapes)) { inits.push({ name: n.name, dims: v.dims, data: v.data, type: v.type }); continue; }
    const s = shapes[n.name];
    if (!s) throw new ArgumentError(`exportModel: no shape for input '${n.name}' and no parameter value`, { input: n.name });
    inputs.push({ name: n.name, dims: batchDim(s), type: onnxType(types.args[argNames.indexOf(n.name)]) });
  }
  const ctx: ExportCtx = {
    opset,
    shape: (e) => entryShape.get(origOf.get(e.node) ?? e.node)?.[e.index],
    name: tensorName,
    fresh,
    node: (opType, ins, outs, attrs) => { nodes.push({ opType, inputs: ins, outputs: outs, name: fresh(`${outs[0]}_node`), attrs }); },
    init: (base, dims, data, type) => { const name = fresh(base); inits.push({ name, dims, data, type }); return name; },
    param: (name) => values.get(name)?.data,
    setParam: (name, data) => { const t = inits.find((x) => x.name === name); if (t) t.data = data; },
    emit: (outs, sh, vn, into) => emitGraph({ opset, fresh, inits, values }, outs, sh, vn, into ?? nodes),
  };
  for (const n of symbol.nodes()) {
    if (n.op === 'null') continue;
    const f = EXPORTERS[n.op] ?? EXPORTERS[n.def?.name ?? ''] ?? DYNAMIC_EXPORTERS[n.def?.name ?? ''];
    if (!f) throw new MxError('unsupported', `exportModel: operator ${n.op} (node ${n.name}) has no ONNX mapping`, { op: n.op, node: n.name });
    const copy = { ...n, name: nodeName.get(n)! };
    origOf.set(copy, n);
    f(ctx, copy);
  }
  // entries after an op with a data-dependent shape have no static shape to declare (inference saw upper bounds)
  const dyn = new Set<Node>();
  for (const n of symbol.nodes()) if (isDynamic(n.def) || n.inputs.some((e) => dyn.has(e.node))) dyn.add(n);
  const outputs: ValueSpec[] = symbol.outputs.map((e, i) => {
    const want = symbol.listOutputs()[i].replace(/_output$/, '');
    const src = tensorName(e), s = dyn.has(e.node) ? undefined : ctx.shape(e);
    let name = src;
    if (want !== src || inputs.some((x) => x.name === src)) { name = fresh(want === src ? `${want}_out` : want); ctx.node('Identity', [src], [name]); }
    return { name, dims: s ? batchDim(s) : undefined, type: onnxType(types.outs[i]) };
  });
  // initializers no node reads (e.g. the RNN op's packed parameters, re-laid out per layer) are left out
  const read = new Set([...readNames(nodes), ...outputs.map((x) => x.name)]); // a Loop / If body reads outer names
  const kept = inits.filter((t) => read.has(t.name!));
  return encodeModel({ opset, irVersion: opset >= 21 ? 10 : opset >= 19 ? 9 : 8, producerName: 'mxwasm', producerVersion: '0.1.0',
    graph: { name: o.name ?? 'mxnet_converted_model', nodes, initializers: kept, inputs, outputs } });
}
