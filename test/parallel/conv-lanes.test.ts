// Convolution lanes (assembly/kernels/f32-winograd-lane.ts): a Winograd 3x3 convolution lowered as one lane per thread,
// each a run of whole chunks of the batch's tile rows in its own workspace (src/ops/conv/winograd.ts), and an im2col one
// as runs of whole images, each with its own column matrix (src/ops/conv/lower.ts); the lanes are the parts of one job.
// The same bits as the per-chunk (per-image) steps and as one thread (batch 1, 3 on 2 threads with lanes crossing
// images, 8; odd planes, bias, more filters than channels, stride 2, dilation, fused relu); each lane's workspace is its
// own and inside the planned bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, mx, randArray } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { kernelCall } from '../../src/runtime/manifest/args.js';
import { f32 } from '../../src/runtime/view.js';
import { getOp } from '../../src/ops/registry.js';
import { parseAttrs } from '../../src/ops/attrs.js';
import { callsRunner, setCallsRunner, setThreadCount } from '../../src/runtime/parts.js';
import { setWinogradChunkBytes } from '../../src/ops/conv/winograd.js';
import { convPlan } from '../../src/ops/conv/plan.js';
import { convGeom } from '../../src/ops/conv/convolution.js';
import { setKernelThreadsSuspended, setThreadAdaptive } from '../../src/parallel/threads.js';
import { CONV_ARG } from '../../src/runtime/manifest/conv.js';
import { refConv, refConvOut } from '../../src/reference/conv.js';

// Either build's lane kernels (plain or relaxed SIMD: the same argument positions).
const WL = CONV_ARG.f32_wino_lane_f2k3__simd128, IL = CONV_ARG.f32_i2c_lane__simd128, GUARD = 4096;
const al = (n: number) => Math.ceil((n * 4) / 64) * 64;

/** N, C, H, W, F, kernel / stride / pad / dilate, Winograd chunk bytes (1: the least chunk, 256 tiles), the lane kernel expected. */
interface Case { N: number; C: number; H: number; W: number; F: number; k: number; s: number; p: number; d: number; chunk: number; lane: 'wino' | 'i2c' }
const c = (N: number, C: number, H: number, W: number, F: number, k: number, s: number, p: number, d: number, chunk: number, lane: Case['lane']): Case =>
  ({ N, C, H, W, F, k, s, p, d, chunk, lane });
const CASES: Case[] = [
  c(1, 16, 40, 40, 16, 3, 1, 1, 1, 1, 'wino'), // 2 chunks of 10 tile rows: a lane each
  c(3, 16, 48, 45, 24, 3, 1, 1, 1, 1, 'wino'), // 3 chunks an image, 9 in all: lanes of 4 and 5 chunks, lane 0 ends inside image 1
  c(8, 32, 20, 21, 32, 3, 1, 1, 1, 0, 'wino'), // one chunk an image: 4 images a lane
  c(2, 20, 37, 41, 20, 3, 1, 1, 1, 0, 'wino'),
  c(8, 8, 70, 69, 8, 3, 2, 1, 1, 0, 'i2c'), // planes over 1024 outputs: per-image im2col, 4 images a lane
  c(2, 64, 32, 31, 48, 3, 2, 1, 1, 0, 'i2c'), // a column block would exceed 1 MiB: per image
  c(4, 20, 19, 23, 12, 5, 1, 4, 2, 0, 'i2c'), // dilated 5x5
];
const what = (x: Case) => `${x.lane} ${x.N}x${x.C}x${x.H}x${x.W} -> ${x.F} k${x.k} s${x.s} p${x.p} d${x.d}`;
const attrsOf = (x: Case) => ({ kernel: [x.k, x.k], stride: [x.s, x.s], pad: [x.p, x.p], dilate: [x.d, x.d], num_filter: x.F });

