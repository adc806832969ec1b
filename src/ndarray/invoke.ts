import { ArgumentError, MemoryError, ShapeError, opMessage } from '../errors.js';
import type { DType } from '../runtime/dtype.js';
import { rt } from '../runtime/runtime.js';
import { threadWake } from '../runtime/parts.js';
import { parseAttrs, type Attrs } from '../ops/attrs.js';
import { getOp, opAux, opOutputs, opVisible, type GradReq, type LowerCtx, type OpDef, type Shape, type TensorRef } from '../ops/registry.js';
import { mulberry32 } from '../util/random.js';
import { fmtShape } from '../util/shape.js';
import { NDArray, opHook } from './ndarray.js';
import { Storage } from './storage.js';
import { assertOwnNDArray } from './foreign.js';

let seedCounter = 0x5eed;
/** Seeds the random source used by imperative ops (Dropout). @example setOpSeed(42) */
export function setOpSeed(s: number): void { seedCounter = s >>> 0; }

export interface InvokeOptions { isTrain?: boolean; node?: string }

/**
 * Where autograd (src/autograd, above this layer) plugs in: the default isTrain of an imperative op, and the
 * recorder every invoked op passes through (all outputs, hidden ones included, before those are disposed).
 */
export const invokeHook: {
  isTraining?: () => boolean;
  isRecording?: () => boolean;
  record?: (def: OpDef, a: Attrs, node: string, inputs: NDArray[], nIn: number, outs: NDArray[], isTrain: boolean) => void;
} = {};

interface Prepared {
  def: OpDef; a: Attrs; node: string; nIn: number; inShapes: Shape[]; auxShapes: Shape[]; outShapes: Shape[]; outTypes: DType[];
  /** Lowered steps by offsets (LOWER_CACHE ops only): a loop calling the op on the same arrays lowers it once. */
  steps?: Map<string, { K: unknown; step: () => void }>;
  /** The last call ran a parallel job: the next one wakes sleeping workers first (src/runtime/parts.ts threadWake). */
  split?: boolean;
}

/**
 * Ops whose lowering costs tens of µs (a grouped convolution's 32 GEMM argument lists: ~100 µs, the stem ~30 µs) and
 * depends only on attrs, shapes, dtypes, byte offsets, isTrain and its workspace size (conv lanes: the thread count),
 * never on a random source or on data: as a bound executor runs its steps again and again, `invoke` reuses the step
 * lowered for the same offsets (an output disposed and allocated again lands at the same offset; the key holds the
 * workspace size too). `MXWASM_LOWER_CACHE=0` turns it off (A/B).
 */
const LOWER_CACHE = new Set(['Convolution', 'Deconvolution', 'FullyConnected', 'dot', 'batch_dot']);
let lowerCacheOn = (typeof process !== 'undefined' ? process.env?.MXWASM_LOWER_CACHE : undefined) !== '0';
const MAX_STEPS = 8;
/** Turns the lowered-step reuse on or off; returns the old setting (benches, tests). @example const old = setLowerCache(false) */
export function setLowerCache(on: boolean): boolean { const old = lowerCacheOn; lowerCacheOn = on; return old; }

function prepare(op: string, inputs: NDArray[], raw: Record<string, unknown>, node?: string): Prepared {
  const def = getOp(op, node);
  const name = node ?? def.name;
  inputs.forEach((x, i) => assertOwnNDArray(x, opMessage(name, def.name, `input ${i}`)));
  const a = parseAttrs(def.name, def.attrs, raw, name);
  const inNames = def.inputs(a), auxNames = opAux(def, a);
  if (inputs.length !== inNames.length + auxNames.length) {
    throw new ArgumentError(opMessage(name, def.name, `expects ${inNames.length + auxNames.length} inputs (${[...inNames, ...auxNames].join(', ')}), got ${inputs.length}`), { op: def.name });
  }
  const nIn = inNames.length;
  const sr = def.inferShape(a, inputs.slice(0, nIn).map((x) => x.shape), inputs.slice(nIn).map((x) => x.shape), name);
  sr.ins.forEach((s, i) => {
    const given = inputs[i].shape;
    if (s && (s.length !== given.length || s.some((d, j) => d !== given[j]))) {
      throw new ShapeError(opMessage(name, def.name, `shape inconsistent for input '${inNames[i]}': provided ${fmtShape(given)}, inferred ${fmtShape(s)}`), { op: def.name, arg: inNames[i] });
    }
  });
  const outShapes = sr.outs.map((s, i) => { if (!s) throw new ShapeError(opMessage(name, def.name, `cannot infer the shape of output ${i}`)); return s; });
  const tr = def.inferType?.(a, inputs.slice(0, nIn).map((x) => x.dtype), name);
  const outTypes = tr ? tr.outs : outShapes.map(() => inputs[0]?.dtype ?? 'float32');
  return { def, a, node: name, nIn, inShapes: inputs.slice(0, nIn).map((x) => x.shape), auxShapes: inputs.slice(nIn).map((x) => x.shape), outShapes, outTypes };
}

