// GEMM micro-kernels (imported by f32-gemm.ts; not exported from the module).
// A tile is MR x NR of C: `a` is an MR-wide packed A panel, `b` an NR-wide packed B panel (k-major).
// Epilogue, fused into the store: v = alpha*acc; if cMul != 0: v += cMul*C (cMul = beta on the first
// K block, 1 after; C is not read when 0); on the last K block: v += bias (bmode 1: bias[n] from
// `bias` = &bias[n0]; bmode 2: bias[m] from `bias` = &bias[m0]), then relu. Partial tiles (mr < MR or
// nr < NR) go through `tile` (MR*NR floats of the thread's scratch) and a scalar merge.

@inline function fin(p: usize, v: v128, cMul: f32, last: bool, bv: v128, relu: bool): void {
  if (cMul != 0) v = f32x4.add(v, f32x4.mul(v128.load(p), f32x4.splat(cMul)));
  if (last) {
    v = f32x4.add(v, bv);
    if (relu) v = f32x4.max(v, f32x4.splat(0));
  }
  v128.store(p, v);
}

/** Row bias vector: column bias `bc` (bmode 1), row r's bias splat (bmode 2), else zero. */
@inline function rowBias(bmode: i32, bias: usize, r: i32, bc: v128): v128 {
  return bmode == 2 ? v128.load32_splat(bias + (<usize>r << 2)) : bc;
}

/** Scalar merge of a partial tile (row stride R floats in `tile`) into C. */
export function mergeTile(tile: usize, R: i32, c: usize, ldc: i32, mr: i32, nr: i32, cMul: f32, last: bool,
  bmode: i32, bias: usize, relu: bool): void {
  for (let r = 0; r < mr; r++) {
    const cr = c + (<usize>r * ldc << 2), tr = tile + (<usize>(r * R) << 2);
    for (let n = 0; n < nr; n++) {
      const p = cr + (<usize>n << 2);
      let v = load<f32>(tr + (<usize>n << 2));
      if (cMul != 0) v += cMul * load<f32>(p);
      if (last) {
        if (bmode == 1) v += load<f32>(bias + (<usize>n << 2));
        else if (bmode == 2) v += load<f32>(bias + (<usize>r << 2));
        if (relu) v = max<f32>(v, 0);
      }
      store<f32>(p, v);
    }
  }
}

/** f32_gemm_4x8__simd128: 4 rows x 2 vectors = 8 accumulators, mul + add. */
export function ukr4x8(kc: i32, a: usize, b: usize, c: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, cMul: f32,
  last: bool, bmode: i32, bias: usize, relu: bool, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(x, b0)); c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0)); c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0)); c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0)); c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a += 16; b += 32;
  }
  const al = f32x4.splat(alpha);
  c00 = f32x4.mul(c00, al); c01 = f32x4.mul(c01, al); c10 = f32x4.mul(c10, al); c11 = f32x4.mul(c11, al);
  c20 = f32x4.mul(c20, al); c21 = f32x4.mul(c21, al); c30 = f32x4.mul(c30, al); c31 = f32x4.mul(c31, al);
  if (mr == 4 && nr == 8) {
    let bc0 = f32x4.splat(0), bc1 = bc0;
    if (last && bmode == 1) { bc0 = v128.load(bias); bc1 = v128.load(bias, 16); }
    const ld = <usize>ldc << 2;
    let p = c;
    fin(p, c00, cMul, last, rowBias(bmode, bias, 0, bc0), relu); fin(p + 16, c01, cMul, last, rowBias(bmode, bias, 0, bc1), relu); p += ld;
    fin(p, c10, cMul, last, rowBias(bmode, bias, 1, bc0), relu); fin(p + 16, c11, cMul, last, rowBias(bmode, bias, 1, bc1), relu); p += ld;
    fin(p, c20, cMul, last, rowBias(bmode, bias, 2, bc0), relu); fin(p + 16, c21, cMul, last, rowBias(bmode, bias, 2, bc1), relu); p += ld;
    fin(p, c30, cMul, last, rowBias(bmode, bias, 3, bc0), relu); fin(p + 16, c31, cMul, last, rowBias(bmode, bias, 3, bc1), relu);
  } else {
    v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
    v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
    mergeTile(tile, 8, c, ldc, mr, nr, cMul, last, bmode, bias, relu);
  }
}

