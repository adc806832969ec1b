// Normalisation kernels of the nn family: row norms (LayerNorm / InstanceNorm / GroupNorm), LayerNorm
// columns (BatchNorm: f32-nn-bn.ts). Conventions as in f32-nn.ts; helpers in f32-math.ts.
import { S, fma, hsum, ld, mask, st } from './f32-math';

// ---- Row norms: `rows` contiguous rows of n. S == 0: gamma/beta per position (LayerNorm, length n).
// S > 0: a row is n/S channel segments of S values; segment k of row r uses channel (r % G) * (n/S) + k
// (InstanceNorm: G = C, S = n; GroupNorm: G = num_groups, S = spatial size). g/b may be 0 (1 / 0).
@inline function rnMoments(x: usize, n: usize): v128 {
  let s = S(0), q = S(0), j: usize = 0;
  for (; j + 4 <= n; j += 4) s = f32x4.add(s, v128.load(x + (j << 2)));
  if (j < n) s = f32x4.add(s, ld(x + (j << 2), n - j));
  const mu = S(hsum(s) / <f32>n);
  for (j = 0; j + 4 <= n; j += 4) { const d = f32x4.sub(v128.load(x + (j << 2)), mu); q = fma(d, d, q); }
  if (j < n) { const d = v128.and(f32x4.sub(ld(x + (j << 2), n - j), mu), mask(n - j)); q = fma(d, d, q); }
  return f32x4.replace_lane(mu, 1, hsum(q) / <f32>n);
}
@inline function rnApply(x: usize, y: usize, p: usize, r: usize, mu: v128, inv: v128, G: v128, B: v128): void {
  st(y + p, fma(f32x4.mul(f32x4.sub(ld(x + p, r), mu), inv), G, B), r);
}

/** y = (x - mean) / sd * G + B with sd = sqrt(biased var + eps); writes mean and sd per row. */
export function f32_rownorm__simd128(x: usize, y: usize, g: usize, b: usize, mean: usize, sd: usize, rows: usize, n: usize, G: usize, Sg: usize, eps: f32): void {
  for (let row: usize = 0; row < rows; row++) {
    const base = (row * n) << 2, xr = x + base, yr = y + base, m = rnMoments(xr, n);
    const mu = f32x4.extract_lane(m, 0), sdv = sqrt<f32>(f32x4.extract_lane(m, 1) + eps), muv = S(mu), inv = S(1 / sdv);
    store<f32>(mean + (row << 2), mu); store<f32>(sd + (row << 2), sdv);
    if (Sg) {
      const K = n / Sg;
      for (let k: usize = 0; k < K; k++) {
        const ch = (((row % G) * K + k) << 2), gr = S(g ? load<f32>(g + ch) : 1), br = S(b ? load<f32>(b + ch) : 0), o = (k * Sg) << 2;
        let j: usize = 0;
        for (; j + 4 <= Sg; j += 4) rnApply(xr + o, yr + o, j << 2, 4, muv, inv, gr, br);
        if (j < Sg) rnApply(xr + o, yr + o, j << 2, Sg - j, muv, inv, gr, br);
      }
    } else {
      let j: usize = 0;
      for (; j + 4 <= n; j += 4) rnApply(xr, yr, j << 2, 4, muv, inv, g ? v128.load(g + (j << 2)) : S(1), b ? v128.load(b + (j << 2)) : S(0));
      if (j < n) rnApply(xr, yr, j << 2, n - j, muv, inv, g ? ld(g + (j << 2), n - j) : S(1), b ? ld(b + (j << 2), n - j) : S(0));
    }
  }
}

