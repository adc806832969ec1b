// Independent calls of one kernel as one unit of work: the per-group GEMMs of a grouped convolution write disjoint
// outputs, and each is below the size worth a thread on its own (4 x 784 x 36 for 32 groups at 28²), so called one
// by one they never run in parallel. Lowering builds a step with `independentCalls`; the thread pool (src/parallel,
// above this layer) installs a runner that hands the calls to its threads as the parts of one job (each call is the
// same call as on one thread: same bits). Without a pool the calls run in order.
import type { KernelTable } from './manifest.js';
import { boundCall } from './manifest/args.js';

/** Runs the calls (argument lists) of kernel `name`; returns false to have them run in order on this thread. */
export type CallsRunner = (name: string, calls: number[][]) => boolean;
let runner: CallsRunner | undefined;

/** Installed by the thread pool's layer (src/parallel/threads.ts). @example setCallsRunner((name, calls) => false) */
export function setCallsRunner(r: CallsRunner | undefined): void { runner = r; }
/** The runner installed now (bench/thread-anatomy.mjs wraps it to time each call). @example const r = callsRunner() */
export function callsRunner(): CallsRunner | undefined { return runner; }

/**
 * A step running independent calls of kernel `name` (no call reads what another writes): on the pool's threads when
 * it takes them, else one after another.
 * @example const step = independentCalls(ctx.K, 'f32_gemm__simd128', perGroupArgs); step();
 */
export function independentCalls(K: KernelTable, name: string, calls: number[][]): () => void {
  const f = (K as unknown as Record<string, (...a: number[]) => unknown>)[name];
  if (calls.length === 1) return boundCall(f as (...a: number[]) => number, calls[0]);
  const inOrder = () => { for (let i = 0; i < calls.length; i++) f(...calls[i]); };
  if (calls.length < 2) return inOrder;
  return () => { if (!runner?.(name, calls)) inOrder(); };
}

/** Runs `f` with kernels on this thread only (`on()`: they have threads); set by src/parallel/threads.ts, for program.ts. */
export interface SerialRunner { on: () => boolean; run: (f: () => void) => void }
let serial: SerialRunner | undefined;
/** @example setSerialRunner({ on: () => false, run: (f) => f() }); serialRunner()?.run(step) */
export const setSerialRunner = (s: SerialRunner | undefined): void => { serial = s; }, serialRunner = (): SerialRunner | undefined => serial;

/**
 * Threads a program lowered now will run on: 1 until the thread layer (src/parallel/threads.ts) installs its count. A
 * Winograd convolution is lowered as this many lanes, each with its own workspace (src/ops/conv/winograd.ts).
 * @example setThreadCount(() => 2); threadCount() === 2
 */
export const setThreadCount = (f: () => number): void => { threadsNow = f; }, threadCount = (): number => threadsNow();
let threadsNow = () => 1;
/**
 * Runs `f` with threadCount() fixed at `n`: a bound program lowers for the lanes its memory plan reserved workspace for
 * (src/executor/plan.ts), whatever the count became between bind and the first forward.
 * @example withThreadCount(plan.threads, () => lowerForward(...))
 */
export function withThreadCount<T>(n: number, f: () => T): T {
  const old = threadsNow;
  threadsNow = () => n;
  try { return f(); } finally { threadsNow = old; }
}

/**
 * Set by src/parallel/threads.ts: `wake()` wakes sleeping kernel workers ahead of an imperative call that split last
 * time (they spin by the time its kernel posts: a wake-up costs 40-100 µs, a stem conv's job ~300 µs), `jobs()` counts
 * parallel jobs (whether a call split). @example threadWake()?.wake()
 */
export interface ThreadWake { wake: () => void; jobs: () => number }
let waker: ThreadWake | undefined;
/** @example setThreadWake({ wake() {}, jobs: () => 0 }) */
export const setThreadWake = (w: ThreadWake | undefined): void => { waker = w; }, threadWake = (): ThreadWake | undefined => waker;
