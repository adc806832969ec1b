// The autograd tape (MXNet's Imperative::RecordOp / Backward): while recording, every op that passes through
// `invoke` with at least one input already in the graph becomes a tape node holding (retained) references to its
// inputs, aux states and all outputs. Backward walks the nodes reachable from the heads in reverse recording
// order and calls each op's own declared backward lowering (OpDef.backward.lower): no second gradient code.
import { ArgumentError, DTypeError } from '../errors.js';
import { invokeHook } from '../ndarray/invoke.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { Storage } from '../ndarray/storage.js';
import type { Attrs } from '../ops/attrs.js';
import { ignoresOutGrads, type GradReq, type OpDef, type TensorRef } from '../ops/registry.js';
import { rt } from '../runtime/runtime.js';
import { dropRowSet } from '../runtime/row-sparse.js';
import { mulberry32 } from '../util/random.js';
import { kernelOrder } from '../runtime/manifest/args.js';

/** A marked variable: where its gradient goes and how. */
export interface VarInfo { grad?: NDArray; req: GradReq; id: number }

/** One recorded op call. */
export interface TapeNode {
  id: number;
  def: OpDef;
  attrs: Attrs;
  name: string;
  isTrain: boolean;
  ins: TensorRef[];
  aux: TensorRef[];
  outs: TensorRef[];
  /** Graph entry of each (non-aux) input; undefined for inputs not in the graph. */
  inEntries: (Entry | undefined)[];
  held: Storage[];
  released: boolean;
  /** Custom nodes (a hybridized block's executor) that need backward even when no input is in the graph. */
  always?: boolean;
  /** Custom nodes (recordCustom): their backward, called directly. */
  custom?: CustomBackward;
  /** Custom nodes whose backward is imperative ops on NDArrays (autograd.Function): recordable for createGraph. */
  ndBackward?: (outGrads: NDArray[]) => (NDArray | undefined)[];
}

/** Where an array sits in the graph: a marked variable or output `index` of a tape node. */
export type Entry = { v: VarInfo; node?: undefined; index?: undefined } | { v?: undefined; node: TapeNode; index: number };

/** Thread-local in MXNet; one JS thread here. `scope` counts recording scopes entered from outside any (record's outermost calls). */
export const state = { recording: false, training: false, scope: 0 };
let nextId = 1;
let nextVar = 1;
let seed = 0xa9;

// Tape nodes nobody runs backward on (a forward recorded for evaluation) still release their arrays once collected.
// They are registered one recording scope late: V8's young-generation GC keeps FinalizationRegistry targets alive, so
// registering every node of every training step (all released by backward before the next step) promoted them all.
const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<Storage[]>((held) => { for (const s of held) { try { s.release(); } catch { /* runtime gone */ } } })
  : undefined;
let unregistered: TapeNode[] = [];
let compactAt = 4096;
function track(node: TapeNode): void {
  // one long recording scope (setRecording(true) once, backward every step): drop the released nodes now and then
  if (unregistered.length >= compactAt) { unregistered = unregistered.filter((n) => !n.released); compactAt = Math.max(4096, 2 * unregistered.length); }
  unregistered.push(node);
}
/** A recording scope begins outside any: the nodes of earlier scopes still unreleased go to the finalizer. */
export function beginScope(): void {
  state.scope++;
  if (!unregistered.length) return;
  for (const n of unregistered) if (!n.released) finalizer?.register(n, n.held, n);
  unregistered = [];
}

/** The graph entry of an array, if it is in the graph. */
export function entryOf(a: NDArray): Entry | undefined { return a.tape as Entry | undefined; }
/** Marks `a` as a variable. */
export function markVariable(a: NDArray, req: GradReq, grad?: NDArray): void {
  a.tape = { v: { grad, req, id: nextVar++ } };
}
/** Puts `a` in the graph at `e` (a fresh view of an array already there). */
export function setEntry(a: NDArray, e: Entry): void { a.tape = e; }
/** Removes `a` from the graph (detach). */
export function unmark(a: NDArray): void { a.tape = undefined; }

