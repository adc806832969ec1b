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
