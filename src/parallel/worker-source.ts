/**
 * The worker's whole program, as source text: it needs no bundle, so the same code starts from
 * `src/` (tests), `dist/` (Node) and a Blob URL (browsers). A worker instantiates the shared
 * compiled module on the shared memory, reads the generation word BEFORE saying ready (else it can
 * miss the first job), then loops: spin briefly, sleep in Atomics.wait with a bound, run its share
 * of the posted kernel call, count itself done. A trap is caught and reported through the control
 * block; the pool turns it into a KernelError naming the kernel.
 *
 * A job is P parts (argument lists) of one kernel; the T threads in it take parts from a shared
 * counter until none is left (a slower thread takes fewer) and count each part done.
 * Control block (Int32 words): 0 generation, 2 error count, 3 kernel index, 4 parts P, 5 shutdown
 * flag, 6 spin window in µs (how long a worker keeps polling after its last job before it sleeps),
 * 10 threads T in this job, 11 index of the scratch argument (replaced by the running thread's own
 * scratch; -1 none), 12 parts done, 16.. error text (UTF-16 codes, 128 words), 1 pre-wakes posted (pool.ts prewake),
 * 144 workers asleep now, 145 the pre-wake the caller acknowledged (it runs: not on the woken worker's core), 160 + r the part
 * counter of thread r's range (generation tag << 8 | next part: a late worker sees another tag and
 * takes nothing); part j's arguments: Float64 at byte ctrl + 1024 + j * 8 * ARGS (count first).
 * Liveness words: 7 workers ready (each adds 1 once started: a synchronous caller sees them without an event turn),
 * 8 the id of a worker that died (written by the supervisor, by a worker whose loop an error ends, or by the pool's
 * terminate() wrapper; 0 none), 9 / 13 / 14 test hooks: the worker with that id exits holding its next part / exits
 * while idle / throws outside the kernel call holding its next part. 15: the memory's size in 64 KiB pages when the job
 * was posted: a worker whose own instance does not see that much yet (the main thread grew the shared memory and
 * this thread's engine has not applied it) waits for it briefly, else leaves the job to the others.
 */
export const ARGS = 24;
/** At most this many parts per job (the part index is 8 bits of the counter word). */
export const MAX_PARTS = 64;
export const CTRL_BYTES = 1024 + MAX_PARTS * 8 * ARGS;
/** A pre-woken worker spins its window plus this long (ms: an imperative call's set-up before its kernel posts). */
const PRE_MS = 0.3;
/** ... and sleeps again when the caller has not acknowledged the pre-wake this long after (ms). */
const ACK_MS = 0.05;

/**
 * Takes the next part of job `gen` for thread `t` of `T` (index), or -1 when none is left or the job is
 * over. Parts are P / T contiguous ranges, one per thread (counters at words 160 + r); a thread takes
 * its own range in order (the same thread gets the same rows or columns call after call, so they stay
 * in its cache) and then takes from the others' ranges. The caller's side of the worker's loop below (pool.ts run).
 */
export function grab(I: Int32Array, gen: number, P: number, t: number, T: number): number {
  const tag = (gen & 0xffffff) << 8;
  for (let i = 0; i < T; i++) {
    const r = (t + i) % T, hi = Math.floor(((r + 1) * P) / T);
    for (;;) {
      const c = Atomics.load(I, 160 + r);
      if ((c & ~0xff) !== tag) return -1;
      if ((c & 0xff) >= hi) break;
      if (Atomics.compareExchange(I, 160 + r, c, c + 1) === c) return c & 0xff;
    }
  }
  return -1;
}

const CASES = Array.from({ length: 17 }, (_, i) => i + 1)
  .map((k) => `          case ${k}: f(${Array.from({ length: k }, (_, j) => `A[o + ${j + 1}]`).join(', ')}); break;`).join('\n');

