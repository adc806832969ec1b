// BatchNorm kernels of the nn family (MXNet CPU semantics: invstd in the var output, moving statistics
// updated by the backward). Conventions: f32-nn.ts; helpers: f32-math.ts.
import { S, fma, hsum, ld, mask, st } from './f32-math';

// ---- BatchNorm over (outer, C, inner), per channel; var output holds invstd as MXNet's CPU kernel does.
// (N, C) data (inner == 1). Forward streams rows (channels as lanes), accumulating in the mean / var outputs.
@inline function bnSum(acc: usize, x: usize, mu: usize, p: usize, r: usize, sq: bool): void {
  if (sq) { const d = f32x4.sub(ld(x + p, r), ld(mu + p, r)); st(acc + p, fma(d, d, ld(acc + p, r)), r); }
  else st(acc + p, f32x4.add(ld(acc + p, r), ld(x + p, r)), r);
}
@inline function bnFin(mean: usize, vr: usize, rm: usize, rv: usize, p: usize, r: usize, fN: v128, eps: f32, train: bool): void {
  if (train) {
    const q = ld(vr + p, r);
    let is = f32x4.div(S(1), f32x4.sqrt(f32x4.add(f32x4.div(q, fN), S(eps))));
    if (eps == 0) is = v128.andnot(is, f32x4.eq(q, S(0)));
    st(vr + p, is, r);
  } else {
    st(mean + p, ld(rm + p, r), r); st(vr + p, f32x4.div(S(1), f32x4.sqrt(f32x4.add(ld(rv + p, r), S(eps)))), r);
  }
}
@inline function bnApply(x: usize, y: usize, g: usize, b: usize, mean: usize, vr: usize, q: usize, p: usize, r: usize, fix: bool): void {
  const a = fix ? ld(vr + p, r) : f32x4.mul(ld(vr + p, r), ld(g + p, r));
  st(y + q + p, fma(f32x4.sub(ld(x + q + p, r), ld(mean + p, r)), a, ld(b + p, r)), r);
}
function bnFwdRows(x: usize, y: usize, g: usize, b: usize, mean: usize, vr: usize, rm: usize, rv: usize, N: usize, C: usize, eps: f32, flags: i32): void {
  const pst = C << 2, train = (flags & 1) != 0, fix = (flags & 2) != 0, fN = S(<f32>N);
  if (train) {
    memory.fill(mean, 0, pst); memory.fill(vr, 0, pst);
    for (let o: usize = 0; o < N; o++) {
      let c: usize = 0;
      for (; c + 4 <= C; c += 4) bnSum(mean, x + o * pst, 0, c << 2, 4, false);
      if (c < C) bnSum(mean, x + o * pst, 0, c << 2, C - c, false);
    }
    let c: usize = 0;
    for (; c + 4 <= C; c += 4) v128.store(mean + (c << 2), f32x4.div(v128.load(mean + (c << 2)), fN));
    if (c < C) st(mean + (c << 2), f32x4.div(ld(mean + (c << 2), C - c), fN), C - c);
    for (let o: usize = 0; o < N; o++) {
      c = 0;
      for (; c + 4 <= C; c += 4) bnSum(vr, x + o * pst, mean, c << 2, 4, true);
      if (c < C) bnSum(vr, x + o * pst, mean, c << 2, C - c, true);
    }
    c = 0;
    for (; c + 4 <= C; c += 4) bnFin(mean, vr, rm, rv, c << 2, 4, fN, eps, true);
    if (c < C) bnFin(mean, vr, rm, rv, c << 2, C - c, fN, eps, true);
  } else {
    let c: usize = 0;
    for (; c + 4 <= C; c += 4) bnFin(mean, vr, rm, rv, c << 2, 4, fN, eps, false);
    if (c < C) bnFin(mean, vr, rm, rv, c << 2, C - c, fN, eps, false);
  }
  for (let o: usize = 0; o < N; o++) {
    let c: usize = 0;
    for (; c + 4 <= C; c += 4) bnApply(x, y, g, b, mean, vr, o * pst, c << 2, 4, fix);
    if (c < C) bnApply(x, y, g, b, mean, vr, o * pst, c << 2, C - c, fix);
  }
}
// Backward for (N, C) data when dg and db are wanted: rows streamed, sums accumulated in db and dg.
@inline function bnBwdSum(x: usize, dy: usize, mean: usize, dg: usize, db: usize, q: usize, p: usize, r: usize): void {
  const d = ld(dy + q + p, r);
  st(db + p, f32x4.add(ld(db + p, r), d), r);
  st(dg + p, fma(f32x4.sub(ld(x + q + p, r), ld(mean + p, r)), d, ld(dg + p, r)), r);
}
@inline function bnBwdDx(x: usize, dy: usize, dx: usize, g: usize, mean: usize, vr: usize, dg: usize, db: usize, q: usize, p: usize, r: usize, fN: v128, train: bool, fix: bool): void {
  const is = ld(vr + p, r), iw = fix ? is : f32x4.mul(is, ld(g + p, r));
  let t = ld(dy + q + p, r);
  if (train) {
    const k = f32x4.div(f32x4.mul(ld(dg + p, r), f32x4.mul(is, is)), fN);
    t = f32x4.sub(f32x4.sub(t, f32x4.div(ld(db + p, r), fN)), f32x4.mul(f32x4.sub(ld(x + q + p, r), ld(mean + p, r)), k));
  }
  st(dx + q + p, f32x4.mul(t, iw), r);
}
@inline function bnBwdFin(mean: usize, vr: usize, rm: usize, rv: usize, dg: usize, p: usize, r: usize, eps: f32, mom: f32, train: bool, fix: bool): void {
  const is = ld(vr + p, r);
  if (train) {
    const variance = f32x4.sub(f32x4.div(S(1), f32x4.mul(is, is)), S(eps));
    st(rm + p, fma(ld(rm + p, r), S(mom), f32x4.mul(ld(mean + p, r), S(<f32>1 - mom))), r);
    st(rv + p, fma(ld(rv + p, r), S(mom), f32x4.mul(variance, S(<f32>1 - mom))), r);
  }
  st(dg + p, fix ? S(0) : f32x4.mul(ld(dg + p, r), is), r);
}
/** Reads mu / invstd from the forward's mean / var outputs (written in every mode). */
function bnBwdRows(x: usize, dy: usize, dx: usize, g: usize, mean: usize, vr: usize, rm: usize, rv: usize, dg: usize, db: usize, N: usize, C: usize, eps: f32, mom: f32, flags: i32): void {
  const pst = C << 2, train = (flags & 1) != 0, fix = (flags & 2) != 0, fN = S(<f32>N);
  memory.fill(dg, 0, pst); memory.fill(db, 0, pst);
  for (let o: usize = 0; o < N; o++) {
    let c: usize = 0;
    for (; c + 4 <= C; c += 4) bnBwdSum(x, dy, mean, dg, db, o * pst, c << 2, 4);
    if (c < C) bnBwdSum(x, dy, mean, dg, db, o * pst, c << 2, C - c);
  }
  if (dx) {
    for (let o: usize = 0; o < N; o++) {
      let c: usize = 0;
      for (; c + 4 <= C; c += 4) bnBwdDx(x, dy, dx, g, mean, vr, dg, db, o * pst, c << 2, 4, fN, train, fix);
      if (c < C) bnBwdDx(x, dy, dx, g, mean, vr, dg, db, o * pst, c << 2, C - c, fN, train, fix);
    }
  }
  let c: usize = 0;
  for (; c + 4 <= C; c += 4) bnBwdFin(mean, vr, rm, rv, dg, c << 2, 4, eps, mom, train, fix);
  if (c < C) bnBwdFin(mean, vr, rm, rv, dg, c << 2, C - c, eps, mom, train, fix);
}