// Prepared calls (MXNet's cached op / tfjs's kernel cache, per call signature): op, node name, attributes and
// input shapes/dtypes decide the parsed attrs, output shapes and types, so a repeated imperative call skips attribute
// parsing and shape/type inference. Bounded: cleared when full (training loops repeat a few hundred signatures).
const MAX_PREPARED = 1024;
const prepared = new Map<string, Prepared>();

// A collision-free key of an attribute value (undefined for values not worth keying: objects other than arrays).
function valKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number': return `n${v}`;
    case 'string': return JSON.stringify(v);
    case 'boolean': return v ? 'T' : 'F';
    case 'undefined': return 'u';
    case 'object': {
      if (v === null) return 'N';
      if (!Array.isArray(v)) return undefined;
      let k = '[';
      for (const x of v) { const e = valKey(x); if (e === undefined) return undefined; k += `${e},`; }
      return `${k}]`;
    }
    default: return undefined;
  }
}

function callKey(op: string, inputs: NDArray[], raw: Record<string, unknown>, node: string | undefined): string | undefined {
  let k = `${op}\u0001${node ?? ''}`;
  for (const x of inputs) {
    if (!(x instanceof NDArray)) return undefined; // foreign / bad inputs take the checking path
    k += `|${x.dtype}${x.shape.join(',')}`;
  }
  for (const name in raw) { const e = valKey(raw[name]); if (e === undefined) return undefined; k += `|${name}=${e}`; }
  return k;
}

/** The prepared call for this signature (cached). */
function preparedFor(op: string, inputs: NDArray[], raw: Record<string, unknown>, node?: string): Prepared {
  const key = callKey(op, inputs, raw, node);
  const hit = key === undefined ? undefined : prepared.get(key);
  if (hit && hit.def === getOp(op, node)) return hit;
  const p = prepare(op, inputs, raw, node);
  if (key !== undefined) {
    if (prepared.size >= MAX_PREPARED) prepared.clear();
    prepared.set(key, p);
  }
  return p;
}

const parsed = new Map<string, Attrs>();
/**
 * parseAttrs with the same signature cache (op + node + attribute values): what `mx.nd.*` calls use to find an op's
 * input names. The result is shared: never mutate it. @example parseAttrsCached(getOp('sum'), { axis: 1 })
 */
export function parseAttrsCached(def: OpDef, raw: Record<string, unknown>, node?: string): Attrs {
  let k = `${def.name}\u0001${node ?? ''}`;
  for (const name in raw) { const e = valKey(raw[name]); if (e === undefined) return parseAttrs(def.name, def.attrs, raw, node); k += `|${name}=${e}`; }
  const hit = parsed.get(k);
  if (hit) return hit;
  const a = parseAttrs(def.name, def.attrs, raw, node);
  if (parsed.size >= MAX_PREPARED) parsed.clear();
  parsed.set(k, a);
  return a;
}

/** Number of cached prepared calls (tests). @example preparedCalls() */
export function preparedCalls(): number { return prepared.size; }

function withWorkspace<T>(bytes: number, f: (off: number) => T): T {
  if (!bytes) return f(0);
  const off = rt().alloc.alloc(bytes);
  try { return f(off); } finally { rt().alloc.free(off); }
}

function ctxFor(node: string, isTrain: boolean, workspace: number): LowerCtx {
  const r = rt();
  return { K: r.K, isTrain, workspace, scratch: r.scratch.off, node, random: mulberry32(seedCounter++) };
}

/**
 * Allocates the outputs and runs the forward: lowered and called, or for an op with data-dependent shapes
 * (OpDef.dynamic) its run, which reads the inputs, says the output shapes and fills the outputs allocated then.
 */
function runForward(p: Prepared, inputs: NDArray[], isTrain: boolean, random: () => number): NDArray[] {
  const ins = inputs.slice(0, p.nIn).map((x) => x.ref), aux = inputs.slice(p.nIn).map((x) => x.ref);
  if (p.def.dynamic) {
    const r = p.def.dynamic({ ...ctxFor(p.node, isTrain, 0), random }, p.a, [...ins, ...aux]);
    const outs = r.shapes.map((s, i) => NDArray.empty([...s], p.outTypes[i]));
    try { r.write(outs.map((x) => x.ref)); } catch (e) { for (const o of outs) o.dispose(); throw e; }
    return outs;
  }
  // A failure (no memory for an output or the workspace, a kernel error) frees the outputs made so far; out of memory
  // names the op (the allocator cannot: "Error in operator conv1 (Convolution): out of memory: asked for ...").
  const outs: NDArray[] = [];
  try {
    for (const s of p.outShapes) outs.push(NDArray.empty([...s], p.outTypes[outs.length]));
    runLowered(p, inputs, outs, ins, aux, isTrain, random);
  } catch (e) {
    for (const o of outs) o.dispose();
    if (e instanceof MemoryError && !e.message.startsWith('Error in operator')) e.message = opMessage(p.node, p.def.name, e.message);
    throw e;
  }
  return outs;
}

