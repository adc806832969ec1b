// The GEMM entry point every op uses (dot, batch_dot, FullyConnected, Convolution), plus the
// lowering of a (batched) matrix product and its gradients shared by the linalg ops.
import { MxError, opMessage } from '../../errors.js';
import { rt } from '../../runtime/runtime.js';
import type { KernelTable } from '../../runtime/manifest.js';
import type { Attrs } from '../attrs.js';
import type { Step } from '../registry.js';

type Fn = (...args: number[]) => number;

/**
 * The GEMM kernel `f32_gemm__<isa>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc,
 * bias, biasMode, act, scratch)`: the relaxed-SIMD build's kernel when that variant is loaded, else
 * plain SIMD. Row-major, `C = act(alpha*op(A)*op(B) + beta*C + bias)`; `beta == 0` never reads C;
 * biasMode 0 none / 1 per column / 2 per row; act 0 none / 1 relu; scratch = 4 MiB per thread.
 * @example
 * const gemm = gemmKernel(ctx.K);
 * return () => { gemm(0, 1, M, N, K, 1, x.off, K, w.off, K, 0, y.off, N, b.off, 1, 0, ctx.scratch); };
 */
export function gemmKernel(K: KernelTable): Fn {
  const relaxed = rt().variant === 'relaxed' && typeof K.f32_gemm__relaxedsimd === 'function';
  return relaxed ? K.f32_gemm__relaxedsimd : K.f32_gemm__simd128;
}

/** A batch of products C_i = op(A_i) op(B_i): (M x K) by (K x N), A_i stored K x M when tA, B_i stored N x K when tB. */
export interface MatMul { tA: boolean; tB: boolean; M: number; N: number; K: number; batch: number }

const lds = (m: MatMul) => ({ lda: m.tA ? m.M : m.K, ldb: m.tB ? m.K : m.N });

/** Runs `calls` (argument lists of the GEMM) in order. */
function run(gemm: Fn, calls: number[][]): Step {
  if (calls.length === 1) { const c = calls[0]; return () => { gemm(...c); }; }
  return () => { for (const c of calls) gemm(...c); };
}

/**
 * Lowers C = op(A) op(B) (+ bias per column, relu) for each batch item; offsets are byte offsets.
 * @example matmulForward(ctx.K, { tA: false, tB: true, M: 2, N: 3, K: 4, batch: 1 }, a.off, b.off, c.off, ctx.scratch)
 */
export function matmulForward(K: KernelTable, m: MatMul, a: number, b: number, c: number, scratch: number, bias = 0, act = 0): Step {
  const { lda, ldb } = lds(m), gemm = gemmKernel(K);
  const calls: number[][] = [];
  for (let i = 0; i < m.batch; i++) {
    calls.push([+m.tA, +m.tB, m.M, m.N, m.K, 1, a + i * m.M * m.K * 4, lda, b + i * m.K * m.N * 4, ldb, 0,
      c + i * m.M * m.N * 4, m.N, bias, bias ? 1 : 0, act, scratch]);
  }
  return run(gemm, calls);
}

/**
 * Lowers the gradients of C = op(A) op(B): dA from (B, dC) and dB from (A, dC); an offset of 0 for
 * `da` or `db` skips that gradient (req 'null'). Writes (overwrites) the gradients.
 * @example matmulBackward(ctx.K, mm, a.off, b.off, dc.off, da.off, 0, ctx.scratch)
 */
export function matmulBackward(K: KernelTable, m: MatMul, a: number, b: number, dc: number, da: number, db: number, scratch: number): Step {
  const { lda, ldb } = lds(m), gemm = gemmKernel(K), { M, N } = m, Kd = m.K;
  const calls: number[][] = [];
  for (let i = 0; i < m.batch; i++) {
    const ai = a + i * M * Kd * 4, bi = b + i * Kd * N * 4, ci = dc + i * M * N * 4;
    if (da) {
      const dai = da + i * M * Kd * 4;
      // dop(A) = dC op(B)^T (M x K); stored transposed when tA.
      calls.push(m.tA ? [+m.tB, 1, Kd, M, N, 1, bi, ldb, ci, N, 0, dai, M, 0, 0, 0, scratch]
        : [0, m.tB ? 0 : 1, M, Kd, N, 1, ci, N, bi, ldb, 0, dai, Kd, 0, 0, 0, scratch]);
    }
    if (db) {
      const dbi = db + i * Kd * N * 4;
      // dop(B) = op(A)^T dC (K x N); stored transposed when tB.
      calls.push(m.tB ? [1, +m.tA, N, Kd, M, 1, ci, N, ai, lda, 0, dbi, Kd, 0, 0, 0, scratch]
        : [m.tA ? 0 : 1, 0, Kd, N, M, 1, ai, lda, ci, N, 0, dbi, N, 0, 0, 0, scratch]);
    }
  }
  return run(gemm, calls);
}

/** GEMM `act` codes of the activations a fusion pass may put in the hidden `__act__` attr (f32_act type + 1). */
export const FUSED_ACT: Readonly<Record<string, number>> = { relu: 1, sigmoid: 2, tanh: 3 };

/**
 * The GEMM act code of the hidden `__act__` attr: 0 none, 1 relu, 2 sigmoid, 3 tanh; codes above `max` (an op
 * that fuses only relu) and other names throw.
 * @example fusedActCode('fc1', 'FullyConnected', { __act__: 'tanh' }) === 3
 */
export function fusedActCode(node: string, op: string, a: Attrs, max = 3): number {
  const act = a.__act__;
  if (act === undefined || act === null || act === '' || act === 'None') return 0;
  const c = FUSED_ACT[act];
  if (c && c <= max) return c;
  const ok = Object.keys(FUSED_ACT).filter((k) => FUSED_ACT[k] <= max).join(', ');
  throw new MxError('unsupported', opMessage(node, op, `fused activation '${act}' is not supported (${ok})`), { op, attr: '__act__' });
}

/**
 * The backward of a fused activation from its output y: the pre-activation gradient dx = dy * act'(y)
 * (relu: y > 0; sigmoid: y (1 - y); tanh: 1 - y^2), written to `dx`.
 * @example steps.push(fusedActBackward(ctx.K, 3, y.off, dy, ws, n))
 */
export function fusedActBackward(K: KernelTable, code: number, y: number, dy: number, dx: number, n: number): Step {
  if (code === 1) return () => { K.f32_relu_mask__simd128(y, dy, dx, n); };
  const t = code - 1;
  return () => { K.f32_act_bwd__simd128(0, y, dy, dx, n, t, 0); };
}