/** The conv of a case lowered with `lanes` lanes (1: the per-chunk / per-image steps) on resident buffers, a guard after the workspace. */
function lowered(x: Case, lanes: number) {
  const r = rt(), def = getOp('Convolution'), a = parseAttrs('Convolution', def.attrs, attrsOf(x));
  const Ho = refConvOut(x.H, x.k, x.s, x.p, x.d), Wo = refConvOut(x.W, x.k, x.s, x.p, x.d);
  const xs = mx.nd.array(randArray(x.N * x.C * x.H * x.W, 7), { shape: [x.N, x.C, x.H, x.W] });
  const w = mx.nd.array(randArray(x.F * x.C * x.k * x.k, 8), { shape: [x.F, x.C, x.k, x.k] });
  const b = mx.nd.array(randArray(x.F, 9), { shape: [x.F] }), y = mx.nd.zeros([x.N, x.F, Ho, Wo]);
  const oldChunk = setWinogradChunkBytes(x.chunk || 4 << 20);
  setThreadCount(() => lanes);
  try {
    const bytes = def.workspace!(a, [xs.shape, w.shape, b.shape], [y.shape], false), ws = r.alloc.alloc(bytes + GUARD);
    const step = def.forward({ K: r.K, isTrain: false, workspace: ws, scratch: r.scratch.off, node: 'c', random: Math.random } as never, a, [xs.ref, w.ref, b.ref], [y.ref], []);
    const guard = () => new Uint8Array(r.memory.buffer, ws + bytes, GUARD);
    guard().fill(0xa5);
    return {
      step, ws, bytes, y, x: xs, w, b,
      out: () => y.toTypedArray() as Float32Array,
      guardIntact: () => guard().every((v) => v === 0xa5),
      dispose: () => { r.alloc.free(ws); for (const t of [xs, w, b, y]) t.dispose(); },
    };
  } finally { setThreadCount(mx.getNumThreads); setWinogradChunkBytes(oldChunk); }
}

/** Runs `f`, returning the lane calls (of either kind) the pool's runner was handed. */
function laneCalls(f: () => void): number[][] {
  const runner = callsRunner(), seen: number[][] = [];
  setCallsRunner((name, calls) => { if (/_lane_/.test(name)) seen.push(...calls.map((a) => a.slice())); return runner ? runner(name, calls) : false; });
  try { f(); } finally { setCallsRunner(runner); }
  return seen;
}

const bitsEqual = (a: Float32Array, b: Float32Array, msg: string) => {
  assert.is(a.length, b.length, msg);
  for (let j = 0; j < a.length; j++) if (!Object.is(a[j], b[j])) assert.unreachable(`${msg}: element ${j} ${a[j]} vs ${b[j]}`);
};

/** A lane call's workspace bytes [start, end). */
function laneRange(x: Case, a: number[]): [number, number] {
  if (x.lane === 'i2c') return [a[IL.col], a[IL.col] + a[IL.C] * a[IL.kh] * a[IL.kw] * a[IL.Ho] * a[IL.Wo] * 4];
  const T = a[WL.rows] * a[WL.tW4];
  return [a[WL.ws], a[WL.ws] + al(16 * a[WL.C] * T) + al(16 * a[WL.F] * T) + al((2 * a[WL.rows] + 2) * (2 * a[WL.tW4] + 2))];
}

async function twoThreads(f: () => void): Promise<void> {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false);
  mx.setNumThreads(2);
  await mx.threadsReady();
  try { f(); } finally { setKernelThreadsSuspended(false); setThreadAdaptive(adapt); mx.setNumThreads(before); }
}

