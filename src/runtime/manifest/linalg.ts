// The GEMM family's calling convention (assembly/kernels/f32-gemm.ts), written once: ops build calls with
// `gemmArgs`, the thread split reads and rewrites them through `GEMM_ARG`, the warm-up uses `gemmArgs`, the
// reference (src/reference/gemm.ts) takes the same names. test/kernels/abi.test.ts checks the names against
// the kernel's parameters and `GEMM_LIMITS` against its constants.
import { argIndex, argList, defs, kernelsOf, nameInfo, paramsOf, type ArgsOf, type KernelInfo } from './common.js';

/** The arguments of f32_gemm__simd128 / f32_gemm__relaxedsimd, in order (byte offsets for A, B, C, bias, scratch). */
export const GEMM_PARAMS = ['transA', 'transB', 'M', 'N', 'K', 'alpha', 'A', 'lda', 'B', 'ldb', 'beta', 'C', 'ldc', 'bias', 'biasMode', 'act', 'scratch'] as const;
/** Position of each argument (what a thread split reads and rewrites). @example a[GEMM_ARG.C] */
export const GEMM_ARG = argIndex(GEMM_PARAMS);
type Numbers<T extends readonly unknown[]> = { -readonly [I in keyof T]: number };
/** One call's argument list, in kernel order (a 17-number tuple: a call with another count fails type checking). */
export type GemmArgs = Numbers<typeof GEMM_PARAMS>;

/** `biasMode`: none, bias[n] added to each column n, bias[m] added to each row m. */
export const BIAS = { none: 0, perColumn: 1, perRow: 2 } as const;
/** `act`, applied after bias: none, or f32_act's type + 1 (`ACT` in ./nn.ts). */
export const GEMM_ACT = { none: 0, relu: 1, sigmoid: 2, tanh: 3 } as const;
export type BiasMode = typeof BIAS[keyof typeof BIAS];
export type GemmAct = typeof GEMM_ACT[keyof typeof GEMM_ACT];

/**
 * The kernel's path limits (its SMALL_M, SMALL_A_FLOATS, GEMV_FLOATS): at most `smallM` rows with M*K at most
 * `smallAFloats` floats (A not transposed) skip packing; a GEMV (M or N is 1) needs K + max(M, N) + 8 floats of
 * scratch at most `gemvFloats`. A thread split keeps every part on the whole call's path (same bits).
 */
export const GEMM_LIMITS = { smallM: 64, smallAFloats: 128 << 10, gemvFloats: (1 << 20) - 64 } as const;

/** A GEMM call by name: `C = act(alpha * op(A) op(B) + beta * C + bias)`, row-major; `beta` 0 never reads C. */
export interface GemmCall {
  transA?: boolean | number; transB?: boolean | number;
  M: number; N: number; K: number; alpha?: number;
  A: number; lda: number; B: number; ldb: number; beta?: number; C: number; ldc: number;
  bias?: number; biasMode?: BiasMode; act?: GemmAct;
  /** The calling thread's packing scratch (`ctx.scratch`, 4 MiB); the thread pool puts each worker's own there. */
  scratch: number;
}

/** A GEMM call's arguments by name, defaults applied (no transposes, alpha 1, beta 0, no bias, no activation). */
const gemmNamed = (c: GemmCall): ArgsOf<typeof GEMM_PARAMS> =>
  ({ alpha: 1, beta: 0, bias: 0, biasMode: BIAS.none, act: GEMM_ACT.none, ...c, transA: +!!c.transA, transB: +!!c.transB });
/**
 * The argument list of a GEMM call, in kernel order.
 * @example const args = gemmArgs({ transB: 1, M: rows, N: H, K: inW, A: x, lda: inW, B: w, ldb: inW, C: y, ldc: H, scratch })
 */
export const gemmArgs = (c: GemmCall): GemmArgs => argList(GEMM_PARAMS, gemmNamed(c)) as unknown as GemmArgs;

/**
 * Warm-up args: a 96x64x64 GEMM on zeroed scratch (p: A and B, q: C, q + 64 KiB: packing scratch),
 * more than 64 rows so that it runs the packed path (whose driver and micro-kernel must tier up;
 * the small paths are cheap in any tier). Packing uses < 2.2 MiB past q + 64 KiB: inside the 4 MiB scratch.
 */
const gemmWarm = (p: number, q: number) => gemmNamed({ M: 96, N: 64, K: 64, A: p, lda: 64, B: p, ldb: 64, C: q, ldc: 64, scratch: q + 65536 });

const LINALG = defs({
  f32_gemm__simd128: [GEMM_PARAMS, gemmWarm],
  f32_gemm__relaxedsimd: [GEMM_PARAMS, gemmWarm],
  f32_colsum__simd128: [['X', 'M', 'N', 'ldx', 'y'], (p, q) => ({ X: p, M: 3, N: 17, ldx: 17, y: q })],
});
/** Parameter names of the linalg kernels. */
export const LINALG_PARAMS = paramsOf(LINALG);

/** Kernels of the linalg family (see ../manifest.ts). */
export const kernelsLinalg = (): KernelInfo[] => kernelsOf(LINALG, nameInfo('gemm'));