// Backward pieces: per element dG = dy * G, xhat = (x - mean) * inv; sums a = sum dG, bs = sum dG * xhat.
@inline function rnSums(acc: v128, x: usize, dy: usize, p: usize, r: usize, mu: v128, inv: v128, G: v128, k: i32): v128 {
  const d = ld(dy + p, r), xh = v128.and(f32x4.mul(f32x4.sub(ld(x + p, r), mu), inv), mask(r)), dG = f32x4.mul(d, G);
  if (k == 0) return f32x4.add(acc, dG);
  if (k == 1) return fma(dG, xh, acc);
  if (k == 2) return fma(d, xh, acc);
  return f32x4.add(acc, d);
}
@inline function rnDx(x: usize, dy: usize, dx: usize, p: usize, r: usize, mu: v128, inv: v128, G: v128, am: v128, bm: v128): void {
  const xh = f32x4.mul(f32x4.sub(ld(x + p, r), mu), inv), dG = f32x4.mul(ld(dy + p, r), G);
  st(dx + p, f32x4.mul(f32x4.sub(f32x4.sub(dG, am), f32x4.mul(xh, bm)), inv), r);
}

/** Backward of f32_rownorm: dx = (dy*G - mean(dy*G) - xhat*mean(dy*G*xhat)) / sd; dg, db summed (written). */
export function f32_rownorm_bwd__simd128(x: usize, dy: usize, g: usize, mean: usize, sd: usize, dx: usize, dg: usize, db: usize, rows: usize, n: usize, G: usize, Sg: usize): void {
  const P = Sg ? G * (n / Sg) : n;
  if (dg) memory.fill(dg, 0, P << 2);
  if (db) memory.fill(db, 0, P << 2);
  for (let row: usize = 0; row < rows; row++) {
    const base = (row * n) << 2, xr = x + base, dyr = dy + base, mu = S(load<f32>(mean + (row << 2))), inv = S(1 / load<f32>(sd + (row << 2)));
    let a = S(0), bs = S(0);
    const K = Sg ? n / Sg : 1, L = Sg ? Sg : n;
    for (let k: usize = 0; k < K; k++) {
      const ch = Sg ? ((row % G) * K + k) << 2 : 0, gr = S(Sg && g ? load<f32>(g + ch) : 1), o = (k * L) << 2;
      let rg = S(0), rb = S(0), j: usize = 0;
      for (; j + 4 <= L; j += 4) {
        const p = o + (j << 2), Gv = Sg || !g ? gr : v128.load(g + p);
        a = rnSums(a, xr, dyr, p, 4, mu, inv, Gv, 0); bs = rnSums(bs, xr, dyr, p, 4, mu, inv, Gv, 1);
        if (Sg) { rg = rnSums(rg, xr, dyr, p, 4, mu, inv, Gv, 2); rb = rnSums(rb, xr, dyr, p, 4, mu, inv, Gv, 3); } else {
          if (dg) v128.store(dg + p, rnSums(v128.load(dg + p), xr, dyr, p, 4, mu, inv, Gv, 2));
          if (db) v128.store(db + p, rnSums(v128.load(db + p), xr, dyr, p, 4, mu, inv, Gv, 3));
        }
      }
      if (j < L) {
        const p = o + (j << 2), r = L - j, Gv = Sg || !g ? gr : ld(g + p, r);
        a = rnSums(a, xr, dyr, p, r, mu, inv, Gv, 0); bs = rnSums(bs, xr, dyr, p, r, mu, inv, Gv, 1);
        if (Sg) { rg = rnSums(rg, xr, dyr, p, r, mu, inv, Gv, 2); rb = rnSums(rb, xr, dyr, p, r, mu, inv, Gv, 3); } else {
          if (dg) st(dg + p, rnSums(ld(dg + p, r), xr, dyr, p, r, mu, inv, Gv, 2), r);
          if (db) st(db + p, rnSums(ld(db + p, r), xr, dyr, p, r, mu, inv, Gv, 3), r);
        }
      }
      if (Sg && dg) store<f32>(dg + ch, load<f32>(dg + ch) + hsum(rg));
      if (Sg && db) store<f32>(db + ch, load<f32>(db + ch) + hsum(rb));
    }
    if (!dx) continue;
    const am = S(hsum(a) / <f32>n), bm = S(hsum(bs) / <f32>n);
    for (let k: usize = 0; k < K; k++) {
      const ch = Sg ? ((row % G) * K + k) << 2 : 0, gr = S(Sg && g ? load<f32>(g + ch) : 1), o = (k * L) << 2;
      let j: usize = 0;
      for (; j + 4 <= L; j += 4) { const p = o + (j << 2); rnDx(xr, dyr, dx + base, p, 4, mu, inv, Sg || !g ? gr : v128.load(g + p), am, bm); }
      if (j < L) { const p = o + (j << 2), r = L - j; rnDx(xr, dyr, dx + base, p, r, mu, inv, Sg || !g ? gr : ld(g + p, r), am, bm); }
    }
  }
}

