// GEMM path for few rows of C (2 <= M <= SMALL_M, e.g. FullyConnected at small batch): no packing.
// Imported by f32-gemm.ts; nothing here is exported from the module.
//   smallDot  (A rows and B rows contiguous in k: transA = 0, transB = 1): 2x4 dot products.
//   smallAxpy (B rows contiguous in n: transB = 0; any A strides): 2 rows x 16 columns of C.
// Each is instantiated twice: <f32> with mul + add, <f64> with relaxed_madd (f32_gemm__relaxedsimd).

import { hsum, madd } from './f32-math'; // madd<f64>: relaxed_madd in the relaxed build, mul + add otherwise

/** C[m, n] = act(alpha*v + beta*C + bias), scalar. */
@inline function put(C: usize, ldc: i32, m: i32, n: i32, v: f32, alpha: f32, beta: f32, bias: usize, bmode: i32, relu: bool): void {
  const p = C + ((<usize>m * ldc + n) << 2);
  v *= alpha;
  if (beta != 0) v += beta * load<f32>(p);
  if (bmode == 1) v += load<f32>(bias + (<usize>n << 2));
  else if (bmode == 2) v += load<f32>(bias + (<usize>m << 2));
  store<f32>(p, relu ? max<f32>(v, 0) : v);
}

/** C = op(A) B^T with A (M x K) and B (N x K) both row-major: tiles of 2 rows x 4 columns, 8 accumulators over k. */
export function smallDot<T>(M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32, B: usize, ldb: i32, beta: f32,
  C: usize, ldc: i32, bias: usize, bmode: i32, relu: bool): void {
  const ra = <usize>lda << 2, rb = <usize>ldb << 2, K4 = K & ~3;
  for (let n0 = 0; n0 < N; n0 += 4) {
    const nb = min(4, N - n0);
    // Missing B rows (N % 4) alias row n0: computed, never stored.
    const b0 = B + <usize>n0 * rb, b1 = nb > 1 ? b0 + rb : b0, b2 = nb > 2 ? b0 + 2 * rb : b0, b3 = nb > 3 ? b0 + 3 * rb : b0;
    for (let m0 = 0; m0 < M; m0 += 2) {
      const two = m0 + 1 < M;
      const a0 = A + <usize>m0 * ra, a1 = two ? a0 + ra : a0;
      let s00 = f32x4.splat(0), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
      let k = 0;
      for (; k < K4; k += 4) {
        const o = <usize>k << 2;
        const x = v128.load(a0 + o), y = v128.load(a1 + o);
        const u0 = v128.load(b0 + o), u1 = v128.load(b1 + o), u2 = v128.load(b2 + o), u3 = v128.load(b3 + o);
        s00 = madd<T>(x, u0, s00); s01 = madd<T>(x, u1, s01);
        s02 = madd<T>(x, u2, s02); s03 = madd<T>(x, u3, s03);
        s10 = madd<T>(y, u0, s10); s11 = madd<T>(y, u1, s11);
        s12 = madd<T>(y, u2, s12); s13 = madd<T>(y, u3, s13);
      }
      let t00 = hsum(s00), t01 = hsum(s01), t02 = hsum(s02), t03 = hsum(s03);
      let t10 = hsum(s10), t11 = hsum(s11), t12 = hsum(s12), t13 = hsum(s13);
      for (; k < K; k++) {
        const o = <usize>k << 2, x = load<f32>(a0 + o), y = load<f32>(a1 + o);
        const u0 = load<f32>(b0 + o), u1 = load<f32>(b1 + o), u2 = load<f32>(b2 + o), u3 = load<f32>(b3 + o);
        t00 += x * u0; t01 += x * u1; t02 += x * u2; t03 += x * u3;
        t10 += y * u0; t11 += y * u1; t12 += y * u2; t13 += y * u3;
      }
      put(C, ldc, m0, n0, t00, alpha, beta, bias, bmode, relu);
      if (nb > 1) put(C, ldc, m0, n0 + 1, t01, alpha, beta, bias, bmode, relu);
      if (nb > 2) put(C, ldc, m0, n0 + 2, t02, alpha, beta, bias, bmode, relu);
      if (nb > 3) put(C, ldc, m0, n0 + 3, t03, alpha, beta, bias, bmode, relu);
      if (two) {
        put(C, ldc, m0 + 1, n0, t10, alpha, beta, bias, bmode, relu);
        if (nb > 1) put(C, ldc, m0 + 1, n0 + 1, t11, alpha, beta, bias, bmode, relu);
        if (nb > 2) put(C, ldc, m0 + 1, n0 + 2, t12, alpha, beta, bias, bmode, relu);
        if (nb > 3) put(C, ldc, m0 + 1, n0 + 3, t13, alpha, beta, bias, bmode, relu);
      }
    }
  }
}

