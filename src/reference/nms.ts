// Scalar references (test oracles) for the ops with data-dependent shapes: ONNX NonMaxSuppression as onnxruntime
// runs it (each candidate, by descending score, against the boxes kept so far), nonzero, boolean_mask and unique.
const f = Math.fround;

/** Corners [xmin, xmax, ymin, ymax] of box i (float32 arithmetic, as onnxruntime's). */
function corners(b: ArrayLike<number>, i: number, center: number): [number, number, number, number] {
  const [p, q, r, s] = [b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]];
  if (center) { const hw = f(r / 2), hh = f(s / 2); return [f(p - hw), f(p + hw), f(q - hh), f(q + hh)]; }
  return [Math.min(q, s), Math.max(q, s), Math.min(p, r), Math.max(p, r)];
}

/** onnxruntime's SuppressByIOU. */
function suppress(a: number[], b: number[], iou: number): boolean {
  const ix0 = Math.max(a[0], b[0]), ix1 = Math.min(a[1], b[1]);
  if (ix1 <= ix0) return false;
  const iy0 = Math.max(a[2], b[2]), iy1 = Math.min(a[3], b[3]);
  if (iy1 <= iy0) return false;
  const inter = f(f(ix1 - ix0) * f(iy1 - iy0));
  if (inter <= 0) return false;
  const a1 = f(f(a[1] - a[0]) * f(a[3] - a[2])), a2 = f(f(b[1] - b[0]) * f(b[3] - b[2]));
  const uni = f(f(a1 + a2) - inter);
  if (a1 <= 0 || a2 <= 0 || uni <= 0) return false;
  return f(inter / uni) > f(iou);
}

/**
 * ONNX NonMaxSuppression: boxes [B, S, 4], scores [B, C, S] (flat) -> rows [batch, class, box]; ties in score keep
 * the lower box index first.
 * @example nmsRef(boxes, scores, 1, 1, 3, { center: 0, k: 2, iou: 0.5 })
 */
export function nmsRef(boxes: ArrayLike<number>, scores: ArrayLike<number>, B: number, C: number, S: number,
  o: { center: number; k: number; iou: number; score?: number }): number[][] {
  const out: number[][] = [];
  for (let b = 0; b < B; b++) {
    const cs = Array.from({ length: S }, (_, i) => corners(boxes, b * S + i, o.center));
    for (let c = 0; c < C; c++) {
      const sc = (i: number) => scores[(b * C + c) * S + i];
      const cand = Array.from({ length: S }, (_, i) => i).filter((i) => o.score === undefined || sc(i) > f(o.score)).sort((i, j) => sc(j) - sc(i) || i - j);
      const kept: number[] = [];
      for (const i of cand) {
        if (kept.length >= o.k) break;
        if (!kept.some((j) => suppress(cs[j], cs[i], o.iou))) { kept.push(i); out.push([b, c, i]); }
      }
    }
  }
  return out;
}

/** Row-major coordinates of the non-zero elements: [N][ndim]. @example nonzeroRef([0, 2, 3, 0], [2, 2]) */
export function nonzeroRef(x: ArrayLike<number>, shape: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] === 0) continue;
    const c: number[] = [];
    let r = i;
    for (let d = shape.length - 1; d >= 0; d--) { c.unshift(r % shape[d]); r = Math.floor(r / shape[d]); }
    out.push(c);
  }
  return out;
}

/** Sorted unique values of a flat array with first indices, inverse and counts (a Map, unlike the op's sort). */
export function uniqueRef(x: ArrayLike<number>): { y: number[]; first: number[]; inverse: number[]; counts: number[] } {
  const seen = new Map<number, number>();
  Array.from(x).forEach((v, i) => { if (!seen.has(v)) seen.set(v, i); });
  const y = [...seen.keys()].sort((a, b) => a - b), pos = new Map(y.map((v, j) => [v, j]));
  const counts = y.map(() => 0);
  const inverse = Array.from(x, (v) => { const j = pos.get(v)!; counts[j]++; return j; });
  return { y, first: y.map((v) => seen.get(v)!), inverse, counts };
}
