// Reduction backward (family file, see assembly/index.ts; the forward reductions: f32-reduce.ts), over the same
// (outer, r, inner) row-major view: dx[o, k, i] = f(x[o, k, i], y[o, i], g[o, i]).
// ---- reduction backward: dx[o,k,i] = f(x[o,k,i], y[o,i], g[o,i]) ----
// mode 0: scale*g (sum/mean), 1: g*(x==y) (max/min), 2: g*y/x (prod), 3: like 2 with NaN x -> 0 (nanprod),
// 4: g with NaN x -> 0 (nansum), 5: g*x/y, 0 where y == 0 (2-norm), 6: g*sign(x) (1-norm).
@inline function gv(x: v128, y: v128, g: v128, scale: v128, mode: i32): v128 {
  const z = f32x4.splat(0);
  if (mode == 0) return f32x4.mul(g, scale);
  if (mode == 1) return v128.and(g, f32x4.eq(x, y));
  if (mode == 2) return f32x4.div(f32x4.mul(g, y), x);
  if (mode == 3) return v128.and(f32x4.div(f32x4.mul(g, y), x), f32x4.eq(x, x));
  if (mode == 4) return v128.and(g, f32x4.eq(x, x));
  if (mode == 5) return v128.andnot(f32x4.div(f32x4.mul(g, x), y), f32x4.eq(y, z));
  const one = f32x4.splat(1);
  const sg = v128.or(v128.and(one, f32x4.gt(x, z)), v128.and(f32x4.neg(one), f32x4.lt(x, z)));
  return f32x4.mul(g, sg);
}
function gs(x: f32, y: f32, g: f32, scale: f32, mode: i32): f32 {
  if (mode == 0) return g * scale;
  if (mode == 1) return x == y ? g : 0;
  if (mode == 2) return g * y / x;
  if (mode == 3) return x != x ? 0 : g * y / x;
  if (mode == 4) return x != x ? 0 : g;
  if (mode == 5) return y == 0 ? 0 : g * x / y;
  return x > 0 ? g : x < 0 ? -g : 0;
}

/** Backward of the f32_r* reductions over (outer, r, inner): see the modes above. y, g hold outer*inner values. */
export function f32_rgrad__simd128(x: usize, y: usize, g: usize, dx: usize, outer: usize, r: usize, inner: usize, scale: f32, mode: i32): void {
  const sv = f32x4.splat(scale);
  for (let o: usize = 0; o < outer; o++) {
    const yo = y + o * (inner << 2), go = g + o * (inner << 2);
    for (let k: usize = 0; k < r; k++) {
      const q = (o * r + k) * (inner << 2);
      let i: usize = 0;
      if (inner == 1) {
        const yv = load<f32>(yo), gg = load<f32>(go);
        const Y = f32x4.splat(yv), G = f32x4.splat(gg);
        for (; k + 4 <= r; k += 4) {
          const p = (o * r + k) << 2;
          v128.store(dx + p, gv(v128.load(x + p), Y, G, sv, mode));
        }
        for (; k < r; k++) { const p = (o * r + k) << 2; store<f32>(dx + p, gs(load<f32>(x + p), yv, gg, scale, mode)); }
        break;
      }
      for (; i + 4 <= inner; i += 4) {
        const p = q + (i << 2);
        v128.store(dx + p, gv(v128.load(x + p), v128.load(yo + (i << 2)), v128.load(go + (i << 2)), sv, mode));
      }
      for (; i < inner; i++) {
        const p = q + (i << 2);
        store<f32>(dx + p, gs(load<f32>(x + p), load<f32>(yo + (i << 2)), load<f32>(go + (i << 2)), scale, mode));
      }
    }
  }
}
