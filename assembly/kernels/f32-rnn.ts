// Fused per-time-step cell math of the RNN operator (src/ops/seq/rnn*.ts): the GEMMs (input projection of
// all steps at once, recurrent product of all gates per step) run in f32_gemm; these kernels do every
// elementwise gate operation of one step in one pass over (N, H), forward and backward.
// Gate layouts follow MXNet / cuDNN: LSTM [i, f, g, o], GRU [r, z, n]. Rows are n = 0..N-1; h rows have a
// stride (ldh) since a step's h is a column block of the (T, N, D*H) output. Tails use lane loads/stores.
import { ACT_TANH, S, ld, st, tanhSigmoidMap } from './f32-math';
import { gruUnits, lstmUnits } from './f32-rnn-row';

@inline function one_minus(v: v128): v128 { return f32x4.sub(S(1), v); }
/** dh = dy + dhr (dhr 0: none). */
@inline function dhOf(dy: usize, dhr: usize, o: usize, oh: usize, r: usize): v128 {
  const a = ld(dy + o, r);
  return dhr ? f32x4.add(a, ld(dhr + oh, r)) : a;
}

/**
 * LSTM step forward. g (N, 4H): pre-activations x W_x^T + b_x + h W_h^T + b_h, overwritten with the
 * activations [i, f, g, o] (kept for backward). c = f*cp + i*g (clipped to [lo, hi] when clip), written to
 * c (N, H); h = o*tanh(c) to h (row stride ldh). cp (N, H) is the previous cell state. Each row's passes
 * (activations, cell update, output) run while the row is in cache; the transcendentals share the
 * Activation kernels' loop (one copy of that code in the module).
 */
export function f32_lstm_cell__simd128(g: usize, cp: usize, c: usize, h: usize, ldh: i32, N: i32, H: i32, lo: f32, hi: f32, clip: i32): void {
  const hb = <usize>H << 2;
  for (let n = 0; n < N; n++) lstmUnits(g + <usize>n * 4 * hb, cp + <usize>n * hb, c + <usize>n * hb, h + ((<usize>n * <usize>ldh) << 2), H, hb, lo, hi, clip);
}

/**
 * LSTM step backward. g: saved activations [i, f, g, o]; cp, c: previous and this step's cell state;
 * dh = dy (row stride ldy) + dhr (N, H; 0: none); dc (N, H) holds dL/dc from the step after and is
 * overwritten with dL/dcp. Writes the pre-activation gradients dg (N, 4H) (its o block first holds tanh(c)).
 * Where clip is set, the gradient stops at cells held at a bound.
 */
export function f32_lstm_cell_bwd__simd128(g: usize, cp: usize, c: usize, dy: usize, ldy: i32, dhr: usize, dc: usize, dg: usize, N: i32, H: i32, lo: f32, hi: f32, clip: i32): void {
  const hb = <usize>H << 2;
  for (let n = 0; n < N; n++) {
    const gr = g + <usize>n * 4 * hb, dgr = dg + <usize>n * 4 * hb, cr = <usize>n * hb, yr = dy + ((<usize>n * <usize>ldy) << 2);
    tanhSigmoidMap(ACT_TANH, c + cr, dgr + 3 * hb, <usize>H);
    for (let j = 0; j < H; j += 4) {
      const r = <usize>(H - j), o = <usize>j << 2;
      const vi = ld(gr + o, r), vf = ld(gr + hb + o, r), vg = ld(gr + 2 * hb + o, r), vo = ld(gr + 3 * hb + o, r);
      const tc = ld(dgr + 3 * hb + o, r), dh = dhOf(yr, dhr, o, cr + o, r);
      let dcc = f32x4.add(ld(dc + cr + o, r), f32x4.mul(f32x4.mul(dh, vo), one_minus(f32x4.mul(tc, tc))));
      if (clip) { const vc = ld(c + cr + o, r); dcc = v128.and(dcc, v128.and(f32x4.gt(vc, S(lo)), f32x4.lt(vc, S(hi)))); }
      st(dgr + o, f32x4.mul(f32x4.mul(dcc, vg), f32x4.mul(vi, one_minus(vi))), r);
      st(dgr + hb + o, f32x4.mul(f32x4.mul(dcc, ld(cp + cr + o, r)), f32x4.mul(vf, one_minus(vf))), r);
      st(dgr + 2 * hb + o, f32x4.mul(f32x4.mul(dcc, vi), one_minus(f32x4.mul(vg, vg))), r);
      st(dgr + 3 * hb + o, f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(vo, one_minus(vo))), r);
      st(dc + cr + o, f32x4.mul(dcc, vf), r);
    }
  }
}

/**
 * GRU step forward. g (N, 3H): x W_x^T + b_x, overwritten with [r, z, n]; hg (N, 3H): h W_h^T + b_h.
 * r = sig(g_r + hg_r), z = sig(g_z + hg_z), n = tanh(g_n + r*hg_n), h = (1-z)*n + z*hp. hp, h row strides
 * ldhp, ldh; hn (N, H) keeps hg_n for backward.
 */
