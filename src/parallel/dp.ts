import { KernelError, MxError } from '../errors.js';
import type { Executor } from '../executor/executor.js';
import { NDArray } from '../ndarray/ndarray.js';
import { Storage } from '../ndarray/storage.js';
import type { GradReq } from '../ops/registry.js';
import { rt, SCRATCH_BYTES } from '../runtime/runtime.js';
import { words } from '../runtime/mem-view.js';
import { u8 } from '../runtime/view.js';
import type { Symbol } from '../symbol/symbol.js';
import { spinHint, threadPlatform, type WorkerLike } from './pool.js';
import { getNumThreads, onShutdown, setKernelThreadsSuspended } from './threads.js';
import { Cmd, DP_CTRL_BYTES, DP_WORD, MAILBOX_BYTES, readError, type ArrayDesc, type MailboxPayload } from './dp-protocol.js';
import { isDead, markDead, stopWatchdog, unwatch, watchWorker, type Watch } from './watchdog.js';

/** The arrays of one executor of a group (the first is a real Executor on this thread). */
export interface ExecutorView { argDict: Record<string, NDArray>; gradDict: Record<string, NDArray>; auxDict: Record<string, NDArray>; outputs: NDArray[] }

const desc = (name: string, a: NDArray): ArrayDesc => ({ name, off: a.byteOffset, shape: a.shape, dtype: a.dtype as ArrayDesc['dtype'] });
const WAIT_MS = 60_000;

/** True where executors can run on worker threads (a thread that may block, module workers, shared memory). */
export function dataParallelAvailable(): boolean {
  const p = threadPlatform();
  const r = rt();
  return !!p?.spawnModule && p.canBlock && r.shared && r.features.sharedPostable;
}

/**
 * Data-parallel workers started ahead and parked on a mailbox in shared memory (platforms whose workers start
 * asynchronously: a nested browser worker gets neither its start nor any message while its parent blocks).
 */
const spares: { w: WorkerLike; mailbox: number; watch: Watch }[] = [];

/** Whether a group of `n` executors can start now: always where workers start synchronously. */
export function dataParallelWorkersReady(n: number): boolean {
  return !threadPlatform()?.startsAsync || spares.length >= n - 1;
}

/**
 * Starts workers ahead until `n` are parked (each has said 'parked': its mailbox is being watched), kept for
 * the next ExecutorGroups. @example await prestartDataParallelWorkers(1)
 */
export async function prestartDataParallelWorkers(n: number): Promise<void> {
  const p = threadPlatform();
  if (!p?.spawnModule || !dataParallelAvailable()) return;
  const r = rt(), started: Promise<void>[] = [];
  while (spares.length < n) {
    const w = p.spawnModule('dp'), mailbox = r.alloc.alloc(MAILBOX_BYTES), watch = watchWorker(p);
    words(r.memory, mailbox, MAILBOX_BYTES / 4).fill(0);
    spares.push({ w, mailbox, watch });
    started.push(new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new KernelError('a data-parallel worker did not start within 10 s')), 10_000);
      w.onMessage((m) => { if (m?.type === 'parked') { clearTimeout(t); res(); } });
      w.onError((e) => { clearTimeout(t); rej(new KernelError(`a data-parallel worker failed to start: ${(e as Error)?.message ?? String(e)}`)); });
    }));
    w.postMessage({ type: 'park', module: r.module, addon: r.addon, memory: r.memory, variant: r.variant, mailbox, watch: watch.port }, watch.port ? [watch.port] : []);
  }
  await Promise.all(started);
}

/** Hands init and bind to a parked worker through its mailbox (UTF-8 JSON in shared memory); returns the payload's offset. */
function post(mailbox: number, payload: MailboxPayload): number {
  const r = rt(), bytes = new TextEncoder().encode(JSON.stringify(payload)), off = r.alloc.alloc(bytes.length);
  u8(off, bytes.length).set(bytes);
  const M = words(r.memory, mailbox, MAILBOX_BYTES / 4);
  Atomics.store(M, 1, off); Atomics.store(M, 2, bytes.length); Atomics.store(M, 0, 1); Atomics.notify(M, 0);
  return off;
}
// mx.shutdown() also ends the parked workers (their mailboxes say 'released').
onShutdown(() => {
  for (const { w, mailbox, watch } of spares.splice(0)) {
    unwatch(watch);
    try { const M = words(rt().memory, mailbox, MAILBOX_BYTES / 4); Atomics.store(M, 0, -1); Atomics.notify(M, 0); rt().alloc.free(mailbox); } catch { /* memory gone */ }
    try { w.terminate(); } catch { /* gone */ }
  }
  stopWatchdog();
});

