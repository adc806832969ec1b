import type { ThreadPlatform } from './pool.js';

/** Web Workers started from a Blob URL; the main thread of a page cannot block, so it spins. */
export function webThreadPlatform(): ThreadPlatform {
  return {
    spawn: (source) => {
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const w = new Worker(url, { type: 'module' });
      return {
        postMessage: (m) => w.postMessage(m), terminate: () => w.terminate(),
        onMessage: (f) => { w.addEventListener('message', (e) => f((e as MessageEvent).data)); },
        onError: (f) => { w.addEventListener('error', (e) => f(e)); },
      };
    },
    cores: () => (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 1,
    canBlock: typeof (globalThis as { document?: unknown }).document === 'undefined',
  };
}
