// Greedy non-maximum suppression over candidates already sorted by score (ONNX NonMaxSuppression, per batch and
// class). `box` holds five planes of n floats: xmin, xmax, ymin, ymax (corners ordered by the caller) and a
// scratch plane for the areas. Each kept box suppresses the later live boxes whose IoU with it exceeds `iou`,
// four at a time. The tests are onnxruntime's (SuppressByIOU), in float32 and in its order: no overlap along x
// or y, an empty intersection, an area or a union <= 0 never suppress. Scalar reference: src/reference/nms.ts.
import { S } from './f32-math';

/**
 * Writes the positions kept (at most k, score order) as int32 to `keep` and returns how many; `alive`: n int32.
 */
export function f32_nms_greedy__simd128(box: usize, n: i32, iou: f32, k: i32, alive: usize, keep: usize): i32 {
  const pn = <usize>n << 2, x0 = box, x1 = box + pn, y0 = box + 2 * pn, y1 = box + 3 * pn, ar = box + 4 * pn;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(ar + o, (load<f32>(x1 + o) - load<f32>(x0 + o)) * (load<f32>(y1 + o) - load<f32>(y0 + o)));
    store<i32>(alive + o, -1);
  }
  const zero = S(0), thr = S(iou);
  let count = 0;
  for (let i = 0; i < n && count < k; i++) {
    const oi = <usize>i << 2;
    if (!load<i32>(alive + oi)) continue;
    store<i32>(keep + (<usize>count << 2), i);
    count++;
    const a1 = load<f32>(ar + oi);
    if (!(a1 > 0)) continue; // a box without area suppresses nothing
    const bx0 = load<f32>(x0 + oi), bx1 = load<f32>(x1 + oi), by0 = load<f32>(y0 + oi), by1 = load<f32>(y1 + oi);
    const vx0 = S(bx0), vx1 = S(bx1), vy0 = S(by0), vy1 = S(by1), va1 = S(a1);
    let j = i + 1;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const ix0 = f32x4.max(vx0, v128.load(x0 + o)), ix1 = f32x4.min(vx1, v128.load(x1 + o));
      const iy0 = f32x4.max(vy0, v128.load(y0 + o)), iy1 = f32x4.min(vy1, v128.load(y1 + o));
      const inter = f32x4.mul(f32x4.sub(ix1, ix0), f32x4.sub(iy1, iy0)), a2 = v128.load(ar + o);
      const uni = f32x4.sub(f32x4.add(va1, a2), inter);
      let m = v128.and(f32x4.gt(ix1, ix0), f32x4.gt(iy1, iy0));
      m = v128.and(m, v128.and(f32x4.gt(inter, zero), f32x4.gt(a2, zero)));
      m = v128.and(m, v128.and(f32x4.gt(uni, zero), f32x4.gt(f32x4.div(inter, uni), thr)));
      v128.store(alive + o, v128.andnot(v128.load(alive + o), m));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const ix0 = max(bx0, load<f32>(x0 + o)), ix1 = min(bx1, load<f32>(x1 + o));
      const iy0 = max(by0, load<f32>(y0 + o)), iy1 = min(by1, load<f32>(y1 + o));
      if (!(ix1 > ix0) || !(iy1 > iy0)) continue;
      const inter: f32 = (ix1 - ix0) * (iy1 - iy0), a2 = load<f32>(ar + o), uni: f32 = a1 + a2 - inter;
      if (inter > 0 && a2 > 0 && uni > 0 && inter / uni > iou) store<i32>(alive + o, 0);
    }
  }
  return count;
}
