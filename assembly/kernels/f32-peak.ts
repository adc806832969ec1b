// SIMD ceiling probes for the portable benchmark: register-only loops of 12 independent chains
// (enough to hide latency without spilling V8's 16 xmm registers). Each iteration does
// 12 x (mul + add) on 4 lanes = 96 flop; relaxed: 12 fused multiply-adds = 96 flop.
// Values converge to a/(1-m) = 2 (m = 0.5, a = 1), never to denormals.

/** Runs `iters` iterations of 12 mul+add chains; returns a value so the work is not dead. */
export function f32_peak__simd128(iters: i32, m: f32, a: f32): f32 {
  const vm = f32x4.splat(m), va = f32x4.splat(a);
  let c0 = va, c1 = va, c2 = va, c3 = va, c4 = va, c5 = va, c6 = va, c7 = va, c8 = va, c9 = va, c10 = va, c11 = va;
  for (let i = 0; i < iters; i++) {
    c0 = f32x4.add(f32x4.mul(c0, vm), va); c1 = f32x4.add(f32x4.mul(c1, vm), va);
    c2 = f32x4.add(f32x4.mul(c2, vm), va); c3 = f32x4.add(f32x4.mul(c3, vm), va);
    c4 = f32x4.add(f32x4.mul(c4, vm), va); c5 = f32x4.add(f32x4.mul(c5, vm), va);
    c6 = f32x4.add(f32x4.mul(c6, vm), va); c7 = f32x4.add(f32x4.mul(c7, vm), va);
    c8 = f32x4.add(f32x4.mul(c8, vm), va); c9 = f32x4.add(f32x4.mul(c9, vm), va);
    c10 = f32x4.add(f32x4.mul(c10, vm), va); c11 = f32x4.add(f32x4.mul(c11, vm), va);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  const t = f32x4.add(s, f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)));
  return f32x4.extract_lane(t, 0);
}

/** The same with f32x4.relaxed_madd (relaxed build only; elsewhere it is the mul+add loop). */
export function f32_peak__relaxedsimd(iters: i32, m: f32, a: f32): f32 {
  if (!ASC_FEATURE_RELAXED_SIMD) return f32_peak__simd128(iters, m, a);
  const vm = f32x4.splat(m), va = f32x4.splat(a);
  let c0 = va, c1 = va, c2 = va, c3 = va, c4 = va, c5 = va, c6 = va, c7 = va, c8 = va, c9 = va, c10 = va, c11 = va;
  for (let i = 0; i < iters; i++) {
    c0 = f32x4.relaxed_madd(c0, vm, va); c1 = f32x4.relaxed_madd(c1, vm, va);
    c2 = f32x4.relaxed_madd(c2, vm, va); c3 = f32x4.relaxed_madd(c3, vm, va);
    c4 = f32x4.relaxed_madd(c4, vm, va); c5 = f32x4.relaxed_madd(c5, vm, va);
    c6 = f32x4.relaxed_madd(c6, vm, va); c7 = f32x4.relaxed_madd(c7, vm, va);
    c8 = f32x4.relaxed_madd(c8, vm, va); c9 = f32x4.relaxed_madd(c9, vm, va);
    c10 = f32x4.relaxed_madd(c10, vm, va); c11 = f32x4.relaxed_madd(c11, vm, va);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  const t = f32x4.add(s, f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)));
  return f32x4.extract_lane(t, 0);
}

/** Does nothing: measures the dispatch cost of an empty parallel call. */
export function x32_noop(n: i32): void {}