test('conv lanes on 2 threads: the same bits as on 1 thread and as the per-chunk / per-image steps, close to the reference', () => twoThreads(() => {
  for (const x of CASES) {
    const steps = lowered(x, 1), lanes = lowered(x, 2);
    assert.is(convPlan(convGeom(parseAttrs('Convolution', getOp('Convolution').attrs, attrsOf(x)), [x.N, x.C, x.H, x.W], 'c')).method,
      x.lane === 'wino' ? 'winograd' : 'im2col', what(x));
    steps.step();
    const want = steps.out();
    const calls = laneCalls(() => lanes.step());
    assert.is(calls.length, 2, `${what(x)}: two lanes`);
    if (x.lane === 'wino') assert.ok(calls[0][WL.g1] === calls[1][WL.g0] && calls[0][WL.g0] === 0 && calls[1][WL.g1] === x.N * Math.ceil(lanes.y.shape[2] / 2), `${what(x)}: tile rows covered`);
    else assert.is(calls[0][IL.nimg] + calls[1][IL.nimg], x.N, `${what(x)}: images covered`);
    bitsEqual(lanes.out(), want, `${what(x)} lanes on 2 threads vs steps`);
    for (let i = 0; i < 4; i++) { lanes.y.data.fill(0); lanes.step(); bitsEqual(lanes.out(), want, `${what(x)} run ${i}`); }
    setKernelThreadsSuspended(true);
    lanes.y.data.fill(0); lanes.step();
    setKernelThreadsSuspended(false);
    bitsEqual(lanes.out(), want, `${what(x)} lanes on 1 thread`);
    const g = { N: x.N, C: x.C, H: x.H, W: x.W, F: x.F, G: 1, kh: x.k, kw: x.k, sh: x.s, sw: x.s, ph: x.p, pw: x.p, dh: x.d, dw: x.d };
    assertClose(want, refConv(lanes.x.toTypedArray(), lanes.w.toTypedArray(), lanes.b.toTypedArray(), g), 1e-4, 1e-4, what(x));
    steps.dispose(); lanes.dispose();
  }
}));

test('conv lanes: each lane writes only its own workspace, inside the planned bytes (after U for Winograd)', () => twoThreads(() => {
  for (const x of CASES) {
    const l = lowered(x, 2), calls = laneCalls(() => l.step());
    const ranges = calls.map((a) => laneRange(x, a)).sort((p, q) => p[0] - q[0]);
    if (x.lane === 'wino') assert.ok(calls.every((a) => a[WL.U] === l.ws) && ranges[0][0] >= l.ws + al(16 * x.F * x.C), `${what(x)}: lanes after U`);
    assert.ok(ranges[0][0] >= l.ws, `${what(x)}: lane 0 inside the workspace`);
    for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i][0] >= ranges[i - 1][1], `${what(x)}: lane ${i} overlaps lane ${i - 1}`);
    assert.ok(ranges[ranges.length - 1][1] <= l.ws + l.bytes, `${what(x)}: the last lane ends inside the planned ${l.bytes} bytes`);
    assert.ok(l.guardIntact(), `${what(x)}: nothing written past the workspace`);
    l.dispose();
  }
}));

test('conv lanes: none on 1 thread, nor where the work does not share out evenly (3 chunks or 3 images on 2 threads)', () => {
  for (const [x, lanes] of [[CASES[0], 1], [CASES[4], 1], [c(3, 16, 20, 20, 16, 3, 1, 1, 1, 0, 'wino'), 2], [c(3, 8, 70, 69, 8, 3, 2, 1, 1, 0, 'i2c'), 2]] as [Case, number][]) {
    const l = lowered(x, lanes);
    assert.is(laneCalls(() => l.step()).length, 0, `${what(x)} on ${lanes}`);
    l.dispose();
  }
});

test('a fused relu through an executor: lanes on 2 threads give the bits of 1 thread', () => twoThreads(() => {
  for (const x of [CASES[2], CASES[4]]) {
    const exe = mx.sym.Activation({ data: mx.sym.Convolution({ data: mx.sym.Variable('x'), ...attrsOf(x), name: 'c' }), act_type: 'relu' })
      .simpleBind({ shapes: { x: [x.N, x.C, x.H, x.W] }, gradReq: 'null' });
    exe.argDict.x.set(randArray(x.N * x.C * x.H * x.W, 3)); exe.argDict.c_weight.set(randArray(x.F * x.C * x.k * x.k, 4)); exe.argDict.c_bias.set(randArray(x.F, 5));
    setKernelThreadsSuspended(true);
    const one = exe.forward()[0].toTypedArray() as Float32Array;
    setKernelThreadsSuspended(false);
    const calls = laneCalls(() => { bitsEqual(exe.forward()[0].toTypedArray() as Float32Array, one, what(x)); });
    assert.is(calls.length, 2, `${what(x)}: lanes`);
    assert.ok(one.some((v) => v > 0) && one.every((v) => v >= 0), `${what(x)}: relu applied`);
    exe.dispose();
  }
}));

