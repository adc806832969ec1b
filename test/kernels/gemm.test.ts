// f32_gemm kernels vs the float64 reference: odd sizes, transposes, alpha/beta, bias, relu, strides, sub-ranges.
import { test } from 'uvu';
import { readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { mx, randArray, closeMsg } from '../helpers.js';
import { rt } from '../../src/runtime/runtime.js';
import { f32 } from '../../src/runtime/view.js';
import { gemmRef, colSumRef } from '../../src/reference/gemm.js';

void mx;
const R = rt();
// MXWASM_GEMM_WASM=<path to a kernels build> adds that build's exports (a second instance on the same
// memory): e.g. dist/kernels.relaxed.wasm under node --experimental-wasm-relaxed-simd.
const devPath = process.env.MXWASM_GEMM_WASM;
const KT = { ...R.K, ...(devPath ? new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(readFileSync(devPath))), { env: { memory: R.memory } }).exports : {}) } as unknown as typeof R.K;
const relaxedBuild = typeof KT.f32_gemm__relaxedsimd === 'function';
const KERNEL_NAMES = ['f32_gemm__simd128', ...(relaxedBuild ? ['f32_gemm__relaxedsimd'] : [])];

interface Case {
  tA?: boolean; tB?: boolean; M: number; N: number; K: number; alpha?: number; beta?: number;
  padA?: number; padB?: number; padC?: number; biasMode?: 0 | 1 | 2; act?: 0 | 1 | 2 | 3;
  /** Run as two calls on row ranges [0, split) and [split, M) (how the thread pool splits C). */
  split?: number;
}

/** Runs one case through `name` and the reference; returns '' or a message. */
function runCase(name: string, c: Case, seed = 1): string {
  const { M, N, K } = c, tA = !!c.tA, tB = !!c.tB, alpha = c.alpha ?? 1, beta = c.beta ?? 0;
  const lda = (tA ? M : K) + (c.padA ?? 0), ldb = (tB ? K : N) + (c.padB ?? 0), ldc = N + (c.padC ?? 0);
  const aLen = (tA ? K : M) * lda, bLen = (tB ? N : K) * ldb, cLen = M * ldc;
  const hA = randArray(Math.max(aLen, 1), seed), hB = randArray(Math.max(bLen, 1), seed + 1);
  const hC = beta === 0 ? new Float32Array(Math.max(cLen, 1)).fill(NaN) : randArray(Math.max(cLen, 1), seed + 2);
  const bias = randArray(Math.max(M, N, 1), seed + 3);
  const al = R.alloc, oA = al.alloc(hA.length * 4), oB = al.alloc(hB.length * 4), oC = al.alloc(hC.length * 4), oBias = al.alloc(bias.length * 4);
  try {
    f32(oA, hA.length).set(hA); f32(oB, hB.length).set(hB); f32(oC, hC.length).set(hC); f32(oBias, bias.length).set(bias);
    const fn = KT[name];
    const call = (m0: number, m1: number) => fn(+tA, +tB, m1 - m0, N, K, alpha, oA + (tA ? m0 : m0 * lda) * 4, lda, oB, ldb, beta,
      oC + m0 * ldc * 4, ldc, oBias + (c.biasMode === 2 ? m0 * 4 : 0), c.biasMode ?? 0, c.act ?? 0, R.scratch.off);
    if (c.split !== undefined) { call(0, c.split); call(c.split, M); } else call(0, M);
    const want = Float64Array.from(hC);
    gemmRef({ transA: tA, transB: tB, M, N, K, alpha, A: hA, lda, B: hB, ldb, beta, C: want, ldc, bias, biasMode: c.biasMode, act: c.act });
    const got = f32(oC, hC.length);
    // Padding columns of C must stay untouched (NaN or the original values).
    const keep: number[] = [], keepWant: number[] = [];
    for (let m = 0; m < M; m++) for (let n = N; n < ldc; n++) { keep.push(got[m * ldc + n]); keepWant.push(hC[m * ldc + n]); }
    const tol = name.includes('relaxed') && relaxedBuild ? 1e-4 : 1e-5;
    return closeMsg(got, want, tol, 1e-5 * Math.sqrt(K + 1)) || closeMsg(keep, keepWant, 0, 0);
  } finally { al.free(oA); al.free(oB); al.free(oC); al.free(oBias); }
}

