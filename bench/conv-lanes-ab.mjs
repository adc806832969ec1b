// A/B of conv lanes (Winograd: src/ops/conv/winograd.ts; im2col: lower.ts): the same conv (or network: --net) lowered
// with lanes (one per thread) and without (the per-chunk / per-image steps: lowered as for one thread), each run on 2
// threads and on the calling thread alone, interleaved in one process; medians. Both sides give the same bits.
//   node --import tsx bench/conv-lanes-ab.mjs [--rounds 30] [--batch 1] [--C 64] [--H 56] [--F C] [--k 3] [--s 1]
//   node --import tsx bench/conv-lanes-ab.mjs --net resnet18 --batch 8 --rounds 6 [--chunk 2]
// --ab bn: the A/B is a folded BatchNorm's images as one job ("lanes") against one pass per image ("steps"), lanes on both.
// --ab minpart / bnmin / poolmin (with --a X --b Y): a run-time policy set to X ("lanes") or Y ("steps") around each
// forward of one bound network: the GEMM part floor (rows / columns), the folded BatchNorm pass's split floor, pooling's.
// --ab eleventh: rows1x1 and depthwise two parts a thread together, against neither (the session's start).
// --ab rows1x1: batch-1 1x1 layers' GEMMs in blocks of <= 64 filters ("lanes") against one GEMM ("steps").
// --ab wino14: the Winograd forward on 14² planes (48 tiles and up, "lanes") against from 64 tiles ("steps").
const o = { rounds: 30, batch: 1, C: 64, H: 56, F: 0, reps: 5, k: 3, s: 1, net: '', chunk: 0, ab: '', a: 0, b: 0, g: 1 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) { const k = argv[i].replace(/^--/, ''); o[k] = k === 'net' || k === 'ab' ? argv[i + 1] : Number(argv[i + 1]); }
const F = o.F || o.C;
const mx = await import('../src/entry/node.js');
const { rt } = await import('../src/runtime/runtime.js');
const { getOp } = await import('../src/ops/registry.js');
const { parseAttrs } = await import('../src/ops/attrs.js');
const { setThreadCount } = await import('../src/runtime/parts.js');
const { setWinogradChunkBytes, setWinogradFwdTiles } = await import('../src/ops/conv/winograd.js');
if (o.chunk) setWinogradChunkBytes(o.chunk * 2 ** 20); // --chunk MiB: the Winograd V + M budget of a chunk (both sides)
const { setKernelThreadsSuspended, poolForTests } = await import('../src/parallel/threads.js');
const { setBnImages } = await import('../src/ops/conv/convolution.js');
const { setRowBlocks } = await import('../src/ops/conv/lower.js');
const { netBuilders } = await import('./lib/nets.mjs');
const { SPLITS, setGemmMinPart } = await import('../src/parallel/splits.js');
// Run-time policies: set before each forward of the same executor (no second bind).
const POLICY = { minpart: setGemmMinPart, bnmin: (v) => { SPLITS.f32_bn_act__simd128.min = v; }, poolmin: (v) => { SPLITS.f32_pool2d__simd128.min = v; },
  // 1: the GEMM's part count as the split says (one part a thread once the pool measured free cores); 0: as if never free.
  // 1: an empty job wakes the workers before each forward (they slept since the last one); 0: as is.
  prewake: (v) => { if (v) poolForTests()?.run(0, () => {}, [], 2); },
  // GEMMs under v multiply-adds take parts as if the cores were not free (several a thread); 0: the split as is.
  freefrom: (v) => { const g = SPLITS.f32_gemm__relaxedsimd; g.orig ??= g.parts; g.parts = (a, T, free) => g.orig(a, T, free && a[2] * a[3] * a[4] >= v); },
  // Parts a thread for a kernel's calls: --ab parts:<kernel> (0: as its split says).
  gemmfree: (v) => { const g = SPLITS.f32_gemm__relaxedsimd; g.orig ??= g.parts; g.parts = v ? g.orig : (a, T) => g.orig(a, T, false); } };
