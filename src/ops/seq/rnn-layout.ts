// The RNN op's geometry: MXNet's packed `parameters` layout (cuDNN order) and the planned buffers
// (the hidden `reserve` output backward reads, and the backward workspace), all in float counts.
import { ArgumentError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';

export type RnnMode = 'rnn_relu' | 'rnn_tanh' | 'lstm' | 'gru';

/** Where one layer-direction's pieces sit (float offsets into `parameters` or `reserve`). */
export interface RnnCellPlan {
  l: number; d: number; inSize: number;
  wx: number; wh: number; wr: number; bx: number; bh: number;
  gates: number; cell: number; hn: number; r: number;
}

export interface RnnGeom {
  mode: RnnMode; T: number; N: number; I: number; H: number; L: number; D: number;
  /** Gates per step: 1 (rnn), 4 (lstm), 3 (gru). */
  G: number;
  /** Projection size (LSTM) or 0. */
  P: number;
  /** Size of h: P when projecting, else H. */
  Ho: number;
  cells: RnnCellPlan[];
  /** Per layer l < L-1: its raw output Y_l and the next layer's input X_{l+1} (Y_l after dropout; the same when p = 0). */
  layerOut: number[]; layerIn: number[];
  /** Dropout mask per layer l < L-1 (when p > 0). */
  mask: number[];
  paramSize: number; reserveSize: number;
}

const GATES: Record<RnnMode, number> = { rnn_relu: 1, rnn_tanh: 1, lstm: 4, gru: 3 };

/**
 * MXNet's GetRnnParamSize: all weights (per layer, per direction: W_x (G*H, in), W_h (G*H, Ho), with a
 * projection W_r (P, H)), then all biases (b_x (G*H), b_h (G*H)) in the same order.
 * @example rnnParamSize('lstm', 1, 10, 20, 1, 0) // 4*20*(10 + 20 + 2) = 2560
 */
export function rnnParamSize(mode: RnnMode, L: number, I: number, H: number, D: number, P: number): number {
  const GH = GATES[mode] * H, Ho = P || H;
  let n = 0;
  for (let l = 0; l < L; l++) n += D * (GH * ((l ? D * Ho : I) + Ho + 2) + (P ? P * H : 0));
  return n;
}

/** Checks the attributes (node-named errors) and lays out parameters and reserve for data (T, N, I). */
export function rnnGeom(a: Attrs, T: number, N: number, I: number, node: string): RnnGeom {
  const mode = a.mode as RnnMode, H: number = a.state_size, L: number = a.num_layers, D = a.bidirectional ? 2 : 1;
  const bad = (msg: string, attr: string) => new ArgumentError(opMessage(node, 'RNN', msg), { op: 'RNN', node, attr });
  if (!(H >= 1)) throw bad(`state_size must be >= 1, got ${H}`, 'state_size');
  if (!(L >= 1)) throw bad(`num_layers must be >= 1, got ${L}`, 'num_layers');
  if (!(a.p >= 0 && a.p < 1)) throw bad(`p must be in [0, 1), got ${a.p}`, 'p');
  if (a.use_sequence_length) throw bad('use_sequence_length is not supported (MXNet supports it with cuDNN only)', 'use_sequence_length');
  const P: number = a.projection_size ?? 0;
  if (P && mode !== 'lstm') throw bad(`projection_size is for mode lstm only, got mode ${mode}`, 'projection_size');
  if (a.projection_size !== null && !(P >= 1 && P < H)) throw bad(`projection_size must be in [1, state_size), got ${a.projection_size}`, 'projection_size');
  const clip = a.lstm_state_clip_min !== null || a.lstm_state_clip_max !== null;
  if (clip && mode !== 'lstm') throw bad('lstm_state_clip_min/max are for mode lstm only', 'lstm_state_clip_min');
  const G = GATES[mode], GH = G * H, Ho = P || H, TN = T * N, cells: RnnCellPlan[] = [];
  let w = 0, res = 0;
  for (let l = 0; l < L; l++) for (let d = 0; d < D; d++) {
    const inSize = l ? D * Ho : I;
    const c: RnnCellPlan = { l, d, inSize, wx: w, wh: w + GH * inSize, wr: P ? w + GH * (inSize + Ho) : 0, bx: 0, bh: 0, gates: res, cell: 0, hn: 0, r: 0 };
    w += GH * (inSize + Ho) + (P ? P * H : 0);
    res += TN * GH;
    if (mode === 'lstm') { c.cell = res; res += TN * H; }
    if (mode === 'gru') { c.hn = res; res += TN * H; }
    if (P) { c.r = res; res += TN * H; }
    cells.push(c);
  }
  for (const c of cells) { c.bx = w; c.bh = w + GH; w += 2 * GH; }
  const layerOut: number[] = [], layerIn: number[] = [], mask: number[] = [];
  for (let l = 0; l + 1 < L; l++) {
    layerOut.push(res); res += TN * D * Ho;
    if (a.p > 0) { mask.push(res); res += TN * D * Ho; layerIn.push(res); res += TN * D * Ho; } else layerIn.push(layerOut[l]);
  }
  return { mode, T, N, I, H, L, D, G, P, Ho, cells, layerOut, layerIn, mask, paramSize: w, reserveSize: res };
}

/** Backward workspace (floats): dG (and dG_h for GRU) of all steps, dh / dc carries, two layer-gradient buffers, projection buffers. */
export function rnnBwdWorkspace(g: RnnGeom): { dgx: number; dgh: number; dhr: number; dc: number; dy: number[]; dhAll: number; dr: number; size: number } {
  const TN = g.T * g.N, GH = g.G * g.H;
  let n = 0;
  const take = (k: number) => { const o = n; n += k; return o; };
  const dgx = take(TN * GH), dgh = g.mode === 'gru' ? take(TN * GH) : dgx;
  const dhr = take(g.N * g.Ho), dc = take(g.N * g.H);
  const dy = g.L > 1 ? [take(TN * g.D * g.Ho), take(TN * g.D * g.Ho)] : [];
  const dhAll = g.P ? take(TN * g.P) : 0, dr = g.P ? take(g.N * g.H) : 0;
  return { dgx, dgh, dhr, dc, dy, dhAll, dr, size: n };
}
