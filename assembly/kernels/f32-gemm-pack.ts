// GEMM packing helpers (imported by f32-gemm.ts; nothing here is exported from the module).
// A panel of width R holds `kc` rows of R floats (k-major): dst[k*R + r] = src(i0 + r, k), zero-padded
// past `w` valid lanes. Two source layouts:
//   packT: src(i, k) = src[i*ld + k] (contiguous in k: A untransposed, B transposed) -> 4x4 transposes
//   packN: src(i, k) = src[k*ld + i] (contiguous in i: A transposed, B untransposed) -> plain copies

/** Scalar panel (edges): w < R valid lanes, the rest zero. */
function packEdge(src: usize, ld: i32, contiguousK: bool, kc: i32, w: i32, R: i32, dst: usize): void {
  for (let k = 0; k < kc; k++) {
    const d = dst + (<usize>(k * R) << 2);
    for (let r = 0; r < R; r++) {
      let v: f32 = 0;
      if (r < w) v = load<f32>(src + ((contiguousK ? <usize>r * ld + k : <usize>k * ld + r) << 2));
      store<f32>(d + (<usize>r << 2), v);
    }
  }
}

/** Panels of width R (2, 4, 8 or 16) from a k-contiguous source (i rows of stride ld), `w` rows in all. */
export function packT(src: usize, ld: i32, kc: i32, w: i32, R: i32, dst: usize): void {
  const row = <usize>ld << 2;
  const kc4 = kc & ~3;
  for (let i0 = 0; i0 < w; i0 += R) {
    const s = src + <usize>i0 * row;
    if (w - i0 < R) { packEdge(s, ld, true, kc, w - i0, R, dst); dst += <usize>(kc * R) << 2; continue; }
    if (R == 2) {
      let k = 0;
      for (; k < kc4; k += 4) {
        const r0 = v128.load(s + (<usize>k << 2)), r1 = v128.load(s + row + (<usize>k << 2));
        const d = dst + (<usize>(k * 2) << 2);
        v128.store(d, v128.shuffle<f32>(r0, r1, 0, 4, 1, 5));
        v128.store(d, v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), 16);
      }
      for (; k < kc; k++) {
        const d = dst + (<usize>(k * 2) << 2);
        store<f32>(d, load<f32>(s + (<usize>k << 2)));
        store<f32>(d, load<f32>(s + row + (<usize>k << 2)), 4);
      }
    } else {
      for (let g = 0; g < R; g += 4) {
        const s0 = s + <usize>g * row, s1 = s0 + row, s2 = s1 + row, s3 = s2 + row;
        let k = 0;
        for (; k < kc4; k += 4) {
          const o = <usize>k << 2;
          const r0 = v128.load(s0 + o), r1 = v128.load(s1 + o), r2 = v128.load(s2 + o), r3 = v128.load(s3 + o);
          const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
          const d = dst + (<usize>(k * R + g) << 2), st = <usize>R << 2;
          v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(d + st, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
          v128.store(d + 2 * st, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
          v128.store(d + 3 * st, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        }
        for (; k < kc; k++) {
          const o = <usize>k << 2;
          const d = dst + (<usize>(k * R + g) << 2);
          store<f32>(d, load<f32>(s0 + o)); store<f32>(d, load<f32>(s1 + o), 4);
          store<f32>(d, load<f32>(s2 + o), 8); store<f32>(d, load<f32>(s3 + o), 12);
        }
      }
    }
    dst += <usize>(kc * R) << 2;
  }
}

/** Panels of width R (2, 4, 8 or 16) from an i-contiguous source (k rows of stride ld), `w` columns in all. */
export function packN(src: usize, ld: i32, kc: i32, w: i32, R: i32, dst: usize): void {
  const row = <usize>ld << 2;
  for (let i0 = 0; i0 < w; i0 += R) {
    const s = src + (<usize>i0 << 2);
    if (w - i0 < R) { packEdge(s, ld, false, kc, w - i0, R, dst); dst += <usize>(kc * R) << 2; continue; }
    let p = s, d = dst;
    if (R == 2) {
      for (let k = 0; k < kc; k++, p += row, d += 8) store<u64>(d, load<u64>(p));
    } else if (R == 4) {
      for (let k = 0; k < kc; k++, p += row, d += 16) v128.store(d, v128.load(p));
    } else if (R == 8) {
      for (let k = 0; k < kc; k++, p += row, d += 32) { v128.store(d, v128.load(p)); v128.store(d, v128.load(p, 16), 16); }
    } else {
      for (let k = 0; k < kc; k++, p += row, d += 64) {
        v128.store(d, v128.load(p)); v128.store(d, v128.load(p, 16), 16);
        v128.store(d, v128.load(p, 32), 32); v128.store(d, v128.load(p, 48), 48);
      }
    }
    dst += <usize>(kc * R) << 2;
  }
}
