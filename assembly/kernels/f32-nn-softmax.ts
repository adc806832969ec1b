// Softmax family kernels of the nn family: softmax / log_softmax / softmin over any axis (rows or column
// lanes, use_length), SoftmaxOutput's gradient, regression / MakeLoss gradients. Conventions: f32-nn.ts.
// Lines of a reduced axis are viewed as (outer, n, inner): element (o, j, i) at ((o*n + j)*inner + i).
import { M, NINF, S, hmax, hsum, ld, mask, st } from './f32-math';

// ---- softmax family over lines: row mode (inner == 1, SIMD along the line) or column mode (up to
// 4 adjacent lines as lanes, stride inner). `L` holds each lane's valid length (use_length; 0 = inactive lane).
@inline function okm(row: bool, j: usize, L: v128): v128 {
  return i32x4.lt_s(row ? i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(<i32>j)) : i32x4.splat(<i32>j), L);
}
/** Valid lengths of w lanes (n when len == 0); lengths are f32, or i32 when li != 0. */
@inline function lens(len: usize, li: i32, idx: usize, w: usize, n: usize): v128 {
  let L = v128.and(i32x4.splat(<i32>n), mask(w));
  if (len) {
    const raw = ld(len + (idx << 2), w);
    L = i32x4.min_s(L, i32x4.max_s(li ? raw : i32x4.trunc_sat_f32x4_s(raw), i32x4.splat(0)));
  }
  return L;
}

// Each pass runs full vectors first (row mode: r = 4, plain loads) and then the remainder (row tail, or
// column groups: r = w lanes, a literal 4 for full groups).
@inline function smGroup(x: usize, y: usize, n: usize, pst: usize, row: bool, w: usize, L: v128, sc: f32, lg: i32): void {
  const jinc: usize = row ? 4 : 1;
  let m = S(NINF), s = S(0), j: usize = 0, p: usize = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) m = smMax(m, x + p, 4, sc, okm(row, j, L));
  for (; j < n; j += jinc, p += pst) m = smMax(m, x + p, row ? n - j : w, sc, okm(row, j, L));
  if (row) m = S(hmax(m));
  j = 0; p = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) s = smExp(s, x + p, y + p, 4, sc, m, okm(row, j, L), lg);
  for (; j < n; j += jinc, p += pst) s = smExp(s, x + p, y + p, row ? n - j : w, sc, m, okm(row, j, L), lg);
  if (row) s = S(hsum(s));
  const ls = lg ? M.log(s) : s, inv = f32x4.div(S(1), s);
  j = 0; p = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) smOut(x + p, y + p, 4, sc, m, ls, inv, okm(row, j, L), lg);
  for (; j < n; j += jinc, p += pst) smOut(x + p, y + p, row ? n - j : w, sc, m, ls, inv, okm(row, j, L), lg);
}
@inline function smMax(m: v128, p: usize, r: usize, sc: f32, ok: v128): v128 {
  return f32x4.max(m, v128.bitselect(f32x4.mul(ld(p, r), S(sc)), S(NINF), ok));
}
@inline function smExp(s: v128, p: usize, q: usize, r: usize, sc: f32, m: v128, ok: v128, lg: i32): v128 {
  const e = v128.and(M.exp(f32x4.sub(f32x4.mul(ld(p, r), S(sc)), m)), ok);
  if (!lg) st(q, e, r);
  return f32x4.add(s, e);
}
@inline function smOut(p: usize, q: usize, r: usize, sc: f32, m: v128, ls: v128, inv: v128, ok: v128, lg: i32): void {
  const v = lg ? f32x4.sub(f32x4.sub(f32x4.mul(ld(p, r), S(sc)), m), ls) : f32x4.mul(ld(q, r), inv);
  st(q, v128.and(v, ok), r);
}

@inline function smbGroup(y: usize, dy: usize, dx: usize, n: usize, pst: usize, row: bool, w: usize, L: v128, sc: f32, lg: i32): void {
  const jinc: usize = row ? 4 : 1;
  let s = S(0), j: usize = 0, p: usize = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) s = smbSum(s, y + p, dy + p, 4, okm(row, j, L), lg);
  for (; j < n; j += jinc, p += pst) s = smbSum(s, y + p, dy + p, row ? n - j : w, okm(row, j, L), lg);
  if (row) s = S(hsum(s));
  j = 0; p = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) smbOut(y + p, dy + p, dx + p, 4, s, sc, okm(row, j, L), lg);
  for (; j < n; j += jinc, p += pst) smbOut(y + p, dy + p, dx + p, row ? n - j : w, s, sc, okm(row, j, L), lg);
}
@inline function smbSum(s: v128, y: usize, dy: usize, r: usize, ok: v128, lg: i32): v128 {
  const d = v128.and(ld(dy, r), ok);
  return f32x4.add(s, lg ? d : f32x4.mul(d, ld(y, r)));
}
@inline function smbOut(y: usize, dy: usize, dx: usize, r: usize, s: v128, sc: f32, ok: v128, lg: i32): void {
  const yv = ld(y, r), d = ld(dy, r);
  const g = lg ? f32x4.sub(d, f32x4.mul(M.exp(yv), s)) : f32x4.mul(yv, f32x4.sub(d, s));
  st(dx, v128.and(f32x4.mul(g, S(sc)), ok), r);
}

