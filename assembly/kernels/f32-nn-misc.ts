// Kernels of the nn family: L2Normalization (rows or column lanes), Embedding, LRN. Conventions: f32-nn.ts.
import { M, S, fma, hsum, ld, mask, st } from './f32-math';

// ---- L2Normalization over lines of (outer, n, inner): y = x / nrm, nrm = sqrt(sum x^2 + eps) per line.
function l2Group(x: usize, y: usize, nrm: usize, dy: usize, dx: usize, n: usize, pst: usize, row: bool, w: usize, eps: f32): void {
  const jinc: usize = row ? 4 : 1;
  let s = S(0), j: usize = 0, p: usize = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) s = l2Sum(s, y + p, dy + p, 4, dx);
  for (; j < n; j += jinc, p += pst) s = l2Sum(s, y + p, dy + p, row ? n - j : w, dx);
  if (row) s = S(hsum(s));
  let nv: v128;
  if (dx) nv = row ? S(load<f32>(nrm)) : ld(nrm, w);
  else { nv = f32x4.sqrt(f32x4.add(s, S(eps))); st(nrm, nv, row ? 1 : w); }
  const inv = f32x4.div(S(1), nv);
  j = 0; p = 0;
  if (row) for (; j + 4 <= n; j += 4, p += 16) l2Out(x + p, y + p, dy + p, dx ? dx + p : 0, 4, s, inv);
  for (; j < n; j += jinc, p += pst) l2Out(x + p, y + p, dy + p, dx ? dx + p : 0, row ? n - j : w, s, inv);
}
@inline function l2Sum(s: v128, y: usize, dy: usize, r: usize, dx: usize): v128 { const v = ld(y, r); return fma(dx ? ld(dy, r) : v, v, s); }
@inline function l2Out(x: usize, y: usize, dy: usize, dx: usize, r: usize, s: v128, inv: v128): void {
  if (dx) st(dx, f32x4.mul(f32x4.sub(ld(dy, r), f32x4.mul(ld(y, r), s)), inv), r);
  else st(x, f32x4.mul(ld(y, r), inv), r);
}

/**
 * L2Normalization forward (dy = dx = 0: reads y as the input x, writes x as the output) or backward
 * (dx != 0: y is the forward output, dx = (dy - y*sum(dy*y)) / nrm). Lines of (outer, n, inner); nrm (outer, inner).
 */
export function f32_l2norm__simd128(x: usize, y: usize, nrm: usize, dy: usize, dx: usize, outer: usize, n: usize, inner: usize, eps: f32): void {
  const pst = inner << 2;
  for (let o: usize = 0; o < outer; o++) {
    const off = (o * n * inner) << 2, no = nrm + ((o * inner) << 2), dxo = dx ? dx + off : 0;
    if (inner == 1) { l2Group(x + off, y + off, no, dy + off, dxo, n, 16, true, 4, eps); continue; }
    let c: usize = 0;
    for (; c + 4 <= inner; c += 4) l2Group(x + off + (c << 2), y + off + (c << 2), no + (c << 2), dy + off + (c << 2), dxo ? dxo + (c << 2) : 0, n, pst, false, 4, eps);
    if (c < inner) l2Group(x + off + (c << 2), y + off + (c << 2), no + (c << 2), dy + off + (c << 2), dxo ? dxo + (c << 2) : 0, n, pst, false, inner - c, eps);
  }
}

// ---- Embedding: index = trunc(data) clipped to [0, V-1].
@inline function clampIdx(f: f32, V: usize): usize { return !(f > 0) ? 0 : f >= <f32>(V - 1) ? V - 1 : <usize>f; }

/** y[i, :] = w[clip(idx[i]), :] for n indices, rows of D. */
export function f32_embedding__simd128(idx: usize, w: usize, y: usize, n: usize, D: usize, V: usize): void {
  const rb = D << 2;
  for (let i: usize = 0; i < n; i++) memory.copy(y + i * rb, w + clampIdx(load<f32>(idx + (i << 2)), V) * rb, rb);
}

/** dw = 0, then dw[clip(idx[i]), :] += dy[i, :]. */
export function f32_embedding_bwd__simd128(idx: usize, dy: usize, dw: usize, n: usize, D: usize, V: usize): void {
  const rb = D << 2;
  memory.fill(dw, 0, V * rb);
  for (let i: usize = 0; i < n; i++) {
    const q = dw + clampIdx(load<f32>(idx + (i << 2)), V) * rb, s = dy + i * rb;
    for (let j: usize = 0; j < D; j += 4) { const p = j << 2; st(q + p, f32x4.add(ld(q + p, D - j), ld(s + p, D - j)), D - j); }
  }
}

// ---- LRN across channels of (N, C, S): s = k + alpha/nsize * sum_{|c'-c| <= nsize/2} x^2, y = x * s^-beta.
/** LRN forward; writes s (MXNet's tmp_norm) and y. */
export function f32_lrn__simd128(x: usize, y: usize, s: usize, N: usize, C: usize, sp: usize, nsize: usize, alpha: f32, beta: f32, k: f32): void {
  const half = <isize>(nsize >> 1), an = S(alpha / <f32>nsize);
  for (let n: usize = 0; n < N; n++) {
    for (let c: usize = 0; c < C; c++) {
      const c0 = <usize>max(<isize>c - half, 0), c1 = <usize>min(<isize>c + half, <isize>C - 1), base = ((n * C + c) * sp) << 2;
      for (let i: usize = 0; i < sp; i += 4) {
        const r = sp - i;
        let acc = S(0);
        for (let q = c0; q <= c1; q++) { const v = ld(x + (((n * C + q) * sp + i) << 2), r); acc = fma(v, v, acc); }
        const sc = fma(an, acc, S(k)), p = base + (i << 2);
        st(s + p, sc, r);
        st(y + p, f32x4.mul(ld(x + p, r), M.exp(f32x4.mul(S(-beta), M.log(sc)))), r);
      }
    }
  }
}

/** LRN backward: dx = dy * s^-beta - 2*beta*alpha/nsize * x * sum_window(dy * y / s). */
export function f32_lrn_bwd__simd128(x: usize, y: usize, s: usize, dy: usize, dx: usize, N: usize, C: usize, sp: usize, nsize: usize, alpha: f32, beta: f32): void {
  const half = <isize>(nsize >> 1), f = S(-2 * beta * alpha / <f32>nsize);
  for (let n: usize = 0; n < N; n++) {
    for (let c: usize = 0; c < C; c++) {
      const c0 = <usize>max(<isize>c - half, 0), c1 = <usize>min(<isize>c + half, <isize>C - 1), base = ((n * C + c) * sp) << 2;
      for (let i: usize = 0; i < sp; i += 4) {
        const r = sp - i;
        let acc = S(0);
        for (let q = c0; q <= c1; q++) {
          const o = ((n * C + q) * sp + i) << 2;
          acc = f32x4.add(acc, v128.and(f32x4.div(f32x4.mul(ld(dy + o, r), ld(y + o, r)), ld(s + o, r)), mask(r)));
        }
        const p = base + (i << 2), pw = M.exp(f32x4.mul(S(-beta), M.log(ld(s + p, r))));
        st(dx + p, fma(f32x4.mul(f, ld(x + p, r)), acc, f32x4.mul(ld(dy + p, r), pw)), r);
      }
    }
  }
}
