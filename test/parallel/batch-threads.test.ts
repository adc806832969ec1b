// The images of a batch as the parts of one parallel job (src/ops/conv/lower.ts: depthwise, 1x1 without groups, the
// few-channel stem kernel) and BatchNorm's forward cut across threads: the same bits as on one thread. A batch that does
// not share out evenly (3 images on 2 threads) runs its calls in order, each cut on its own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray } from '../helpers.js';
import { setKernelThreadsSuspended, setThreadAdaptive } from '../../src/parallel/threads.js';
import { callsRunner, setCallsRunner } from '../../src/runtime/parts.js';
import { setRowBlocks } from '../../src/ops/conv/lower.js';

type Exe = ReturnType<ReturnType<typeof mx.sym.Variable>['simpleBind']>;

/** Runs `exe` on one thread and on two; asserts equal bits and that two threads ran parallel jobs. */
function sameBits(what: string, exe: Exe, isTrain = false): void {
  setKernelThreadsSuspended(true);
  const one = exe.forward({ isTrain })[0].toTypedArray();
  setKernelThreadsSuspended(false);
  const jobs = mx.threadStats()!.jobs;
  const two = exe.forward({ isTrain })[0].toTypedArray();
  assert.ok(mx.threadStats()!.jobs > jobs, `${what}: ran parallel jobs`);
  assert.is(two.length, one.length);
  for (let j = 0; j < one.length; j++) if (!Object.is(one[j], two[j])) assert.unreachable(`${what}: element ${j} ${one[j]} vs ${two[j]}`);
}

// [N, C, H, F, groups, kernel, stride, pad]: 1x1, depthwise, the few-channel stem (3 channels, stride 2), odd sizes.
const CONVS: number[][] = [[8, 16, 20, 32, 1, 1, 1, 0], [4, 32, 27, 32, 32, 3, 1, 1], [4, 3, 33, 16, 1, 3, 2, 1], [3, 64, 24, 64, 1, 1, 1, 0],
  [2, 3, 64, 32, 1, 3, 2, 1]];

function conv([N, C, H, F, G, k, s, p]: number[], seed: number): Exe {
  const exe = mx.sym.Activation({ data: mx.sym.Convolution({ data: mx.sym.Variable('x'), kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: F,
    num_group: G, name: 'c' }), act_type: 'relu' }).simpleBind({ shapes: { x: [N, C, H, H + 1] }, gradReq: 'null' });
  exe.argDict.x.set(randArray(N * C * H * (H + 1), seed)); exe.argDict.c_weight.set(randArray(F * (C / G) * k * k, seed + 1));
  exe.argDict.c_bias.set(randArray(F, seed + 2));
  return exe;
}

function bn(shape: number[], seed: number): Exe {
  const exe = mx.sym.BatchNorm({ data: mx.sym.Variable('x'), fix_gamma: false, name: 'bn' }).simpleBind({ shapes: { x: shape }, gradReq: 'null' });
  const C = shape[1];
  exe.argDict.x.set(randArray(shape.reduce((a, b) => a * b), seed)); exe.argDict.bn_gamma.set(randArray(C, seed + 1));
  exe.argDict.bn_beta.set(randArray(C, seed + 2)); exe.auxDict.bn_moving_mean.set(randArray(C, seed + 3));
  exe.auxDict.bn_moving_var.set(randArray(C, seed + 4).map((v) => v + 1));
  return exe;
}

test('conv: a batch\'s images on 2 threads give the same bits as on 1 (1x1, depthwise, stem; even and uneven batches)', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false);
  mx.setNumThreads(2);
  await mx.threadsReady();
  try {
    CONVS.forEach((c, i) => { const exe = conv(c, 40 + i); sameBits(c.join(','), exe); exe.dispose(); });
  } finally { setKernelThreadsSuspended(false); setThreadAdaptive(adapt); mx.setNumThreads(before); }
});

test('BatchNorm forward on 2 threads: same bits as 1 (one image by channels, a batch by images, training statistics)', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false);
  mx.setNumThreads(2);
  await mx.threadsReady();
  try {
    for (const [shape, train] of [[[1, 130, 47, 45], false], [[4, 33, 48, 49], false], [[1, 129, 45, 47], true]] as [number[], boolean][]) {
      const exe = bn(shape, 60);
      sameBits(`${shape.join('x')}${train ? ' train' : ''}`, exe, train);
      exe.dispose();
    }
  } finally { setKernelThreadsSuspended(false); setThreadAdaptive(adapt); mx.setNumThreads(before); }
});