/** f32_gemm_2x16__relaxedsimd: 2 rows x 4 vectors = 8 accumulators, f32x4.relaxed_madd (relaxed build only). */
export function ukr2x16(kc: i32, a: usize, b: usize, c: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, cMul: f32,
  last: bool, bmode: i32, bias: usize, relu: bool, tile: usize): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let c00 = f32x4.splat(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    for (let k = 0; k < kc; k++) {
      const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
      const x = v128.load32_splat(a), y = v128.load32_splat(a, 4);
      c00 = f32x4.relaxed_madd(x, b0, c00); c01 = f32x4.relaxed_madd(x, b1, c01);
      c02 = f32x4.relaxed_madd(x, b2, c02); c03 = f32x4.relaxed_madd(x, b3, c03);
      c10 = f32x4.relaxed_madd(y, b0, c10); c11 = f32x4.relaxed_madd(y, b1, c11);
      c12 = f32x4.relaxed_madd(y, b2, c12); c13 = f32x4.relaxed_madd(y, b3, c13);
      a += 8; b += 64;
    }
    const al = f32x4.splat(alpha);
    c00 = f32x4.mul(c00, al); c01 = f32x4.mul(c01, al); c02 = f32x4.mul(c02, al); c03 = f32x4.mul(c03, al);
    c10 = f32x4.mul(c10, al); c11 = f32x4.mul(c11, al); c12 = f32x4.mul(c12, al); c13 = f32x4.mul(c13, al);
    if (mr == 2 && nr == 16) {
      let b0 = f32x4.splat(0), b1 = b0, b2 = b0, b3 = b0;
      if (last && bmode == 1) { b0 = v128.load(bias); b1 = v128.load(bias, 16); b2 = v128.load(bias, 32); b3 = v128.load(bias, 48); }
      let p = c;
      fin(p, c00, cMul, last, rowBias(bmode, bias, 0, b0), relu); fin(p + 16, c01, cMul, last, rowBias(bmode, bias, 0, b1), relu);
      fin(p + 32, c02, cMul, last, rowBias(bmode, bias, 0, b2), relu); fin(p + 48, c03, cMul, last, rowBias(bmode, bias, 0, b3), relu);
      p += <usize>ldc << 2;
      fin(p, c10, cMul, last, rowBias(bmode, bias, 1, b0), relu); fin(p + 16, c11, cMul, last, rowBias(bmode, bias, 1, b1), relu);
      fin(p + 32, c12, cMul, last, rowBias(bmode, bias, 1, b2), relu); fin(p + 48, c13, cMul, last, rowBias(bmode, bias, 1, b3), relu);
    } else {
      v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c02, 32); v128.store(tile, c03, 48);
      v128.store(tile, c10, 64); v128.store(tile, c11, 80); v128.store(tile, c12, 96); v128.store(tile, c13, 112);
      mergeTile(tile, 16, c, ldc, mr, nr, cMul, last, bmode, bias, relu);
    }
  }
}

