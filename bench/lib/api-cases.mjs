// The plain API rows' inputs, shared by bench/api-phases.mjs and bench/idle-calls.mjs (the same data in both).

/** n seeded uniform values in [-0.5, 0.5). @example rand(4, 1) */
export function rand(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 32 - 0.5; }
  return a;
}

/** Convolution rows: [C, H, F, kernel, stride, pad, groups] (conv-mnet-stem, conv-grouped-3x3-128-g32). */
export const CONV = { stem: [3, 224, 32, 3, 2, 1, 1], grouped: [128, 28, 128, 3, 1, 1, 32] };
