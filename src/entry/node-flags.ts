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
    setEngineFlag('--experimental-wasm-relaxed-simd');
    if (relaxedValidates()) return `relaxed SIMD turned on with --experimental-wasm-relaxed-simd (V8 ${process.versions.v8}; MXWASM_RELAXED=0 turns it off)`;
  } catch { /* the engine refused: plain SIMD */ }
  return '';
}

/**
 * v8.setFlagsFromString without loading node:v8 where it can: that module pulls in Node's streams (~110 page faults,
 * ~4 ms of a cold start on the VM of BENCHMARKS.md). Node 20 keeps the same function on process.binding('v8'), whose
 * one-time deprecation warning (DEP0111) is not the user's concern: it is silenced for this call only, through the
 * documented process.noDeprecation. Anything unexpected falls back to node:v8.
 */
function setEngineFlag(flag: string): void {
  const p = process as { noDeprecation?: boolean; binding?: (m: string) => { setFlagsFromString?: (f: string) => void } };
  const quiet = p.noDeprecation;
  let set: ((f: string) => void) | undefined;
  try {
    p.noDeprecation = true;
    set = p.binding?.('v8').setFlagsFromString;
  } catch { /* not there: node:v8 */ } finally { p.noDeprecation = quiet; }
  if (typeof set === 'function') set(flag);
  else (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(flag);
}

g[KEY] ??= setFlags();
if (g[KEY]) noteFeature(g[KEY]);
