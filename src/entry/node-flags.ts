// Imported first by the Node entry, before anything compiles. Node 20 (V8 11.3) validates relaxed SIMD only
// behind --experimental-wasm-relaxed-simd (on by default from V8 11.4, i.e. Node 22). The relaxed GEMM measured
// 1.3-1.6x the plain-SIMD one on Node 20 (BENCHMARKS.md), so the entry turns the flag on where it exists and
// relaxed SIMD does not validate yet. MXWASM_RELAXED=0 leaves the engine as it is (plain SIMD kernels).
// The loader of dist/node/index.cjs runs this too, before it compiles the library (a V8 code cache is only
// accepted under the flags it was made with): what it did is kept on globalThis for the library's own copy.
import { createRequire } from 'node:module';
import { noteFeature, relaxedValidates } from '../runtime/detect.js';

const KEY = Symbol.for('mxwasm.engineFlags');
const g = globalThis as { [KEY]?: string };

function setFlags(): string {
  if (process.env.MXWASM_RELAXED === '0') return 'MXWASM_RELAXED=0: relaxed SIMD left as the engine has it';
  if (relaxedValidates() || !/^11\./.test(process.versions.v8)) return '';
  try {
    // node:v8 is loaded only here (it pulls in Node's streams: ~4 ms of a cold start that Node 22 never needs).
    (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString('--experimental-wasm-relaxed-simd');
    if (relaxedValidates()) return `relaxed SIMD turned on with --experimental-wasm-relaxed-simd (V8 ${process.versions.v8}; MXWASM_RELAXED=0 turns it off)`;
  } catch { /* the engine refused: plain SIMD */ }
  return '';
}

g[KEY] ??= setFlags();
if (g[KEY]) noteFeature(g[KEY]);