/**
 * BatchNorm forward. flags: 1 batch statistics (training, writes mean and invstd of the batch, biased
 * variance), else moving statistics rm/rv; 2 fix_gamma (gamma taken as 1). y = (x - mean) * invstd * g + b.
 */
export function f32_bn_fwd__simd128(x: usize, y: usize, g: usize, b: usize, mean: usize, vr: usize, rm: usize, rv: usize, outer: usize, C: usize, inner: usize, eps: f32, flags: i32): void {
  if (inner == 1) {
    bnFwdRows(x, y, g, b, mean, vr, rm, rv, outer, C, eps, flags);
    return;
  }
  const M = <f32>(outer * inner);
  for (let ch: usize = 0; ch < C; ch++) {
    const co = ch << 2;
    let mu: f32, is: f32;
    if (flags & 1) {
      let s = S(0), q = S(0);
      for (let o: usize = 0; o < outer; o++) {
        const base = (o * C + ch) * inner;
        {
          let i: usize = 0;
          for (; i + 4 <= inner; i += 4) s = f32x4.add(s, ld(x + ((base + i) << 2), 4));
          if (i < inner) s = f32x4.add(s, ld(x + ((base + i) << 2), inner - i));
        }
      }
      mu = hsum(s) / M;
      for (let o: usize = 0; o < outer; o++) {
        const base = (o * C + ch) * inner;
        {
          let i: usize = 0;
          for (; i + 4 <= inner; i += 4) {
            const d = v128.and(f32x4.sub(ld(x + ((base + i) << 2), 4), S(mu)), mask(4));
            q = fma(d, d, q);
          }
          if (i < inner) {
            const d = v128.and(f32x4.sub(ld(x + ((base + i) << 2), inner - i), S(mu)), mask(inner - i));
            q = fma(d, d, q);
          }
        }
      }
      const v = hsum(q);
      is = v == 0 && eps == 0 ? 0 : 1 / sqrt<f32>(v / M + eps);
    } else {
      mu = load<f32>(rm + co); is = 1 / sqrt<f32>(load<f32>(rv + co) + eps);
    }
    store<f32>(mean + co, mu); store<f32>(vr + co, is);
    const a = S(flags & 2 ? is : is * load<f32>(g + co)), bb = S(load<f32>(b + co));
    for (let o: usize = 0; o < outer; o++) {
      const base = (o * C + ch) * inner;
      {
        let i: usize = 0;
        for (; i + 4 <= inner; i += 4) {
          const p = (base + i) << 2, r = 4;
          st(y + p, fma(f32x4.sub(ld(x + p, r), S(mu)), a, bb), r);
        }
        if (i < inner) {
          const p = (base + i) << 2, r = inner - i;
          st(y + p, fma(f32x4.sub(ld(x + p, r), S(mu)), a, bb), r);
        }
      }
    }
  }
}

