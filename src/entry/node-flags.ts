// Imported first by the Node entry, before anything compiles. Node 20 (V8 11.3) validates relaxed SIMD only
// behind --experimental-wasm-relaxed-simd (on by default from V8 11.4, i.e. Node 22). The relaxed GEMM measured
// 1.3-1.6x the plain-SIMD one on Node 20 (BENCHMARKS.md), so the entry turns the flag on where it exists and
// relaxed SIMD does not validate yet. MXWASM_RELAXED=0 leaves the engine as it is (plain SIMD kernels).
import { setFlagsFromString } from 'node:v8';
import { noteFeature, relaxedValidates } from '../runtime/detect.js';

if (process.env.MXWASM_RELAXED !== '0' && !relaxedValidates() && /^11\./.test(process.versions.v8)) {
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    if (relaxedValidates()) noteFeature(`relaxed SIMD turned on with --experimental-wasm-relaxed-simd (V8 ${process.versions.v8}; MXWASM_RELAXED=0 turns it off)`);
  } catch { /* the engine refused: plain SIMD */ }
} else if (process.env.MXWASM_RELAXED === '0') noteFeature('MXWASM_RELAXED=0: relaxed SIMD left as the engine has it');