/**
 * N executors of one symbol over one shared memory: executor 0 runs here, executors 1..N-1 on
 * worker threads. Weights are shared (the same memory for all); each executor has its own data,
 * labels, gradients and aux states (BatchNorm statistics per worker, as MXNet). `run` starts the
 * workers' share, runs executor 0, and waits for them (bounded): a worker error becomes a KernelError. A worker
 * whose thread ends (exit, crash, terminate) is seen within ~25 ms even while this thread blocks (watchdog.ts, and
 * the worker's own report of an error that ends its loop): the step fails with a KernelError naming it, the group
 * is then `broken` and the Module's DataParallel binds fresh workers on its next step.
 * @example const g = new ExecutorGroup(net, exe0, 2, req); g.run(Cmd.ForwardBackward);
 */
export class ExecutorGroup {
  readonly views: ExecutorView[];
  private workers: WorkerLike[] = [];
  private ctrl: number;
  private regions: number[] = [];
  private owned: NDArray[] = [];
  private failed?: string;
  private watches: Watch[] = [];
  /** Why the group cannot run again (a worker died): set when a step failed that way. */
  broken?: string;

  constructor(sym: Symbol, readonly exe0: Executor, n: number, gradReq: Record<string, GradReq>, inputNames: string[], regionBytes: number) {
    const p = threadPlatform();
    if (!p?.spawnModule || !dataParallelAvailable()) throw new MxError('unsupported', 'data-parallel executors need worker threads with shared memory, on a thread that may block');
    const r = rt();
    this.ctrl = r.alloc.alloc(DP_CTRL_BYTES * n);
    u8(this.ctrl, DP_CTRL_BYTES * n).fill(0);
    this.views = [{ argDict: exe0.argDict, gradDict: exe0.gradDict, auxDict: exe0.auxDict, outputs: exe0.outputs }];
    const json = sym.toJSON();
    const argNames = sym.listArguments(), auxNames = sym.listAuxiliaryStates();
    const own = (a: NDArray) => { const c = NDArray.empty([...a.shape], a.dtype); c.data.set(a.data as ArrayLike<number>); this.owned.push(c); return c; };
    for (let i = 1; i < n; i++) {
      // Inputs (data, labels), gradients and aux states are per executor; weights are exe0's own arrays.
      const args = argNames.map((nm) => (inputNames.includes(nm) ? own(exe0.argDict[nm]) : exe0.argDict[nm]));
      const grads = argNames.map((nm) => (exe0.gradDict[nm] ? own(exe0.gradDict[nm]) : undefined));
      const aux = auxNames.map((nm) => own(exe0.auxDict[nm]));
      const start = r.alloc.alloc(regionBytes + SCRATCH_BYTES + (1 << 20));
      this.regions.push(start);
      const spare = spares.shift(), w = spare?.w ?? p.spawnModule('dp'), watch = spare?.watch ?? watchWorker(p);
      this.watches.push(watch);
      // A terminate() through this handle counts as a death at once (browsers have no port 'close' event).
      const term = w.terminate.bind(w);
      w.terminate = () => { markDead(watch); return term(); };
      w.onError((e) => { this.failed = `worker ${i} failed: ${(e as Error)?.message ?? String(e)}`; });
      w.onMessage((m) => { if (m?.type === 'error') this.failed = `worker ${i}: ${m.message}`; });
      w.unref?.();
      const init = { region: { start, end: start + regionBytes + SCRATCH_BYTES + (1 << 20) }, ctrl: this.ctrl + i * DP_CTRL_BYTES, id: i };
      const bind = { symbolJSON: json, gradReq, args: args.map((a, k) => desc(argNames[k], a)), grads: grads.map((g, k) => (g ? desc(argNames[k], g) : null)),
        aux: aux.map((a, k) => desc(auxNames[k], a)) };
      if (spare) { this.regions.push(spare.mailbox, post(spare.mailbox, { init, bind })); }
      else {
        w.postMessage({ type: 'init', module: r.module, addon: r.addon, memory: r.memory, variant: r.variant, ...init, watch: watch.port }, watch.port ? [watch.port] : []);
        w.postMessage({ type: 'bind', ...bind });
      }
      this.workers.push(w);
      const argDict: Record<string, NDArray> = {}, gradDict: Record<string, NDArray> = {}, auxDict: Record<string, NDArray> = {};
      argNames.forEach((nm, k) => { argDict[nm] = args[k]; if (grads[k]) gradDict[nm] = grads[k]!; });
      auxNames.forEach((nm, k) => { auxDict[nm] = aux[k]; });
      this.views.push({ argDict, gradDict, auxDict, outputs: [] });
    }
    // Wait until every worker has bound, then make views of its outputs (in its own arena).
    for (let i = 1; i < n; i++) {
      const I = this.I(i);
      try { this.waitFor(() => Atomics.load(I, 4) === 2 || Atomics.load(I, 2) > 0, `binding executor ${i}`, I, 4); } catch (e) { this.dispose(); throw e; }
      if (Atomics.load(I, 2) > 0) { const m = readError(I); this.dispose(); throw new KernelError(`data-parallel worker ${i}: ${m}`); }
      this.views[i].outputs = exe0.outputs.map((o, k) => new NDArray(new Storage(I[32 + k], o.nbytes).retain(), I[32 + k], [...o.shape], o.dtype));
    }
  }