test('mx.nd.Convolution lowered for 2 lanes is not reused once the thread count is 1 (invoke keys its steps on the workspace size)', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false), oldChunk = setWinogradChunkBytes(1);
  const x = mx.nd.array(randArray(16 * 40 * 40, 1), { shape: [1, 16, 40, 40] }), w = mx.nd.array(randArray(16 * 16 * 9, 2), { shape: [16, 16, 3, 3] });
  const conv = () => { const y = mx.nd.Convolution(x, w, { kernel: [3, 3], pad: [1, 1], num_filter: 16, no_bias: true }); const v = y.toTypedArray() as Float32Array; y.dispose(); return v; };
  try {
    mx.setNumThreads(2);
    await mx.threadsReady();
    let want: Float32Array = new Float32Array(0);
    for (let i = 0; i < 2; i++) assert.is(laneCalls(() => { want = conv(); }).length, 2, `2 threads, call ${i}: lanes`);
    // The thread count lowering sees drops to 1 while the pool (and so every offset) stays: same offsets, less workspace.
    setThreadCount(() => 1);
    let got: Float32Array = new Float32Array(0);
    assert.is(laneCalls(() => { got = conv(); }).length, 0, '1 thread: lowered again, without lanes');
    bitsEqual(got, want, '1 thread vs 2');
  } finally { setThreadCount(mx.getNumThreads); x.dispose(); w.dispose(); setWinogradChunkBytes(oldChunk); setThreadAdaptive(adapt); mx.setNumThreads(before); }
});

test('an executor bound while the count was 1 lowers its first forward on 2 threads without lanes (its workspace was planned for one)', () => twoThreads(() => {
  for (const x of [CASES[2], CASES[4]]) {
    const bind = (one: boolean) => {
      if (one) setThreadCount(() => 1);
      try { return mx.sym.Convolution({ data: mx.sym.Variable('x'), ...attrsOf(x), name: 'c' }).simpleBind({ shapes: { x: [x.N, x.C, x.H, x.W] }, gradReq: 'null' }); }
      finally { setThreadCount(mx.getNumThreads); }
    };
    const [early, now] = [bind(true), bind(false)];
    for (const e of [early, now]) { e.argDict.x.set(randArray(x.N * x.C * x.H * x.W, 3)); e.argDict.c_weight.set(randArray(x.F * x.C * x.k * x.k, 4)); e.argDict.c_bias.set(randArray(x.F, 5)); }
    let got: Float32Array = new Float32Array(0), want: Float32Array = new Float32Array(0);
    assert.is(laneCalls(() => { got = early.forward()[0].toTypedArray() as Float32Array; }).length, 0, `${what(x)}: bound at 1, no lanes`);
    assert.is(laneCalls(() => { want = now.forward()[0].toTypedArray() as Float32Array; }).length, 2, `${what(x)}: bound at 2, lanes`);
    bitsEqual(got, want, `${what(x)}: bound at 1 vs at 2`);
    early.dispose(); now.dispose();
  }
}));

test('the weight transform of a 64x64 layer (0.04 ms) runs as a parallel job, with the bits of one thread', () => twoThreads(() => {
  const r = rt(), F = 64, C = 64, w = r.alloc.alloc(F * C * 36), U = r.alloc.alloc(F * C * 64);
  try {
    f32(w, F * C * 9).set(randArray(F * C * 9, 11));
    const run = () => { f32(U, F * C * 16).fill(0); kernelCall(r.K, 'f32_wino_w_f2k3__simd128', { w, U, F, C, flip: 0, Ft: F }); return f32(U, F * C * 16).slice(); };
    setKernelThreadsSuspended(true);
    const one = run();
    setKernelThreadsSuspended(false);
    const jobs = mx.threadStats()!.jobs, two = run();
    assert.is(mx.threadStats()!.jobs, jobs + 1, 'one parallel job');
    bitsEqual(two, one, 'weight transform on 2 threads vs 1');
  } finally { r.alloc.free(w); r.alloc.free(U); }
}));

test.run();