/**
 * BatchNorm backward (MXNet's BatchNormBackwardImpl). flags: 1 training with batch statistics (uses saved
 * mean/invstd and updates the moving statistics rm/rv with `mom`), else moving statistics; 2 fix_gamma.
 * dx, dg, db may be 0 (not wanted).
 */
export function f32_bn_bwd__simd128(x: usize, dy: usize, dx: usize, g: usize, mean: usize, vr: usize, rm: usize, rv: usize, dg: usize, db: usize, outer: usize, C: usize, inner: usize, eps: f32,
  mom: f32, flags: i32): void {
  if (inner == 1 && dg && db) { bnBwdRows(x, dy, dx, g, mean, vr, rm, rv, dg, db, outer, C, eps, mom, flags); return; }
  const M = <f32>(outer * inner), train = flags & 1;
  for (let ch: usize = 0; ch < C; ch++) {
    const co = ch << 2, w: f32 = flags & 2 ? 1 : load<f32>(g + co);
    let mu: f32, is: f32;
    if (train) {
      mu = load<f32>(mean + co); is = load<f32>(vr + co);
      const variance: f32 = <f32>1 / (is * is) - eps;
      store<f32>(rm + co, load<f32>(rm + co) * mom + mu * (<f32>1 - mom));
      store<f32>(rv + co, load<f32>(rv + co) * mom + variance * (<f32>1 - mom));
    } else {
      mu = load<f32>(rm + co); is = 1 / sqrt<f32>(load<f32>(rv + co) + eps);
    }
    let s1 = S(0), s2 = S(0);
    for (let o: usize = 0; o < outer; o++) {
      const base = (o * C + ch) * inner;
      {
        let i: usize = 0;
        for (; i + 4 <= inner; i += 4) {
          const p = (base + i) << 2, r = 4, d = ld(dy + p, r);
          s1 = f32x4.add(s1, d);
          s2 = fma(v128.and(f32x4.sub(ld(x + p, r), S(mu)), mask(r)), d, s2);
        }
        if (i < inner) {
          const p = (base + i) << 2, r = inner - i, d = ld(dy + p, r);
          s1 = f32x4.add(s1, d);
          s2 = fma(v128.and(f32x4.sub(ld(x + p, r), S(mu)), mask(r)), d, s2);
        }
      }
    }
    const sdy = hsum(s1), dot = hsum(s2);
    if (dx) {
      const k = S(train ? dot * is * is / M : 0), gm = S(train ? sdy / M : 0), iw = S(is * w);
      for (let o: usize = 0; o < outer; o++) {
        const base = (o * C + ch) * inner;
        {
          let i: usize = 0;
          for (; i + 4 <= inner; i += 4) {
            const p = (base + i) << 2, r = 4;
            const t = f32x4.sub(f32x4.sub(ld(dy + p, r), gm), f32x4.mul(f32x4.sub(ld(x + p, r), S(mu)), k));
            st(dx + p, f32x4.mul(t, iw), r);
          }
          if (i < inner) {
            const p = (base + i) << 2, r = inner - i;
            const t = f32x4.sub(f32x4.sub(ld(dy + p, r), gm), f32x4.mul(f32x4.sub(ld(x + p, r), S(mu)), k));
            st(dx + p, f32x4.mul(t, iw), r);
          }
        }
      }
    }
    if (dg) store<f32>(dg + co, flags & 2 ? 0 : dot * is);
    if (db) store<f32>(db + co, sdy);
  }
}
