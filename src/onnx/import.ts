/**
 * ONNX import (MXNet's `mx.contrib.onnx.import_model`): a ModelProto becomes a Symbol over mxwasm
 * ops plus `argParams` / `auxParams`. Initializers become parameters; constant subgraphs fold at
 * import; every other node maps onto registered ops or fails with an MxError naming the node, the
 * op and the opset.
 */
import { FormatError, MxError } from '../errors.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { Variable, Group, createOp } from '../symbol/create.js';
import type { Symbol } from '../symbol/symbol.js';
import type { Source } from '../format/fs.js';
import { NodeCtx, unsupported, type ImportState, type Val } from './context.js';
import { tryFold } from './fold.js';
import { NN_MAP, type Mapper } from './ops-nn.js';
import { TENSOR_MAP } from './ops-tensor.js';
import { MATH_MAP } from './ops-math.js';
import { RNN_MAP } from './ops-rnn.js';
import { RESIZE_MAP } from './ops-resize.js';
import { INDEX_MAP } from './ops-index.js';
import { EINSUM_MAP } from './ops-einsum.js';
import { QUANT_MAP } from './ops-quant.js';
import { QLINEAR_MAP } from './ops-qlinear.js';
import { MORE_MAP } from './ops-more.js';
import { makeConst } from './shapes.js';
import { decodeModel, opsetOf, type OnnxGraph, type OnnxModel, type OnnxNode } from './proto.js';
import { CONTROL } from './control.js';
import { DYNAMIC_MAP, substituteDynamic } from './dynamic.js';
import { fetchModelBytes, modelMetadata, readModel, type OnnxMetadata, type OnnxSource } from './source.js';
import { DT, memDType, tensorValues } from './tensor.js';

const MAP: Record<string, Mapper> = { ...NN_MAP, ...TENSOR_MAP, ...MATH_MAP, ...RNN_MAP, ...RESIZE_MAP, ...INDEX_MAP, ...EINSUM_MAP, ...QUANT_MAP, ...QLINEAR_MAP, ...MORE_MAP, ...DYNAMIC_MAP };

/** What `importModel` returns (MXNet's `sym, arg_params, aux_params`, plus the model's metadata). */
export interface ImportedModel {
  symbol: Symbol;
  argParams: Record<string, NDArray>;
  auxParams: Record<string, NDArray>;
  /** Graph inputs (data, not initializers) with their ONNX shapes (symbolic dims as names). */
  metadata: OnnxMetadata;
  /** Input shapes with the first symbolic dim at 1 (others at 5, 7, 11, 13): a ready `inputShapes` for the Predictor. */
  inputShapes: Record<string, number[]>;
}

/** Ops this importer maps (default domain). @example supportedOps().includes('Conv') */
export function supportedOps(): string[] {
  return [...new Set([...Object.keys(MAP), ...Object.keys(CONTROL), 'Constant', 'Shape', 'Size', 'ConstantOfShape', 'Range'])].sort();
}

function constantNode(c: NodeCtx): Val {
  const t = c.t('value');
  if (t) return { c: t };
  const f = c.floats('value_floats'), i = c.ints('value_ints');
  if (c.hasAttr('value_float')) return { c: makeConst([], DT.FLOAT, [c.f('value_float', 0)]) };
  if (c.hasAttr('value_int')) return { c: makeConst([], DT.INT64, [c.i('value_int', 0)]) };
  if (f) return { c: makeConst([f.length], DT.FLOAT, f) };
  if (i) return { c: makeConst([i.length], DT.INT64, i) };
  throw c.fail('only value, value_float(s) and value_int(s) constants are supported');
}

