// Byte copies and fills (bulk memory). Grammar: x8_<op>: any dtype, counted in bytes.

/** Copies n bytes from src to dst (regions may overlap). */
export function x8_copy(src: usize, dst: usize, n: usize): void {
  memory.copy(dst, src, n);
}

/** Fills n bytes at dst with zero. */
export function x8_zero(dst: usize, n: usize): void {
  memory.fill(dst, 0, n);
}

/** Fills n f32 values at dst with v. */
export function x32_fill(dst: usize, v: f32, n: usize): void {
  const vv = f32x4.splat(v);
  const n4 = n & ~(<usize>3);
  let i: usize = 0;
  for (; i < n4; i += 4) v128.store(dst + (i << 2), vv);
  for (; i < n; i++) store<f32>(dst + (i << 2), v);
}

// @ts-ignore: decorator
@inline function dn(d: usize, k: usize): i32 { return load<i32>(d + (k << 2)); }

/**
 * 6-d strided copy of bytes (uint8 / int8 layouts): y[i . sy] = x[i . sx], desc as x32_copynd's (int32 x 18: n[6],
 * sx[6], sy[6], strides in bytes, may be 0 or negative); contiguous inner rows are one memory.copy.
 */
export function x8_copynd__scalar(x: usize, y: usize, d: usize): void {
  const n0 = dn(d, 0), n1 = dn(d, 1), n2 = dn(d, 2), n3 = dn(d, 3), n4 = dn(d, 4), n5 = dn(d, 5);
  const a0 = dn(d, 6), a1 = dn(d, 7), a2 = dn(d, 8), a3 = dn(d, 9), a4 = dn(d, 10), a5 = dn(d, 11);
  const b0 = dn(d, 12), b1 = dn(d, 13), b2 = dn(d, 14), b3 = dn(d, 15), b4 = dn(d, 16), b5 = dn(d, 17);
  for (let i0 = 0; i0 < n0; i0++) for (let i1 = 0; i1 < n1; i1++) for (let i2 = 0; i2 < n2; i2++) for (let i3 = 0; i3 < n3; i3++) for (let i4 = 0; i4 < n4; i4++) {
    const xp = x + <usize>(i0 * a0 + i1 * a1 + i2 * a2 + i3 * a3 + i4 * a4), yp = y + <usize>(i0 * b0 + i1 * b1 + i2 * b2 + i3 * b3 + i4 * b4);
    if (a5 == 1 && b5 == 1) memory.copy(yp, xp, <usize>n5);
    else for (let i5 = 0; i5 < n5; i5++) store<u8>(yp + <usize>(i5 * b5), load<u8>(xp + <usize>(i5 * a5)));
  }
}
