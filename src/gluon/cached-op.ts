// A hybridized block's graph (MXNet's CachedOp): traced once into a Symbol, bound on the planned executor once
// per input-shape set (a new shape re-plans; an unchanged one runs the same program). Parameters, gradients and
// BatchNorm running stats are bound in place, so the executor writes parameter gradients itself and the Trainer's
// updates are seen without copies. Under autograd.record the call is one tape node whose backward runs the
// executor's backward program.
import { ArgumentError } from '../errors.js';
import { customDef, entryOf, recordCustom, state, walks, type TapeNode } from '../autograd/tape.js';
import type { Executor } from '../executor/executor.js';
import { saveCheckpoint } from '../format/checkpoint.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { GradReq, OpDef, TensorRef } from '../ops/registry.js';
import { rt } from '../runtime/runtime.js';
import { view } from '../runtime/view.js';
import type { Symbol } from '../symbol/symbol.js';
import { HybridBlock, named, setCachedOpClass } from './block.js';
import { renamed } from './scope.js';
import type { Parameter } from './parameter.js';
import { kernelOrder } from '../runtime/manifest/args.js';

const VADD = kernelOrder('f32_vadd__simd128_u8', 'x', 'y', 'z', 'n'), COPY = kernelOrder('x8_copy', 'src', 'dst', 'n');

/** `pending`: the tape node of the last recorded call and the recording scope it was made in (a strong reference:
 * WeakRef targets stay alive until the synchronous job ends, i.e. for a whole training loop). */
interface Bound { exe: Executor; version: number; inputs: NDArray[]; calls: number; pending?: TapeNode; scope: number }
interface Pool { key: string; version: number; list: Bound[]; rec: boolean; ins: ({ dtype: string; shape: number[] } | undefined)[]; need: boolean[] }

/** How many input-shape sets keep their executors (LRU). */
const MAX_EXECUTORS = 4;
/**
 * How many recorded calls of one input-shape set may wait for backward at once (a Siamese net called on two inputs
 * under one record): each has its own executor, so its own forward state. Past this, the oldest one's executor is
 * reused and backward of that earlier call is refused.
 */
const MAX_PENDING = 8;

/** True when `inputs` (shapes, dtypes, which need a gradient) and the mode are those of pool `p`. */
function matches(p: Pool, inputs: (NDArray | null | undefined)[], rec: boolean, needIn: boolean[]): boolean {
  if (p.rec !== rec || p.ins.length !== inputs.length) return false;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i], q = p.ins[i];
    if (!x || !q) { if (x || q) return false; continue; }
    if (x.dtype !== q.dtype || x.shape.length !== q.shape.length || (rec && p.need[i] !== needIn[i])) return false;
    for (let d = 0; d < q.shape.length; d++) if (x.shape[d] !== q.shape[d]) return false;
  }
  return true;
}

/** @internal The graph and executors of one hybridized block. */
export class CachedOp {
  private traced?: { names: (string | undefined)[]; out: Symbol; nOut: number; params: Map<string, Parameter>; argNames: string[]; auxNames: string[]; inNames: string[]; plist: Parameter[] };
  private pools = new Map<string, Pool>();
  private last?: Pool;
  private def: OpDef;
  /** The backward walk in which this block's executors last wrote the parameter gradients. */
  private lastWalk = -1;
  constructor(private block: HybridBlock) { this.def = customDef(block.name); }

  /** The traced symbol (after the first call). @example net.cached.symbol.toJSON() */
  get symbol(): Symbol | undefined { return this.traced?.out; }

  private trace(inputs: (NDArray | null | undefined)[]) {
    const t = named(this.block, () => this.block.trace(inputs));
    const params = new Map(this.block.collectParams().values().map((p) => [p.name, p] as [string, Parameter]));
    const argNames = t.out.listArguments(), auxNames = t.out.listAuxiliaryStates();
    const inNames = new Set(t.names.filter(Boolean));
    for (const n of [...argNames, ...auxNames]) if (!inNames.has(n) && !params.has(n))
      throw new ArgumentError(`Block ${this.block.name}: the traced graph has a free variable '${n}' that is neither an input nor a parameter`);
    this.traced = { ...t, params, argNames, auxNames, inNames: t.names.filter((n): n is string => !!n), plist: [...params.values()] };
    return this.traced;
  }