mx.setNumThreads(2);
await mx.threadsReady();
const r = rt(), N = o.batch, real = mx.getNumThreads;
/** A runnable lowered with (lanes) or without lanes: one conv on resident buffers, or a network's bound forward. */
function lower(lanes) {
  if (o.ab === 'bn') setBnImages(lanes); else if (o.ab === 'rows1x1' || o.ab === 'eleventh') setRowBlocks(lanes); else if (o.ab === 'wino14') setWinogradFwdTiles(lanes ? 48 : 64); else setThreadCount(() => (lanes ? real() : 1));
  try {
    if (o.net) {
      const e = netBuilders(mx.sym)[o.net]().simpleBind({ shapes: { data: [N, 3, 224, 224] }, gradReq: 'null' });
      for (const [k, a] of Object.entries(e.argDict)) if (k !== 'data') a.data.fill(0.01);
      for (const a of Object.values(e.auxDict)) a.data.fill(1);
      const x = new Float32Array(N * 3 * 224 * 224).fill(0.5);
      e.forward({ data: x }); // lowered at the first forward: under this side's setting
      return { step: () => e.forward({ data: x }), desc: `${o.net} b${N}` };
    }
    const def = getOp('Convolution');
    const a = parseAttrs('Convolution', def.attrs, { kernel: [o.k, o.k], stride: [o.s, o.s], pad: [o.k >> 1, o.k >> 1], num_filter: F, num_group: o.g, no_bias: true });
    const x = mx.nd.ones([N, o.C, o.H, o.H]), w = mx.nd.ones([F, o.C / o.g, o.k, o.k]), Ho = Math.floor((o.H - 1) / o.s) + 1, y = mx.nd.zeros([N, F, Ho, Ho]);
    const wsB = def.workspace(a, [x.shape, w.shape], [y.shape], false), ws = r.alloc.alloc(wsB);
    const step = def.forward({ K: r.K, isTrain: false, workspace: ws, scratch: r.scratch.off, node: 'c', random: Math.random }, a, [x.ref, w.ref], [y.ref], []);
    return { step, desc: `C ${o.C} F ${F} H ${o.H} k ${o.k} s ${o.s} batch ${N}, workspace ${(wsB / 2 ** 20).toFixed(2)} MiB` };
  } finally { setThreadCount(real); setBnImages(true); setWinogradFwdTiles(48); setRowBlocks(true); }
}
let L, B;
// --ab min:<kernel> (e.g. min:f32_bn_fwd__simd128): that kernel's split floor (work per thread) set to --a / --b.
if (o.ab.startsWith('min:')) { const s = SPLITS[o.ab.slice(4)]; POLICY[o.ab] = (v) => { s.min = v; }; }
// --ab allparts: every split but the GEMM's takes v parts a thread (0: as the splits say).
if (o.ab === 'allparts') {
  const orig = new Map(Object.entries(SPLITS).map(([k, s]) => [k, s.parts]));
  POLICY.allparts = (v) => { for (const [k, s] of Object.entries(SPLITS)) if (!k.includes('gemm')) s.parts = v ? (a, T) => v * T : orig.get(k); };
}
if (o.ab.startsWith('parts:')) { const s = SPLITS[o.ab.slice(6)], orig = s.parts; POLICY[o.ab] = (v) => { s.parts = v ? (a, T) => v * T : orig; }; }
if (POLICY[o.ab]) {
  const e = lower(true), set = POLICY[o.ab];
  L = { step: () => { set(o.a); e.step(); }, desc: `${e.desc} ${o.ab} ${o.a}` }; B = { step: () => { set(o.b); e.step(); }, desc: `${o.ab} ${o.b}` };
} else { L = lower(true); B = lower(false); }
const reps = o.net ? 1 : o.reps;
console.log(`lanes: ${L.desc}; steps: ${B.desc}`);
const t = { lanes2: [], steps2: [], lanes1: [], steps1: [] };
const time = (f, one) => { setKernelThreadsSuspended(one); const t0 = performance.now(); for (let i = 0; i < reps; i++) f(); const d = (performance.now() - t0) / reps; setKernelThreadsSuspended(false); return d; };
for (let i = 0; i < 2; i++) { L.step(); B.step(); }
for (let i = 0; i < o.rounds; i++) {
  const order = i % 2 ? [['steps2', B, false], ['lanes2', L, false], ['steps1', B, true], ['lanes1', L, true]] : [['lanes2', L, false], ['steps2', B, false], ['lanes1', L, true], ['steps1', B, true]];
  for (const [k, s, one] of order) t[k].push(time(s.step, one));
}
const med = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, med(v)]));
console.log(Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(3)} ms`).join(', '));
console.log(`2t/1t: lanes ${(m.lanes1 / m.lanes2).toFixed(2)}x (vs steps 1t: ${(m.steps1 / m.lanes2).toFixed(2)}x), steps ${(m.steps1 / m.steps2).toFixed(2)}x; lanes vs steps at 2t ${(m.steps2 / m.lanes2).toFixed(2)}x, at 1t ${(m.steps1 / m.lanes1).toFixed(2)}x`);
console.log(`load ${(await import('node:os')).loadavg().map((v) => v.toFixed(1)).join(' ')}; ${JSON.stringify(mx.threadStats())}`);
process.exit(0);
