// Loads the peer runtimes the benchmarks compare against. A missing peer is reported, never an error.
//   tfjs-wasm: @tensorflow/tfjs-core + @tensorflow/tfjs-backend-wasm, setBackend('wasm') (1 thread in Node)
//   ort-web:   onnxruntime-web, wasm execution provider (finds its .wasm beside its own module in Node)
//   ort-node:  onnxruntime-node (native MLAS), optional: only when installed
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const version = (pkg) => { try { return JSON.parse(readFileSync(new URL(`node_modules/${pkg}/package.json`, root), 'utf8')).version; } catch { return '?'; } };
const why = (e) => String(e?.code ?? e?.message ?? e).split('\n')[0].slice(0, 80);

/** The known peers, in column order. */
export const PEERS = ['tfjs-wasm', 'ort-web', 'ort-node'];

/**
 * Loads the requested peers. Returns `{ libs: { 'tfjs-wasm': tf, 'ort-web': ort, ... }, notes: { peer: 'version' | 'absent: why' } }`.
 * @example const { libs, notes } = await loadPeers(['tfjs-wasm'], { threads: 1 });
 */
export async function loadPeers(names, { threads = 1 } = {}) {
  const libs = {}, notes = {};
  for (const name of names) {
    try {
      if (name === 'tfjs-wasm') {
        const tf = await import('@tensorflow/tfjs-core');
        await import('@tensorflow/tfjs-backend-wasm');
        if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") failed');
        await tf.ready();
        libs[name] = tf;
        notes[name] = `@tensorflow/tfjs-core ${tf.version_core} + tfjs-backend-wasm ${version('@tensorflow/tfjs-backend-wasm')} (1 thread: no threads in Node)`;
      } else if (name === 'ort-web') {
        const ort = await import('onnxruntime-web');
        ort.env.wasm.numThreads = threads;
        ort.env.logLevel = 'error';
        libs[name] = ort;
        notes[name] = `onnxruntime-web ${version('onnxruntime-web')} (wasm EP, ${threads} thread${threads > 1 ? 's' : ''})`;
      } else if (name === 'ort-node') {
        const ort = await import('onnxruntime-node');
        libs[name] = { ...ort, threads };
        notes[name] = `onnxruntime-node ${version('onnxruntime-node')} (native, ${threads} thread${threads > 1 ? 's' : ''})`;
      }
    } catch (e) {
      notes[name] = `absent: ${why(e)}`;
    }
  }
  return { libs, notes };
}

/**
 * An ONNX Runtime session (web or node flavour) for model bytes, with the thread count applied.
 * @example const s = await ortSession(libs['ort-web'], matmulModel(64, 64, 64), 'wasm');
 */
export async function ortSession(ort, bytes, ep) {
  const opts = { executionProviders: [ep], graphOptimizationLevel: 'all' };
  if (ep === 'cpu') Object.assign(opts, { intraOpNumThreads: ort.threads ?? 1, interOpNumThreads: 1, executionMode: 'sequential' });
  return ort.InferenceSession.create(bytes, opts);
}
