// Death watch for worker threads whose parent may be blocked (a synchronous caller waiting in Atomics.wait never
// runs its event loop, so a Worker's 'exit' / 'error' events cannot reach it). Each watched worker holds one end of
// a MessageChannel; a small watchdog worker, whose event loop is free, holds the other end. When the watched
// worker's thread ends (process.exit, an uncaught error, terminate(), a crash), its ports close, the watchdog gets
// the port's 'close' event and marks the worker's slot dead in shared memory, where the blocked caller's wait
// sees it within its polling slice. Needs MessagePort 'close' events (Node; not in Chromium 150, where the
// workers report an uncaught error themselves and a terminate() through the wrapper is marked here).
import { rt } from '../runtime/runtime.js';
import { words } from '../runtime/mem-view.js';

/** Slots in the liveness table: word = gen * 2 (alive) or gen * 2 + 1 (dead); a slot is reused with a new gen. */
const SLOTS = 256;

export const WATCHDOG_SOURCE = `
const isNode = typeof require === 'function' && typeof process !== 'undefined' && !!(process.versions && process.versions.node);
const port = isNode ? require('node:worker_threads').parentPort : self;
const onMsg = (f) => isNode ? port.on('message', f) : (self.onmessage = (e) => f(e.data));
onMsg((m) => {
  const dead = () => {
    const T = new Int32Array(m.memory.buffer, m.table, ${SLOTS});
    if (Atomics.compareExchange(T, m.slot, m.gen * 2, m.gen * 2 + 1) === m.gen * 2) Atomics.notify(T, m.slot);
  };
  if (isNode) m.port.on('close', dead); else { m.port.addEventListener('close', dead); m.port.start(); }
});
`;

/** How the watchdog is started: the thread platform's spawn (kept structural: pool.ts need not be imported here). */
interface Spawner { spawn(source: string): { postMessage(m: unknown, transfer?: unknown[]): void; unref?(): void; terminate(): unknown } }

/** One watched worker: its slot and generation; `port` goes to the worker (it keeps it for its life). */
export interface Watch { slot: number; gen: number; port?: unknown }

let dog: ReturnType<Spawner['spawn']> | undefined;
let table = 0;
const gens = new Int32Array(SLOTS);
const free: number[] = [];

const T = () => words(rt().memory, table, SLOTS);

/** Whether port-close watching works here (Node's MessagePort emits 'close' when the other side's thread ends). */
export function canWatch(platform: Spawner | undefined): boolean {
  const P = (globalThis as { MessagePort?: { prototype: object } }).MessagePort;
  const node = !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  return !!platform && rt().shared && typeof MessageChannel === 'function' && !!P && (node || 'onclose' in P.prototype);
}

/**
 * A slot for a new worker: always returned (isDead / markDead work), with a `port` to hand to the worker where
 * the platform can watch ports.
 * @example const w = watchWorker(threadPlatform()); worker.postMessage({ ..., watch: w.port }, w.port ? [w.port] : [])
 */
export function watchWorker(platform: Spawner | undefined): Watch {
  if (!table) { table = rt().alloc.alloc(SLOTS * 4); T().fill(0); for (let i = SLOTS - 1; i >= 0; i--) free.push(i); }
  const slot = free.pop();
  if (slot === undefined) return { slot: -1, gen: 0 }; // more than SLOTS live workers: not watched
  const gen = ++gens[slot] & 0x3fffffff;
  Atomics.store(T(), slot, gen * 2);
  if (!canWatch(platform)) return { slot, gen };
  if (!dog) { dog = platform!.spawn(WATCHDOG_SOURCE); dog.unref?.(); }
  const ch = new MessageChannel();
  dog.postMessage({ port: ch.port2, memory: rt().memory, table, slot, gen }, [ch.port2]);
  return { slot, gen, port: ch.port1 };
}

/** True once the watched worker's thread has ended (or markDead was called). */
export function isDead(w: Watch): boolean {
  return w.slot >= 0 && table !== 0 && Atomics.load(T(), w.slot) === w.gen * 2 + 1;
}

/** Marks a worker dead (a terminate() through the pool's own handle, an error it reported). */
export function markDead(w: Watch): void {
  if (w.slot >= 0 && table) Atomics.compareExchange(T(), w.slot, w.gen * 2, w.gen * 2 + 1);
}

/** Gives the slot back once its worker is ended on purpose (a late 'close' then finds another gen). */
export function unwatch(w: Watch): void {
  if (w.slot < 0 || !table) return;
  Atomics.store(T(), w.slot, -1);
  free.push(w.slot);
  w.slot = -1;
}

/** Ends the watchdog (mx.shutdown): the watched workers end too. */
export function stopWatchdog(): void {
  try { dog?.terminate(); } catch { /* gone */ }
  dog = undefined;
}
