import { ArgumentError, KernelError, MxError } from '../errors.js';
import { rt, SCRATCH_BYTES } from '../runtime/runtime.js';
import { viewOf, words } from '../runtime/mem-view.js';
import { kernels } from '../runtime/manifest.js';
import { ARGS, CTRL_BYTES, MAX_PARTS, SUPERVISOR_SOURCE, WORKER_SOURCE, grab } from './worker-source.js';
import { SOLO_SLEEP, Waker } from './wake.js';

/** The little of a Worker the pool needs (Node worker_threads and Web Workers both fit). */
export interface WorkerLike {
  /** `transfer`: objects moved to the worker (a MessagePort for the death watch, src/parallel/watchdog.ts). */
  postMessage(m: unknown, transfer?: unknown[]): void;
  terminate(): unknown;
  onMessage(f: (m: any) => void): void;
  onError(f: (e: unknown) => void): void;
  /** Where the platform reports a worker's end (Node 'exit'). */
  onExit?(f: (code: number) => void): void;
  unref?(): void;
}
/** How a platform starts a worker from source text (Node: eval worker; browsers: Blob URL). */
export interface ThreadPlatform {
  spawn: (source: string) => WorkerLike;
  /** Starts a worker running one of the library's worker entries ('dp': data-parallel executors). */
  spawnModule?: (entry: 'dp') => WorkerLike;
  cores: () => number;
  canBlock: boolean;
  /**
   * Workers finish starting only while the spawning thread's event loop runs (browsers: a nested worker's
   * script is fetched through its parent), so a thread that blocks right after spawning would wait forever:
   * data-parallel workers are then started ahead, by `mx.threadsReady()`.
   */
  startsAsync?: boolean;
  /** Kernel workers start under a supervisor worker (SUPERVISOR_SOURCE, Node) that reports deaths through shared memory. */
  supervised?: boolean;
}

let platform: ThreadPlatform | undefined;
/** Registered by the Node and browser entries (undefined: no kernel threads, as in a data-parallel worker). */
export function setThreadPlatform(p: ThreadPlatform | undefined): void { platform = p; }
export function threadPlatform(): ThreadPlatform | undefined { return platform; }

const ENV = (globalThis as { process?: { env?: Record<string, string> } }).process?.env ?? {};
const SPIN = Number(ENV.MXWASM_SPIN ?? 4000);
/**
 * Iterations the caller polls for its job's last parts before it sleeps, while idle workers poll too (spin window
 * above 0: the cores are free): a caller asleep in Atomics.wait is woken by the worker's notify tens of µs late, on
 * jobs whose parts end that far apart. At real-time priority on the VM (two free vCPUs, bench/thread-anatomy.mjs,
 * 2 runs each): MobileNetV2 b1 1.58x / 1.56x on 2 threads with 4000 -> 1.61x / 1.66x, SqueezeNet 1.58 / 1.40 -> 1.58 / 1.61.
 */
const SPIN_FREE = Number(ENV.MXWASM_SPIN_FREE ?? 200_000);
/** Default spin window (µs): how long workers keep polling after a job before they sleep. */
export const SPIN_US = Number(ENV.MXWASM_SPIN_US ?? 200);
const WAIT_BOUND_MS = 60_000;
const PAUSE = (Atomics as unknown as { pause?: () => void }).pause;
/**
 * One iteration's hint in a spin-wait loop: Atomics.pause where the engine has it (V8 13.3+: Chrome 133,
 * Node 24; not Node 20), so a hyperthread sibling running kernels loses less to the loop.
 */
export const spinHint: () => void = typeof PAUSE === 'function' ? () => PAUSE.call(Atomics) : () => {};

/**
 * N-1 workers plus the calling thread, all running kernels of the same compiled module on the same
 * memory. A job is posted through a control block in shared memory (no message per call): the
 * caller writes each thread's arguments, bumps the generation word, runs its own share, then waits
 * (spin, then bounded Atomics.wait) for the others.
 */