/** Accumulators of the 8x4 edge tile to C: whole (8 rows, 4 columns) through `fin`, else through `tile` (8x4). */
@inline function edgeStore(c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128, c7: v128, c: usize, ldc: i32,
  mr: i32, nr: i32, alpha: f32, cMul: f32, last: bool, bmode: i32, bias: usize, relu: bool, tile: usize): void {
  const al = f32x4.splat(alpha);
  c0 = f32x4.mul(c0, al); c1 = f32x4.mul(c1, al); c2 = f32x4.mul(c2, al); c3 = f32x4.mul(c3, al);
  c4 = f32x4.mul(c4, al); c5 = f32x4.mul(c5, al); c6 = f32x4.mul(c6, al); c7 = f32x4.mul(c7, al);
  if (mr == 8 && nr == 4) {
    const bc = last && bmode == 1 ? v128.load(bias) : f32x4.splat(0), ld = <usize>ldc << 2;
    let p = c;
    fin(p, c0, cMul, last, rowBias(bmode, bias, 0, bc), relu); p += ld; fin(p, c1, cMul, last, rowBias(bmode, bias, 1, bc), relu); p += ld;
    fin(p, c2, cMul, last, rowBias(bmode, bias, 2, bc), relu); p += ld; fin(p, c3, cMul, last, rowBias(bmode, bias, 3, bc), relu); p += ld;
    fin(p, c4, cMul, last, rowBias(bmode, bias, 4, bc), relu); p += ld; fin(p, c5, cMul, last, rowBias(bmode, bias, 5, bc), relu); p += ld;
    fin(p, c6, cMul, last, rowBias(bmode, bias, 6, bc), relu); p += ld; fin(p, c7, cMul, last, rowBias(bmode, bias, 7, bc), relu);
  } else {
    v128.store(tile, c0); v128.store(tile, c1, 16); v128.store(tile, c2, 32); v128.store(tile, c3, 48);
    v128.store(tile, c4, 64); v128.store(tile, c5, 80); v128.store(tile, c6, 96); v128.store(tile, c7, 112);
    mergeTile(tile, 4, c, ldc, mr, nr, cMul, last, bmode, bias, relu);
  }
}

/**
 * f32_gemm_8x4__simd128: the narrow last column panel (nr <= 4 of B's NR lanes, `b` advancing `bstride` bytes a k)
 * for 8 rows of C taken from the 4-row A panels `a` (panel stride `ps` bytes; panels past `mr` rows re-read the first).
 * Each element is summed as ukr4x8 sums it (same bits): a 7x7 plane's 49 columns cost 52 columns' work, not 56.
 */
export function ukr8x4(kc: i32, a: usize, ps: usize, b: usize, bstride: usize, c: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, cMul: f32,
  last: bool, bmode: i32, bias: usize, relu: bool, tile: usize): void {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  let a1 = mr > 4 ? a + ps : a;
  for (let k = 0; k < kc; k++) {
    const bv = v128.load(b);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), bv)); c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a, 4), bv));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a, 8), bv)); c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a, 12), bv));
    c4 = f32x4.add(c4, f32x4.mul(v128.load32_splat(a1), bv)); c5 = f32x4.add(c5, f32x4.mul(v128.load32_splat(a1, 4), bv));
    c6 = f32x4.add(c6, f32x4.mul(v128.load32_splat(a1, 8), bv)); c7 = f32x4.add(c7, f32x4.mul(v128.load32_splat(a1, 12), bv));
    a += 16; a1 += 16; b += bstride;
  }
  edgeStore(c0, c1, c2, c3, c4, c5, c6, c7, c, ldc, mr, nr, alpha, cMul, last, bmode, bias, relu, tile);
}

/**
 * f32_gemm_8x4__relaxedsimd: ukr8x4 for the relaxed build's 2-row A panels (4 of them), relaxed_madd as ukr2x16
 * sums (same bits): a 7x7 plane's 49 columns cost 52 columns' work, not 64.
 */
