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

/**
 * 6-d strided copy of bytes (uint8 / int8 layouts): y[i . sy] = x[i . sx], desc as x32_copynd's (int32 x 18: n[6],
 * sx[6], sy[6], strides in bytes, may be 0 or negative); rows along the last dim, contiguous ones one memory.copy.
 */
export function x8_copynd__scalar(x: usize, y: usize, d: usize): void {
  const n5 = load<i32>(d, 20), a5 = load<i32>(d, 44), b5 = load<i32>(d, 68);
  let rows = 1;
  for (let j: usize = 0; j < 5; j++) rows *= load<i32>(d + (j << 2));
  for (let k = 0; k < rows; k++) {
    let r = k, xo = 0, yo = 0; // row k's offsets: its index digits along dims 4..0
    for (let j = 4; j >= 0; j--) {
      const q = d + (<usize>j << 2), nj = load<i32>(q), c = r % nj;
      r /= nj; xo += c * load<i32>(q, 24); yo += c * load<i32>(q, 48);
    }
    const xp = x + <usize>xo, yp = y + <usize>yo;
    if (a5 == 1 && b5 == 1) memory.copy(yp, xp, <usize>n5);
    else for (let i5 = 0; i5 < n5; i5++) store<u8>(yp + <usize>(i5 * b5), load<u8>(xp + <usize>(i5 * a5)));
  }
}