export class Pool {
  readonly threads: number;
  /** Each thread's 4 MiB scratch (thread 0: the runtime's); a split's `scratchArg` gets the running thread's. */
  private readonly scratch: number[];
  private workers: WorkerLike[] = [];
  private failed: string | undefined;
  private ctrl: number;
  private I?: Int32Array;
  private closed = false;
  private readyWaiters: (() => void)[] = [];
  /** Parallel jobs run, their parts, and the parts the calling thread ran itself (the rest ran on workers). */
  readonly stats = { jobs: 0, parts: 0, ownParts: 0 };
  /**
   * What recent small jobs gained from the workers: the caller's own time per part times the parts (one thread's
   * estimate) over the job's time, a moving average over the jobs run with `track` (threads.ts's cost model keeps
   * small calls on the calling thread while this is near or below 1: the workers' cores are taken, or the
   * workers wake too late for work this small). Starts optimistic.
   */
  gain = 2;
  /**
   * The same measure over large calls (those `track`ed as 'big'): one thread's estimate over the job's time. Near 1.8
   * on two free cores; under 1 when the workers' cores are taken (a worker descheduled holding a part makes the caller
   * wait for it: on the loaded VM whole networks ran 0.65-0.84x on 2 threads).
   */
  gainBig = 2;
  /**
   * The same two measures per kernel (index 2k: small calls of kernel k, 2k + 1: large ones), which the cost model
   * decides by: a memory-bound kernel that gains nothing from a second core (a stem's im2col, a large copy) must not
   * keep a GEMM that gains 1.9x on the calling thread (at real-time priority on the VM, one global measure fell under
   * 1 after the MobileNet stem rows and GEMM 512 then ran 0.96x on 2 threads).
   */
  readonly gains = new Float64Array(kernels().length * 2).fill(2);

  constructor(threads: number) {
    const r = rt();
    if (!platform) throw new MxError('unsupported', 'no worker support on this platform');
    if (!r.shared || !r.features.sharedPostable) throw new MxError('unsupported', 'threads need a shared memory that can be posted (cross-origin isolation in browsers)');
    this.threads = threads;
    this.ctrl = r.alloc.alloc(CTRL_BYTES);
    viewOf(r.memory, Uint8Array, this.ctrl, CTRL_BYTES).fill(0);
    this.spinWindow = SPIN_US;
    this.scratch = [r.scratch.off];
    for (let t = 1; t < threads; t++) this.scratch.push(r.alloc.alloc(SCRATCH_BYTES));
    const init = { type: 'init', module: r.module, addon: r.addon, memory: r.memory, ctrl: this.ctrl, names: kernels().map((k) => k.name), spin: SPIN, soloSleep: SOLO_SLEEP };
    const watch = (w: WorkerLike, who: string) => {
      w.onMessage((m) => {
        // A worker that finishes starting after shutdown is ended now (Deno keeps a process alive for a worker
        // terminated before it started).
        if (m?.type === 'ready') { if (this.closed && !platform!.supervised) { try { w.terminate(); } catch { /* gone */ } return; } if (this.ready) this.readyWaiters.splice(0).forEach((f) => f()); }
        else if (m?.type === 'fail') this.fail(`worker ${m.id ?? who} could not start: ${m.message}`);
        else if (m?.type === 'dead') this.fail(m.message);
      });
      w.onError((e) => this.fail(`${who} failed: ${(e as Error)?.message ?? String(e)}`));
      w.onExit?.((code) => { if (!this.closed) this.fail(`${who} exited (code ${code})`); });
      w.unref?.();
      this.workers.push(w);
    };
    if (platform.supervised) {
      const sup = platform.spawn(SUPERVISOR_SOURCE);
      watch(sup, 'the thread supervisor');
      sup.postMessage({ type: 'start', source: WORKER_SOURCE, init, ids: Array.from({ length: threads - 1 }, (_, i) => i + 1), scratch: this.scratch });
      return;
    }
    for (let id = 1; id < threads; id++) {
      const w = platform.spawn(WORKER_SOURCE);
      // A terminate() through this handle (not the pool's shutdown) is a death the caller's wait sees at once:
      // browsers have no supervisor, and a blocked caller gets no events.
      const term = w.terminate.bind(w);
      w.terminate = () => {
        if (!this.closed) { const I = this.ctl(); if (Atomics.compareExchange(I, 8, 0, id) === 0) { Atomics.notify(I, 12); Atomics.notify(I, 0); } }
        return term();
      };
      watch(w, `worker ${id}`);
      w.postMessage({ ...init, id, scratch: this.scratch[id] });
    }
  }