/**
 * softmax / log_softmax (lg = 1) of sc * x over the middle axis of (outer, n, inner); sc = 1/T, or
 * -1/T for softmin. len != 0: per-line valid lengths, shape (outer, inner), f32 (li = 0) or i32 (li = 1);
 * positions beyond a line's length give 0.
 */
export function f32_softmax__simd128(x: usize, y: usize, len: usize, li: i32, outer: usize, n: usize, inner: usize, sc: f32, lg: i32): void {
  const pst = inner << 2;
  for (let o: usize = 0; o < outer; o++) {
    if (inner == 1) {
      const off = (o * n) << 2;
      smGroup(x + off, y + off, n, 16, true, 4, i32x4.splat(i32x4.extract_lane(lens(len, li, o, 1, n), 0)), sc, lg);
      continue;
    }
    let c: usize = 0;
    for (; c + 4 <= inner; c += 4) { const off = (o * n * inner + c) << 2; smGroup(x + off, y + off, n, pst, false, 4, lens(len, li, o * inner + c, 4, n), sc, lg); }
    if (c < inner) { const off = (o * n * inner + c) << 2, w = inner - c; smGroup(x + off, y + off, n, pst, false, w, lens(len, li, o * inner + c, w, n), sc, lg); }
  }
}

/** Backward of f32_softmax from its output y: softmax dx = sc*y*(dy - sum(dy*y)); log dx = sc*(dy - e^y*sum(dy)). */
export function f32_softmax_bwd__simd128(y: usize, dy: usize, dx: usize, len: usize, li: i32, outer: usize, n: usize, inner: usize, sc: f32, lg: i32): void {
  const pst = inner << 2;
  for (let o: usize = 0; o < outer; o++) {
    if (inner == 1) {
      const off = (o * n) << 2;
      smbGroup(y + off, dy + off, dx + off, n, 16, true, 4, i32x4.splat(i32x4.extract_lane(lens(len, li, o, 1, n), 0)), sc, lg);
      continue;
    }
    let c: usize = 0;
    for (; c + 4 <= inner; c += 4) { const off = (o * n * inner + c) << 2; smbGroup(y + off, dy + off, dx + off, n, pst, false, 4, lens(len, li, o * inner + c, 4, n), sc, lg); }
    if (c < inner) { const off = (o * n * inner + c) << 2, w = inner - c; smbGroup(y + off, dy + off, dx + off, n, pst, false, w, lens(len, li, o * inner + c, w, n), sc, lg); }
  }
}

/**
 * SoftmaxOutput gradient over (outer, K, inner) with labels (outer, inner): dx = (y - onehot) * scale,
 * label smoothing alpha (label: -1 + alpha, others: -alpha/(K-1)). flags: 1 use_ignore (zero lines whose
 * label == ignore), 2 valid normalization (scale /= max(1, #labels != ignore)).
 */
export function f32_softmax_ce_bwd__simd128(y: usize, label: usize, dx: usize, outer: usize, K: usize, inner: usize, ignore: f32, flags: i32, scale: f32, alpha: f32): void {
  const nl = outer * inner, ig = <i32>ignore;
  let s = scale;
  if (flags & 2) {
    let cnt: usize = 0;
    for (let l: usize = 0; l < nl; l++) if (<i32>load<f32>(label + (l << 2)) != ig) cnt++;
    s = scale / <f32>max(cnt, 1);
  }
  const sm: f32 = K > 1 ? alpha / <f32>(K - 1) : 0, n = nl * K;
  for (let i: usize = 0; i < n; i += 4) { const p = i << 2; st(dx + p, f32x4.mul(f32x4.sub(ld(y + p, n - i), S(sm)), S(s)), n - i); }
  for (let o: usize = 0; o < outer; o++) {
    for (let i: usize = 0; i < inner; i++) {
      const k = <i32>load<f32>(label + ((o * inner + i) << 2)), base = dx + ((o * K * inner + i) << 2);
      if ((flags & 1) && k == ig) { for (let j: usize = 0; j < K; j++) store<f32>(base + ((j * inner) << 2), 0); }
      else if (k >= 0 && <usize>k < K) { const q = base + ((<usize>k * inner) << 2); store<f32>(q, load<f32>(q) + (alpha - 1 + sm) * s); }
    }
  }
}

@inline function lossAt(out: usize, label: usize, dx: usize, p: usize, r: usize, s: f32, mode: i32): void {
  let d = S(1);
  if (mode < 2) {
    d = f32x4.sub(ld(out + p, r), ld(label + p, r));
    if (mode == 1) d = f32x4.sub(v128.and(S(1), f32x4.gt(d, S(0))), v128.and(S(1), f32x4.lt(d, S(0))));
  }
  st(dx + p, f32x4.mul(d, S(s)), r);
}

/**
 * Loss-head gradients: mode 0 dx = (out - label) * s; 1 dx = sign(out - label) * s; 2 dx = s;
 * 3 dx = s / max(1, #(out > th)) (MakeLoss 'valid'; label unused).
 */
export function f32_loss_grad__simd128(out: usize, label: usize, dx: usize, n: usize, s: f32, mode: i32, th: f32): void {
  if (mode == 3) {
    let cnt: usize = 0;
    for (let i: usize = 0; i < n; i++) if (load<f32>(out + (i << 2)) > th) cnt++;
    s = s / <f32>max(cnt, 1); mode = 2;
  }
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) lossAt(out, label, dx, i << 2, 4, s, mode);
  if (i < n) lossAt(out, label, dx, i << 2, n - i, s, mode);
}