  private I(i: number): Int32Array { return words(rt().memory, this.ctrl + i * DP_CTRL_BYTES, 256); }

  /** The first worker (1-based) whose thread ended or that reported its loop ended, or 0. */
  private deadWorker(): number {
    for (let i = 1; i <= this.watches.length; i++) if (isDead(this.watches[i - 1]) || Atomics.load(this.I(i), DP_WORD.dead) !== 0) return i;
    return 0;
  }

  private deathNote(): string {
    const i = this.deadWorker(), I = this.I(i), why = Atomics.load(I, DP_WORD.dead) !== 0 ? `: ${readError(I)}` : ' (its thread ended: it exited, crashed or was terminated)';
    return `data-parallel worker ${i} died${why}`;
  }

  /** Waits for `done` in 5 ms slices; stops at a worker death (unless `live`: waiting for the others), an error or the bound. */
  private waitFor(done: () => boolean, what: string, I: Int32Array, word: number, live = false): void {
    const t0 = Date.now();
    // Poll ~100 µs first (the other executors usually finish within that of this one), then sleep in slices.
    const until = performance.now() + 0.1;
    while (!done() && performance.now() < until) { spinHint(); }
    while (!done()) {
      Atomics.wait(I, word, Atomics.load(I, word), 5);
      if (!live && this.deadWorker()) throw new KernelError(`data-parallel ${what}: ${this.deathNote()}`);
      if (this.failed) throw new KernelError(`data-parallel ${what}: ${this.failed}`);
      if (Date.now() - t0 > (live ? 2000 : WAIT_MS)) throw new KernelError(`data-parallel ${what}: no answer within ${(live ? 2000 : WAIT_MS) / 1000} s`);
    }
  }

  /** Runs `cmd` on every executor: workers in parallel, executor 0 here; waits for all. */
  run(cmd: Cmd): void {
    if (this.broken) throw new KernelError(`data-parallel step: ${this.broken}; bind again (the Module does)`);
    const n = this.views.length;
    for (let i = 1; i < n; i++) { const I = this.I(i); Atomics.store(I, 1, 0); Atomics.store(I, 3, cmd); Atomics.add(I, 0, 1); Atomics.notify(I, 0); }
    setKernelThreadsSuspended(true);
    try {
      if (cmd === Cmd.ForwardTrain || cmd === Cmd.ForwardBackward) this.exe0.forward({ isTrain: true });
      else if (cmd === Cmd.ForwardInfer) this.exe0.forward({ isTrain: false });
      if (cmd === Cmd.Backward || cmd === Cmd.ForwardBackward) this.exe0.backward();
    } finally { setKernelThreadsSuspended(false); }
    for (let i = 1; i < n; i++) {
      const I = this.I(i);
      try { this.waitFor(() => Atomics.load(I, 1) >= 1, 'step', I, 1); } catch (e) {
        if (!this.deadWorker()) throw e;
        // A worker died: let the live ones finish this step (they write into arrays a rebind frees), then fail.
        this.broken = this.deathNote();
        for (let j = 1; j < n; j++) {
          const J = this.I(j);
          if (!isDead(this.watches[j - 1]) && Atomics.load(J, DP_WORD.dead) === 0) { try { this.waitFor(() => Atomics.load(J, 1) >= 1, 'step', J, 1, true); } catch { /* ended meanwhile */ } }
        }
        throw new KernelError(`data-parallel step failed: ${this.broken}; the next step starts fresh workers`);
      }
      if (Atomics.load(I, 2) > 0) { const m = readError(I); Atomics.store(I, 2, 0); throw new KernelError(`data-parallel executor ${i} failed: ${m}`); }
    }
  }

  /** Test hook: the worker of executor `i` exits (code 3) when it takes its next step. */
  killWorkerForTests(i: number): void { Atomics.store(this.I(i), DP_WORD.exitHook, 1); }

  /** Ends the workers and frees what the group allocated. */
  dispose(): void {
    for (const w of this.watches) unwatch(w);
    this.watches = [];
    for (const w of this.workers) { try { w.postMessage({ type: 'exit' }); w.terminate(); } catch { /* gone */ } }
    this.workers = [];
    for (const a of this.owned) a.dispose();
    this.owned = [];
    const al = rt().alloc;
    for (const s of this.regions) al.free(s);
    this.regions = [];
    al.free(this.ctrl);
  }
}
