// Data-parallel Module support: `context: [mx.cpu(0), mx.cpu(1)]` (MXNet style) or `{ workers: N }`
// splits each batch across N executors running on N threads over the one shared memory. Weights are
// shared; gradients are reduced through the KVStore (a push of the N gradient buffers, read in
// place); BatchNorm statistics stay per executor, as MXNet keeps them per device.
import { ArgumentError } from '../errors.js';
import type { Executor } from '../executor/executor.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { GradReq } from '../ops/registry.js';
import { ExecutorGroup, dataParallelAvailable, dataParallelWorkersReady } from '../parallel/dp.js';
import { Cmd } from '../parallel/dp-protocol.js';
import { rt } from '../runtime/runtime.js';
import type { Symbol } from '../symbol/symbol.js';
import type { DataBatch } from '../io/base.js';
import type { KVStore } from '../kv/kvstore.js';
import type { Updater } from '../optim/updater.js';
import { kernelCall } from '../runtime/manifest/args.js';

/** How many executors a Module context asks for: a list of contexts, `{ workers: N }`, or 1. @example numWorkersOf([mx.cpu(0), mx.cpu(1)]) === 2 */
export function numWorkersOf(context: unknown): number {
  if (Array.isArray(context)) return Math.max(1, context.length);
  const w = (context as { workers?: unknown } | null)?.workers;
  if (w !== undefined) {
    if (!Number.isInteger(w) || (w as number) < 1) throw new ArgumentError(`Module: context.workers must be a positive integer, got ${String(w)}`);
    return w as number;
  }
  return 1;
}

/** The executors of a data-parallel Module and the per-step work on them. */
export class DataParallel {
  group: ExecutorGroup;
  private merged: NDArray[];
  private auxSynced = false;

  /**
   * Binds executor 0 for one slice (batch / n) here, and n-1 more on worker threads.
   * @example DataParallel.bind(sym, 2, { data: [64, 784], softmax_label: [64] }, req, ['data', 'softmax_label'])
   */
  static bind(sym: Symbol, n: number, shapes: Record<string, number[]>, req: Record<string, GradReq>, inputs: string[]): { dp?: DataParallel; exe: Executor; note?: string } {
    const batch = shapes[inputs[0]][0];
    const slice: Record<string, number[]> = {};
    for (const [k, s] of Object.entries(shapes)) slice[k] = inputs.includes(k) ? [s[0] / n, ...s.slice(1)] : s;
    if (!dataParallelAvailable()) return { exe: sym.simpleBind({ shapes, gradReq: req }),
      note: 'data-parallel executors need shared-memory worker threads on a thread that may block (in browsers: a dedicated worker); running one executor' };
    if (!dataParallelWorkersReady(n))
      return { exe: sym.simpleBind({ shapes, gradReq: req }),
        note: `data-parallel executors: ${n - 1} worker(s) must be started ahead here (await mx.threadsReady() before bind); running one executor` };
    if (batch % n !== 0) throw new ArgumentError(`Module: batch size ${batch} is not divisible by the ${n} contexts`);
    const before = rt().alloc.stats().bytesInUse;
    const exe = sym.simpleBind({ shapes: slice, gradReq: req });
    const region = rt().alloc.stats().bytesInUse - before;
    const make = () => new ExecutorGroup(sym, exe, n, req, inputs, region);
    return { dp: new DataParallel(make(), exe, make), exe };
  }

  private constructor(group: ExecutorGroup, readonly exe0: Executor, private readonly make: () => ExecutorGroup) {
    this.group = group;
    const n = group.views.length;
    this.merged = exe0.outputs.map((o) => NDArray.empty([o.shape[0] * n, ...o.shape.slice(1)], o.dtype));
  }

  /** True when the batch has the bound size (other sizes run on a reshaped executor 0). */
  accepts(batch: DataBatch, dataName: string): boolean {
    const per = this.exe0.argDict[dataName].shape[0];
    return batch.data[0]?.shape[0] === per * this.group.views.length;
  }

  /** Copies aux states of executor 0 to the others (after initParams / setParams). */
  syncAux(): void {
    for (const v of this.group.views.slice(1)) for (const [k, a] of Object.entries(v.auxDict)) a.data.set(this.exe0.auxDict[k].data as ArrayLike<number>);
    this.auxSynced = true;
  }

  /** Scatters the batch (slices along axis 0) and runs forward (and backward) on every executor. */
  forward(batch: DataBatch, names: { data: string[]; label: string[] }, isTrain: boolean, andBackward = false): void {
    this.renew();
    if (!this.auxSynced) this.syncAux();
    const views = this.group.views;
    const scatter = (src: NDArray, name: string) => {
      const per = src.size / views.length, d = src.data;
      views.forEach((v, i) => { const dst = v.argDict[name]; if (dst) dst.data.set(d.subarray(i * per, (i + 1) * per) as ArrayLike<number>); });
    };
    names.data.forEach((n, i) => scatter(batch.data[i], n));
    if (batch.label) names.label.forEach((n, i) => { if (batch.label![i]) scatter(batch.label![i], n); });
    this.group.run(andBackward ? Cmd.ForwardBackward : isTrain ? Cmd.ForwardTrain : Cmd.ForwardInfer);
  }

  backward(): void { this.group.run(Cmd.Backward); }

  /**
   * After a worker died (the step that saw it failed with a KernelError naming it), the next step binds fresh
   * workers over the same weights (executor 0's); their aux states restart from executor 0's.
   */
  private renew(): void {
    if (!this.group.broken) return;
    this.group.dispose();
    this.group = this.make();
    this.auxSynced = false;
  }

  /** Reduces each parameter's gradients over the executors (KVStore push of all N) and updates the shared weight. */
  update(paramNames: string[], kv: KVStore | undefined, updater: Updater | undefined): void {
    const views = this.group.views;
    paramNames.forEach((n, i) => {
      const gs = views.map((v) => v.gradDict[n]).filter(Boolean) as NDArray[];
      if (!gs.length) return;
      const w = this.exe0.argDict[n];
      if (kv) { kv.push(i, gs); kv.pull(i, w); return; }
      const K = rt().K;
      for (const g of gs.slice(1)) kernelCall(K, 'f32_vadd__simd128_u8', { x: gs[0].byteOffset, y: g.byteOffset, z: gs[0].byteOffset, n: g.size });
      updater!(i, gs[0], w);
    });
  }

  /** The outputs of all executors, concatenated along axis 0 (a copy kept by the group). */
  outputs(): NDArray[] {
    const views = this.group.views;
    return this.merged.map((m, k) => {
      const d = m.data, per = views[0].outputs[k].size;
      views.forEach((v, i) => d.set(v.outputs[k].data as ArrayLike<number>, i * per));
      return m;
    });
  }

  /** Aux states averaged over the executors (what MXNet's get_params returns). */
  averagedAux(name: string): NDArray {
    const views = this.group.views, out = this.exe0.auxDict[name].copy(), d = out.data;
    for (const v of views.slice(1)) { const s = v.auxDict[name].data; for (let i = 0; i < d.length; i++) d[i] += s[i]; }
    for (let i = 0; i < d.length; i++) d[i] /= views.length;
    return out;
  }

  dispose(): void { this.group.dispose(); for (const m of this.merged) m.dispose(); }
}