function record(def: OpDef, attrs: Attrs, name: string, inputs: NDArray[], nIn: number, outs: NDArray[], isTrain: boolean): void {
  if (!state.recording) return;
  let any = false;
  const inEntries = inputs.slice(0, nIn).map((x) => { const e = entryOf(x); if (e && e.node?.released) return undefined; if (e) any = true; return e; });
  if (!any) return;
  const held: Storage[] = [];
  const hold = (x: NDArray): TensorRef => { held.push(x.storage.retain()); return x.ref; };
  const node: TapeNode = {
    id: nextId++, def, attrs, name, isTrain, inEntries, held, released: false,
    ins: inputs.slice(0, nIn).map(hold), aux: inputs.slice(nIn).map(hold), outs: outs.map(hold),
  };
  track(node);
  outs.forEach((o, index) => { o.tape = { node, index }; });
}

invokeHook.record = record;

/** What a custom tape node runs on backward: gradients of its outputs in, gradients of its inputs out (inGrads[k] is undefined where req[k] is 'null'). */
export type CustomBackward = (outGrads: TensorRef[], inGrads: TensorRef[], req: GradReq[], isTrain: boolean) => void;

/** The OpDef a custom node carries (its name in messages; marks it differentiable). Make it once per caller, not per call. @example const def = customDef('net0') */
export function customDef(name: string): OpDef {
  return {
    name, attrs: {}, inputs: () => [], inferShape: () => ({ ins: [], outs: [] }), forward: () => () => undefined,
    backward: { saves: [], lower: () => () => { throw new ArgumentError(`${name}: a custom node runs through its own backward`); } },
  } as unknown as OpDef;
}

/**
 * Records a node that is not one registered op (a hybridized block run on its executor): `backward` gets the
 * output gradients and writes input gradients; `always` records it even when no input is in the graph (its
 * parameters are written by the node itself). Returns the node (undefined when not recording).
 * @example recordCustom('net0', [x], [y], (og, ig, req) => { ... }, true)
 */
export function recordCustom(name: string | OpDef, inputs: NDArray[], outs: NDArray[], backward: CustomBackward, always: boolean, ndBackward?: TapeNode['ndBackward']): TapeNode | undefined {
  if (!state.recording) return undefined;
  const inEntries: (Entry | undefined)[] = new Array(inputs.length);
  let any = false;
  for (let i = 0; i < inputs.length; i++) { const e = entryOf(inputs[i]); inEntries[i] = e && e.node?.released ? undefined : e; if (inEntries[i]) any = true; }
  if (!always && !any) return undefined;
  const def = typeof name === 'string' ? customDef(name) : name;
  const held: Storage[] = [];
  const ins: TensorRef[] = new Array(inputs.length), outRefs: TensorRef[] = new Array(outs.length);
  for (let i = 0; i < inputs.length; i++) { held.push(inputs[i].storage.retain()); ins[i] = inputs[i].ref; }
  for (let i = 0; i < outs.length; i++) { held.push(outs[i].storage.retain()); outRefs[i] = outs[i].ref; }
  const node: TapeNode = { id: nextId++, def, attrs: {}, name: def.name, isTrain: state.training, inEntries, held, released: false, always, custom: backward, ndBackward, ins, aux: [], outs: outRefs };
  track(node);
  for (let i = 0; i < outs.length; i++) outs[i].tape = { node, index: i };
  return node;
}

/** Counts backward walks: a custom node run twice in one walk (a block called twice) accumulates its parameter gradients. */
export const walks = { current: 0 };
invokeHook.isTraining = () => state.training;
invokeHook.isRecording = () => state.recording;

/** Drops a node's references to its arrays (after backward without retainGraph). */
export function release(n: TapeNode): void {
  if (n.released) return;
  n.released = true;
  finalizer?.unregister(n);
  for (const s of n.held) s.release();
  n.held = [];
}

function zeros(r: { shape: number[] }): NDArray { const a = NDArray.scratch([...r.shape]); a.data.fill(0); return a; }
const VADD = kernelOrder('f32_vadd__simd128_u8', 'x', 'y', 'z', 'n');
function addInto(dst: NDArray, src: NDArray): void { VADD(rt().K, dst.byteOffset, src.byteOffset, dst.byteOffset, dst.size); }

/** What a backward walk needs: the heads' entries, the reachable nodes in recording order, which need a gradient. */
export interface Plan { headEntries: Entry[]; order: TapeNode[]; needs: Set<TapeNode>; entryNeeds: (e: Entry | undefined) => boolean }

