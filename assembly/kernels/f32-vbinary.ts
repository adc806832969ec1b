// Elementwise binary kernels over contiguous f32 buffers.
// Grammar: f32_v<op>__simd128_u<unroll> (vector-vector), f32_v<op>c__... (vector-scalar).
// Contract: x, y, z are byte offsets of n f32 values; z may alias x or y (in place).

@inline function tail(n: usize): usize { return n & ~(<usize>3); }

export function f32_vadd__simd128_u8(x: usize, y: usize, z: usize, n: usize): void {
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    const o = i << 2;
    v128.store(z + o, f32x4.add(v128.load(x + o), v128.load(y + o)));
    v128.store(z + o + 16, f32x4.add(v128.load(x + o + 16), v128.load(y + o + 16)));
  }
  for (; i < tail(n); i += 4) { const o = i << 2; v128.store(z + o, f32x4.add(v128.load(x + o), v128.load(y + o))); }
  for (; i < n; i++) { const o = i << 2; store<f32>(z + o, load<f32>(x + o) + load<f32>(y + o)); }
}
