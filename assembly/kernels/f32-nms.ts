// Greedy non-maximum suppression of one class (ONNX NonMaxSuppression as onnxruntime runs it): the boxes scoring
// above `sth` go into a max-heap of their indices (`heap`, n int32; ties: the lower index first), popped in score
// order only until k are kept (no full sort); each is compared with the boxes kept so far, four at a time (their corners and areas
// in five planes of `sel`, n floats each), and kept unless one of them overlaps it by an IoU above `iou`; at most k.
// The tests are onnxruntime's SuppressByIOU, in float32 and in its order: no overlap along x or y, an empty
// intersection, an area or a union <= 0 never suppress. Boxes are [y1, x1, y2, x2] (corners in any order) or with
// `center` [x, y, w, h]. Scalar reference: src/reference/nms.ts.
import { S } from './f32-math';

@inline function before(score: usize, a: i32, b: i32): bool {
  const sa = load<f32>(score + (<usize>a << 2)), sb = load<f32>(score + (<usize>b << 2));
  return sa > sb || (sa == sb && a < b);
}

/** Restores the heap below position i (m entries). */
function siftDown(heap: usize, score: usize, i: i32, m: i32): void {
  const top = load<i32>(heap + (<usize>i << 2));
  for (;;) {
    let c = 2 * i + 1;
    if (c >= m) break;
    let cv = load<i32>(heap + (<usize>c << 2));
    if (c + 1 < m) { const r = load<i32>(heap + (<usize>(c + 1) << 2)); if (before(score, r, cv)) { c++; cv = r; } }
    if (!before(score, cv, top)) break;
    store<i32>(heap + (<usize>i << 2), cv);
    i = c;
  }
  store<i32>(heap + (<usize>i << 2), top);
}

/** Writes the kept box indices (int32, score order) to `keep` and returns how many. */
export function f32_nms_greedy__simd128(box: usize, score: usize, n: i32, center: i32, iou: f32, sth: f32, k: i32, heap: usize, sel: usize, keep: usize): i32 {
  const pn = <usize>n << 2, sx0 = sel, sx1 = sel + pn, sy0 = sel + 2 * pn, sy1 = sel + 3 * pn, sar = sel + 4 * pn;
  const zero = S(0), thr = S(iou);
  let m = 0;
  for (let i = 0; i < n; i++) if (load<f32>(score + (<usize>i << 2)) > sth) { store<i32>(heap + (<usize>m << 2), i); m++; }
  for (let i = (m >> 1) - 1; i >= 0; i--) siftDown(heap, score, i, m);
  let count = 0;
  while (m > 0 && count < k) {
    const i = load<i32>(heap), b = box + (<usize>i << 4);
    m--;
    if (m > 0) { store<i32>(heap, load<i32>(heap + (<usize>m << 2))); siftDown(heap, score, 0, m); }
    const p = load<f32>(b), q = load<f32>(b, 4), u = load<f32>(b, 8), v = load<f32>(b, 12);
    let x0: f32, x1: f32, y0: f32, y1: f32;
    if (center) { const hw = u / 2, hh = v / 2; x0 = p - hw; x1 = p + hw; y0 = q - hh; y1 = q + hh; }
    else { x0 = min(q, v); x1 = max(q, v); y0 = min(p, u); y1 = max(p, u); }
    const a1 = (x1 - x0) * (y1 - y0);
    let hit = false;
    if (a1 > 0) { // a box without area is never suppressed
      const vx0 = S(x0), vx1 = S(x1), vy0 = S(y0), vy1 = S(y1), va1 = S(a1);
      let j = 0;
      for (; j + 4 <= count; j += 4) {
        const o = <usize>j << 2;
        const ix0 = f32x4.max(vx0, v128.load(sx0 + o)), ix1 = f32x4.min(vx1, v128.load(sx1 + o));
        const iy0 = f32x4.max(vy0, v128.load(sy0 + o)), iy1 = f32x4.min(vy1, v128.load(sy1 + o));
        const inter = f32x4.mul(f32x4.sub(ix1, ix0), f32x4.sub(iy1, iy0)), a2 = v128.load(sar + o);
        const uni = f32x4.sub(f32x4.add(va1, a2), inter);
        let m = v128.and(f32x4.gt(ix1, ix0), f32x4.gt(iy1, iy0));
        m = v128.and(m, v128.and(f32x4.gt(inter, zero), f32x4.gt(a2, zero)));
        m = v128.and(m, v128.and(f32x4.gt(uni, zero), f32x4.gt(f32x4.div(inter, uni), thr)));
        if (v128.any_true(m)) { hit = true; break; }
      }
      for (; !hit && j < count; j++) {
        const o = <usize>j << 2;
        const ix0 = max(x0, load<f32>(sx0 + o)), ix1 = min(x1, load<f32>(sx1 + o));
        const iy0 = max(y0, load<f32>(sy0 + o)), iy1 = min(y1, load<f32>(sy1 + o));
        if (!(ix1 > ix0) || !(iy1 > iy0)) continue;
        const inter: f32 = (ix1 - ix0) * (iy1 - iy0), a2 = load<f32>(sar + o), uni: f32 = a1 + a2 - inter;
        hit = inter > 0 && a2 > 0 && uni > 0 && inter / uni > iou;
      }
    }
    if (hit) continue;
    const oc = <usize>count << 2;
    store<f32>(sx0 + oc, x0); store<f32>(sx1 + oc, x1); store<f32>(sy0 + oc, y0); store<f32>(sy1 + oc, y1); store<f32>(sar + oc, a1);
    store<i32>(keep + oc, i);
    count++;
  }
  return count;
}