  /**
   * @internal Test hook: worker `id` exits while idle (`busy` false), exits holding its next part (`busy` true), or
   * throws outside the kernel call holding its next part (`busy` 'throw'); `terminate` ends it through its handle.
   */
  killWorkerForTests(id: number, busy: boolean | 'throw' | 'terminate'): void {
    if (busy === 'terminate') {
      if (platform?.supervised) throw new ArgumentError('killWorkerForTests: terminate needs an unsupervised platform (the workers are the supervisor\'s)');
      this.workers[id - 1]?.terminate();
      return;
    }
    const I = this.ctl();
    Atomics.store(I, busy === 'throw' ? 14 : busy ? 9 : 13, id);
    Atomics.notify(I, 0);
  }

  /** Wakes sleeping workers (jobs, pre-wakes) and measures what that costs the caller (wake.ts). */
  readonly waker = new Waker();
  /** Wakes sleeping workers ahead of a job (wake.ts; an imperative call that split last time calls it first). */
  prewake(): void { this.waker.prewake(this.ctl()); }
  /** Whether workers sleep now (a job would have to wake them). */
  get asleep(): boolean { return Atomics.load(this.ctl(), 144) > 0; }
  /** @internal Test hook: the calling thread takes no part of its jobs (the workers run them whole). */
  soloForTests = false;

  /** Microseconds workers keep polling after a job before they sleep (0: only a short spin). */
  get spinWindow(): number { return Atomics.load(this.ctl(), 6); }
  set spinWindow(us: number) { Atomics.store(this.ctl(), 6, Math.max(0, Math.min(1e6, Math.round(us)))); }

  /** The control block's words (a view made again only after the memory grew). */
  private ctl(): Int32Array {
    const m = rt().memory;
    return this.I?.buffer === m.buffer ? this.I : (this.I = words(m, this.ctrl, 256));
  }
  private A?: Float64Array;
  /** The parts' argument lists, on the same buffer as `I` (a fresh `ctl()`). */
  private args(I: Int32Array): Float64Array {
    return this.A?.buffer === I.buffer ? this.A : (this.A = viewOf(rt().memory, Float64Array, this.ctrl + 1024, MAX_PARTS * ARGS));
  }

  /**
   * Why the pool failed (a worker could not start or died), or undefined. A death the supervisor wrote to the
   * control block counts at once, before any event reaches this thread.
   */
  get failure(): string | undefined {
    if (!this.failed && !this.closed) { const d = Atomics.load(this.ctl(), 8); if (d) this.failed = `worker ${d} died`; }
    return this.failed;
  }

  /** All workers started (each announces itself in the control block) and none failed. */
  get ready(): boolean { return !this.closed && !this.failure && Atomics.load(this.ctl(), 7) === this.threads - 1; }