export const WORKER_SOURCE = `
const isNode = typeof require === 'function' && typeof process !== 'undefined' && !!(process.versions && process.versions.node);
const port = isNode ? require('node:worker_threads').parentPort : self;
const onMsg = (f) => isNode ? port.on('message', f) : (self.onmessage = (e) => f(e.data));
onMsg((m) => {
  if (m.type !== 'init') return;
  const { module, addon, memory, ctrl, names, id, spin, scratch, soloSleep } = m;
  let fns;
  try {
    const inst = new WebAssembly.Instance(module, { env: { memory } });
    const extra = addon ? new WebAssembly.Instance(addon, { env: { memory } }).exports : {};
    fns = names.map((n) => extra[n] || inst.exports[n]);
  } catch (e) { port.postMessage({ type: 'fail', message: String(e && e.message || e) }); return; }
  // memory.size as this thread's instances see it (a 57-byte module on the same memory): the engine applies another
  // thread's grow of a shared memory to this thread's instances asynchronously, and a kernel run before that traps.
  let pages = () => 65536;
  try {
    pages = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 2, 18, 1, 3, 101, 110, 118, 6,
      109, 101, 109, 111, 114, 121, 2, 3, 0, 128, 128, 4, 3, 2, 1, 0, 7, 8, 1, 4, 115, 105, 122, 101, 0, 0, 10, 6, 1, 4, 0, 63, 0, 11])), { env: { memory } }).exports.size;
  } catch { /* never skip a job */ }
  const I = new Int32Array(memory.buffer, ctrl, 256);
  let A = new Float64Array(memory.buffer, ctrl + 1024, ${MAX_PARTS} * ${ARGS});
  let seen = Atomics.load(I, 0);
  if (Atomics.load(I, 5) !== 0) { if (isNode) process.exit(0); else self.close(); return; } // shut down while starting
  const die = () => { if (isNode) process.exit(3); else self.close(); };
  Atomics.add(I, 7, 1); // ready, through the shared memory: a caller that never yields to its event loop sees it
  port.postMessage({ type: 'ready', id });
  // Poll for the window after each job (kernels of one forward come back to back, and waking a
  // sleeping thread costs tens of µs), then sleep; a wake-up with no job goes straight back to sleep.
  // Atomics.pause (where the engine has it) tells an SMT core the loop spins, so a hyperthread sibling
  // running the caller's kernels loses less to it.
  const pause = typeof Atomics.pause === 'function';
  let idleFrom = performance.now(), solo = false, pre = Atomics.load(I, 1);
  // An error that escapes the loop (not a kernel's: those are caught per part) ends this worker: say so in word 8,
  // where the caller's wait looks (in browsers no supervisor watches, and a blocked caller gets no 'error' event).
  try {
  for (;;) {
    // A job this worker ran alone (every part; the caller ran none) means the caller could not run beside it: the
    // scheduler woke it on the caller's own core (the other core busy), so its spin window would take that core from
    // the caller's next work (issue 16: ~200 µs a call). It sleeps at once instead.
    // While asleep it counts itself in word 144 (the caller's pre-wake looks there). A pre-wake (word 1 moved) makes it
    // spin a fresh window (plus PRE ms for the call's set-up) unless the caller does not acknowledge it (word 145) within
    // ACK ms: then the caller is not running beside it (woken on the caller's own core) and it sleeps again.
    let g = Atomics.load(I, 0), n = 0, asleep = solo, woke = 0;
    if (solo) pre = Atomics.load(I, 1); // only pre-wakes posted from now on wake it
    while (g === seen) {
      if (asleep) {
        Atomics.add(I, 144, 1); Atomics.wait(I, 0, seen, 50); Atomics.sub(I, 144, 1);
        if (Atomics.load(I, 13) === id) return die();
        const w = Atomics.load(I, 1);
        if (w !== pre) { pre = w; asleep = false; n = 0; woke = performance.now(); idleFrom = woke + ${PRE_MS}; }
      }
      else if (woke && (n & 127) === 0 && Atomics.load(I, 145) !== pre && performance.now() - woke > ${ACK_MS}) { asleep = true; woke = 0; }
      else if ((++n & 127) === 0 && Atomics.load(I, 13) === id) return die();
      else if ((n & 127) === 0 && n > spin && performance.now() - idleFrom > Atomics.load(I, 6) / 1000) { asleep = true; pre = Atomics.load(I, 1); }
      else if (pause) Atomics.pause();
      g = Atomics.load(I, 0);
    }
    seen = g;
    if (Atomics.load(I, 5) !== 0) break;
    const T = Atomics.load(I, 10);
    if (id >= T) continue;
    const need = Atomics.load(I, 15);
    if (pages() < need) { const t0 = performance.now(); while (pages() < need && performance.now() - t0 < 20) if (pause) Atomics.pause(); if (pages() < need) continue; }
    const P = Atomics.load(I, 4), sa = Atomics.load(I, 11), f = fns[Atomics.load(I, 3)], tag = (g & 0xffffff) << 8;
    let mine = 0;
    if (A.buffer !== memory.buffer) A = new Float64Array(memory.buffer, ctrl + 1024, ${MAX_PARTS} * ${ARGS}); // the memory grew
    // Own range first (words 160 + r: tag << 8 | next part), then the others' (see grab above).
    for (let i = 0, over = false; i < T && !over;) {
      const r = (id + i) % T, hi = Math.floor(((r + 1) * P) / T), c = Atomics.load(I, 160 + r);
      if ((c & ~0xff) !== tag) { over = true; continue; }
      if ((c & 0xff) >= hi) { i++; continue; }
      if (Atomics.compareExchange(I, 160 + r, c, c + 1) !== c) continue;
      if (Atomics.load(I, 9) === id) return die(); // test hook: a death holding a part
      if (Atomics.load(I, 14) === id) throw new Error('test hook: an error outside the kernel'); // test hook: an error escaping the loop
      const o = (c & 0xff) * ${ARGS}, k = A[o];
      if (sa >= 0) A[o + 1 + sa] = scratch;
      try {
        // Direct calls up to 17 arguments (GEMM, pool backward): spreading an Array.from cost ~1 µs a part.
        switch (k) {
${CASES}
          default: f(...Array.from(A.subarray(o + 1, o + 1 + k)));
        }
      } catch (e) {
        const msg = String(e && e.message || e).slice(0, 120);
        if (Atomics.add(I, 2, 1) === 0) { for (let i = 0; i < 128; i++) I[16 + i] = i < msg.length ? msg.charCodeAt(i) : 0; }
      }
      Atomics.add(I, 12, 1);
      Atomics.notify(I, 12);
      mine++;
    }
    solo = soloSleep && P > 1 && mine === P;
    idleFrom = performance.now();
  }
  } catch (e) {
    if (Atomics.compareExchange(I, 8, 0, id) === 0) { Atomics.notify(I, 12); Atomics.notify(I, 0); }
    port.postMessage({ type: 'dead', id, message: 'worker ' + id + ' failed: ' + String(e && e.message || e).slice(0, 200) });
    return die();
  }
  if (isNode) process.exit(0); else self.close();
});
`;

