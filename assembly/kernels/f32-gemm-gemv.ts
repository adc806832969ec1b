// GEMM small-matrix path (imported by f32-gemm.ts): M == 1 or N == 1 run as matrix-vector products
// straight from the operands, without packing (FullyConnected at batch 1 is the common case).

import { hsum } from './f32-math';

/** y[i] = sum_k X[i*ld + k] * x[k] for i < n (rows of X contiguous in k). */
export function dotRows(X: usize, ld: i32, n: i32, K: i32, x: usize, y: usize): void {
  const row = <usize>ld << 2, K4 = K & ~3;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = X + <usize>i * row, r1 = r0 + row, r2 = r1 + row, r3 = r2 + row;
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let k = 0;
    for (; k < K4; k += 4) {
      const o = <usize>k << 2, xv = v128.load(x + o);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(r0 + o), xv)); s1 = f32x4.add(s1, f32x4.mul(v128.load(r1 + o), xv));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(r2 + o), xv)); s3 = f32x4.add(s3, f32x4.mul(v128.load(r3 + o), xv));
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
    for (; k < K; k++) {
      const o = <usize>k << 2, xs = load<f32>(x + o);
      t0 += load<f32>(r0 + o) * xs; t1 += load<f32>(r1 + o) * xs; t2 += load<f32>(r2 + o) * xs; t3 += load<f32>(r3 + o) * xs;
    }
    const q = y + (<usize>i << 2);
    store<f32>(q, t0); store<f32>(q, t1, 4); store<f32>(q, t2, 8); store<f32>(q, t3, 12);
  }
  for (; i < n; i++) {
    const r0 = X + <usize>i * row;
    let s0 = f32x4.splat(0), k = 0;
    for (; k < K4; k += 4) s0 = f32x4.add(s0, f32x4.mul(v128.load(r0 + (<usize>k << 2)), v128.load(x + (<usize>k << 2))));
    let t0 = hsum(s0);
    for (; k < K; k++) t0 += load<f32>(r0 + (<usize>k << 2)) * load<f32>(x + (<usize>k << 2));
    store<f32>(y + (<usize>i << 2), t0);
  }
}

/** y[j] = sum_k x[k] * X[k*ld + j] for j < n (rows of X contiguous in j). */
export function axpyRows(X: usize, ld: i32, n: i32, K: i32, x: usize, y: usize): void {
  const row = <usize>ld << 2;
  let j = 0;
  for (; j + 32 <= n; j += 32) {
    let p = X + (<usize>j << 2), q = x;
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (let k = 0; k < K; k++, p += row, q += 4) {
      const a = v128.load32_splat(q);
      s0 = f32x4.add(s0, f32x4.mul(a, v128.load(p))); s1 = f32x4.add(s1, f32x4.mul(a, v128.load(p, 16)));
      s2 = f32x4.add(s2, f32x4.mul(a, v128.load(p, 32))); s3 = f32x4.add(s3, f32x4.mul(a, v128.load(p, 48)));
      s4 = f32x4.add(s4, f32x4.mul(a, v128.load(p, 64))); s5 = f32x4.add(s5, f32x4.mul(a, v128.load(p, 80)));
      s6 = f32x4.add(s6, f32x4.mul(a, v128.load(p, 96))); s7 = f32x4.add(s7, f32x4.mul(a, v128.load(p, 112)));
    }
    const o = y + (<usize>j << 2);
    v128.store(o, s0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
    v128.store(o, s4, 64); v128.store(o, s5, 80); v128.store(o, s6, 96); v128.store(o, s7, 112);
  }
  for (; j + 4 <= n; j += 4) {
    let p = X + (<usize>j << 2), q = x, s = f32x4.splat(0);
    for (let k = 0; k < K; k++, p += row, q += 4) s = f32x4.add(s, f32x4.mul(v128.load32_splat(q), v128.load(p)));
    v128.store(y + (<usize>j << 2), s);
  }
  for (; j < n; j++) {
    let p = X + (<usize>j << 2), q = x, s: f32 = 0;
    for (let k = 0; k < K; k++, p += row, q += 4) s += load<f32>(q) * load<f32>(p);
    store<f32>(y + (<usize>j << 2), s);
  }
}

/** Gathers x[k] = src[k*stride] (a strided row/column of an operand) into a contiguous buffer. */
export function gather(src: usize, stride: i32, K: i32, x: usize): void {
  const st = <usize>stride << 2;
  for (let k = 0; k < K; k++, src += st) store<f32>(x + (<usize>k << 2), load<f32>(src));
}

/**
 * C[i*cs] = act(alpha*y[i] + beta*C[i*cs] + bias) for i < L; bias is bias[i] when `perElem`, else
 * bias[0] (bmode 0: none). beta == 0 never reads C.
 */
export function finVec(y: usize, L: i32, C: usize, cs: i32, alpha: f32, beta: f32, bias: usize, bmode: i32, perElem: bool, relu: bool): void {
  const st = <usize>cs << 2;
  const b0: f32 = bmode != 0 && !perElem ? load<f32>(bias) : 0;
  for (let i = 0; i < L; i++, C += st) {
    let v = alpha * load<f32>(y + (<usize>i << 2));
    if (beta != 0) v += beta * load<f32>(C);
    v += bmode != 0 && perElem ? load<f32>(bias + (<usize>i << 2)) : b0;
    if (relu) v = max<f32>(v, 0);
    store<f32>(C, v);
  }
}
