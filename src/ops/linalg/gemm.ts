// The GEMM entry point every op uses (dot, batch_dot, FullyConnected, Convolution), plus the
// lowering of a (batched) matrix product and its gradients shared by the linalg ops.
import { MxError, opMessage } from '../../errors.js';
import { rt } from '../../runtime/runtime.js';
import type { KernelTable } from '../../runtime/manifest.js';
import { boundCall, kernelStep } from '../../runtime/manifest/args.js';
import { BIAS, GEMM_ACT, gemmArgs, type GemmAct, type GemmArgs, type GemmCall } from '../../runtime/manifest/linalg.js';
import type { Attrs } from '../attrs.js';
import type { Step } from '../registry.js';

/** The GEMM kernel's type: a call with the wrong argument count fails type checking. */
export type GemmFn = (...args: GemmArgs) => number;

/**
 * The GEMM kernel (calling convention: `GemmCall` / `gemmArgs` in src/runtime/manifest/linalg.ts): the relaxed-SIMD
 * build's kernel when that variant is loaded, else plain SIMD.
 * @example
 * const gemm = gemmKernel(ctx.K), args = gemmArgs({ transB: 1, M, N, K, A: x.off, lda: K, B: w.off, ldb: K, C: y.off, ldc: N, scratch: ctx.scratch });
 * return () => { gemm(...args); };
 */
export function gemmKernel(K: KernelTable): GemmFn {
  const relaxed = rt().variant === 'relaxed' && typeof K.f32_gemm__relaxedsimd === 'function';
  return relaxed ? K.f32_gemm__relaxedsimd : K.f32_gemm__simd128;
}

/** A batch of products C_i = op(A_i) op(B_i): (M x K) by (K x N), A_i stored K x M when tA, B_i stored N x K when tB. */
export interface MatMul { tA: boolean; tB: boolean; M: number; N: number; K: number; batch: number }

const lds = (m: MatMul) => ({ lda: m.tA ? m.M : m.K, ldb: m.tB ? m.K : m.N });

// One GEMM call with its arguments bound: a direct call (a spread call costs ~0.1 us, 10% of a 4x16x16 product).
const bound = (gemm: GemmFn, c: GemmArgs): Step => boundCall(gemm, c);

/** Runs GEMM calls in order. @example return run(gemmKernel(K), [gemmArgs({ ... })]) */
export function run(gemm: GemmFn, calls: GemmArgs[]): Step {
  const steps = calls.map((c) => bound(gemm, c));
  if (steps.length === 1) return steps[0];
  return () => { for (let i = 0; i < steps.length; i++) steps[i](); };
}

/** One GEMM call by name, bound at lowering. @example const proj = gemmStep(gemm, { transB: 1, M, N, K, A, lda: K, B, ldb: K, C, ldc: N, scratch }) */
export const gemmStep = (gemm: GemmFn, c: GemmCall): Step => bound(gemm, gemmArgs(c));

/**
 * Lowers C = op(A) op(B) (+ bias per column, fused activation) for each batch item; offsets are byte offsets.
 * @example matmulForward(ctx.K, { tA: false, tB: true, M: 2, N: 3, K: 4, batch: 1 }, a.off, b.off, c.off, ctx.scratch)
 */
export function matmulForward(K: KernelTable, m: MatMul, a: number, b: number, c: number, scratch: number, bias = 0, act: GemmAct = 0): Step {
  const { lda, ldb } = lds(m), { M, N } = m, biasMode = bias ? BIAS.perColumn : BIAS.none;
  const calls = Array.from({ length: m.batch }, (_, i) => gemmArgs({
    transA: m.tA, transB: m.tB, M, N, K: m.K, A: a + i * M * m.K * 4, lda, B: b + i * m.K * N * 4, ldb, C: c + i * M * N * 4, ldc: N,
    bias, biasMode, act, scratch,
  }));
  return run(gemmKernel(K), calls);
}

/**
 * Lowers the gradients of C = op(A) op(B): dA from (B, dC) and dB from (A, dC); an offset of 0 for
 * `da` or `db` skips that gradient (req 'null'). Writes (overwrites) the gradients.
 * @example matmulBackward(ctx.K, mm, a.off, b.off, dc.off, da.off, 0, ctx.scratch)
 */
export function matmulBackward(K: KernelTable, m: MatMul, a: number, b: number, dc: number, da: number, db: number, scratch: number): Step {
  const { lda, ldb } = lds(m), { M, N } = m, Kd = m.K;
  const calls: GemmArgs[] = [];
  for (let i = 0; i < m.batch; i++) {
    const ai = a + i * M * Kd * 4, bi = b + i * Kd * N * 4, ci = dc + i * M * N * 4;
    if (da) {
      const C = da + i * M * Kd * 4;
      // dop(A) = dC op(B)^T (M x K); stored transposed when tA.
      calls.push(m.tA ? gemmArgs({ transA: m.tB, transB: 1, M: Kd, N: M, K: N, A: bi, lda: ldb, B: ci, ldb: N, C, ldc: M, scratch })
        : gemmArgs({ transB: !m.tB, M, N: Kd, K: N, A: ci, lda: N, B: bi, ldb, C, ldc: Kd, scratch }));
    }
    if (db) {
      const C = db + i * Kd * N * 4;
      // dop(B) = op(A)^T dC (K x N); stored transposed when tB.
      calls.push(m.tB ? gemmArgs({ transA: 1, transB: m.tA, M: N, N: Kd, K: M, A: ci, lda: N, B: ai, ldb: lda, C, ldc: Kd, scratch })
        : gemmArgs({ transA: !m.tA, M: Kd, N, K: M, A: ai, lda, B: ci, ldb: N, C, ldc: N, scratch }));
    }
  }
  return run(gemmKernel(K), calls);
}

/**
 * The GEMM act code of the hidden `__act__` attr (set by the fusion pass; `GEMM_ACT`): 0 none, 1 relu, 2 sigmoid,
 * 3 tanh; codes above `max` (an op that fuses only relu) and other names throw.
 * @example fusedActCode('fc1', 'FullyConnected', { __act__: 'tanh' }) === 3
 */
export function fusedActCode(node: string, op: string, a: Attrs, max = 3): GemmAct {
  const act = a.__act__;
  if (act === undefined || act === null || act === '' || act === 'None') return GEMM_ACT.none;
  const c = act !== 'none' && Object.hasOwn(GEMM_ACT, act) ? GEMM_ACT[act as keyof typeof GEMM_ACT] : 0;
  if (c && c <= max) return c;
  const ok = Object.entries(GEMM_ACT).filter(([, v]) => v && v <= max).map(([k]) => k).join(', ');
  throw new MxError('unsupported', opMessage(node, op, `fused activation '${act}' is not supported (${ok})`), { op, attr: '__act__' });
}

/**
 * The backward of a fused activation from its output y: the pre-activation gradient dx = dy * act'(y)
 * (relu: y > 0; sigmoid: y (1 - y); tanh: 1 - y^2), written to `dx`.
 * @example steps.push(fusedActBackward(ctx.K, 3, y.off, dy, ws, n))
 */
export function fusedActBackward(K: KernelTable, code: GemmAct, y: number, dy: number, dx: number, n: number): Step {
  if (code === GEMM_ACT.relu) return kernelStep(K, 'f32_relu_mask__simd128', { y, dy, out: dx, n });
  // f32_act's type (ACT) is the GEMM code - 1; x is not read (the derivative comes from y).
  return kernelStep(K, 'f32_act_bwd__simd128', { x: 0, y, dy, dx, n, t: code - 1, a: 0 });
}