test('a folded BatchNorm over a batch: one job of whole images (each under the split floor alone), same bits as 1 thread and unfolded', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false), runner = callsRunner()!, jobs: number[] = [];
  mx.setNumThreads(2);
  await mx.threadsReady();
  setCallsRunner((name, calls) => { const ran = runner(name, calls); if (ran && name === 'f32_bn_act__simd128') jobs.push(calls.length); return ran; });
  const net = mx.sym.clip({ data: mx.sym.BatchNorm({ data: mx.sym.Convolution({ data: mx.sym.Variable('x'), kernel: [1, 1], num_filter: 48, no_bias: true,
    name: 'c' }), fix_gamma: false, name: 'bn' }), a_min: 0, a_max: 6 });
  const run = (fuse: boolean, check: boolean) => {
    const exe = net.simpleBind({ shapes: { x: [4, 16, 40, 41] }, gradReq: 'null', fuse });
    let k = 70;
    for (const [n, a] of [...Object.entries(exe.argDict), ...Object.entries(exe.auxDict)]) a.set(randArray(a.size, k++, n.endsWith('var') ? 0.2 : -1, 2));
    try {
      if (check) sameBits('conv -> BN -> clip, batch 4', exe);
      return exe.forward()[0].toTypedArray();
    } finally { exe.dispose(); }
  };
  try {
    const folded = run(true, true);
    assert.ok(jobs.length >= 1 && jobs.every((n) => n === 4), `bn_act ran as jobs of 4 images: ${jobs}`);
    const plain = run(false, false);
    for (let j = 0; j < plain.length; j++) if (Math.abs(folded[j] - plain[j]) > 1e-5 + 1e-5 * Math.abs(plain[j])) assert.unreachable(`element ${j}: ${folded[j]} vs ${plain[j]}`);
  } finally { setCallsRunner(runner); setKernelThreadsSuspended(false); setThreadAdaptive(adapt); mx.setNumThreads(before); }
});


test('a depthwise conv at batch 1 on 2 threads: two parts a thread (MXWASM_DW_PARTS), the same bits as 1 thread', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false);
  mx.setNumThreads(2);
  await mx.threadsReady();
  try {
    const exe = conv([1, 96, 29, 96, 96, 3, 1, 1], 80), s0 = mx.threadStats()!;
    sameBits('dw 96@29x30', exe);
    const s1 = mx.threadStats()!, want = Number(process.env.MXWASM_DW_PARTS ?? 2) * 2;
    // sameBits ran one forward on 2 threads: the depthwise call (relu fused) is its only parallel job.
    assert.is(s1.jobs - s0.jobs, 1, 'one parallel job');
    assert.is(s1.parts - s0.parts, want, `${want} parts`);
    exe.dispose();
  } finally { setKernelThreadsSuspended(false); setThreadAdaptive(adapt); mx.setNumThreads(before); }
});


test('a 1x1 conv at batch 1: filters in row blocks of <= 64, one job of whole GEMMs on 2 threads, same bits as 1 (MXWASM_1X1_ROWS)', async () => {
  const before = mx.getNumThreads(), adapt = setThreadAdaptive(false), runner = callsRunner()!, jobs: number[] = [];
  mx.setNumThreads(2);
  await mx.threadsReady();
  setCallsRunner((name, calls) => { const ran = runner(name, calls); if (ran && name.startsWith('f32_gemm')) jobs.push(calls.length); return ran; });
  const old = setRowBlocks(true);
  try {
    const exe = conv([1, 24, 14, 130, 1, 1, 1, 0], 90);
    sameBits('1x1 130 filters at 14x15', exe);
    assert.equal(jobs, [4], `the GEMM blocks ran as one job of 4: ${jobs}`);
    exe.dispose();
    setRowBlocks(false);
    jobs.length = 0;
    const one = conv([1, 24, 14, 130, 1, 1, 1, 0], 90);
    sameBits('1x1 as one GEMM', one);
    assert.equal(jobs, [], 'no blocks');
    one.dispose();
  } finally { setRowBlocks(old); setCallsRunner(runner); setKernelThreadsSuspended(false); setThreadAdaptive(adapt); mx.setNumThreads(before); }
});

test.run();
