// The kernels' calling conventions as the typed definitions in src/runtime/manifest/ state them, checked against
// the AssemblyScript source: every warm-up call has the kernel's arity, named parameters match the kernel's, and
// the GEMM limits the thread split relies on are the kernel's. A warm-up names its arguments (type checked).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernels } from '../../src/runtime/manifest.js';
import { defs, kernelsOf, nameInfo } from '../../src/runtime/manifest/common.js';
import { GEMM_ARG, GEMM_LIMITS, GEMM_PARAMS, gemmArgs } from '../../src/runtime/manifest/linalg.js';

const asm = fileURLToPath(new URL('../../assembly/', import.meta.url));
const walk = (d: string): string[] => readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []; });
/** Exported kernel -> its parameter names, from `export function name(a: T, b: U): R`. */
const PARAMS = new Map<string, string[]>();
for (const f of walk(asm)) {
  for (const m of readFileSync(f, 'utf8').matchAll(/export function (\w+)\(([^)]*)\)/g)) {
    PARAMS.set(m[1], m[2].split(',').map((p) => p.trim().split(/[:\s=]/)[0]).filter(Boolean));
  }
}

test('the source parse finds the kernels (a renamed parameter or a wrong count can fail this file)', () => {
  assert.equal(PARAMS.get('f32_gemm__simd128')?.length, 17);
  assert.ok(PARAMS.size >= kernels().length - 10, `${PARAMS.size} kernels parsed`);
});

test('every warm-up call passes as many arguments as its kernel takes, each a number', () => {
  const bad = kernels().filter((k) => k.warm && PARAMS.has(k.name) && k.warm(1 << 20, 2 << 20).length !== PARAMS.get(k.name)!.length)
    .map((k) => `${k.name}: ${k.warm!(1 << 20, 2 << 20).length} args, kernel takes ${PARAMS.get(k.name)!.length}`);
  assert.equal(bad, []);
  assert.equal(kernels().filter((k) => k.warm?.(1 << 20, 2 << 20).some((v) => typeof v !== 'number')).map((k) => k.name), []);
});

test('a warm-up names exactly its kernel\'s parameters, in any order (each @ts-expect-error is an error npm run check must see)', () => {
  const P = ['x', 'y', 'n'] as const, lines = (d: Parameters<typeof kernelsOf>[0]) => kernelsOf(d, nameInfo('test')).map((k) => k.warm!(64, 128));
  assert.equal(lines(defs({ a: [P, (p, q) => ({ x: p, y: q, n: 17 })], b: [P, (p, q) => ({ n: 17, y: q, x: p })] })), [[64, 128, 17], [64, 128, 17]]);
  const extra = { x: 1, y: 2, z: 3 };
  // @ts-expect-error a missing name
  defs({ a: [P, (p, q) => ({ x: p, y: q })] });
  // @ts-expect-error a misspelled name
  defs({ a: [P, (p, q) => ({ x: p, yy: q, n: 17 })] });
  // @ts-expect-error an extra name
  defs({ a: [P, (p, q) => ({ x: p, y: q, n: 17, z: 0 })] });
  // @ts-expect-error an extra name through a spread
  defs({ a: [P, () => ({ ...extra, n: 17 })] });
  // @ts-expect-error a value that is not a number
  defs({ a: [P, (p, q) => ({ x: p, y: q, n: '17' })] });
});

/** Kernels an open branch adds without parameter names yet (#20's 2-bit compression): name them, then drop them here. */
const UNNAMED_OK = new Set(['f32_quantize_2bit__simd128', 'f32_dequantize_2bit__simd128']);

test('every kernel\'s typed definition names its parameters, and they are the kernel\'s, in order', () => {
  assert.equal(kernels().filter((k) => k.warm && !k.params && !UNNAMED_OK.has(k.name)).map((k) => k.name), [], 'kernels without `params`');
  for (const k of kernels().filter((k) => k.params)) assert.equal([...k.params!], PARAMS.get(k.name), k.name);
});

test('GEMM: gemmArgs puts each name at its position; the limits are the kernel\'s constants', () => {
  const call = Object.fromEntries(GEMM_PARAMS.map((n, i) => [n, i + 100])) as unknown as Parameters<typeof gemmArgs>[0];
  const a = gemmArgs({ ...call, transA: 1, transB: 0 });
  for (const n of GEMM_PARAMS) if (n !== 'transA' && n !== 'transB') assert.is(a[GEMM_ARG[n]], (call as unknown as Record<string, number>)[n], n);
  assert.equal([a[GEMM_ARG.transA], a[GEMM_ARG.transB]], [1, 0]);
  assert.equal(gemmArgs({ M: 2, N: 3, K: 4, A: 64, lda: 4, B: 128, ldb: 3, C: 192, ldc: 3, scratch: 256 }), [0, 0, 2, 3, 4, 1, 64, 4, 128, 3, 0, 192, 3, 0, 0, 0, 256]);
  const src = readFileSync(join(asm, 'kernels/f32-gemm.ts'), 'utf8');
  const constant = (name: string) => Function(`return ${src.match(new RegExp(`const ${name}(?::\\s*\\w+)? = ([^;]+);`))![1]}`)() as number;
  assert.equal(GEMM_LIMITS, { smallM: constant('SMALL_M'), smallAFloats: constant('SMALL_A_FLOATS'), gemvFloats: constant('GEMV_FLOATS') });
});

test.run();