  private bind(t: NonNullable<CachedOp['traced']>, inputs: (NDArray | null | undefined)[], grad: boolean, needIn: boolean[]): Bound {
    const own: NDArray[] = [];
    const args: Record<string, NDArray> = {}, grads: Record<string, NDArray> = {}, req: Record<string, GradReq> = {}, aux: Record<string, NDArray> = {};
    t.names.forEach((n, i) => {
      if (!n) return;
      const x = inputs[i]!, a = NDArray.empty([...x.shape], x.dtype);
      own.push(a); args[n] = a; req[n] = 'null';
      if (grad && needIn[i]) { const g = NDArray.empty([...x.shape], x.dtype); own.push(g); grads[n] = g; req[n] = 'write'; }
    });
    for (const n of t.argNames) {
      const p = t.params.get(n);
      if (!p) continue;
      args[n] = p.data();
      req[n] = grad ? p.gradReq : 'null';
      if (grad && p.gradArray && p.gradReq !== 'null') grads[n] = p.gradArray;
    }
    for (const n of t.auxNames) aux[n] = t.params.get(n)!.data();
    const exe = named(this.block, () => t.out.bind({ args, argsGrad: grads, gradReq: req, auxStates: aux }));
    const ownArr = exe.bindParts.owned;
    ownArr.push(...own);
    return { exe, version: this.version(t), inputs: own, calls: 0, scope: -1 };
  }

  private version(t: NonNullable<CachedOp['traced']>): number { let s = 0; for (const p of t.plist) s += p.version; return s; }

  /** The executors of this call's input shapes / dtypes and mode (the last one's checked first, without a string key). */
  private pool(t: NonNullable<CachedOp['traced']>, inputs: (NDArray | null | undefined)[], rec: boolean, needIn: boolean[]): Pool {
    let p = this.last && matches(this.last, inputs, rec, needIn) ? this.last : undefined;
    if (!p) {
      let key = '';
      for (let i = 0; i < inputs.length; i++) { const x = inputs[i]; key += x ? `${x.dtype}${x.shape.join('x')},` : '-,'; }
      key += rec ? 'g' : 'i';
      if (rec) for (let i = 0; i < needIn.length; i++) key += needIn[i] ? '1' : '0';
      p = this.pools.get(key);
      if (!p) {
        p = { key, version: this.version(t), list: [], rec, ins: inputs.map((x) => (x ? { dtype: x.dtype, shape: [...x.shape] } : undefined)), need: [...needIn] };
        this.pools.set(key, p);
        if (this.pools.size > MAX_EXECUTORS) { const [k0, old] = this.pools.entries().next().value!; for (const b of old.list) b.exe.dispose(); this.pools.delete(k0); }
      } else { this.pools.delete(key); this.pools.set(key, p); }
      this.last = p;
    }
    const v = this.version(t);
    if (p.version !== v) { for (const b of p.list) b.exe.dispose(); p.list = []; p.version = v; }
    return p;
  }

  /** An executor of the pool whose forward state no pending recorded call still needs (or a new one, up to MAX_PENDING). */
  private free(t: NonNullable<CachedOp['traced']>, p: Pool, inputs: (NDArray | null | undefined)[], rec: boolean, needIn: boolean[]): Bound {
    // free: no recorded call, its backward ran, or it was recorded in an earlier record() scope (a forward recorded
    // without backward, e.g. an evaluation: reusing its executor keeps memory bounded; its backward is then refused)
    for (const b of p.list) {
      const n = b.pending;
      if (!n || n.released || b.scope !== state.scope) { b.pending = undefined; return b; }
    }
    if (p.list.length < (rec ? MAX_PENDING : 1)) { const b = this.bind(t, inputs, rec, needIn); p.list.push(b); return b; }
    const b = p.list.shift()!; // the oldest pending call loses its state (its backward is refused)
    p.list.push(b);
    return b;
  }

