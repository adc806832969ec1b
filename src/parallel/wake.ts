/**
 * Waking sleeping kernel workers (issue 16, "idle between calls"). Control words (worker-source.ts): 1 pre-wakes
 * posted, 144 workers asleep now, 145 the pre-wake the caller acknowledged, 6 the spin window (0: cores taken).
 * Measured on the 2-vCPU VM (bench/idle-calls.mjs, per-call timelines): when the other core is busy, the scheduler
 * runs a woken worker on the caller's own core; the caller's notify then returns only after the worker ran the whole
 * job (and, before the worker's solo rule, its 200 µs spin window): ~900 µs for a 560 µs stem conv; or the woken
 * worker queues behind the caller on its core and joins after the job (the caller runs every part).
 */
const ENV = (globalThis as { process?: { env?: Record<string, string> } }).process?.env ?? {};
/** A worker that ran a whole job alone sleeps at once (worker-source.ts); MXWASM_SOLO_SLEEP=0: it spins its window. */
export const SOLO_SLEEP = ENV.MXWASM_SOLO_SLEEP !== '0';
/** MXWASM_PREWAKE=0: imperative calls do not wake sleeping workers ahead of their job (prewake). */
const PREWAKE = ENV.MXWASM_PREWAKE !== '0';
/**
 * Above this share of recent cold jobs that got no help, calls that would wake sleeping workers stay home (threads.ts)
 * and pre-wakes are probes. 0.5 kept GEMM 512's plain row home on a calm machine (quiet window, 2t/1t: 1.36x, 1.41x
 * with the rule off; the stem after a 2 ms sleep 0.99x, 1.34x with the rules off); the grouped conv after a sleep,
 * which the rule protects (0.74x without it), read 0.98 there.
 */
export const NO_HELP = 0.9;

/** The caller's side of waking workers: every notify of sleepers goes through `wake`, which watches what it costs. */
export class Waker {
  /**
   * How often a recent job posted to sleeping workers got no help from them, a moving average of 0 / 1: the caller
   * ran every part (the woken worker queued behind it on its core) or none (the worker ran them all on the caller's
   * core, the caller waiting inside its notify). Two threads then gain nothing on calls that must wake the workers:
   * threads.ts keeps those on the calling thread. A worker on a free core takes some parts and brings it down.
   */
  shared = 0;
  /** Pre-wakes posted. */
  prewakes = 0;
  private probes = 0;

  /** A pre-wake was posted since the last job: that job's outcome is noted too (a probe that found the core free). */
  private primed = false;
  /** Wakes the workers sleeping on word 0 (all of them: a job or a pre-wake); whether any slept or were pre-woken. */
  wake(I: Int32Array): boolean {
    const cold = Atomics.load(I, 144) > 0 || this.primed;
    this.primed = false;
    Atomics.notify(I, 0);
    return cold;
  }

  /** A job posted to sleeping workers ended: the caller ran `own` of its `P` parts. */
  note(own: number, P: number): void { this.shared += ((own === 0 || own === P ? 1 : 0) - this.shared) / 4; }

  /**
   * Wakes sleeping workers ahead of a job (an imperative call's set-up takes 100-300 µs; a worker woken at the job's
   * post joins 40-100 µs late): they spin a fresh window. Nothing while none sleeps, or while the window is 0. The
   * acknowledgement after the notify tells a worker that the caller runs beside it; one woken on the caller's own core
   * gets none before it has spun ACK_MS (worker-source.ts) and sleeps again.
   */
  prewake(I: Int32Array): void {
    if (!PREWAKE || Atomics.load(I, 144) === 0 || Atomics.load(I, 6) === 0) return;
    // While wakes do not help, one call in 16 still pre-wakes: a probe (it costs ~ACK_MS then: 1 in 4 took ~4% of a
    // 0.6 ms grouped conv at load 11); a worker on a free core then spins by the job, which splits and is noted.
    if (this.shared > NO_HELP && (++this.probes & 15) !== 0) return;
    const w = (Atomics.load(I, 1) + 1) | 0;
    Atomics.store(I, 1, w);
    this.wake(I);
    Atomics.store(I, 145, w);
    this.prewakes++;
    this.primed = true;
  }
}