export function ukr8x4r(kc: i32, a: usize, ps: usize, b: usize, bstride: usize, c: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, cMul: f32,
  last: bool, bmode: i32, bias: usize, relu: bool, tile: usize): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    let a1 = mr > 2 ? a + ps : a, a2 = mr > 4 ? a + 2 * ps : a, a3 = mr > 6 ? a + 3 * ps : a;
    for (let k = 0; k < kc; k++) {
      const bv = v128.load(b);
      c0 = f32x4.relaxed_madd(v128.load32_splat(a), bv, c0); c1 = f32x4.relaxed_madd(v128.load32_splat(a, 4), bv, c1);
      c2 = f32x4.relaxed_madd(v128.load32_splat(a1), bv, c2); c3 = f32x4.relaxed_madd(v128.load32_splat(a1, 4), bv, c3);
      c4 = f32x4.relaxed_madd(v128.load32_splat(a2), bv, c4); c5 = f32x4.relaxed_madd(v128.load32_splat(a2, 4), bv, c5);
      c6 = f32x4.relaxed_madd(v128.load32_splat(a3), bv, c6); c7 = f32x4.relaxed_madd(v128.load32_splat(a3, 4), bv, c7);
      a += 8; a1 += 8; a2 += 8; a3 += 8; b += bstride;
    }
    edgeStore(c0, c1, c2, c3, c4, c5, c6, c7, c, ldc, mr, nr, alpha, cMul, last, bmode, bias, relu, tile);
  }
}

/**
 * f32_gemm_16x1: a last column panel of one column (nr = 1: 7x7 planes' 49th), 16 rows in the lanes of 4 vectors
 * (A's 4-row panels loaded whole, 2-row panels in pairs), B's value splat: 16 results per k, where the 8x4 tile gives 8
 * of 32 lanes. Products and sums as the wide kernels (same bits); panels past `mr` rows re-read the first.
 */
export function ukr16x1(relaxed: bool, kc: i32, a: usize, ps: usize, b: usize, bstride: usize, c: usize, ldc: i32, mr: i32,
  alpha: f32, cMul: f32, last: bool, bmode: i32, bias: usize, relu: bool, tile: usize): void {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0;
  if (relaxed) {
    if (ASC_FEATURE_RELAXED_SIMD) {
      // 8 panels of 2 rows: p(j) = a + j * ps, or a past mr rows.
      const q1 = mr > 2 ? a + ps : a, q2 = mr > 4 ? a + 2 * ps : a, q3 = mr > 6 ? a + 3 * ps : a, q4 = mr > 8 ? a + 4 * ps : a;
      const q5 = mr > 10 ? a + 5 * ps : a, q6 = mr > 12 ? a + 6 * ps : a, q7 = mr > 14 ? a + 7 * ps : a;
      for (let k = 0, o: usize = 0; k < kc; k++, o += 8) {
        const bv = v128.load32_splat(b);
        c0 = f32x4.relaxed_madd(v128.load64_lane(q1 + o, v128.load64_zero(a + o), 1), bv, c0);
        c1 = f32x4.relaxed_madd(v128.load64_lane(q3 + o, v128.load64_zero(q2 + o), 1), bv, c1);
        c2 = f32x4.relaxed_madd(v128.load64_lane(q5 + o, v128.load64_zero(q4 + o), 1), bv, c2);
        c3 = f32x4.relaxed_madd(v128.load64_lane(q7 + o, v128.load64_zero(q6 + o), 1), bv, c3);
        b += bstride;
      }
    }
  } else {
    const q1 = mr > 4 ? a + ps : a, q2 = mr > 8 ? a + 2 * ps : a, q3 = mr > 12 ? a + 3 * ps : a;
    for (let k = 0, o: usize = 0; k < kc; k++, o += 16) {
      const bv = v128.load32_splat(b);
      c0 = f32x4.add(c0, f32x4.mul(v128.load(a + o), bv)); c1 = f32x4.add(c1, f32x4.mul(v128.load(q1 + o), bv));
      c2 = f32x4.add(c2, f32x4.mul(v128.load(q2 + o), bv)); c3 = f32x4.add(c3, f32x4.mul(v128.load(q3 + o), bv));
      b += bstride;
    }
  }
  const al = f32x4.splat(alpha);
  v128.store(tile, f32x4.mul(c0, al)); v128.store(tile, f32x4.mul(c1, al), 16);
  v128.store(tile, f32x4.mul(c2, al), 32); v128.store(tile, f32x4.mul(c3, al), 48);
  mergeTile(tile, 1, c, ldc, mr, 1, cMul, last, bmode, bias, relu);
}
