// Depthwise 3x3 pad-1 rows in SIMD, borders included (imported by f32-conv.ts; nothing here is exported from the
// module): the vectors of a row are read with zero lanes past its end and shifted across their neighbours, so no
// output column is scalar (7x7 planes were 3 of 7 scalar columns a row, 14x14 2 of 14).

/** Floats ow .. ow+3 of a row of `W` (lanes at or past W zero, never read): a row's last, partial vector. */
@inline function rowVec(p: usize, ow: i32, W: i32): v128 {
  const q = p + (<usize>ow << 2), rem = W - ow;
  if (rem >= 4) return v128.load(q);
  if (rem == 3) return v128.load32_lane(q + 8, v128.load64_zero(q), 2);
  return rem == 2 ? v128.load64_zero(q) : v128.load32_zero(q);
}

/**
 * One output row of a 3x3 stride-1 pad-1 depthwise layer, all of it in SIMD (Wo = W): taps x[ow-1], x[ow+1] are the
 * row's vectors shifted by one lane across their neighbours (zero before the row and past its end), so the borders
 * cost no scalar work: 7x7 and 14x14 planes (MobileNets' last layers) were 3/7 and 2/14 scalar. Rows p0..p2 with
 * weights w00..w22 as in the interior loop (an invalid row has zero weights and a valid pointer); same sum order.
 */
@inline export function dwRowS1(p0: usize, p1: usize, p2: usize, yr: usize, W: i32, vb: v128, relu: bool,
  w00: v128, w01: v128, w02: v128, w10: v128, w11: v128, w12: v128, w20: v128, w21: v128, w22: v128): void {
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero; // previous vectors
  let c0 = rowVec(p0, 0, W), c1 = rowVec(p1, 0, W), c2 = rowVec(p2, 0, W);
  for (let ow = 0; ow < W; ow += 4) {
    const more = ow + 4 < W;
    const n0 = more ? rowVec(p0, ow + 4, W) : zero, n1 = more ? rowVec(p1, ow + 4, W) : zero, n2 = more ? rowVec(p2, ow + 4, W) : zero;
    let acc = f32x4.add(vb, f32x4.mul(w00, v128.shuffle<f32>(a0, c0, 3, 4, 5, 6)));
    acc = f32x4.add(acc, f32x4.mul(w01, c0));
    acc = f32x4.add(acc, f32x4.mul(w02, v128.shuffle<f32>(c0, n0, 1, 2, 3, 4)));
    acc = f32x4.add(acc, f32x4.mul(w10, v128.shuffle<f32>(a1, c1, 3, 4, 5, 6)));
    acc = f32x4.add(acc, f32x4.mul(w11, c1));
    acc = f32x4.add(acc, f32x4.mul(w12, v128.shuffle<f32>(c1, n1, 1, 2, 3, 4)));
    acc = f32x4.add(acc, f32x4.mul(w20, v128.shuffle<f32>(a2, c2, 3, 4, 5, 6)));
    acc = f32x4.add(acc, f32x4.mul(w21, c2));
    acc = f32x4.add(acc, f32x4.mul(w22, v128.shuffle<f32>(c2, n2, 1, 2, 3, 4)));
    if (relu) acc = f32x4.pmax(acc, zero);
    storeHead(yr + (<usize>ow << 2), acc, W - ow);
    a0 = c0; a1 = c1; a2 = c2; c0 = n0; c1 = n1; c2 = n2;
  }
}

/** Stores the first `rem` (>= 1) lanes of `v` at q: a row's last, partial vector. */
@inline function storeHead(q: usize, v: v128, rem: i32): void {
  if (rem >= 4) { v128.store(q, v); return; }
  if (rem >= 2) v128.store64_lane(q, v, 0); else v128.store32_lane(q, v, 0);
  if (rem == 3) v128.store32_lane(q + 8, v, 2);
}

/**
 * dwRowS1 for stride 2, pad 1 (Wo = ceil(W / 2)): per 4 outputs the evens and odds of x[2ow .. 2ow+7] (zero past
 * the row), and x[2ow-1 ..] as the odds shifted one lane after the previous vector's last odd. Same sum order as the
 * interior loop.
 */
@inline export function dwRowS2(p0: usize, p1: usize, p2: usize, yr: usize, W: i32, Wo: i32, vb: v128, relu: bool,
  w00: v128, w01: v128, w02: v128, w10: v128, w11: v128, w12: v128, w20: v128, w21: v128, w22: v128): void {
  const zero = f32x4.splat(0);
  let m0 = zero, m1 = zero, m2 = zero; // previous odds
  for (let ow = 0; ow < Wo; ow += 4) {
    const i = ow << 1, far = i + 4 < W;
    let a = rowVec(p0, i, W), b = far ? rowVec(p0, i + 4, W) : zero;
    let o = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
    let acc = f32x4.add(vb, f32x4.mul(w00, v128.shuffle<f32>(m0, o, 3, 4, 5, 6)));
    acc = f32x4.add(acc, f32x4.mul(w01, v128.shuffle<f32>(a, b, 0, 2, 4, 6)));
    acc = f32x4.add(acc, f32x4.mul(w02, o)); m0 = o;
    a = rowVec(p1, i, W); b = far ? rowVec(p1, i + 4, W) : zero; o = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
    acc = f32x4.add(acc, f32x4.mul(w10, v128.shuffle<f32>(m1, o, 3, 4, 5, 6)));
    acc = f32x4.add(acc, f32x4.mul(w11, v128.shuffle<f32>(a, b, 0, 2, 4, 6)));
    acc = f32x4.add(acc, f32x4.mul(w12, o)); m1 = o;
    a = rowVec(p2, i, W); b = far ? rowVec(p2, i + 4, W) : zero; o = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
    acc = f32x4.add(acc, f32x4.mul(w20, v128.shuffle<f32>(m2, o, 3, 4, 5, 6)));
    acc = f32x4.add(acc, f32x4.mul(w21, v128.shuffle<f32>(a, b, 0, 2, 4, 6)));
    acc = f32x4.add(acc, f32x4.mul(w22, o)); m2 = o;
    if (relu) acc = f32x4.pmax(acc, zero);
    storeHead(yr + (<usize>ow << 2), acc, Wo - ow);
  }
}
