// Kernel family file (see assembly/index.ts).
// GEMM, row-major: C = act(alpha*op(A)*op(B) + beta*C + bias). Provisional simple version (ABI-exact).
// beta == 0 never reads C. biasMode 0 none, 1 bias[n], 2 bias[m]; act 0 none, 1 relu.

@inline function epi(c: f32, b: f32, act: i32): f32 { c += b; return act == 1 ? max<f32>(c, 0) : c; }

function gemmRef(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32,
  B: usize, ldb: i32, beta: f32, C: usize, ldc: i32, bias: usize, biasMode: i32, act: i32): void {
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) {
        const a = load<f32>(A + ((transA ? <usize>k * lda + m : <usize>m * lda + k) << 2));
        const b = load<f32>(B + ((transB ? <usize>n * ldb + k : <usize>k * ldb + n) << 2));
        s += a * b;
      }
      const cp = C + ((<usize>m * ldc + n) << 2);
      let c = alpha * s;
      if (beta != 0) c += beta * load<f32>(cp);
      const bv: f32 = biasMode == 1 ? load<f32>(bias + (<usize>n << 2)) : biasMode == 2 ? load<f32>(bias + (<usize>m << 2)) : 0;
      store<f32>(cp, epi(c, bv, act));
    }
  }
}

export function f32_gemm__simd128(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32,
  B: usize, ldb: i32, beta: f32, C: usize, ldc: i32, bias: usize, biasMode: i32, act: i32, scratch: usize): void {
  gemmRef(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, biasMode, act);
}

export function f32_gemm__relaxedsimd(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32,
  B: usize, ldb: i32, beta: f32, C: usize, ldc: i32, bias: usize, biasMode: i32, act: i32, scratch: usize): void {
  gemmRef(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, biasMode, act);
}

/** y[n] = sum_m X[m*ldx + n] for an (M, N) row-major matrix (FullyConnected's bias gradient). */
export function f32_colsum__simd128(X: usize, M: i32, N: i32, ldx: i32, y: usize): void {
  const row = <usize>ldx << 2;
  let n = 0;
  for (; n + 16 <= N; n += 16) {
    let p = X + (<usize>n << 2);
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let m = 0; m < M; m++, p += row) {
      s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32)); s3 = f32x4.add(s3, v128.load(p, 48));
    }
    const q = y + (<usize>n << 2);
    v128.store(q, s0); v128.store(q, s1, 16); v128.store(q, s2, 32); v128.store(q, s3, 48);
  }
  for (; n + 4 <= N; n += 4) {
    let p = X + (<usize>n << 2), s = f32x4.splat(0);
    for (let m = 0; m < M; m++, p += row) s = f32x4.add(s, v128.load(p));
    v128.store(y + (<usize>n << 2), s);
  }
  for (; n < N; n++) {
    let p = X + (<usize>n << 2), s: f32 = 0;
    for (let m = 0; m < M; m++, p += row) s += load<f32>(p);
    store<f32>(y + (<usize>n << 2), s);
  }
}