/** Stores 4 columns of row m from v (vector epilogue), or `nb` < 4 of them one by one. */
@inline function put4(C: usize, ldc: i32, m: i32, n: i32, nb: i32, v: v128, alpha: f32, beta: f32, bias: usize, bmode: i32, relu: bool): void {
  const p = C + ((<usize>m * ldc + n) << 2);
  if (nb == 4) {
    v = f32x4.mul(v, f32x4.splat(alpha));
    if (beta != 0) v = f32x4.add(v, f32x4.mul(v128.load(p), f32x4.splat(beta)));
    if (bmode == 1) v = f32x4.add(v, v128.load(bias + (<usize>n << 2)));
    else if (bmode == 2) v = f32x4.add(v, v128.load32_splat(bias + (<usize>m << 2)));
    if (relu) v = f32x4.max(v, f32x4.splat(0));
    v128.store(p, v);
  } else {
    put(C, ldc, m, n, f32x4.extract_lane(v, 0), alpha, beta, bias, bmode, relu);
    if (nb > 1) put(C, ldc, m, n + 1, f32x4.extract_lane(v, 1), alpha, beta, bias, bmode, relu);
    if (nb > 2) put(C, ldc, m, n + 2, f32x4.extract_lane(v, 2), alpha, beta, bias, bmode, relu);
  }
}

/**
 * C = op(A) B with B (K x N) row-major; A(m, k) at A + 4*(m*sm + k*sk). Tiles of 2 rows x 16
 * columns (8 accumulators), then 2 x 4, then a last partial group of columns through a zeroed copy.
 */
export function smallAxpy<T>(M: i32, N: i32, K: i32, alpha: f32, A: usize, sm: i32, sk: i32, B: usize, ldb: i32, beta: f32,
  C: usize, ldc: i32, bias: usize, bmode: i32, relu: bool, scratch: usize): void {
  const rb = <usize>ldb << 2, am = <usize>sm << 2, ak = <usize>sk << 2;
  let n0 = 0;
  for (; n0 + 16 <= N; n0 += 16) {
    for (let m0 = 0; m0 < M; m0 += 2) {
      const two = m0 + 1 < M;
      let pa = A + <usize>m0 * am, pa1 = two ? pa + am : pa, pb = B + (<usize>n0 << 2);
      let c00 = f32x4.splat(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
      for (let k = 0; k < K; k++, pa += ak, pa1 += ak, pb += rb) {
        const b0 = v128.load(pb), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32), b3 = v128.load(pb, 48);
        const x = v128.load32_splat(pa), y = v128.load32_splat(pa1);
        c00 = madd<T>(x, b0, c00); c01 = madd<T>(x, b1, c01);
        c02 = madd<T>(x, b2, c02); c03 = madd<T>(x, b3, c03);
        c10 = madd<T>(y, b0, c10); c11 = madd<T>(y, b1, c11);
        c12 = madd<T>(y, b2, c12); c13 = madd<T>(y, b3, c13);
      }
      put4(C, ldc, m0, n0, 4, c00, alpha, beta, bias, bmode, relu); put4(C, ldc, m0, n0 + 4, 4, c01, alpha, beta, bias, bmode, relu);
      put4(C, ldc, m0, n0 + 8, 4, c02, alpha, beta, bias, bmode, relu); put4(C, ldc, m0, n0 + 12, 4, c03, alpha, beta, bias, bmode, relu);
      if (two) {
        put4(C, ldc, m0 + 1, n0, 4, c10, alpha, beta, bias, bmode, relu); put4(C, ldc, m0 + 1, n0 + 4, 4, c11, alpha, beta, bias, bmode, relu);
        put4(C, ldc, m0 + 1, n0 + 8, 4, c12, alpha, beta, bias, bmode, relu); put4(C, ldc, m0 + 1, n0 + 12, 4, c13, alpha, beta, bias, bmode, relu);
      }
    }
  }
  for (; n0 < N; n0 += 4) {
    const nb = min(4, N - n0);
    // A partial group of columns is copied (zero-padded to 4) into scratch, so loads stay in bounds.
    let src = B + (<usize>n0 << 2), rstride = rb;
    if (nb < 4) {
      for (let k = 0; k < K; k++) {
        const d = scratch + (<usize>k << 4), s = B + <usize>k * rb + (<usize>n0 << 2);
        v128.store(d, f32x4.splat(0));
        for (let j = 0; j < nb; j++) store<f32>(d + (<usize>j << 2), load<f32>(s + (<usize>j << 2)));
      }
      src = scratch; rstride = 16;
    }
    for (let m0 = 0; m0 < M; m0 += 2) {
      const two = m0 + 1 < M;
      let pa = A + <usize>m0 * am, pa1 = two ? pa + am : pa, pb = src;
      let c0 = f32x4.splat(0), c1 = c0;
      for (let k = 0; k < K; k++, pa += ak, pa1 += ak, pb += rstride) {
        const b0 = v128.load(pb);
        c0 = madd<T>(v128.load32_splat(pa), b0, c0); c1 = madd<T>(v128.load32_splat(pa1), b0, c1);
      }
      put4(C, ldc, m0, n0, nb, c0, alpha, beta, bias, bmode, relu);
      if (two) put4(C, ldc, m0 + 1, n0, nb, c1, alpha, beta, bias, bmode, relu);
    }
  }
}