  /** Resolves when the workers are ready (rejects after 10 s or on a failure). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    if (this.failed) return Promise.reject(new KernelError(this.failed));
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new KernelError(this.failed ?? 'thread pool did not start within 10 s')), 10_000);
      this.readyWaiters.push(() => { clearTimeout(t); res(); });
    });
  }

  /**
   * Runs the `parts` (argument lists) of kernel `k` on `T` threads (this one included): every thread
   * takes the next part from a shared counter until none is left, so a thread that runs slower (a busy
   * core, a late wake-up) takes fewer parts. Argument `scratchArg` (if >= 0) is replaced by the running
   * thread's own scratch. Throws KernelError naming the kernel if any part traps; never waits unboundedly.
   */
  run(k: number, base: (...a: number[]) => unknown, parts: number[][], T: number, scratchArg = -1, track: false | 'small' | 'big' = false): void {
    const P = parts.length, t0 = track ? performance.now() : 0;
    const I = this.ctl();
    const A = this.args(I);
    for (let j = 0; j < P; j++) {
      const p = parts[j], o = j * ARGS;
      A[o] = p.length;
      for (let i = 0; i < p.length; i++) A[o + 1 + i] = p[i];
    }
    // The part counters carry the job's generation (tag << 8 | next part): a worker that wakes after
    // its job is over finds another tag and takes nothing. Completion counts parts, not threads, so a
    // worker that is asleep or descheduled never holds the caller up: the caller runs what is left.
    const gen = (Atomics.load(I, 0) + 1) | 0;
    Atomics.store(I, 2, 0); Atomics.store(I, 3, k); Atomics.store(I, 4, P); Atomics.store(I, 10, T); Atomics.store(I, 11, scratchArg);
    Atomics.store(I, 12, 0);
    Atomics.store(I, 15, I.buffer.byteLength >>> 16); // pages the job may touch (see worker-source.ts, word 15)
    for (let r = 0; r < T; r++) Atomics.store(I, 160 + r, ((gen & 0xffffff) << 8) | Math.floor((r * P) / T));
    Atomics.store(I, 0, gen);
    const cold = this.waker.wake(I);
    let err: unknown, own = 0;
    for (let j = this.soloForTests ? -1 : grab(I, gen, P, 0, T); j >= 0; j = grab(I, gen, P, 0, T)) {
      const a = parts[j];
      if (scratchArg >= 0) a[scratchArg] = this.scratch[0];
      try { base(...a); } catch (e) { err ??= e; }
      Atomics.add(I, 12, 1);
      own++;
    }
    this.stats.jobs++; this.stats.parts += P; this.stats.ownParts += own;
    const t1 = track ? performance.now() : 0;
    this.waitDone(I, P, kernels()[k].name);
    if (cold) this.waker.note(own, P);
    if (track && own > 0) {
      const job = performance.now() - t0;
      if (job > 0) {
        const g = Math.min(4, ((t1 - t0) * P) / own / job);
        if (track === 'small') this.gain += (g - this.gain) / 8; else this.gainBig += (g - this.gainBig) / 8;
        const i = 2 * k + (track === 'small' ? 0 : 1);
        this.gains[i] += (g - this.gains[i]) / 8;
      }
    }
    if (err) throw new KernelError(`kernel ${kernels()[k].name} failed on thread 0: ${(err as Error).message}`, { kernel: kernels()[k].name });
    if (Atomics.load(I, 2) > 0) {
      let msg = '';
      for (let i = 0; i < 128 && I[16 + i]; i++) msg += String.fromCharCode(I[16 + i]);
      throw new KernelError(`kernel ${kernels()[k].name} failed on a worker thread: ${msg}`, { kernel: kernels()[k].name });
    }
  }

  private waitDone(I: Int32Array, want: number, kernel: string): void {
    const t0 = Date.now(), spin = Atomics.load(I, 6) > 0 ? SPIN_FREE : SPIN;
    let n = 0;
    for (;;) {
      const d = Atomics.load(I, 12);
      if (d >= want) return;
      spinHint();
      // A worker that died holding a part never counts it: the supervisor writes word 8 (and wakes this wait).
      const dead = Atomics.load(I, 8);
      if (dead || ++n > spin) {
        n = 0;
        if (!dead && platform?.canBlock) Atomics.wait(I, 12, d, 1);
        if (dead || Date.now() - t0 > WAIT_BOUND_MS || this.failed) {
          const why = this.failure ?? `workers did not finish ${kernel} within ${WAIT_BOUND_MS / 1000} s`;
          this.failed ??= why;
          this.shutdown();
          throw new KernelError(`thread pool: ${why} during ${kernel}; the call failed and the next one starts a fresh pool`, { kernel });
        }
      }
    }
  }

  private fail(msg: string): void { this.failed = msg; }

  /** Ends the workers and frees their scratch. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      const I = this.ctl();
      Atomics.store(I, 5, 1); Atomics.add(I, 0, 1); Atomics.notify(I, 0);
    } catch { /* memory gone */ }
    for (const w of this.workers) { try { w.terminate(); } catch { /* already gone */ } }
    // The control block (13 KB) is kept: a worker still ending may touch it after this (it counts itself awake, it
    // reads the shutdown flag), and freed memory reused by an array would take those writes (a test saw wrong bits).
    const a = rt().alloc;
    for (const s of this.scratch.slice(1)) a.free(s);
  }
}
