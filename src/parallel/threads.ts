import { ArgumentError } from '../errors.js';
import { rt } from '../runtime/runtime.js';
import { kernelIndexOf } from '../runtime/manifest.js';
import { Pool, SPIN_US, threadPlatform } from './pool.js';
import { NO_HELP } from './wake.js';
import { SPLITS, type Split } from './splits.js';
import { setCallsRunner, setSerialRunner, setThreadCount, setThreadWake } from '../runtime/parts.js';
import { MAX_PARTS } from './worker-source.js';

/** Parts per thread: enough for a fast thread to take over a slow one's share, few enough that dispatch stays small. */
const PARTS_PER_THREAD = 4;

let requested: number | undefined;
let pool: Pool | undefined;
let installed = false;
let whyOne = '';

function envThreads(): number | undefined {
  const v = typeof process !== 'undefined' ? process.env?.MXWASM_NUM_THREADS : undefined;
  const n = v ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Threads that would be used now: 1 where the platform cannot share memory with workers, and 1 from the moment a
 * worker dies until the next parallel call starts a fresh pool.
 */
export function getNumThreads(): number {
  const T = effective();
  if (T > 1 && pool?.failure) { whyOne = `a worker thread stopped (${pool.failure}): the next parallel kernel call starts a fresh pool`; return 1; }
  return T;
}

/** Fresh pools started after worker deaths; past MAX_RESTARTS the process stays on one thread (and says why). */
let restarts = 0, lastDeath = '';
const MAX_RESTARTS = 8;

/** @internal The running pool (tests kill its workers). */
export function poolForTests(): Pool | undefined { return pool; }

function effective(): number {
  const r = rt();
  if (spawnFailed) { whyOne = spawnFailed; return 1; }
  const p = threadPlatform();
  if (!p) { whyOne = 'no worker threads on this platform'; return 1; }
  if (!r.shared || !r.features.sharedPostable) { whyOne = 'shared memory cannot be posted to workers (no cross-origin isolation)'; return 1; }
  whyOne = '';
  // Read once: the environment and the core count cost 0.3-0.8 µs a read, and every parallel kernel call asks.
  return Math.max(1, Math.min(64, requested ?? (defaultThreads ??= envThreads() ?? p.cores())));
}
let defaultThreads: number | undefined;

/** Why threads are off, or '' when they are on (plus the last worker death, if any). */
export function threadNote(): string {
  getNumThreads();
  return [whyOne, lastDeath && !whyOne.includes(lastDeath) ? `last worker death: ${lastDeath} (${restarts} fresh pool${restarts === 1 ? '' : 's'} started)` : ''].filter(Boolean).join('; ');
}

/**
 * Sets the number of threads kernels use (the calling thread included). Takes effect on the next
 * parallel kernel call, also for executors already bound.
 * @example mx.setNumThreads(2); await mx.threadsReady();
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ArgumentError(`setNumThreads: expected an integer from 1 to 64 (the pool's limit), got ${typeof n === 'string' ? `'${n}'` : n}`, { arg: 'n' });
  requested = n;
  if (pool && pool.threads !== effective()) { pool.shutdown(); pool = undefined; }
  ensureInstalled();
}

const readyHooks: (() => Promise<void>)[] = [];
/** Registers work `threadsReady` also waits for (data-parallel workers started ahead). */
export function onThreadsReady(f: () => Promise<void>): void { readyHooks.push(f); }

/**
 * Starts the workers now and resolves when they are ready (else kernel workers start at the first big
 * kernel call). In browsers it also starts the data-parallel executor workers a Module with several
 * contexts will use (they cannot start while a worker blocks): call it before such a Module's bind.
 * @example await mx.threadsReady()
 */
export async function threadsReady(): Promise<void> {
  ensureInstalled();
  const p = getPool();
  if (p) await p.whenReady();
  for (const f of readyHooks) await f();
}

/**
 * Counters of the thread pool since it started: parallel jobs, their parts, and the share of parts the
 * worker threads ran (about (T-1)/T when every core is available; near 0 when the workers' cores are
 * taken, e.g. by another tenant of a virtual machine), and `gain`, what recent small parallel calls gained
 * (one thread's time estimate over theirs; under 1.1 small calls stay on the calling thread), and `gainBig`, the same
 * over large calls (under 1 they stay on the calling thread too, and idle workers sleep at once). Undefined while
 * no pool runs.
 * @example const s = mx.threadStats(); console.log(s?.workerShare)
 */
export function threadStats(): { threads: number; jobs: number; parts: number; workerShare: number; gain: number; gainBig: number } | undefined {
  if (!pool) return undefined;
  const { jobs, parts, ownParts } = pool.stats;
  return { threads: pool.threads, jobs, parts, workerShare: parts ? (parts - ownParts) / parts : 0, gain: pool.gain, gainBig: pool.gainBig };
}

const shutdownHooks: (() => void)[] = [];
/** Registers work `shutdown` also does (data-parallel workers started ahead). */
export function onShutdown(f: () => void): void { shutdownHooks.push(f); }

/** Ends the worker threads (a Node process exits without this too: workers are unref'd). @example mx.shutdown() */
export function shutdown(): void { pool?.shutdown(); pool = undefined; for (const f of shutdownHooks) f(); }

/**
 * How long (µs) idle workers keep polling after a job before they sleep: back-to-back kernels then
 * skip the wake-up (tens of µs), at the cost of a busy core for that long. Default 200 (MXWASM_SPIN_US).
 * @example setThreadSpin(0) // sleep right after each job (shared machines)
 */
export function setThreadSpin(us: number): void { spinUs = us; if (pool) adaptSpin(pool); }
let spinUs = SPIN_US;

let spawnFailed = '';
let suspended = false;
/**
 * While set, kernels run on the calling thread only (data-parallel executors already use the cores), and
 * idle kernel workers sleep at once instead of polling (they would take a core from those executors).
 */
export function setKernelThreadsSuspended(v: boolean): void {
  if (v === suspended) return;
  suspended = v;
  if (pool) adaptSpin(pool);
}

function getPool(): Pool | undefined {
  const T = effective();
  if (T <= 1 || spawnFailed) return undefined;
  if (pool?.failure) {
    // A worker died (idle, or failing the last call): this call starts a fresh pool and runs on one thread meanwhile.
    lastDeath = pool.failure;
    pool.shutdown(); pool = undefined;
    if (++restarts > MAX_RESTARTS) { spawnFailed = `worker threads died ${restarts} times, threads are off (last: ${lastDeath})`; return undefined; }
  }
  if (!pool) {
    // A platform that cannot start our workers (no eval/Blob workers) runs single-threaded, and says why.
    try { pool = new Pool(T); spinNow = -1; adaptSpin(pool); } catch (e) { spawnFailed = `worker threads could not start: ${(e as Error).message}`; return undefined; }
  }
  return pool;
}

/**
 * The cost model. A call below SMALL_UNITS times its split's `min` per thread (about half a millisecond of work)
 * gains from the workers only when they answer at once: on a machine whose other cores are taken (a loaded VM, a busy
 * laptop) a worker wakes late or runs at half speed on a shared core, and the caller then waits longer than the whole
 * call takes alone (LeNet batch 1: 0.25 ms on 2 threads vs 0.18 on 1). The pool measures what its small jobs gained
 * (Pool.gains, per kernel: a memory-bound kernel's must not decide for a GEMM); while that is under MIN_GAIN, small
 * calls of that kernel run on the calling thread, and one in PROBE_EVERY (one in
 * PROBE_RARELY while the gain is under 0.7: each probe then costs about a call's time again) still goes to the
 * workers, to notice when their cores are back.
 * Larger calls are measured the same way (per kernel too) and stay home only while two threads lose outright (gain
 * under 1: a worker descheduled while it holds a part makes the caller wait a time slice; whole networks ran
 * 0.65-0.84x on 2 threads at load 14-20), one in BIG_PROBE still split. On free cores their gain is 1.6-1.95.
 * While either gain says the cores are taken, idle workers sleep at once instead of polling (a polling worker then
 * takes CPU time the caller needs: an ONNX LSTM at 2 threads ran 0.67-0.89x of onnxruntime-web with the 200 µs window
 * against 1.26x with none, at load ~15). Results are the same bits on every path.
 */
const SMALL_UNITS = 32, MIN_GAIN = 1.1, PROBE_EVERY = 16, PROBE_RARELY = 64, BIG_PROBE = 8;
/**
 * A kernel's large calls measured at least this gain: its cores are free, and a split that re-does work per part
 * (a GEMM part packs the shared operand again) takes one part per thread (Split.parts' `free`).
 */
const FREE_GAIN = Number((typeof process !== 'undefined' ? process.env?.MXWASM_FREE_GAIN : undefined) ?? 1.5); // 99: never
/**
 * Whether a small call stays home now (see above). A probe at gain 0.7-1.1 is a burst of PROBE_BURST calls: the first
 * finds the workers asleep (LeNet b1 at RT priority, free cores: gain stuck at 0.99 without the burst).
 */
const staysHome = (gain: number): boolean => {
  if (gain >= MIN_GAIN) return false;
  if (burst > 0 && gain >= 0.7) return burst-- < 0;
  return ++probe % (gain < 0.7 ? PROBE_RARELY : PROBE_EVERY) !== 0 || (burst = gain >= 0.7 ? PROBE_BURST - 1 : 0) < 0;
};
const PROBE_BURST = 4;
let burst = 0;
/**
 * Whether a call stays on the calling thread because its workers sleep and jobs that woke them lately got no help
 * (Pool.waker.shared: the other core was busy; the woken worker ran the job on the caller's core while it waited, or
 * queued behind it; 2 threads ran slower than 1). One in COLD_PROBE still wakes them (and a pre-wake in 16 probes
 * too: wake.ts). MXWASM_COLD_HOME=0: off.
 */
const coldStaysHome = (p: Pool): boolean => COLD_HOME && p.waker.shared > NO_HELP && p.asleep && ++probeCold % COLD_PROBE !== 0;
const COLD_HOME = (typeof process !== 'undefined' ? process.env?.MXWASM_COLD_HOME : undefined) !== '0', COLD_PROBE = 32;
/** Kernel calls big enough for the pool (split or kept home by the cost model): an imperative call that made one pre-wakes. */
let probeCold = 0, wanted = 0;
/** Whether a large call stays on the calling thread now (see above). */
const bigStaysHome = (gain: number): boolean => gain < 1 && ++probeBig % BIG_PROBE !== 0;
/** MXWASM_CALLS_PARTS=0: independent calls (a batch's images, a grouped conv's groups) run in order, each cut on its own (A/B). */
const CALLS_AS_PARTS = (typeof process !== 'undefined' ? process.env?.MXWASM_CALLS_PARTS : undefined) !== '0';
let adaptive = (typeof process !== 'undefined' ? process.env?.MXWASM_THREAD_ADAPT : undefined) !== '0';
let probe = 0, probeBig = 0;
/** The spin window the pool runs with now: the user's, or 0 while the measured gains say the cores are taken. */
let spinNow = -1;
function adaptSpin(p: Pool): void {
  // Over all kernels (memory-bound ones pull these to ~1 even on free cores, so the bars are lower than the splits').
  const want = suspended ? 0 : adaptive && (p.gainBig < 0.8 || p.gain < 0.6) ? 0 : spinUs;
  if (want !== spinNow) p.spinWindow = spinNow = want;
}
/**
 * Turns the cost model on or off (MXWASM_THREAD_ADAPT=0 starts with it off); returns the old setting.
 * Tests that count parallel jobs turn it off. @example const old = setThreadAdaptive(false)
 */
export function setThreadAdaptive(on: boolean): boolean { const old = adaptive; adaptive = on; return old; }

/** Wraps the splittable kernels of the table once; the wrapper decides per call (work ≥ threshold, pool ready). */
export function ensureInstalled(): void {
  if (installed) return;
  installed = true;
  const K = rt().K as unknown as Record<string, (...a: number[]) => unknown>;
  const table = new Map<string, { idx: number; base: (...a: number[]) => unknown; s: Split }>();
  // Independent calls of one kernel (src/runtime/parts.ts: a grouped convolution's per-group GEMMs) as the parts of
  // one job, when together they are worth the threads; false: the caller runs them in order.
  setCallsRunner((name, calls) => {
    const e = table.get(name);
    if (!e || suspended || !CALLS_AS_PARTS || effective() <= 1) return false;
    let work = 0;
    for (const c of calls) work += e.s.work(c);
    let T = Math.min(calls.length, Math.floor(work / e.s.min));
    if (T <= 1) return false;
    const p = getPool();
    if (!p || !p.ready) return false;
    if (e.idx < 0) e.idx = kernelIndexOf(name);
    // Whole calls as parts balance only when they share out evenly (a batch of 3 images on 2 threads: one thread runs
    // two, 1.33x at best): otherwise the calls run in order and each is cut on its own (the same bits either way).
    T = Math.min(T, p.threads);
    if (Math.ceil(calls.length / T) * T > calls.length * 1.15) return false;
    wanted++;
    const small = work < SMALL_UNITS * e.s.min * T;
    if (adaptive && (coldStaysHome(p) || (small ? staysHome(p.gains[2 * e.idx]) : bigStaysHome(p.gains[2 * e.idx + 1])))) return false;
    // At most MAX_PARTS calls per job (the control block's argument area): more go as consecutive jobs.
    for (let i = 0; i < calls.length; i += MAX_PARTS) {
      const part = calls.length <= MAX_PARTS ? calls : calls.slice(i, i + MAX_PARTS);
      p.run(e.idx, e.base, part, Math.min(p.threads, T, part.length), e.s.scratchArg ?? -1, small ? 'small' : 'big');
    }
    adaptSpin(p);
    return true;
  });
  // A tiny program's runs on one thread (src/executor/program.ts): the workers keep their spin window meanwhile.
  setSerialRunner({ on: () => !suspended && effective() > 1, run: (f) => { suspended = true; try { f(); } finally { suspended = false; } } });
  setThreadCount(getNumThreads);
  // An imperative call that split last time wakes sleeping workers before its set-up (pool.ts prewake).
  setThreadWake({ wake: () => { if (!suspended && pool?.ready) pool.prewake(); }, jobs: () => wanted });
  // By SPLITS, not the manifest lines (built on first use): a kernel's index (the pool's name for it) is looked up when a
  // pool first runs it, as the pool's start builds them anyway.
  for (const name in SPLITS) {
    const s = SPLITS[name], base = K[name];
    if (typeof base !== 'function') continue;
    const e = { idx: -1, base, s };
    table.set(name, e);
    K[name] = (...a: number[]) => {
      const work = s.work(a);
      if (suspended || work < s.min || effective() <= 1) return base(...a);
      const p = getPool();
      if (!p || !p.ready) return base(...a);
      const idx = e.idx < 0 ? (e.idx = kernelIndexOf(name)) : e.idx;
      // Each thread must get at least `min` work: a medium call uses fewer threads than the pool has.
      // The call is cut in PARTS_PER_THREAD parts per thread (or as many as the split's `parts` says), taken
      // dynamically (a slower core takes fewer).
      const T = Math.min(p.threads, Math.floor(work / s.min));
      if (T <= 1) return base(...a); // less than two threads' worth: one call, no parts
      wanted++;
      const small = work < SMALL_UNITS * s.min * T;
      if (adaptive && (coldStaysHome(p) || (small ? staysHome(p.gains[2 * idx]) : bigStaysHome(p.gains[2 * idx + 1])))) return base(...a);
      const free = adaptive && !small && p.gains[2 * idx + 1] >= FREE_GAIN;
      const parts = s.split(a, Math.min(MAX_PARTS, s.parts?.(a, T, free) ?? T * PARTS_PER_THREAD), T);
      if (parts.length <= 1) return base(...a);
      p.run(idx, base, parts, Math.min(T, parts.length), s.scratchArg ?? -1, small ? 'small' : 'big');
      adaptSpin(p);
    };
  }
}
