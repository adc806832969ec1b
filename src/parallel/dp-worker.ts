/**
 * Entry of a data-parallel executor worker: it instantiates the kernels on the main thread's
 * shared memory (allocating only inside the region reserved for it), binds the same symbol over
 * arrays the main thread allocated (weights shared by every executor; data, gradients and aux
 * states its own), then runs forward/backward whenever the control block's generation moves.
 * It waits with Atomics.waitAsync, so setup messages still arrive between steps.
 */
import { initRuntimeInWorker, onRuntimeInit } from '../runtime/runtime.js';
import { viewOf, words } from '../runtime/mem-view.js';
import '../ops/index.js'; // registers every op (the worker parses and binds symbols)
import { NDArray } from '../ndarray/ndarray.js';
import { Storage } from '../ndarray/storage.js';
import { fromJSON } from '../symbol/json.js';
import type { Executor } from '../executor/executor.js';
import { Cmd, DP_WORD, writeError, type ArrayDesc, type FromWorker, type MailboxPayload, type ToWorker } from './dp-protocol.js';
import { setThreadPlatform, spinHint } from './pool.js';
import { ensureInstalled } from './threads.js';
import { MxError } from '../errors.js';

// As the package entry does: kernels get their thread splits once the runtime is up.
onRuntimeInit(() => ensureInstalled());

/** µs a worker keeps polling after a step before it waits (steps come back to back, an update apart). */
const SPIN_US = Number((globalThis as { process?: { env?: Record<string, string> } }).process?.env?.MXWASM_DP_SPIN_US ?? 500);

interface Port { postMessage(m: FromWorker): void; on(f: (m: ToWorker) => void): void }

/** Wraps memory the main thread owns: never freed from here. */
function arrayAt(d: ArrayDesc): NDArray {
  const bytes = d.shape.reduce((a, b) => a * b, 1) * (d.dtype === 'uint8' || d.dtype === 'int8' ? 1 : 4);
  return new NDArray(new Storage(d.off, bytes).retain(), d.off, d.shape, d.dtype);
}

/** Runs the worker protocol over a port. */
export function serve(port: Port): void {
  let I: Int32Array | undefined;
  let exe: Executor | undefined;
  let seen = 0;
  let stopped = false;
  let idleFrom = 0;
  const loop = async (): Promise<void> => {
    while (!stopped && I) {
      let g = Atomics.load(I, 0);
      // Poll first for a while after the last step: during training the next step comes after one
      // optimizer update (tens of µs), and waking from waitAsync through the event loop costs 50-100 µs.
      for (let n = 0; g === seen && (++n & 255 || performance.now() - idleFrom < SPIN_US / 1000);) { spinHint(); g = Atomics.load(I, 0); }
      if (g === seen) {
        const w = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(I, 0, seen, 1000);
        if (w.async) await w.value;
        continue;
      }
      seen = g;
      if (Atomics.load(I, DP_WORD.exitHook) === 1) exitNow(); // test hook: a death in the middle of a step
      const t0 = performance.now();
      try {
        if (!exe) throw new MxError('bind', 'no executor bound');
        const cmd = Atomics.load(I, 3) as Cmd;
        if (cmd === Cmd.ForwardTrain || cmd === Cmd.ForwardBackward) exe.forward({ isTrain: true });
        else if (cmd === Cmd.ForwardInfer) exe.forward({ isTrain: false });
        if (cmd === Cmd.Backward || cmd === Cmd.ForwardBackward) exe.backward();
      } catch (e) { writeError(I, String((e as Error)?.message ?? e).slice(0, 190)); }
      I[5] = Math.round((performance.now() - t0) * 1000); // µs of the last step (diagnostics)
      Atomics.add(I, 1, 1);
      Atomics.notify(I, 1);
      idleFrom = performance.now();
    }
  };
  // An error that ends the loop (not one of a step: those are reported per step) ends this executor: say so in the
  // control block, where the main thread's wait looks (it may be blocked and get no message).
  const run = () => loop().catch((e) => {
    if (!I) return;
    writeError(I, `its loop ended: ${String((e as Error)?.message ?? e)}`.slice(0, 190));
    Atomics.store(I, DP_WORD.dead, 1); Atomics.notify(I, 1); Atomics.notify(I, 4);
  });
  port.postMessage({ type: 'alive' }); // started (see prestartDataParallelWorkers)
  // The main thread blocks while it waits, so everything it needs back goes through the control
  // block: word 4 = 1 ready, 2 bound; words 32.. = byte offsets of the outputs; errors as text.
  const handle = (m: ToWorker): void => {
    try {
      // The death watch's port (watchdog.ts): kept for the worker's life, it closes when this thread ends.
      if ((m.type === 'init' || m.type === 'park') && m.watch) watchPort = m.watch;
      if (m.type === 'init') {
        I = words(m.memory, m.ctrl, 256);
        initRuntimeInWorker({ module: m.module, addon: m.addon, memory: m.memory, variant: m.variant, region: m.region });
        seen = Atomics.load(I, 0); // read the generation before saying ready (else a first step can be missed)
        Atomics.store(I, 4, 1); Atomics.notify(I, 4);
        void run();
      } else if (m.type === 'bind') {
        exe?.dispose();
        const sym = fromJSON(m.symbolJSON);
        const args = m.args.map(arrayAt), grads = m.grads.map((d) => (d ? arrayAt(d) : undefined)), aux = m.aux.map(arrayAt);
        exe = sym.bind({ args, argsGrad: grads, gradReq: m.gradReq, auxStates: aux });
        exe.outputs.forEach((o, k) => { I![32 + k] = o.byteOffset; });
        Atomics.store(I!, 4, 2); Atomics.notify(I!, 4);
      } else if (m.type === 'exit') { stopped = true; exe?.dispose(); }
      else if (m.type === 'park') { void unpark(m, handle); port.postMessage({ type: 'parked' }); }
    } catch (e) {
      const msg = String((e as Error)?.message ?? e);
      if (I) { writeError(I, msg.slice(0, 190)); Atomics.notify(I, 4); }
      port.postMessage({ type: 'error', message: msg });
    }
  };
  port.on(handle);
}

