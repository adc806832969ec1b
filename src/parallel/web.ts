import type { ThreadPlatform, WorkerLike } from './pool.js';

/** A Web Worker as the pool sees it. */
function wrap(w: Worker): WorkerLike {
  return {
    postMessage: (m, t) => w.postMessage(m, (t ?? []) as Transferable[]), terminate: () => w.terminate(),
    onMessage: (f) => { w.addEventListener('message', (e) => f((e as MessageEvent).data)); },
    onError: (f) => { w.addEventListener('error', (e) => f(e)); },
  };
}

/**
 * Web Workers: kernel workers from a Blob URL; data-parallel executor workers from `dpWorker` (the
 * bundle's dp-worker.js, or a function that starts it) where it is given and Atomics.waitAsync exists (the worker waits with it so
 * that setup messages still arrive). The main thread of a page cannot block, so kernel calls spin
 * there and data-parallel Modules run one executor; inside a dedicated worker both block normally.
 * @example setThreadPlatform(webThreadPlatform(() => new Worker(new URL('./dp-worker.js', import.meta.url), { type: 'module' })))
 */
export function webThreadPlatform(dpWorker?: URL | (() => Worker)): ThreadPlatform {
  const canWaitAsync = typeof (Atomics as { waitAsync?: unknown }).waitAsync === 'function';
  return {
    ...(dpWorker && canWaitAsync ? { spawnModule: () => wrap(typeof dpWorker === 'function' ? dpWorker() : new Worker(dpWorker, { type: 'module' })) } : {}),
    spawn: (source) => wrap(new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' })),
    cores: () => (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 1,
    canBlock: typeof (globalThis as { document?: unknown }).document === 'undefined',
    startsAsync: true,
  };
}
