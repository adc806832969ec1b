// MXNet's 2-bit gradient compression (gradient_compression-inl.h), the distributed KVStore's hot
// path for compressed pushes. Grammar: f32_<op>_2bit__simd128. 16 values per 32-bit word, 4 per
// byte, value j of a byte in bits 7-6, 5-4, 3-2, 1-0: 11 = +t, 10 = -t, 00 = 0. One f32x4 vector
// is one byte; four vectors are one word. Scalar reference: src/reference/compress.ts.

/**
 * residual += grad, then per value: residual >= t gives code 11 and residual -= t, residual <= -t
 * gives 10 and residual += t, else 00. Writes ceil(n/16) words at out (unused bits zero).
 */
export function f32_quantize_2bit__simd128(grad: usize, residual: usize, out: usize, n: usize, threshold: f32): void {
  const t = f32x4.splat(threshold), nt = f32x4.splat(-threshold);
  const POS = i32x4(0xc0, 0x30, 0x0c, 0x03), NEG = i32x4(0x80, 0x20, 0x08, 0x02);
  const n16 = n & ~(<usize>15);
  let i: usize = 0;
  for (; i < n16; i += 16) {
    let word = i32x4.splat(0);
    for (let g = 0; g < 4; g++) {
      const o = (i + <usize>(g << 2)) << 2;
      const r = f32x4.add(v128.load(residual + o), v128.load(grad + o));
      const pos = f32x4.ge(r, t), neg = f32x4.le(r, nt);
      v128.store(residual + o, v128.bitselect(f32x4.sub(r, t), v128.bitselect(f32x4.add(r, t), r, neg), pos));
      const code = v128.or(v128.and(pos, POS), v128.and(neg, NEG));
      word = v128.or(word, i32x4.shl(code, g << 3));
    }
    // the four lanes hold disjoint bits: OR them into one word
    word = v128.or(word, v128.shuffle<i32>(word, word, 2, 3, 0, 1));
    word = v128.or(word, v128.shuffle<i32>(word, word, 1, 0, 3, 2));
    store<u32>(out + (i >> 2), i32x4.extract_lane(word, 0));
  }
  if (i < n) {
    store<u32>(out + (i >> 2), 0);
    for (; i < n; i++) {
      const o = i << 2;
      const r = load<f32>(residual + o) + load<f32>(grad + o);
      const sh: u32 = 6 - ((<u32>i & 3) << 1);
      let c: u32 = 0, v = r;
      if (r >= threshold) { c = 3; v = r - threshold; } else if (r <= -threshold) { c = 2; v = r + threshold; }
      store<f32>(residual + o, v);
      store<u8>(out + (i >> 2), load<u8>(out + (i >> 2)) | <u8>(c << sh));
    }
  }
}

/** Expands n values from the words at src: 11 -> +t, 10 -> -t, else 0; add != 0 adds them to dst instead of writing. */
export function f32_dequantize_2bit__simd128(src: usize, dst: usize, n: usize, threshold: f32, add: i32): void {
  const t = f32x4.splat(threshold), nt = f32x4.splat(-threshold);
  const POS = i32x4(0xc0, 0x30, 0x0c, 0x03), NEG = i32x4(0x80, 0x20, 0x08, 0x02);
  const n4 = n & ~(<usize>3);
  let i: usize = 0;
  for (; i < n4; i += 4) {
    const b = v128.and(i32x4.splat(<i32>load<u8>(src + (i >> 2))), POS);
    const v = v128.or(v128.and(i32x4.eq(b, POS), t), v128.and(i32x4.eq(b, NEG), nt));
    const o = dst + (i << 2);
    v128.store(o, add ? f32x4.add(v128.load(o), v) : v);
  }
  for (; i < n; i++) {
    const sh: u32 = 6 - ((<u32>i & 3) << 1);
    const c = (<u32>load<u8>(src + (i >> 2)) >> sh) & 3;
    const v: f32 = c == 3 ? threshold : c == 2 ? -threshold : 0;
    const o = dst + (i << 2);
    store<f32>(o, add ? load<f32>(o) + v : v);
  }
}