export function f32_gru_cell__simd128(g: usize, hg: usize, hp: usize, ldhp: i32, h: usize, ldh: i32, hn: usize, N: i32, H: i32): void {
  const hb = <usize>H << 2;
  for (let n = 0; n < N; n++) {
    gruUnits(g + <usize>n * 3 * hb, hg + <usize>n * 3 * hb, hp + ((<usize>n * <usize>ldhp) << 2), h + ((<usize>n * <usize>ldh) << 2), hn + <usize>n * hb, H, hb);
  }
}

/**
 * GRU step backward. g: saved [r, z, n]; hn: saved hg_n; hp: previous h (stride ldhp); dh = dy (stride ldy)
 * + dhr (N, H; 0: none). Writes dgx (N, 3H) (gradient of x W_x^T + b_x), dgh (N, 3H) (of h W_h^T + b_h) and
 * dhp (N, H) = dh * z, the direct part of dL/dhp (dhp may be dhr: each lane is read before it is written).
 */
export function f32_gru_cell_bwd__simd128(g: usize, hn: usize, hp: usize, ldhp: i32, dy: usize, ldy: i32, dhr: usize, dgx: usize, dgh: usize, dhp: usize, N: i32, H: i32): void {
  const hb = <usize>H << 2;
  for (let n = 0; n < N; n++) {
    const gr = g + <usize>n * 3 * hb, xr = dgx + <usize>n * 3 * hb, qr = dgh + <usize>n * 3 * hb, hr = <usize>n * hb;
    const pr = hp + ((<usize>n * <usize>ldhp) << 2), yr = dy + ((<usize>n * <usize>ldy) << 2);
    for (let j = 0; j < H; j += 4) {
      const r = <usize>(H - j), o = <usize>j << 2;
      const vr = ld(gr + o, r), vz = ld(gr + hb + o, r), vn = ld(gr + 2 * hb + o, r);
      const dh = dhOf(yr, dhr, o, hr + o, r);
      const dn = f32x4.mul(f32x4.mul(dh, one_minus(vz)), one_minus(f32x4.mul(vn, vn)));
      const dz = f32x4.mul(f32x4.mul(dh, f32x4.sub(ld(pr + o, r), vn)), f32x4.mul(vz, one_minus(vz)));
      const drr = f32x4.mul(f32x4.mul(dn, ld(hn + hr + o, r)), f32x4.mul(vr, one_minus(vr)));
      st(xr + o, drr, r); st(xr + hb + o, dz, r); st(xr + 2 * hb + o, dn, r);
      st(qr + o, drr, r); st(qr + hb + o, dz, r); st(qr + 2 * hb + o, f32x4.mul(dn, vr), r);
      st(dhp + hr + o, f32x4.mul(dh, vz), r);
    }
  }
}

/** Vanilla RNN step forward: g (N, H) pre-activations, overwritten with a = relu (act 0) or tanh (act 1); h (stride ldh) = a. */
export function f32_rnn_cell__simd128(g: usize, h: usize, ldh: i32, N: i32, H: i32, act: i32): void {
  for (let n = 0; n < N; n++) {
    const gr = g + ((<usize>n * <usize>H) << 2), hr = h + ((<usize>n * <usize>ldh) << 2);
    if (act) tanhSigmoidMap(ACT_TANH, gr, gr, <usize>H);
    else for (let j = 0; j < H; j += 4) { const r = <usize>(H - j), o = <usize>j << 2; st(gr + o, f32x4.pmax(ld(gr + o, r), S(0)), r); }
    memory.copy(hr, gr, <usize>H << 2);
  }
}

/** Vanilla RNN step backward: dg (N, H) = (dy (stride ldy) + dhr) * act'(a), a the saved activations g. */
export function f32_rnn_cell_bwd__simd128(g: usize, dy: usize, ldy: i32, dhr: usize, dg: usize, N: i32, H: i32, act: i32): void {
  for (let n = 0; n < N; n++) {
    const hr = (<usize>n * <usize>H) << 2, yr = dy + ((<usize>n * <usize>ldy) << 2);
    for (let j = 0; j < H; j += 4) {
      const r = <usize>(H - j), o = <usize>j << 2, a = ld(g + hr + o, r), dh = dhOf(yr, dhr, o, hr + o, r);
      const d = act ? f32x4.mul(dh, one_minus(f32x4.mul(a, a))) : v128.and(dh, f32x4.gt(a, S(0)));
      st(dg + hr + o, d, r);
    }
  }
}

/** y[n, :H] = a[n*lda + :H] + b[n*ldb + :H] (b 0: a copy) for n < N: strided row sums and copies of the RNN lowering. */
export function f32_addrows__simd128(a: usize, lda: i32, b: usize, ldb: i32, y: usize, ldy: i32, N: i32, H: i32): void {
  for (let n = 0; n < N; n++) {
    const ar = a + ((<usize>n * <usize>lda) << 2), br = b + ((<usize>n * <usize>ldb) << 2), yr = y + ((<usize>n * <usize>ldy) << 2);
    for (let j = 0; j < H; j += 4) {
      const r = <usize>(H - j), o = <usize>j << 2, v = ld(ar + o, r);
      st(yr + o, b ? f32x4.add(v, ld(br + o, r)) : v, r);
    }
  }
}
