/**
 * An inference service object (MXNet's c_predict_api `MXPredCreate`/`MXPredForward`, for JS): loads
 * a symbol and params once, binds without gradients (inference fusion, smallest memory plan), and
 * serves many `forward` calls that allocate nothing: inputs are copied into fixed arrays and the
 * outputs are views into the executor's arena, valid until the next call.
 */
import { ArgumentError, FormatError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { fromJSON } from '../symbol/json.js';
import { Symbol } from '../symbol/symbol.js';
import type { Executor } from '../executor/executor.js';
import { copyValuesIn } from '../executor/values-in.js';
import { view } from '../runtime/view.js';
import type { DType, TypedArray } from '../runtime/dtype.js';
import { fmtShape, sameShape } from '../util/shape.js';
import { isBytes, toBytes, type BytesLike } from '../format/reader.js';
import { readFileBytes, fetchBytes, inFile, type Source } from '../format/fs.js';
import * as ndIO from '../format/ndarray-io.js'; // lazy
import { splitParams, checkpointFiles } from '../format/checkpoint.js';
// Namespaces, lazy in the bundles (scripts/lazy.mjs): only a Predictor given an ONNX model loads the importer.
import * as onnxImport from '../onnx/import.js'; // lazy
import * as onnxProto from '../onnx/proto.js'; // lazy

/** Variables read as the `label` input of loss heads (SoftmaxOutput ...): inference leaves them zero. */
function labelArgs(sym: Symbol): Set<string> {
  const out = new Set<string>();
  for (const n of sym.nodes()) {
    if (!n.def) continue;
    const names = n.def.inputs(n.attrs);
    n.inputs.forEach((e, k) => { if (names[k] === 'label' && e.node.op === 'null') out.add(e.node.name); });
  }
  return out;
}

/** Parameters as arrays: a `load` result (`arg:`/`aux:` keys) or split dicts. */
export type ParamArrays = Record<string, NDArray> | { argParams: Record<string, NDArray>; auxParams?: Record<string, NDArray> };

export interface PredictorOptions {
  /** Symbol: a Symbol, parsed JSON, JSON text, bytes, or a path (Node); a `.onnx` path is a whole ONNX model (no params). */
  symbol: Symbol | object | string | BytesLike;
  /** Params: arrays, bytes of a .params/.npz file, or a path (Node). Not used with ONNX models. */
  params?: ParamArrays | string | BytesLike;
  /** Shapes of the data inputs, e.g. `{ data: [1, 3, 224, 224] }`; for ONNX models, default: the model's (symbolic dims 1). */
  inputShapes?: Record<string, number[]>;
  /** Internal outputs to return instead of the heads (MXPredCreatePartialOut), e.g. `['fc1_output']`. */
  outputs?: string[];
}

/** Async options: the symbol and params may also be URLs or Responses. */
export interface PredictorAsyncOptions extends Omit<PredictorOptions, 'symbol' | 'params'> {
  symbol: Symbol | object | Source;
  params?: ParamArrays | Source;
}

type Input = NDArray | TypedArray | BigInt64Array | ArrayLike<number>;

const isParamArrays = (p: unknown): p is ParamArrays => typeof p === 'object' && p !== null && !isBytes(p) && !(p instanceof URL) && !(typeof Response !== 'undefined' && p instanceof Response);

function toSymbol(s: PredictorOptions['symbol']): Symbol {
  if (s instanceof Symbol) return s;
  if (isBytes(s)) return fromJSON(new TextDecoder().decode(toBytes(s)));
  if (typeof s === 'string' && !s.trimStart().startsWith('{')) return inFile(s, () => fromJSON(new TextDecoder().decode(readFileBytes(s, 'Predictor symbol'))));
  return fromJSON(s as string | object);
}

function toParams(p: NonNullable<PredictorOptions['params']>): { argParams: Record<string, NDArray>; auxParams: Record<string, NDArray>; owned: NDArray[] } {
  if (typeof p === 'string' || isBytes(p)) {
    const r = typeof p === 'string' ? inFile(p, () => ndIO.loadWithInfo(readFileBytes(p, 'Predictor params'))) : ndIO.loadWithInfo(p);
    if (!r.names) { r.arrays.forEach((a) => a.dispose()); throw new FormatError('Predictor params: the file holds an unnamed list; parameters need names'); }
    const dict: Record<string, NDArray> = {};
    r.names.forEach((n, i) => { dict[n] = r.arrays[i]; });
    return { ...splitParams(dict), owned: r.arrays };
  }
  if ('argParams' in p && typeof p.argParams === 'object') return { argParams: p.argParams as Record<string, NDArray>, auxParams: (p.auxParams ?? {}) as Record<string, NDArray>, owned: [] };
  return { ...splitParams(p as Record<string, NDArray>), owned: [] };
}

/**
 * Inference on a loaded model. `forward` returns output views (valid until the next forward) and
 * allocates nothing, so one Predictor serves any number of requests in constant memory.
 * @example
 * const p = mx.Predictor.load({ symbol: 'lenet-symbol.json', params: 'lenet-0001.params', inputShapes: { data: [1, 1, 28, 28] } });
 * const [probs] = p.forward(pixels); // Float32Array or NDArray of 784 values
 * console.log(probs.toArray());
 */
export class Predictor {
  readonly symbol: Symbol;
  /** Data input names (the keys of inputShapes), in order. */
  readonly inputNames: string[];
  private exe!: Executor;
  private inputs: Record<string, NDArray> = {};
  private extras: NDArray[] = [];
  private disposed = false;

  private constructor(symbol: Symbol, private argParams: Record<string, NDArray>, private auxParams: Record<string, NDArray>,
    shapes: Record<string, number[]>, private owned: NDArray[]) {
    // Private in the types, so only JavaScript gets here with other arguments (`new mx.Predictor({ symbol, ... })`).
    if (!(symbol instanceof Symbol) || typeof shapes !== 'object' || !shapes || !Array.isArray(owned)) {
      throw new ArgumentError('mx.Predictor is not constructed with new: use mx.Predictor.load({ symbol, params, inputShapes }) (or loadAsync, fromCheckpoint, fromOnnx)');
    }
    this.symbol = symbol;
    this.inputNames = Object.keys(shapes);
    if (!this.inputNames.length) throw new ArgumentError('Predictor: inputShapes must name at least one input, e.g. { data: [1, 3, 224, 224] }');
    this.bindFor(shapes);
  }

  /**
   * Builds a predictor from a symbol and params (paths in Node, bytes, parsed objects or arrays).
   * @example mx.Predictor.load({ symbol: jsonText, params: paramsBytes, inputShapes: { data: [1, 3, 224, 224] } })
   */
  static load(o: PredictorOptions): Predictor {
    if (typeof o.symbol === 'string' && /\.onnx$/i.test(o.symbol)) return Predictor.fromOnnx(o.symbol, o.inputShapes, o.outputs);
    if (isBytes(o.symbol) && !o.params) return Predictor.fromOnnx(o.symbol, o.inputShapes, o.outputs);
    if (!o.params) throw new ArgumentError('Predictor.load: params are required (except for .onnx models)');
    if (!o.inputShapes) throw new ArgumentError('Predictor.load: inputShapes are required, e.g. { data: [1, 3, 224, 224] }');
    let sym = toSymbol(o.symbol);
    if (o.outputs?.length) {
      const internals = sym.getInternals();
      sym = new Symbol(o.outputs.map((n) => internals.get(n).outputs[0]));
    }
    const { argParams, auxParams, owned } = toParams(o.params);
    try { return new Predictor(sym, argParams, auxParams, o.inputShapes, owned); } catch (e) { owned.forEach((a) => a.dispose()); throw e; }
  }

  /**
   * An ONNX model (bytes or a Node path) imported with `mx.onnx.importModel`; input shapes default to
   * the model's, with symbolic (batch) dims at 1 (`reshape` re-binds for others).
   * @example const p = mx.Predictor.fromOnnx('mobilenetv2.onnx', { input: [1, 3, 224, 224] });
   */
  static fromOnnx(source: string | BytesLike, inputShapes?: Record<string, number[]>, outputs?: string[]): Predictor {
    const m = typeof source === 'string' ? onnxImport.importModel(source) : onnxImport.importDecoded(onnxProto.decodeModel(source));
    const owned = [...Object.values(m.argParams), ...Object.values(m.auxParams)];
    let sym = m.symbol;
    if (outputs?.length) { const internals = sym.getInternals(); sym = new Symbol(outputs.map((n) => internals.get(n).outputs[0])); }
    try { return new Predictor(sym, m.argParams, m.auxParams, { ...m.inputShapes, ...(inputShapes ?? {}) }, owned); } catch (e) { owned.forEach((a) => a.dispose()); throw e; }
  }

  /**
   * `load` where the symbol and params may be URLs or Responses (browsers, edge runtimes).
   * @example await mx.Predictor.loadAsync({ symbol: '/m/lenet-symbol.json', params: '/m/lenet-0001.params', inputShapes: { data: [1, 1, 28, 28] } })
   */
  static async loadAsync(o: PredictorAsyncOptions): Promise<Predictor> {
    if ((typeof o.symbol === 'string' || o.symbol instanceof URL) && /\.onnx$/i.test(String(o.symbol)) && !o.params) {
      return Predictor.fromOnnx(await fetchBytes(o.symbol, 'ONNX model'), o.inputShapes, o.outputs);
    }
    const symbol = o.symbol instanceof Symbol ||
      (typeof o.symbol === 'object' && !isBytes(o.symbol) && !(o.symbol instanceof URL) && !(typeof Response !== 'undefined' && o.symbol instanceof Response))
      ? o.symbol as Symbol | object
      : typeof o.symbol === 'string' && o.symbol.trimStart().startsWith('{') ? o.symbol : await fetchBytes(o.symbol as Source, 'Predictor symbol');
    const params = isParamArrays(o.params) ? o.params : await fetchBytes(o.params as Source, 'Predictor params');
    return Predictor.load({ ...o, symbol: symbol as PredictorOptions['symbol'], params });
  }

  /**
   * From a checkpoint prefix and epoch (Node file system).
   * @example mx.Predictor.fromCheckpoint('models/lenet', 1, { data: [1, 1, 28, 28] })
   */
  static fromCheckpoint(prefix: string, epoch: number, inputShapes: Record<string, number[]>): Predictor {
    const f = checkpointFiles(prefix, epoch);
    return Predictor.load({ symbol: f.symbol, params: f.params, inputShapes });
  }

  private bindFor(shapes: Record<string, number[]>): void {
    const sym = this.symbol;
    const argNames = sym.listArguments(), auxNames = sym.listAuxiliaryStates();
    for (const n of Object.keys(shapes)) if (!argNames.includes(n)) throw new ArgumentError(`Predictor: '${n}' is not an input of the symbol (arguments: ${argNames.join(', ')})`);
    const inf = sym.inferShapePartial(shapes);
    const labels = labelArgs(sym);
    const missing = [...argNames.filter((n, i) => !(n in shapes) && !this.argParams[n] && !(labels.has(n) && inf.argShapes[i])),
      ...auxNames.filter((n) => !this.auxParams[n])];
    if (missing.length) throw new ArgumentError(`Predictor: no parameter values for ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`, { missing });
    const args: Record<string, NDArray> = {}, aux: Record<string, NDArray> = {};
    const inputs: Record<string, NDArray> = {}, extras: NDArray[] = [];
    const types = sym.inferType({}).argTypes; // integer inputs (ONNX int64 ids, uint8 images) keep their dtype
    const fresh = (s: number[], into: NDArray[], i: number) => { const a = NDArray.empty([...s], types[i] ?? 'float32'); a.data.fill(0); into.push(a); return a; };
    try {
      argNames.forEach((n, i) => {
        const s = inf.argShapes[i];
        if (n in shapes) { args[n] = inputs[n] = fresh(shapes[n], extras, i); return; }
        const p = this.argParams[n];
        if (!p) { args[n] = fresh(s!, extras, i); return; } // labels of loss heads: zeros, never read in inference
        if (s && !sameShape(s, p.shape)) throw new ShapeError(`Predictor: parameter '${n}' has shape ${fmtShape(p.shape)}, the symbol needs ${fmtShape(s)} for these input shapes`, { arg: n });
        args[n] = p;
      });
      auxNames.forEach((n, i) => {
        const s = inf.auxShapes[i], p = this.auxParams[n];
        if (s && !sameShape(s, p.shape)) throw new ShapeError(`Predictor: aux state '${n}' has shape ${fmtShape(p.shape)}, the symbol needs ${fmtShape(s)}`, { aux: n });
        aux[n] = p;
      });
      this.exe = sym.bind({ args, auxStates: aux, gradReq: 'null' });
    } catch (e) { extras.forEach((a) => a.dispose()); throw e; }
    this.inputs = inputs;
    this.extras = extras;
  }

  /** Output names (`softmax_output`, ...). @example p.outputNames */
  get outputNames(): string[] { return this.symbol.listOutputs(); }
  /** Current input shapes. @example p.inputShapes.data */
  get inputShapes(): Record<string, number[]> { return Object.fromEntries(Object.entries(this.inputs).map(([k, v]) => [k, [...v.shape]])); }
  /** Input dtypes: float32, or int32 / uint8 / int8 for integer inputs (ONNX int64 and bool inputs among them). @example p.inputDTypes.ids // 'int32' */
  get inputDTypes(): Record<string, DType> { return Object.fromEntries(Object.entries(this.inputs).map(([k, v]) => [k, v.dtype])); }
  /** Output shapes. @example p.outputShapes[0] // [1, 10] */
  get outputShapes(): number[][] { return this.exe.outputs.map((o) => [...o.shape]); }
  /** The output arrays of the last forward (views, valid until the next). @example p.outputs[0].toArray() */
  get outputs(): NDArray[] { return this.exe.outputs; }
  /** Memory of the bound plan (arena bytes vs a naive layout). @example p.memory.arenaBytes */
  get memory(): { arenaBytes: number; naiveBytes: number; inplace: number } { return this.exe.memory; }

  /**
   * Runs inference. One input: pass its values (NDArray, typed array or number array); several:
   * `{ name: values }`. Returns the outputs as views (copy them to keep them past the next call).
   * @example const [out] = p.forward(new Float32Array(784)); out.toArray()
   */
  forward(input: Input | Record<string, Input>): NDArray[] {
    if (this.disposed) throw new ArgumentError('use of a disposed Predictor');
    const single = input instanceof NDArray || ArrayBuffer.isView(input) || Array.isArray(input);
    if (single && this.inputNames.length > 1) throw new ArgumentError(`Predictor.forward: the model has inputs ${this.inputNames.join(', ')}; pass { name: values }`);
    if (!single && (typeof input !== 'object' || input === null))
      throw new ArgumentError(`Predictor.forward: input must be an NDArray, a typed array, an array of numbers or { name: values }, got ${input === null ? 'null' : typeof input}`, { arg: 'input' });
    const named = (single ? { [this.inputNames[0]]: input } : input) as Record<string, Input>;
    for (const n of this.inputNames) if (!(n in named)) throw new ArgumentError(`Predictor.forward: missing input '${n}' (inputs: ${this.inputNames.join(', ')})`);
    for (const [k, v] of Object.entries(named)) {
      const dst = this.inputs[k];
      if (!dst) throw new ArgumentError(`Predictor.forward: unknown input '${k}' (inputs: ${this.inputNames.join(', ')})`);
      if (v instanceof NDArray && v.isDisposed) throw new ArgumentError(`Predictor.forward: '${k}' is a disposed NDArray`, { arg: k });
      if (v instanceof NDArray) copyValuesIn(dst, view(v.dtype, v.byteOffset, v.size), `Predictor.forward: '${k}'`, k, v.dtype);
      else copyValuesIn(dst, v, `Predictor.forward: '${k}'`, k);
    }
    return this.exe.forward({ isTrain: false });
  }

  /**
   * Re-plans for new input shapes (e.g. another batch size); parameters are shared, not copied.
   * @example p.reshape({ data: [8, 1, 28, 28] })
   */
  reshape(shapes: Record<string, number[]>): this {
    if (this.disposed) throw new ArgumentError('use of a disposed Predictor');
    const all = { ...this.inputShapes, ...shapes };
    const old = { exe: this.exe, extras: this.extras, inputs: this.inputs };
    this.bindFor(all);
    old.exe.dispose();
    old.extras.forEach((a) => a.dispose());
    (this as { inputNames: string[] }).inputNames = Object.keys(all);
    return this;
  }

  /**
   * Another predictor over the same parameters (not copied) with its own inputs and activations,
   * e.g. one per batch size or per concurrent request stream. The parameters stay owned by this
   * predictor: dispose the clones first.
   * @example const p8 = p.clone({ data: [8, 1, 28, 28] });
   */
  clone(shapes: Record<string, number[]> = this.inputShapes): Predictor {
    if (this.disposed) throw new ArgumentError('use of a disposed Predictor');
    return new Predictor(this.symbol, this.argParams, this.auxParams, shapes, []);
  }

  /** Frees the executor, inputs and the parameters this predictor loaded itself. @example p.dispose() */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.exe.dispose();
    this.extras.forEach((a) => a.dispose());
    this.owned.forEach((a) => a.dispose());
  }
}