/** Maps nodes in order into st.values (control flow maps its subgraphs through here too). */
function runNodes(st: ImportState, nodes: OnnxNode[]): void {
  for (const n of nodes) {
    if (n.domain && n.domain !== 'ai.onnx') throw unsupported(n, st.opset, `domain '${n.domain}' is not supported (default domain only)`);
    const c = new NodeCtx(st, n);
    let outs: Val[] | undefined;
    if (n.opType === 'Constant') outs = [constantNode(c)];
    else if (CONTROL[n.opType]) outs = CONTROL[n.opType](c, (sub, bind) => runGraph(st, sub, bind));
    else outs = tryFold(c);
    if (!outs) {
      const f = MAP[n.opType];
      if (!f) throw unsupported(n, st.opset, 'operator not supported by the mxwasm importer');
      const r = f(c);
      outs = (Array.isArray(r) ? r : [r]).map((s) => ({ s }));
    }
    n.output.forEach((o, k) => { if (o && outs![k]) st.values.set(o, outs![k]); });
  }
}

/** A subgraph mapped in its own scope (the outer values visible, its own names dropped after): its outputs. */
function runGraph(st: ImportState, g: OnnxGraph, bind: Val[]): Val[] {
  const outer = st.values;
  st.values = new Map(outer);
  try {
    g.input.forEach((v, k) => { if (bind[k]) st.values.set(v.name, bind[k]); });
    for (const t of g.initializer) st.values.set(t.name, { c: tensorValues(t, st.baseDir) });
    runNodes(st, g.node);
    return g.output.map((o) => {
      const v = st.values.get(o.name);
      if (!v) throw new FormatError(`ONNX subgraph '${g.name}': output '${o.name}' is not produced by any node`);
      return v;
    });
  } finally {
    st.values = outer;
  }
}