/** The watchdog's port: held, never used (its 'close' on the other side is the signal). */
let watchPort: unknown;
/** Ends this worker's thread at once (Node: exit code 3; browsers: close). */
function exitNow(): never {
  const p = (globalThis as { process?: { exit?: (c: number) => never } }).process;
  if (p?.exit) p.exit(3);
  (globalThis as unknown as { close(): void }).close();
  throw new MxError('worker', 'worker closed');
}

type WaitAsync = (a: Int32Array, i: number, v: number, t?: number) => { async: boolean; value: Promise<string> | string };

/** A parked worker: waits (without blocking its event loop) for init and bind through the mailbox. */
async function unpark(m: Extract<ToWorker, { type: 'park' }>, handle: (m: ToWorker) => void): Promise<void> {
  const M = words(m.memory, m.mailbox, 4);
  const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
  while (Atomics.load(M, 0) === 0) { const w = waitAsync(M, 0, 0, 1000); if (w.async) await w.value; }
  if (Atomics.load(M, 0) < 0) return; // released unused
  // TextDecoder refuses views of shared memory: copy the bytes out first.
  const bytes = viewOf(m.memory, Uint8Array, Atomics.load(M, 1), Atomics.load(M, 2)).slice();
  const p = JSON.parse(new TextDecoder().decode(bytes)) as MailboxPayload;
  handle({ type: 'init', module: m.module, addon: m.addon, memory: m.memory, variant: m.variant, ...p.init });
  handle({ type: 'bind', ...p.bind });
}

/** Node's `parentPort` as `serve` needs it. */
interface ParentPort { postMessage(m: unknown): void; on(e: 'message', f: (m: ToWorker) => void): void }

/**
 * Runs this thread as a data-parallel executor worker of the library that loaded it. The worker scripts are a line
 * each, so the package carries the library once: dist/node/dp-worker.js requires index.cjs (the entry's bundle, through
 * its code cache) and passes Node's `parentPort`; dist/browser/dp-worker.js imports mxwasm.js (the chunk the browser
 * and edge entries share) and serves `self`.
 * @example serveDataParallel((await import('node:worker_threads')).parentPort)
 */
export function serveDataParallel(parentPort?: ParentPort | null): void {
  // Kernels run on this thread only: the library's entry registered its thread platform, but kernel workers per
  // executor would multiply the threads and take their scratch from the executor's reserved region.
  setThreadPlatform(undefined);
  if (parentPort) serve({ postMessage: (m) => parentPort.postMessage(m), on: (f) => { parentPort.on('message', f); } });
  else serve({ postMessage: (m) => (self as unknown as Worker).postMessage(m), on: (f) => { (self as unknown as Worker).onmessage = (e: MessageEvent) => f(e.data); } });
}
