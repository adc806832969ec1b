// A hybridized block's graph (MXNet's CachedOp): traced once into a Symbol, bound on the planned executor once
// per input-shape set (a new shape re-plans; an unchanged one runs the same program). Parameters, gradients and
// BatchNorm running stats are bound in place, so the executor writes parameter gradients itself and the Trainer's
// updates are seen without copies. Under autograd.record the call is one tape node whose backward runs the
// executor's backward program.
import { ArgumentError } from '../errors.js';
import { recordCustom, entryOf, state } from '../autograd/tape.js';
import type { Executor } from '../executor/executor.js';
import { saveCheckpoint } from '../format/checkpoint.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { GradReq, TensorRef } from '../ops/registry.js';
import { rt } from '../runtime/runtime.js';
import { view } from '../runtime/view.js';
import type { Symbol } from '../symbol/symbol.js';
import { HybridBlock, named, setCachedOpClass } from './block.js';
import type { Parameter } from './parameter.js';

interface Bound { exe: Executor; version: number; inputs: NDArray[]; calls: number }

/** How many input-shape sets keep their executor (LRU). */
const MAX_EXECUTORS = 4;

/** @internal The graph and executors of one hybridized block. */
export class CachedOp {
  private traced?: { names: (string | undefined)[]; out: Symbol; nOut: number; params: Map<string, Parameter>; argNames: string[]; auxNames: string[] };
  private exes = new Map<string, Bound>();
  constructor(private block: HybridBlock) {}

  /** The traced symbol (after the first call). @example net.cached.symbol.toJSON() */
  get symbol(): Symbol | undefined { return this.traced?.out; }

  private trace(inputs: (NDArray | null | undefined)[]) {
    const t = named(this.block, () => this.block.trace(inputs));
    const params = new Map(this.block.collectParams().values().map((p) => [p.name, p] as [string, Parameter]));
    const argNames = t.out.listArguments(), auxNames = t.out.listAuxiliaryStates();
    const inNames = new Set(t.names.filter(Boolean));
    for (const n of [...argNames, ...auxNames]) if (!inNames.has(n) && !params.has(n))
      throw new ArgumentError(`Block ${this.block.name}: the traced graph has a free variable '${n}' that is neither an input nor a parameter`);
    this.traced = { ...t, params, argNames, auxNames };
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
    return { exe, version: this.version(t), inputs: own, calls: 0 };
  }

  private version(t: NonNullable<CachedOp['traced']>): number { let s = 0; for (const p of t.params.values()) s += p.version; return s; }

  /** Runs the graph on `inputs`; returns fresh output arrays. */
  call(inputs: (NDArray | null | undefined)[]): NDArray | NDArray[] {
    const t = this.traced ?? this.trace(inputs);
    const rec = state.recording, train = state.training;
    const present = inputs.filter((x): x is NDArray => x != null);
    const needIn = inputs.map((x) => rec && !!x && !!entryOf(x));
    const key = `${inputs.map((x) => (x ? `${x.dtype}${x.shape.join('x')}` : '-')).join(',')}|${rec ? `g${needIn.map(Number).join('')}` : 'i'}`;
    let b = this.exes.get(key);
    if (b && b.version !== this.version(t)) { b.exe.dispose(); this.exes.delete(key); b = undefined; }
    if (!b) {
      b = this.bind(t, inputs, rec, needIn);
      this.exes.set(key, b);
      if (this.exes.size > MAX_EXECUTORS) { const [k0, old] = this.exes.entries().next().value!; old.exe.dispose(); this.exes.delete(k0); }
    } else { this.exes.delete(key); this.exes.set(key, b); }
    const bound = b;
    const feed: Record<string, NDArray | boolean> = { isTrain: train };
    t.names.forEach((n, i) => { if (n) feed[n] = inputs[i]!; });
    const outs = named(this.block, () => bound.exe.forward(feed)).map((o) => o.copy());
    if (rec) {
      const call = ++bound.calls;
      const inNames = t.names.filter((n): n is string => !!n);
      recordCustom(this.block.name, present, outs, (og: TensorRef[], ig: TensorRef[], req: GradReq[]) => {
        if (bound.calls !== call) throw new ArgumentError(`Block ${this.block.name}: a hybridized block was called again (same input shapes) before backward of an earlier call; run backward after ` +
          `each call or hybridize(false)`);
        bound.exe.backward(og.map((r) => view(r.dtype, r.off, r.size)));
        const K = rt().K;
        inNames.forEach((n, k) => { if (req[k] !== 'null') { const g = bound.exe.gradDict[n]; if (g) K.x8_copy(g.byteOffset, ig[k].off, g.nbytes); } });
      }, true);
    }
    return t.nOut === 1 ? outs[0] : outs;
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

  dispose(): void { for (const b of this.exes.values()) b.exe.dispose(); this.exes.clear(); this.traced = undefined; }
}

setCachedOpClass(CachedOp);