  /** Runs the graph on `inputs`; returns fresh output arrays. */
  call(inputs: (NDArray | null | undefined)[]): NDArray | NDArray[] {
    const t = this.traced ?? this.trace(inputs);
    const rec = state.recording, train = state.training;
    const needIn: boolean[] = new Array(inputs.length);
    const present: NDArray[] = [];
    for (let i = 0; i < inputs.length; i++) { const x = inputs[i]; needIn[i] = rec && !!x && !!entryOf(x); if (x) present.push(x); }
    const bound = this.free(t, this.pool(t, inputs, rec, needIn), inputs, rec, needIn);
    const feed: Record<string, NDArray | boolean> = { isTrain: train };
    for (let i = 0; i < inputs.length; i++) { const n = t.names[i]; if (n) feed[n] = inputs[i]!; }
    let res: NDArray[];
    try { res = bound.exe.forward(feed); } catch (e) { throw renamed(this.block, e); }
    const outs: NDArray[] = new Array(res.length);
    for (let i = 0; i < res.length; i++) outs[i] = res[i].copy();
    if (rec) {
      const call = ++bound.calls;
      const node = recordCustom(this.def, present, outs, (og: TensorRef[], ig: TensorRef[], req: GradReq[]) => {
        if (bound.calls !== call) throw new ArgumentError(`Block ${this.block.name}: this call's forward state was reused by a later call (same input shapes) before its backward: ` +
          `a later autograd.record() scope, or more than ${MAX_PENDING} calls in one scope; run backward sooner or hybridize(false)`);
        this.backward(t, bound, og, ig, req);
      }, true);
      bound.pending = node; bound.scope = state.scope;
    }
    return t.nOut === 1 ? outs[0] : outs;
  }

  /**
   * One recorded call's backward on its executor. Parameter gradients are bound in place ('write' or 'add'); when
   * another call of this block already wrote them in the same backward walk (a block called twice), this one's are
   * added to them instead of overwriting.
   */
  private backward(t: NonNullable<CachedOp['traced']>, bound: Bound, og: TensorRef[], ig: TensorRef[], req: GradReq[]): void {
    const again = this.lastWalk === walks.current;
    this.lastWalk = walks.current;
    const saved: [NDArray, NDArray][] = [];
    if (again) for (const p of t.plist) { const g = p.gradArray; if (g && p.gradReq === 'write') saved.push([g, g.copy()]); }
    const K = rt().K;
    try {
      bound.exe.backward(og.map((r) => view(r.dtype, r.off, r.size)));
      for (const [g, s] of saved) VADD(K, g.byteOffset, s.byteOffset, g.byteOffset, g.size);
    } finally { for (const [, s] of saved) s.dispose(); }
    const inNames = t.inNames;
    for (let k = 0; k < inNames.length; k++) { if (req[k] !== 'null') { const g = bound.exe.gradDict[inNames[k]]; if (g) COPY(K, g.byteOffset, ig[k].off, g.nbytes); } }
  }

  /** MXNet's export: `path-symbol.json` and `path-%04d.params` (arg:/aux: names). */
  export(path: string, epoch: number): void {
    const t = this.traced;
    if (!t) throw new ArgumentError(`Block ${this.block.name}: run forward once after hybridize() before export`);
    const argP: Record<string, NDArray> = {}, auxP: Record<string, NDArray> = {};
    for (const n of t.argNames) { const p = t.params.get(n); if (p) argP[n] = p.data(); }
    for (const n of t.auxNames) auxP[n] = t.params.get(n)!.data();
    saveCheckpoint(path, epoch, t.out, argP, auxP);
  }

  dispose(): void { for (const p of this.pools.values()) for (const b of p.list) b.exe.dispose(); this.pools.clear(); this.last = undefined; this.traced = undefined; }
}

setCachedOpClass(CachedOp);
