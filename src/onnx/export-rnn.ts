/**
 * The fused RNN op → ONNX LSTM / GRU / RNN nodes, one per layer (ONNX recurrent ops are single-layer):
 * the packed `parameters` (a parameter value, rnn-layout.ts) is split into W (D, G*H, in), R (D, G*H, H),
 * B (D, 2*G*H) with the gate blocks back in ONNX order (LSTM i,f,c,o → i,o,f,c; GRU r,z,n → z,r,h with
 * linear_before_reset = 1, which is MXNet's GRU); layer l's Y (T, D, N, H) becomes layer l+1's X (T, N, D*H);
 * initial states are sliced per layer, final states concatenated. Refused: projection, state clipping,
 * use_sequence_length (dropout between layers is identity at inference).
 */
import { MxError } from '../errors.js';
import type { Node } from '../graph/node.js';
import { rnnGeom } from '../ops/seq/rnn-layout.js';
import type { ExportCtx } from './export-ctx.js';
import { DT } from './tensor.js';

/** ONNX gate block i is MXNet's block FROM_MX[i]. */
const FROM_MX: Record<string, number[]> = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], rnn_tanh: [0], rnn_relu: [0] };

export function exportRnn(c: ExportCtx, n: Node): void {
  const a = n.attrs, mode = a.mode as string, fail = (msg: string) => new MxError('unsupported', `exportModel: RNN (node ${n.name}): ${msg}`, { op: 'RNN', node: n.name });
  if (a.projection_size) throw fail('projection_size has no ONNX equivalent');
  if (a.lstm_state_clip_min !== null || a.lstm_state_clip_max !== null) throw fail('lstm_state_clip_min/max have no ONNX equivalent (ONNX clip bounds the gate inputs)');
  if (a.use_sequence_length) throw fail('use_sequence_length is not exported');
  const xs = c.shape(n.inputs[0]), pe = n.inputs[1], par = pe.node.op === 'null' ? c.param(pe.node.name) : undefined;
  if (!xs || xs.length !== 3) throw fail('the data shape must be known (T, N, I)');
  if (!par) throw fail(`parameters '${c.name(pe)}' must be a given parameter value`);
  const g = rnnGeom(a, xs[0], xs[1], xs[2], n.name), { H, D, L, G } = g, GH = G * H, perm = FROM_MX[mode];
  const kind = mode === 'lstm' ? 'LSTM' : mode === 'gru' ? 'GRU' : 'RNN';
  const ins = n.inputs.map((e) => c.name(e)), lstm = mode === 'lstm';
  const slice = (src: string, l: number, tag: string) => {
    const dst = c.fresh(`${n.name}_${tag}${l}`);
    const i64 = (tag: string, v: number) => c.init(`${n.name}_${tag}${l}`, [1], [v], DT.INT64);
    if (c.opset >= 10) c.node('Slice', [src, i64('s', l * D), i64('e', (l + 1) * D), i64('a', 0)], [dst]);
    else c.node('Slice', [src], [dst], { starts: [l * D], ends: [(l + 1) * D], axes: [0] });
    return dst;
  };
  const attrs: Record<string, number | string | { strings: string[] }> = { hidden_size: H, direction: D === 2 ? 'bidirectional' : 'forward' };
  if (mode === 'gru') attrs.linear_before_reset = 1;
  if (mode === 'rnn_relu') attrs.activations = { strings: new Array(D).fill('Relu') };
  let X = ins[0];
  const hs: string[] = [], cs: string[] = [];
  for (let l = 0; l < L; l++) {
    const inSize = g.cells[l * D].inSize, W = new Float32Array(D * GH * inSize), R = new Float32Array(D * GH * H), B = new Float32Array(D * 2 * GH);
    for (let d = 0; d < D; d++) {
      const cell = g.cells[l * D + d];
      perm.forEach((j, i) => {
        W.set(par.subarray(cell.wx + j * H * inSize, cell.wx + (j + 1) * H * inSize), (d * GH + i * H) * inSize);
        R.set(par.subarray(cell.wh + j * H * H, cell.wh + (j + 1) * H * H), (d * GH + i * H) * H);
        B.set(par.subarray(cell.bx + j * H, cell.bx + (j + 1) * H), d * 2 * GH + i * H);
        B.set(par.subarray(cell.bh + j * H, cell.bh + (j + 1) * H), d * 2 * GH + GH + i * H);
      });
    }
    const w = c.init(`${n.name}_W${l}`, [D, GH, inSize], W), r = c.init(`${n.name}_R${l}`, [D, GH, H], R), b = c.init(`${n.name}_B${l}`, [D, 2 * GH], B);
    const Y = c.fresh(`${n.name}_Y${l}`), Yh = c.fresh(`${n.name}_Yh${l}`), Yc = lstm ? c.fresh(`${n.name}_Yc${l}`) : '';
    c.node(kind, [X, w, r, b, '', slice(ins[2], l, 'h0_'), ...(lstm ? [slice(ins[3], l, 'c0_')] : [])], lstm ? [Y, Yh, Yc] : [Y, Yh], attrs);
    hs.push(Yh); if (lstm) cs.push(Yc);
    // (T, D, N, H) → (T, N, D*H): the next layer's input, or the op's output
    const t = c.fresh(`${n.name}_Yt${l}`);
    c.node('Transpose', [Y], [t], { perm: [0, 2, 1, 3] });
    X = l === L - 1 ? n.name : c.fresh(`${n.name}_X${l + 1}`);
    c.node('Reshape', [t, c.init(`${n.name}_shape${l}`, [3], [0, 0, -1], DT.INT64)], [X]);
  }
  const cat = (v: string[], dst: string) => (v.length === 1 ? c.node('Identity', v, [dst]) : c.node('Concat', v, [dst], { axis: 0 }));
  cat(hs, `${n.name}1`);
  if (lstm) cat(cs, `${n.name}2`);
}