/** LayerNorm over the middle axis of (outer, n, inner), inner > 1: 4 adjacent lines per step as lanes. */
export function f32_layernorm_cols__simd128(x: usize, y: usize, g: usize, b: usize, mean: usize, sd: usize, outer: usize, n: usize, inner: usize, eps: f32): void {
  const pst = inner << 2, fn = S(<f32>n);
  for (let o: usize = 0; o < outer; o++) {
    for (let c: usize = 0; c < inner; c += 4) {
      const w = min(inner - c, 4), base = (o * n * inner + c) << 2, mo = (o * inner + c) << 2;
      let s = S(0), q = S(0);
      for (let j: usize = 0; j < n; j++) s = f32x4.add(s, ld(x + base + j * pst, w));
      const mu = f32x4.div(s, fn);
      for (let j: usize = 0; j < n; j++) { const d = f32x4.sub(ld(x + base + j * pst, w), mu); q = fma(d, d, q); }
      const sdv = f32x4.sqrt(f32x4.add(f32x4.div(q, fn), S(eps))), inv = f32x4.div(S(1), sdv);
      st(mean + mo, mu, w); st(sd + mo, sdv, w);
      for (let j: usize = 0; j < n; j++) {
        const p = base + j * pst, xh = f32x4.mul(f32x4.sub(ld(x + p, w), mu), inv);
        st(y + p, fma(xh, S(load<f32>(g + (j << 2))), S(load<f32>(b + (j << 2)))), w);
      }
    }
  }
}

/** Backward of f32_layernorm_cols; dg, db (length n) written; dx, dg, db may be 0. */
export function f32_layernorm_cols_bwd__simd128(x: usize, dy: usize, g: usize, mean: usize, sd: usize, dx: usize, dg: usize, db: usize, outer: usize, n: usize, inner: usize): void {
  const pst = inner << 2, fn = S(<f32>n);
  if (dg) memory.fill(dg, 0, n << 2);
  if (db) memory.fill(db, 0, n << 2);
  for (let o: usize = 0; o < outer; o++) {
    for (let c: usize = 0; c < inner; c += 4) {
      const w = min(inner - c, 4), base = (o * n * inner + c) << 2, mo = (o * inner + c) << 2;
      const mu = ld(mean + mo, w), inv = f32x4.div(S(1), v128.or(ld(sd + mo, w), v128.andnot(S(1), mask(w))));
      let a = S(0), bs = S(0);
      for (let j: usize = 0; j < n; j++) {
        const p = base + j * pst, d = ld(dy + p, w), xh = f32x4.mul(f32x4.sub(ld(x + p, w), mu), inv);
        const dG = f32x4.mul(d, S(load<f32>(g + (j << 2))));
        a = f32x4.add(a, dG); bs = fma(dG, xh, bs);
        if (dg) store<f32>(dg + (j << 2), load<f32>(dg + (j << 2)) + hsum(f32x4.mul(d, xh)));
        if (db) store<f32>(db + (j << 2), load<f32>(db + (j << 2)) + hsum(d));
      }
      if (!dx) continue;
      const am = f32x4.div(a, fn), bm = f32x4.div(bs, fn);
      for (let j: usize = 0; j < n; j++) {
        const p = base + j * pst, xh = f32x4.mul(f32x4.sub(ld(x + p, w), mu), inv);
        const dG = f32x4.mul(ld(dy + p, w), S(load<f32>(g + (j << 2))));
        st(dx + p, f32x4.mul(f32x4.sub(f32x4.sub(dG, am), f32x4.mul(xh, bm)), inv), w);
      }
    }
  }
}