/** The backward plan of `heads` (MXNet's errors for heads outside the graph and for graphs with nothing to differentiate). */
export function plan(heads: NDArray[]): Plan {
  const headEntries = heads.map((h, k) => {
    const e = entryOf(h);
    if (!e || (e.node && e.node.released))
      throw new ArgumentError(`Cannot differentiate node because it is not in a computational graph (head ${k}, shape (${h.shape.join(',')})). You need to set is_recording to true or use ` +
        `autograd.record() to save computational graphs for backward. If you want to differentiate the same graph twice, you need to pass retain_graph=True to backward.`);
    return e;
  });
  // reachable nodes, and which entries lead to a variable that wants a gradient
  const nodes = new Map<number, TapeNode>();
  const stack: TapeNode[] = [];
  const visit = (e: Entry | undefined) => { if (e?.node && !e.node.released && !nodes.has(e.node.id)) { nodes.set(e.node.id, e.node); stack.push(e.node); } };
  headEntries.forEach(visit);
  while (stack.length) for (const e of stack.pop()!.inEntries) visit(e);
  const order = [...nodes.values()].sort((a, b) => a.id - b.id);
  const needs = new Set<TapeNode>();
  const entryNeeds = (e: Entry | undefined) => !!e && (e.v ? e.v.req !== 'null' : needs.has(e.node!));
  for (const n of order) if (n.def.backward && (n.always || n.inEntries.some(entryNeeds))) needs.add(n);
  if (!headEntries.some(entryNeeds)) throw new ArgumentError('There are no inputs in computation graph that require gradients.');

  return { headEntries, order, needs, entryNeeds };
}

/**
 * Gradients of `heads` (seeded with `headGrads`, default ones) with respect to every marked variable reachable
 * from them. Returns each reached variable's summed gradient (caller owns the arrays). Releases the tape of the
 * reached nodes unless `retainGraph`.
 * @example const g = runBackward([loss], [undefined], false, true);
 */
export function runBackward(heads: NDArray[], headGrads: (NDArray | undefined)[], retainGraph: boolean, trainMode: boolean, direct = false): Map<VarInfo, NDArray> {
  const { headEntries, order, needs, entryNeeds } = plan(heads);
  walks.current++;
  // `direct` (backward into .grad): a 'write' variable reached by exactly one op input gets its gradient written
  // straight into its .grad buffer (as the executor writes bound gradients): no array, no copy. The returned map
  // then holds v.grad itself for it.
  const fanIn = new Map<VarInfo, number>();
  if (direct) {
    for (const e of headEntries) if (e.v) fanIn.set(e.v, 2);
    for (const n of order) if (needs.has(n)) for (const e of n.inEntries) if (e?.v) fanIn.set(e.v, (fanIn.get(e.v) ?? 0) + 1);
  }
  const directTo = (e: Entry | undefined, r: TensorRef): NDArray | undefined => {
    const v = e?.v, g = v?.grad;
    return v && fanIn.get(v) === 1 && v.req === 'write' && g && !g.isDisposed && g.size === r.size && g.dtype === r.dtype ? g : undefined;
  };
  const grads = new Map<TapeNode, (NDArray | undefined)[]>();
  const varGrads = new Map<VarInfo, NDArray>();
  const push = (e: Entry, g: NDArray) => {
    if (e.v) {
      const cur = varGrads.get(e.v);
      if (cur) { addInto(cur, g); dropRowSet(cur.byteOffset); g.dispose(); } else varGrads.set(e.v, g);
      return;
    }
    let l = grads.get(e.node!);
    if (!l) { l = []; grads.set(e.node!, l); }
    const cur = l[e.index!];
    if (cur) { addInto(cur, g); g.dispose(); } else l[e.index!] = g;
  };
  headEntries.forEach((e, k) => {
    if (!entryNeeds(e)) return;
    const hg = headGrads[k], h = heads[k];
    if (hg && hg.size !== h.size) throw new ArgumentError(`backward: head gradient ${k} has shape (${hg.shape.join(',')}), head has (${h.shape.join(',')})`);
    const g = NDArray.scratch([...h.shape]);
    if (hg) g.data.set(hg.data);
    if (!hg) g.data.fill(1);
    push(e, g);
  });
  const K = rt().K;
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i];
      if (!needs.has(n)) continue;
      const bw = n.def.backward!;
      const og = grads.get(n) ?? [];
      grads.delete(n);
      const nVis = n.def.visibleOutputs ? n.def.visibleOutputs(n.attrs) : n.outs.length;
      const ignores = ignoresOutGrads(n.def, n.attrs);
      if (!ignores && !og.some(Boolean)) continue;
      const tmp: NDArray[] = [];
      const outGrads = ignores ? [] : n.outs.slice(0, nVis).map((r, k) => {
        if (og[k]) return og[k]!.ref;
        const z = zeros(r); tmp.push(z); return z.ref;
      });
      const req: GradReq[] = n.inEntries.map((e) => (entryNeeds(e) ? 'write' : 'null'));
      if (n.custom) { runCustom(n, outGrads, req, trainMode, og, tmp, push); continue; }
      n.ins.forEach((r, k) => { if (r.dtype !== 'float32' && req[k] !== 'null') throw new DTypeError(`backward: input ${k} of ${n.name} is ${r.dtype}; gradients are float32 only`); });
      const inGrads = n.ins.map((r, k) => {
        const d = req[k] !== 'null' ? directTo(n.inEntries[k], r) : undefined;
        if (d) dropRowSet(d.byteOffset); // a sparse writer (Embedding) sets its rows again; a dense one leaves none
        return d ?? NDArray.scratch([...r.shape], r.dtype);
      });
      const ws = bw.workspace?.(n.attrs, n.ins.map((r) => r.shape), n.outs.map((r) => r.shape)) ?? 0;
      const wOff = ws ? rt().alloc.alloc(ws) : 0;
      try {
        bw.lower({ K, isTrain: trainMode && n.isTrain, workspace: wOff, scratch: rt().scratch.off, node: n.name, random: mulberry32(seed++) }, n.attrs, {
          ins: n.ins, outs: n.outs, aux: n.aux, outGrads, inGrads: inGrads.map((g) => g.ref), req,
        })();
      } finally { if (wOff) rt().alloc.free(wOff); }
      for (const x of tmp) x.dispose();
      for (const x of og) x?.dispose();
      inGrads.forEach((g, k) => {
        if (req[k] === 'null') g.dispose();
        else if (g === n.inEntries[k]!.v?.grad) varGrads.set(n.inEntries[k]!.v!, g);
        else push(n.inEntries[k]!, g);
      });
    }
  } finally {
    for (const l of grads.values()) for (const x of l) x?.dispose();
    if (!retainGraph) for (const n of order) release(n);
  }
  return varGrads;
}