function runLowered(p: Prepared, inputs: NDArray[], outs: NDArray[], ins: TensorRef[], aux: TensorRef[], isTrain: boolean, random: () => number): void {
  const ws = p.def.workspace?.(p.a, p.inShapes, p.outShapes, isTrain) ?? 0;
  const lower = (w: number) => p.def.forward({ ...ctxFor(p.node, isTrain, w), random }, p.a, ins, outs.map((x) => x.ref), aux);
  if (!lowerCacheOn || !LOWER_CACHE.has(p.def.name)) { withWorkspace(ws, (w) => lower(w)()); return; }
  withWorkspace(ws, (w) => {
    const K = rt().K;
    // The workspace size too: a conv's lowering depends on the thread count, and so does its workspace (lanes).
    let key = `${isTrain ? 1 : 0}|${w}|${ws}|${rt().scratch.off}`;
    for (const x of inputs) key += `|${x.byteOffset}`;
    for (const o of outs) key += `|${o.byteOffset}`;
    const m = p.steps ?? (p.steps = new Map()), hit = m.get(key);
    if (hit && hit.K === K) { hit.step(); return; }
    const step = lower(w);
    if (m.size >= MAX_STEPS) m.clear();
    m.set(key, { K, step });
    step();
  });
}

/**
 * Runs one registered op imperatively: parses attrs, infers shapes, allocates the outputs, runs the
 * kernels. Returns all outputs (visible ones first, as MXNet orders them).
 * @example const [y] = invoke('FullyConnected', [x, w, b], { num_hidden: 10 });
 */
export function invoke(op: string, inputs: NDArray[], raw: Record<string, unknown> = {}, opts: InvokeOptions = {}): NDArray[] {
  const p = preparedFor(op, inputs, raw, opts.node);
  const isTrain = opts.isTrain ?? invokeHook.isTraining?.() ?? false;
  const w = threadWake();
  if (p.split) w?.wake();
  const j0 = w?.jobs();
  const outs = runForward(p, inputs, isTrain, ctxFor(p.node, isTrain, 0).random);
  if (w) p.split = w.jobs() !== j0;
  invokeHook.record?.(p.def, p.a, p.node, inputs, p.nIn, outs, isTrain);
  const nVis = opVisible(p.def, p.a);
  if (nVis < outs.length) { for (const o of outs.slice(nVis)) o.dispose(); return outs.slice(0, nVis); }
  return outs;
}

/**
 * Forward then backward of one op, imperatively (what tests and `mx.nd` gradient checks use).
 * Returns the outputs and the gradient of each input (undefined where the op gives none).
 * @example const { grads } = invokeWithGrad('Activation', [x], { act_type: 'tanh' }, [ones]);
 */
export function invokeWithGrad(op: string, inputs: NDArray[], raw: Record<string, unknown>, outGrads: NDArray[], opts: InvokeOptions = {}): { outs: NDArray[]; grads: (NDArray | undefined)[] } {
  const isTrain = opts.isTrain ?? true;
  const p = prepare(op, inputs, raw, opts.node);
  const ins = inputs.slice(0, p.nIn), aux = inputs.slice(p.nIn);
  const random = mulberry32(seedCounter++);
  const outs = runForward(p, inputs, isTrain, random);
  const bw = p.def.backward;
  if (!bw) return { outs, grads: ins.map(() => undefined) };
  const grads = ins.map((x) => { const g = NDArray.empty(x.shape, x.dtype); g.data.fill(0); return g; });
  const req: GradReq[] = ins.map(() => 'write');
  const bws = bw.workspace?.(p.a, p.inShapes, p.outShapes) ?? 0;
  withWorkspace(bws, (w) => bw.lower({ ...ctxFor(p.node, isTrain, w), random }, p.a, {
    ins: ins.map((x) => x.ref), outs: outs.map((x) => x.ref), aux: aux.map((x) => x.ref),
    outGrads: outGrads.map((x) => x.ref), inGrads: grads.map((x) => x.ref), req,
  })());
  return { outs, grads };
}


/**
 * Records a view made without a kernel (NDArray.reshape / slice / at) as the op MXNet records for it while autograd
 * records (Reshape, slice_axis): the tape sees it at the same hook as every invoked op, with the op's own backward.
 * @example recordView('Reshape', { shape: [2, 3] }, x, v)
 */
export function recordView(op: string, raw: Record<string, unknown>, input: NDArray, out: NDArray): void {
  if (!invokeHook.record || !invokeHook.isRecording?.()) return;
  const p = preparedFor(op, [input], raw);
  const s = p.outShapes[0];
  if (s.length !== out.shape.length || s.some((d, i) => d !== out.shape[i])) throw new ShapeError(opMessage(p.node, p.def.name, `view of shape ${fmtShape(out.shape)} does not match ${fmtShape(s)}`));
  invokeHook.record(p.def, p.a, p.node, [input], p.nIn, [out], invokeHook.isTraining?.() ?? false);
}

opHook.invoke = (op, ins, attrs) => invoke(op, ins, attrs);
opHook.recordView = recordView;
export { opOutputs, Storage };