/**
 * Node only: a supervisor worker that starts the kernel workers as its own children and watches them. A worker
 * that exits or fails is written to control word 8 (and the caller's wait woken) from this thread, whose event
 * loop is free: a caller blocked in a job, or one that never yields, sees the death at once (a Node Worker's
 * 'exit' event reaches only an event loop that runs). Ends with the pool (terminating it ends its children).
 */
export const SUPERVISOR_SOURCE = `
const { parentPort, Worker } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.type !== 'start') return;
  const I = new Int32Array(m.init.memory.buffer, m.init.ctrl, 256);
  for (const id of m.ids) {
    const w = new Worker(m.source, { eval: true });
    let gone = false;
    const dead = (why) => {
      if (gone) return;
      gone = true;
      if (Atomics.load(I, 5) !== 0) return; // shut down: workers leave on purpose
      Atomics.compareExchange(I, 8, 0, id);
      Atomics.notify(I, 12); Atomics.notify(I, 0);
      parentPort.postMessage({ type: 'dead', id, message: why });
    };
    w.on('message', (x) => parentPort.postMessage(x));
    w.on('error', (e) => dead('worker ' + id + ' failed: ' + String(e && e.message || e)));
    w.on('exit', (code) => dead('worker ' + id + ' exited (code ' + code + ')'));
    w.postMessage({ ...m.init, id, scratch: m.scratch[id] });
  }
});
`;
