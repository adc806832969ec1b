// The per-row cell math of the RNN step kernels, shared (not inlined) by f32_lstm_cell / f32_gru_cell
// (f32-rnn.ts) and the whole-sequence kernels (f32-rnn-seq.ts): one copy each in the module. Not
// kernels themselves (assembly/index.ts does not re-export this file). They work on n units of a row whose gate
// blocks are hb bytes apart (n = H, hb = 4H for a whole row; a block of units for the sequence kernels' chunks).
import { ACT_SIGMOID, ACT_TANH, S, ld, st, tanhSigmoidMap } from './f32-math';

@inline function one_minus(v: v128): v128 { return f32x4.sub(S(1), v); }

/** LSTM step forward of n units: gr (gate blocks i f g o, hb bytes apart) pre-activations → activations; cr, hr ← the new c, h. */
export function lstmUnits(gr: usize, cpr: usize, cr: usize, hr: usize, n: i32, hb: usize, lo: f32, hi: f32, clip: i32): void {
  const h4 = <usize>n;
  tanhSigmoidMap(ACT_SIGMOID, gr, gr, h4); tanhSigmoidMap(ACT_SIGMOID, gr + hb, gr + hb, h4);
  tanhSigmoidMap(ACT_TANH, gr + 2 * hb, gr + 2 * hb, h4); tanhSigmoidMap(ACT_SIGMOID, gr + 3 * hb, gr + 3 * hb, h4);
  for (let j = 0; j < n; j += 4) {
    const r = <usize>(n - j), o = <usize>j << 2;
    let vc = f32x4.add(f32x4.mul(ld(gr + hb + o, r), ld(cpr + o, r)), f32x4.mul(ld(gr + o, r), ld(gr + 2 * hb + o, r)));
    if (clip) vc = f32x4.pmax(f32x4.pmin(vc, S(hi)), S(lo));
    st(cr + o, vc, r);
  }
  tanhSigmoidMap(ACT_TANH, cr, hr, h4);
  for (let j = 0; j < n; j += 4) { const r = <usize>(n - j), o = <usize>j << 2; st(hr + o, f32x4.mul(ld(hr + o, r), ld(gr + 3 * hb + o, r)), r); }
}

/** GRU step forward of n units: gr (r z n blocks, hb bytes apart) → [r, z, n], qr (same layout) = hg, pr = hp, hr ← h, nr ← hg_n. */
export function gruUnits(gr: usize, qr: usize, pr: usize, hr: usize, nr: usize, n: i32, hb: usize): void {
  const h4 = <usize>n;
  for (let j: usize = 0; j < h4; j += 4) {
    const r = h4 - j, o = j << 2;
    st(gr + o, f32x4.add(ld(gr + o, r), ld(qr + o, r)), r); st(gr + hb + o, f32x4.add(ld(gr + hb + o, r), ld(qr + hb + o, r)), r);
  }
  tanhSigmoidMap(ACT_SIGMOID, gr, gr, h4); tanhSigmoidMap(ACT_SIGMOID, gr + hb, gr + hb, h4);
  for (let j = 0; j < n; j += 4) {
    const r = <usize>(n - j), o = <usize>j << 2, qn = ld(qr + 2 * hb + o, r);
    st(nr + o, qn, r);
    st(gr + 2 * hb + o, f32x4.add(ld(gr + 2 * hb + o, r), f32x4.mul(ld(gr + o, r), qn)), r);
  }
  tanhSigmoidMap(ACT_TANH, gr + 2 * hb, gr + 2 * hb, h4);
  for (let j = 0; j < n; j += 4) {
    const r = <usize>(n - j), o = <usize>j << 2, vz = ld(gr + hb + o, r);
    st(hr + o, f32x4.add(f32x4.mul(one_minus(vz), ld(gr + 2 * hb + o, r)), f32x4.mul(vz, ld(pr + o, r))), r);
  }
}