function check(c: Case, seed = 1): void {
  for (const name of KERNEL_NAMES) {
    const msg = runCase(name, c, seed);
    assert.is(msg, '', `${name} ${JSON.stringify(c)}: ${msg}`);
  }
}

const ODD = [1, 3, 5, 7, 17, 31, 63, 65, 97, 129];

test('square and odd sizes, all four transpose combinations', () => {
  for (const s of [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65]) {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) check({ M: s, N: s, K: s, tA, tB });
  }
});

test('rectangular odd shapes', () => {
  let seed = 10;
  for (const M of ODD) for (const N of [1, 5, 17, 65]) for (const K of [1, 7, 97]) {
    check({ M, N, K, tA: seed % 2 === 1, tB: seed % 3 === 1 }, seed++);
  }
});

test('K larger than one K block, N larger than one N block, M larger than one M block', () => {
  check({ M: 100, N: 40, K: 300 });
  check({ M: 7, N: 2100, K: 9, tB: true });
  check({ M: 257, N: 33, K: 257, tA: true, tB: true });
  check({ M: 193, N: 24, K: 520, alpha: 0.5, beta: 2, biasMode: 1, act: 1 });
});

test('alpha, beta (beta = 0 never reads the NaN-filled C)', () => {
  for (const [alpha, beta] of [[1, 0], [2.5, 0], [1, 1], [-0.5, 0.25], [0, 1]]) {
    for (const s of [1, 5, 17, 65]) check({ M: s, N: s + 2, K: s + 1, alpha, beta, tA: s > 5 });
  }
});

test('bias per column / per row, relu, fused with beta and multiple K blocks', () => {
  for (const biasMode of [0, 1, 2] as const) for (const act of [0, 1] as const) {
    for (const [M, N, K] of [[1, 9, 5], [9, 1, 5], [13, 21, 300], [4, 8, 8], [65, 63, 17]]) {
      check({ M, N, K, biasMode, act, beta: act ? 0.5 : 0, tB: M === 1 || K === 17 });
    }
  }
});

test('fused sigmoid / tanh (act 2, 3) on every path: GEMV, small, blocked, K blocks, strided C, row ranges', () => {
  for (const act of [2, 3] as const) {
    for (const [M, N, K] of [[1, 9, 5], [9, 1, 5], [13, 21, 300], [4, 8, 8], [65, 63, 17], [50, 67, 25], [3, 5, 0]]) {
      check({ M, N, K, biasMode: 2, act, beta: 0.5, tB: K === 17 });
      check({ M, N, K, biasMode: 1, act, tA: M === 13, padC: 3 });
    }
    check({ M: 70, N: 33, K: 40, act, biasMode: 2, split: 24 });
  }
});

test('K = 0: C = act(beta*C + bias)', () => {
  check({ M: 5, N: 7, K: 0, beta: 0.5, biasMode: 1, act: 1 });
  check({ M: 5, N: 7, K: 0, beta: 0, biasMode: 2 });
});

test('strided lda, ldb, ldc leave padding untouched', () => {
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
    check({ M: 19, N: 23, K: 29, tA, tB, padA: 3, padB: 5, padC: 7, beta: 0.5 });
    check({ M: 1, N: 23, K: 29, tA, tB, padA: 3, padB: 5, padC: 2 });
    check({ M: 23, N: 1, K: 29, tA, tB, padA: 3, padB: 5, padC: 2 });
  }
});

test('small-matrix paths (GEMV, M or N tiny) with every option', () => {
  for (const [M, N] of [[1, 1], [1, 100], [100, 1], [2, 70], [70, 2], [3, 9]]) {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
      check({ M, N, K: 37, tA, tB, beta: 0.5, biasMode: 1, act: 1 });
      check({ M, N, K: 130, tA, tB, alpha: 2, biasMode: 2 });
    }
  }
});

