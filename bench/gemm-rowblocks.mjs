// One GEMM of M rows against the same product as independent GEMMs of <= --rb rows (each on the kernel's packing-free
// path at <= 64 rows), on 1 and 2 threads, interleaved, medians (ms). A 1x1 conv at batch 1 is M = filters,
// N = plane, K = channels.
//   node --import tsx bench/gemm-rowblocks.mjs [--M 128] [--N 196] [--K 992] [--rb 64] [--rounds 31] [--reps 10]
const o = { M: 128, N: 196, K: 992, rb: 64, rounds: 31, reps: 10 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) o[argv[i].replace(/^--/, '')] = Number(argv[i + 1]);
const mx = await import('../src/entry/node.js');
const { rt } = await import('../src/runtime/runtime.js');
const { gemmArgs } = await import('../src/runtime/manifest/linalg.js');
const { gemmKernel } = await import('../src/ops/linalg/gemm.js');
const { independentCalls } = await import('../src/runtime/parts.js');
const { setKernelThreadsSuspended } = await import('../src/parallel/threads.js');
mx.setNumThreads(2);
await mx.threadsReady();
const r = rt(), { M, N, K, rb } = o, g = gemmKernel(r.K), name = g === r.K.f32_gemm__relaxedsimd ? 'f32_gemm__relaxedsimd' : 'f32_gemm__simd128';
const A = mx.nd.array(Array.from({ length: M * K }, (_, i) => ((i * 7919) % 997) / 997 - 0.5)).reshape([M, K]);
const B = mx.nd.array(Array.from({ length: K * N }, (_, i) => ((i * 104729) % 991) / 991 - 0.5)).reshape([K, N]);
const C1 = mx.nd.zeros([M, N]), C2 = mx.nd.zeros([M, N]), sc = r.scratch.off;
const whole = () => r.K[name](...gemmArgs({ M, N, K, A: A.ref.off, lda: K, B: B.ref.off, ldb: N, C: C1.ref.off, ldc: N, scratch: sc }));
const calls = [];
for (let m0 = 0; m0 < M; m0 += rb) {
  const m = Math.min(rb, M - m0);
  calls.push(gemmArgs({ M: m, N, K, A: A.ref.off + m0 * K * 4, lda: K, B: B.ref.off, ldb: N, C: C2.ref.off + m0 * N * 4, ldc: N, scratch: sc }));
}
const blocks = independentCalls(r.K, name, calls);
const t = { whole2: [], blocks2: [], whole1: [], blocks1: [] };
const time = (f, one) => { setKernelThreadsSuspended(one); const t0 = performance.now(); for (let i = 0; i < o.reps; i++) f(); const d = (performance.now() - t0) / o.reps; setKernelThreadsSuspended(false); return d; };
for (let i = 0; i < 3; i++) { whole(); blocks(); }
for (let i = 0; i < o.rounds; i++) {
  const order = i % 2 ? [['blocks2', blocks, false], ['whole2', whole, false], ['blocks1', blocks, true], ['whole1', whole, true]] : [['whole2', whole, false], ['blocks2', blocks, false], ['whole1', whole, true], ['blocks1', blocks, true]];
  for (const [k, f, one] of order) t[k].push(time(f, one));
}
const med = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, med(v)]));
const a = C1.toTypedArray(), b = C2.toTypedArray();
let diff = 0;
for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
console.log(`${M}x${N}x${K} in blocks of ${rb} rows (${calls.length}): ` + Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ') + ` ms; max |diff| ${diff}`);
console.log(`blocks vs whole: 2t ${(m.whole2 / m.blocks2).toFixed(2)}x, 1t ${(m.whole1 / m.blocks1).toFixed(2)}x; 2t/1t whole ${(m.whole1 / m.whole2).toFixed(2)}x, blocks ${(m.blocks1 / m.blocks2).toFixed(2)}x`);
process.exit(0);