/** Builds the Symbol and params from a decoded model. */
export function importDecoded(m: OnnxModel, baseDir?: string): ImportedModel {
  const opset = opsetOf(m);
  const g = m.graph;
  if (opset === undefined && g.node.some((n) => !n.domain || n.domain === 'ai.onnx')) throw new FormatError('ONNX model: no opset_import for the default domain');
  const st: ImportState = {
    opset: opset ?? 21, values: new Map(), argParams: {}, auxParams: {}, shapes1: {}, shapes2: {}, used: new Set(), baseDir, shapeCache: new WeakMap(),
  };
  if ((opset ?? 21) < 7 || (opset ?? 21) > 21) throw new MxError('unsupported', `ONNX model: opset ${opset} is outside the supported range 7 to 21`, { opset });
  const owned: NDArray[] = [];
  try {
    const inits = new Set<string>();
    for (const t of g.initializer) {
      if (!t.name) throw new FormatError('ONNX model: an initializer has no name');
      st.values.set(t.name, { c: tensorValues(t, baseDir) });
      inits.add(t.name);
    }
    if (g.sparseInitializer) throw new MxError('unsupported', 'ONNX model: sparse initializers are not supported');
    const inputShapes: Record<string, number[]> = {};
    const fresh = (base: string) => { let n = base, i = 1; while (st.used.has(n)) n = `${base}_${i++}`; st.used.add(n); return n; };
    // Symbolic dims: the first (the batch, as a rule) at 1 and 2, every other distinct one at its own pair of
    // sizes, so that inference at the two settings tells which shape values follow which symbolic dim.
    const SYM1 = [1, 5, 7, 11, 13], SYM2 = [2, 17, 19, 23, 29], symIdx = new Map<string, number>();
    let anon = 0;
    const symOf = (param: string | undefined) => {
      const key = param || `?${anon++}`;
      if (!symIdx.has(key)) symIdx.set(key, Math.min(symIdx.size, SYM1.length - 1));
      return symIdx.get(key)!;
    };
    for (const v of g.input) {
      if (inits.has(v.name)) continue; // an initializer with a default: kept as a constant
      if (!v.name) throw new FormatError('ONNX model: a graph input has no name');
      if (!v.shape) throw new MxError('unsupported', `ONNX input '${v.name}': no shape given; mxwasm needs the rank at import`, { input: v.name });
      const sym = v.shape.map((d) => (d.value !== undefined && d.value > 0 ? -1 : symOf(d.param)));
      const s1 = v.shape.map((d, k) => (sym[k] < 0 ? d.value! : SYM1[sym[k]]));
      const s2 = v.shape.map((d, k) => (sym[k] < 0 ? d.value! : SYM2[sym[k]]));
      st.shapes1[v.name] = s1; st.shapes2[v.name] = s2; inputShapes[v.name] = s1;
      st.used.add(v.name);
      // an integer or bool input lives in its own dtype (Int32Array token ids, uint8 images) and is cast once for the float ops
      const dt = memDType(v.elemType), x = Variable(v.name, dt === 'float32' ? {} : { dtype: dt });
      st.values.set(v.name, { s: dt === 'float32' ? x : createOp('Cast', [x], { dtype: 'float32', name: fresh(`${v.name}_float`) }) });
    }
    runNodes(st, g.node);
    const heads: Symbol[] = g.output.map((o) => {
      const v = st.values.get(o.name);
      if (!v) throw new FormatError(`ONNX model: graph output '${o.name}' is not produced by any node`);
      let s = v.s;
      if (!s) { // a constant output: a parameter passed through identity so it is an op output
        const p = new NodeCtx(st, { input: [o.name], output: [o.name], name: `${o.name}_const`, opType: 'Identity', domain: '', attribute: [] });
        s = p.mx('identity', [p.sym(0)]);
      }
      // the declared dtype at the output (values inside are float32 holding the integers: Cast truncates exactly)
      const dt = memDType(o.elemType);
      return dt === 'float32' ? s : createOp('Cast', [s], { dtype: dt, name: fresh(`${o.name}_${o.elemType === DT.INT64 ? 'int64' : o.elemType === DT.BOOL ? 'bool' : dt}`) });
    });
    if (!heads.length) throw new FormatError('ONNX model: the graph has no outputs');
    const symbol = substituteDynamic(st, heads.length === 1 ? heads[0] : Group(heads));
    // parameters no output reads (folded into constants) are dropped
    const args = new Set(symbol.listArguments()), aux = new Set(symbol.listAuxiliaryStates());
    for (const [k, a] of Object.entries(st.argParams)) if (!args.has(k)) { a.dispose(); delete st.argParams[k]; }
    for (const [k, a] of Object.entries(st.auxParams)) if (!aux.has(k)) { a.dispose(); delete st.auxParams[k]; }
    const meta = modelMetadata(m);
    return { symbol, argParams: st.argParams, auxParams: st.auxParams, metadata: meta, inputShapes: Object.fromEntries(Object.entries(inputShapes).filter(([k]) => args.has(k))) };
  } catch (e) {
    for (const a of [...Object.values(st.argParams), ...Object.values(st.auxParams), ...owned]) a.dispose();
    if (e instanceof MxError) throw e;
    throw new FormatError(`ONNX import failed: ${(e as Error).message}`);
  }
}

/**
 * Imports an ONNX model (bytes or a Node path) as `{ symbol, argParams, auxParams }`, ready for
 * `sym.bind`, a Module or a Predictor.
 * @example
 * const { symbol, argParams, auxParams, inputShapes } = mx.onnx.importModel('resnet18.onnx');
 * const p = mx.Predictor.load({ symbol, params: { argParams, auxParams }, inputShapes });
 */
export function importModel(source: OnnxSource): ImportedModel {
  const { model, baseDir } = readModel(source);
  return importDecoded(model, baseDir);
}

/**
 * `importModel` from a URL, a Response or bytes (browsers, edge runtimes).
 * @example const m = await mx.onnx.importModelAsync('/models/mobilenetv2.onnx');
 */
export async function importModelAsync(source: Source): Promise<ImportedModel> {
  if (typeof source === 'string' && !/^(https?|blob|data):/i.test(source)) {
    try { return importModel(source); } catch (e) { if (!(e instanceof MxError && e.kind === 'unsupported' && /need Node/.test(e.message))) throw e; }
  }
  return importDecoded(decodeModel(await fetchModelBytes(source)));
}
