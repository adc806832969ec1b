/**
 * ONNX LSTM / GRU / RNN onto mxwasm's fused `RNN` op (one layer; D = 2 for bidirectional): W, R and B are
 * packed at import into MXNet's flat `parameters` (rnn-layout.ts: per direction W_x then W_h, then per
 * direction b_x then b_h) with the gate blocks reordered (LSTM i,o,f,c → i,f,c,o; GRU z,r,h → r,z,n).
 * Y (T, N, D*H) is reshaped to ONNX's (T, D, N, H); Y_h / Y_c are the op's state outputs, already (D, N, H).
 * A GRU with linear_before_reset = 0 (the reset gate applied before the recurrent matmul, which MXNet's
 * GRU does not do), sequence_lens shorter than the sequence, clip, LSTM peepholes and input_forget are unrolled
 * exactly instead (rnn-unroll.ts).
 */
import type { Symbol } from '../symbol/symbol.js';
import type { NodeCtx } from './context.js';
import type { Mapper } from './ops-nn.js';
import { unrolled } from './rnn-unroll.js';
import { DT, type Const } from './tensor.js';

type Kind = 'LSTM' | 'GRU' | 'RNN';
const G = { LSTM: 4, GRU: 3, RNN: 1 } as const;
/** MXNet gate block j is ONNX gate block PERM[j]. */
const PERM: Record<Kind, number[]> = { LSTM: [0, 2, 3, 1], GRU: [1, 0, 2], RNN: [0] };
const DEFAULT_ACTS: Record<Kind, string[][]> = { LSTM: [['Sigmoid', 'Tanh', 'Tanh']], GRU: [['Sigmoid', 'Tanh']], RNN: [['Tanh'], ['Relu']] };
const td = new TextDecoder();

/** Checks what neither mapping supports; returns whether the RNN uses Relu. */
function check(c: NodeCtx, kind: Kind, D: number): boolean {
  const dir = c.s('direction', 'forward');
  if (dir !== 'forward' && dir !== 'reverse' && dir !== 'bidirectional') throw c.fail(`direction ${dir} is not one of forward, reverse, bidirectional`);
  if (!(c.i('hidden_size', 0) > 0)) throw c.fail('hidden_size is required');
  const layout = c.i('layout', 0);
  if (layout !== 0 && layout !== 1) throw c.fail(`layout ${layout} is not 0 or 1`);
  const acts = c.node.attribute.find((a) => a.name === 'activations')?.strings.map((s) => td.decode(s).toLowerCase());
  if (!acts) return false;
  const per = acts.slice(0, acts.length / D);
  const ok = DEFAULT_ACTS[kind].findIndex((d) => d.length === per.length && d.every((v, i) => v.toLowerCase() === per[i]) && acts.every((v, i) => v === per[i % per.length]));
  if (ok < 0) throw c.fail(`activations ${acts.join(',')} are not supported (only the defaults${kind === 'RNN' ? ' and Relu' : ''})`);
  return kind === 'RNN' && ok === 1;
}

/** MXNet's packed parameters for one layer of D directions from ONNX W (D, G*H, I), R (D, G*H, H), B (D, 2*G*H). */
export function packOnnxRnn(kind: Kind, W: Const, R: Const, B: Const | undefined, H: number): Float32Array {
  const g = G[kind], D = W.dims[0], I = W.dims[2], GH = g * H, perm = PERM[kind];
  const out = new Float32Array(D * GH * (I + H + 2));
  let p = 0;
  const blocks = (src: ArrayLike<number>, base: number, cols: number) => {
    for (const j of perm) for (let r = 0; r < H; r++) for (let k = 0; k < cols; k++) out[p++] = src[base + (j * H + r) * cols + k];
  };
  for (let d = 0; d < D; d++) { blocks(W.data, d * GH * I, I); blocks(R.data, d * GH * H, H); }
  for (let d = 0; d < D; d++) for (const half of [0, 1]) {
    if (B) blocks(B.data, d * 2 * GH + half * GH, 1); else p += GH;
  }
  return out;
}