test('few rows of C (the no-packing path) with every option and column tails', () => {
  let seed = 300;
  for (const M of [2, 3, 5, 16, 17, 63, 64]) for (const N of [3, 16, 17, 35]) {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
      check({ M, N, K: 5 + (seed % 7) * 9, tA, tB, beta: seed % 2 ? 0.5 : 0, biasMode: (seed % 3) as 0 | 1 | 2, act: (seed % 2) as 0 | 1, padA: seed % 3, padB: 1, padC: 2 }, seed++);
    }
  }
  // A power-of-two row stride of B sends few rows back to the packed path.
  check({ M: 8, N: 40, K: 100, padB: 1024 - 40, biasMode: 1, beta: 0.5 });
});

test('sub-range calls on rows of C (thread split) equal one call', () => {
  check({ M: 37, N: 29, K: 41, split: 13, biasMode: 2, act: 1 });
  check({ M: 100, N: 50, K: 300, split: 48, tA: true, beta: 1 });
  check({ M: 9, N: 70, K: 20, split: 1, tB: true, biasMode: 1 });
});

test('narrow last column panels (the 8x4 edge tiles) vs the reference, with row tails, K blocks and row ranges', () => {
  let seed = 500;
  for (const nr of [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 15]) {
    for (const M of [65, 70, 101]) {
      check({ M, N: 16 + nr, K: 7 + (seed % 5) * 31, beta: seed % 2 ? 0.5 : 0, biasMode: (seed % 3) as 0 | 1 | 2, act: (seed % 2) as 0 | 1, padC: 3 }, seed++);
    }
  }
  check({ M: 97, N: 49, K: 300, alpha: 0.5, beta: 1, biasMode: 2, act: 1, tB: true });
  check({ M: 200, N: 49, K: 40, split: 96, biasMode: 1 });
});

test('a narrow last panel gives the same bits as the same columns inside a full-width panel', () => {
  for (const name of KERNEL_NAMES) {
    for (const [nr, biasMode, beta] of [[1, 2, 0], [3, 1, 0.5], [4, 0, 1], [9, 2, 0]] as const) {
      const M = 75, K = 300, N = 32, al = R.alloc;
      const hA = randArray(M * K, nr), hB = randArray(K * N, nr + 1), hC = randArray(M * N, nr + 2), bias = randArray(Math.max(M, N), nr + 3);
      const oA = al.alloc(hA.length * 4), oB = al.alloc(hB.length * 4), oC = al.alloc(hC.length * 4), oC2 = al.alloc(hC.length * 4), ob = al.alloc(bias.length * 4);
      f32(oA, hA.length).set(hA); f32(oB, hB.length).set(hB); f32(oC, hC.length).set(hC); f32(oC2, hC.length).set(hC); f32(ob, bias.length).set(bias);
      const call = (n: number, c: number) => KT[name](0, 0, M, n, K, 1, oA, K, oB, N, beta, c, N, ob, biasMode, 1, R.scratch.off);
      call(N, oC); call(16 + nr, oC2);
      const wide = f32(oC, M * N).slice(), narrow = f32(oC2, M * N).slice();
      al.free(oA); al.free(oB); al.free(oC); al.free(oC2); al.free(ob);
      for (let m = 0; m < M; m++) for (let n = 0; n < 16 + nr; n++) {
        if (!Object.is(wide[m * N + n], narrow[m * N + n])) assert.unreachable(`${name} nr ${nr}: C[${m}][${n}] ${narrow[m * N + n]} vs ${wide[m * N + n]}`);
      }
    }
  }
});

test('larger sizes', () => {
  check({ M: 257, N: 255, K: 129 });
  check({ M: 129, N: 300, K: 257, tA: true, tB: true, beta: 0.5 });
});

test('colsum kernel', () => {
  for (const [M, N, pad] of [[1, 1, 0], [3, 5, 0], [7, 17, 2], [64, 65, 3], [130, 9, 0]]) {
    const ld = N + pad, x = randArray(M * ld, M + N), o = R.alloc.alloc(x.length * 4 + 4), y = R.alloc.alloc(N * 4);
    f32(o, x.length).set(x);
    KT.f32_colsum__simd128(o, M, N, ld, y);
    const msg = closeMsg(f32(y, N), colSumRef(x, M, N, ld), 1e-5, 1e-5);
    R.alloc.free(o); R.alloc.free(y);
    assert.is(msg, '', `colsum ${M}x${N}: ${msg}`);
  }
});

test.run();
