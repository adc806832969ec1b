// Imported first by the Node entry. Node 20 (V8 11.3) validates relaxed SIMD only behind
// --experimental-wasm-relaxed-simd (on by default from V8 11.4, i.e. Node 22). The relaxed GEMM measured 1.3-1.6x
// the plain-SIMD one on Node 20 (BENCHMARKS.md), so the entry turns the flag on where it exists and relaxed SIMD
// does not validate yet, but only while relaxed-SIMD bytes are validated or compiled (a compiled module keeps its
// features): a changed flag changes V8's flag hash, and every Node built-in module loaded while it differed missed
// Node's embedded code cache and was parsed again (+6 ms for a first console.log after the import, more for a
// server's modules; and the library's own code cache is made under the default hash). MXWASM_RELAXED=0 leaves the
// engine as it is (plain SIMD kernels). The loader of dist/node/index.cjs runs this too: what it found is kept on
// globalThis for the library's own copy.
import { createRequire } from 'node:module';
import { noteFeature, relaxedValidates, setRelaxedScope } from '../runtime/detect.js';

const KEY = Symbol.for('mxwasm.engineFlags');
const FLAG = '--experimental-wasm-relaxed-simd';
const g = globalThis as { [KEY]?: { note: string; scoped: boolean } };

let depth = 0;
/** Runs `f` with the flag on, then restores the default (so the flag hash is the default one again). */
function withFlag<T>(f: () => T): T {
  if (depth++ === 0) setEngineFlag(FLAG);
  try { return f(); } finally { if (--depth === 0) setEngineFlag(FLAG.replace('--', '--no-')); }
}

function probe(): { note: string; scoped: boolean } {
  const none = { note: '', scoped: false };
  if (process.env.MXWASM_RELAXED === '0') return { note: 'MXWASM_RELAXED=0: relaxed SIMD left as the engine has it', scoped: false };
  if (relaxedValidates() || !/^11\./.test(process.versions.v8)) return none;
  try {
    if (withFlag(relaxedValidates)) return { note: `relaxed SIMD turned on with ${FLAG} around its compiles (V8 ${process.versions.v8}; MXWASM_RELAXED=0 turns it off)`, scoped: true };
  } catch { /* the engine refused: plain SIMD */ }
  return none;
}

let setter: ((f: string) => void) | undefined;
/**
 * v8.setFlagsFromString without loading node:v8 where it can: that module pulls in Node's streams (~110 page faults,
 * ~4 ms of a cold start on the VM of BENCHMARKS.md). Node 20 keeps the same function on process.binding('v8'), whose
 * one-time deprecation warning (DEP0111) is not the user's concern: it is silenced for this call only, through the
 * documented process.noDeprecation. Anything unexpected falls back to node:v8.
 */
function setEngineFlag(flag: string): void {
  if (!setter) {
    const p = process as { noDeprecation?: boolean; binding?: (m: string) => { setFlagsFromString?: (f: string) => void } };
    const quiet = p.noDeprecation;
    try {
      p.noDeprecation = true;
      setter = p.binding?.('v8').setFlagsFromString;
    } catch { /* not there: node:v8 */ } finally { p.noDeprecation = quiet; }
    if (typeof setter !== 'function') setter = (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString;
  }
  setter(flag);
}

const found = (g[KEY] ??= probe());
if (found.scoped) setRelaxedScope(withFlag);
if (found.note) noteFeature(found.note);