function fused(kind: Kind): Mapper {
  const unroll = unrolled(kind);
  return (c) => {
    const H = c.i('hidden_size', 0), D = c.s('direction', 'forward') === 'bidirectional' ? 2 : 1, layout = c.i('layout', 0);
    const x0 = c.shape(0), W = c.const(1), R = c.const(2), B = c.has(3) ? c.const(3) : undefined;
    if (!x0 || x0.length !== 3 || !W || !R || (c.has(3) && !B)) throw c.fail('X needs a static rank-3 shape and W, R, B must be initializers');
    const relu = check(c, kind, D);
    const I = x0[2], g = G[kind];
    if (W.dims.join() !== [D, g * H, I].join() || R.dims.join() !== [D, g * H, H].join() || (B && B.dims.join() !== [D, 2 * g * H].join())) {
      throw c.fail(`W ${W.dims}, R ${R.dims}${B ? `, B ${B.dims}` : ''} do not match ${D} direction(s), hidden_size ${H}, input size ${I}`);
    }
    // sequence_lens other than a constant T (shorter, or given at run time): the exact masked unrolling
    const lens = c.has(4) ? c.const(4) : undefined, T = layout ? x0[1] : x0[0];
    if (c.has(4) && (!lens || Array.from(lens.data).some((v) => v !== T))) return unroll(c);
    // peepholes, clip and coupled input/forget gates: the fused op has none of them
    if ((kind === 'LSTM' && (c.has(7) || c.i('input_forget', 0))) || c.hasAttr('clip')) return unroll(c);
    if (kind === 'GRU' && !c.i('linear_before_reset', 0)) return unroll(c);
    const tr = (s: Symbol, axes: number[], tag: string) => c.mx('transpose', [s], { axes }, tag);
    let x = c.sym(0);
    if (layout) x = tr(x, [1, 0, 2], 'xt');
    // the op runs a single direction forward only: reverse = forward over the time-reversed sequence
    const rev = c.s('direction', 'forward') === 'reverse';
    if (rev) x = c.mx('SequenceReverse', [x], {}, 'xr');
    const state = (i: number, tag: string): Symbol => {
      if (c.has(i)) return layout ? tr(c.sym(i), [1, 0, 2], `${tag}t`) : c.sym(i);
      // zeros (D, N, H) that follow the batch of x: x[0:1, :, 0:1] → zeros_like → broadcast
      const one = c.mx('slice', [x], { begin: [0, null, 0], end: [1, null, 1] }, `${tag}s`);
      return c.mx('broadcast_axis', [c.mx('zeros_like', [one], {}, `${tag}z`)], { axis: [0, 2], size: [D, H] }, tag);
    };
    const par = c.param(`${c.name}_parameters`, { dims: [D * g * H * (I + H + 2)], type: DT.FLOAT, data: packOnnxRnn(kind, W, R, B, H) });
    const mode = kind === 'LSTM' ? 'lstm' : kind === 'GRU' ? 'gru' : relu ? 'rnn_relu' : 'rnn_tanh';
    const ins = [x, par, state(5, 'h0'), ...(kind === 'LSTM' ? [state(6, 'c0')] : [])];
    const rnn = c.mx('RNN', ins, { state_size: H, num_layers: 1, bidirectional: D === 2, mode, state_outputs: true });
    const y = rev ? c.mx('SequenceReverse', [rnn.get(0)], {}, 'yr') : rnn.get(0);
    // (T, N, D*H) → ONNX Y (T, D, N, H), or (N, T, D, H) with layout 1
    let Y = D === 1 && !layout ? c.mx('expand_dims', [y], { axis: 1 }, 'Y') : tr(c.mx('Reshape', [y], { shape: [0, 0, D, H] }, 'Y4'), layout ? [1, 0, 2, 3] : [0, 2, 1, 3], 'Y');
    let Yh = rnn.get(1), Yc = kind === 'LSTM' ? rnn.get(2) : undefined;
    if (layout) { Yh = tr(Yh, [1, 0, 2], 'Yh'); if (Yc) Yc = tr(Yc, [1, 0, 2], 'Yc'); }
    return Yc ? [Y, Yh, Yc] : [Y, Yh];
  };
}

export const RNN_MAP: Record<string, Mapper> = { LSTM: fused('LSTM'), GRU: fused('GRU'), RNN: fused('RNN') };