/** A custom node's backward: input gradients only where wanted (no arrays for the others). */
function runCustom(n: TapeNode, outGrads: TensorRef[], req: GradReq[], trainMode: boolean, og: (NDArray | undefined)[], tmp: NDArray[], push: (e: Entry, g: NDArray) => void): void {
  const inGrads: (NDArray | undefined)[] = new Array(n.ins.length);
  const refs: TensorRef[] = new Array(n.ins.length);
  for (let k = 0; k < n.ins.length; k++) {
    if (req[k] === 'null') continue;
    const r = n.ins[k];
    if (r.dtype !== 'float32') throw new DTypeError(`backward: input ${k} of ${n.name} is ${r.dtype}; gradients are float32 only`);
    inGrads[k] = NDArray.scratch([...r.shape], r.dtype);
    refs[k] = inGrads[k]!.ref;
  }
  try { n.custom!(outGrads, refs, req, trainMode && n.isTrain); } catch (e) { for (const g of inGrads) g?.dispose(); throw e; } finally {
    for (const x of tmp) x.dispose();
    for (const x of og) x?.dispose();
  }
  for (let k = 0; k < inGrads.length; k++) if (inGrads[k]) push(n.inEntries[k]!, inGrads[k]!);
}

/** The variables reachable from heads (with req != null), for `backward` to write zeros where no gradient arrived. */
export function reachableVars(heads: NDArray[]): Set<VarInfo> {
  const out = new Set<VarInfo>(), seen = new Set<TapeNode>();
  const stack: Entry[] = heads.map((h) => entryOf(h)).filter((e): e is Entry => !!e);
  while (stack.length) {
    const e = stack.pop()!;
    if (e.v) { if (e.v.req !== 'null') out.add(e.v); continue; }
    if (seen.has(e.node!) || e.node!.released) continue;
    seen.add(e.node!);
    for (const x of e.node!.inEntries) if (x) stack.push(x);
  }
  return out;
}
