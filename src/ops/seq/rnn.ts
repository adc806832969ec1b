// RNN: MXNet's fused recurrent operator (rnn_relu, rnn_tanh, lstm, gru; layers, bidirectional, dropout between
// layers, LSTM projection and cell clipping), TNC layout, one flat `parameters` array in cuDNN order
// (rnn-layout.ts). Lowering in rnn-lower.ts. A hidden last output `reserve` keeps what backward reads
// (gate activations, cell states, inner layers' outputs, dropout masks).
import { DTypeError, ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape, sameShape } from '../../util/shape.js';
import { rnnBwdWorkspace, rnnGeom } from './rnn-layout.js';
import { rnnBackward, rnnForward } from './rnn-lower.js';

const isLstm = (a: Attrs) => a.mode === 'lstm';

function check(node: string, arg: string, got: Shape | undefined, want: Shape): Shape {
  if (got && !sameShape(got, want)) throw new ShapeError(opMessage(node, 'RNN', `${arg} must have shape ${fmtShape(want)}, got ${fmtShape(got)}`), { op: 'RNN', node, arg });
  return want;
}

/**
 * RNN(data (T, N, I), parameters, state (L*D, N, Ho)[, state_cell (L*D, N, H)]) -> output (T, N, D*Ho)
 * [, state (L*D, N, Ho)[, state_cell]] with state_outputs; Ho = projection_size or state_size.
 * @example
 * const y = mx.sym.RNN(data, params, h0, c0, { mode: 'lstm', state_size: 256, num_layers: 2 });
 */
export const rnn: OpDef = {
  name: 'RNN',
  attrs: {
    state_size: { type: 'int', required: true },
    num_layers: { type: 'int', required: true },
    mode: { type: 'str', required: true, values: ['rnn_relu', 'rnn_tanh', 'lstm', 'gru'] },
    bidirectional: { type: 'bool', default: false },
    p: { type: 'float', default: 0 },
    state_outputs: { type: 'bool', default: false },
    projection_size: { type: 'intOrNone', default: null },
    lstm_state_clip_min: { type: 'floatOrNone', default: null },
    lstm_state_clip_max: { type: 'floatOrNone', default: null },
    lstm_state_clip_nan: { type: 'bool', default: false },
    use_sequence_length: { type: 'bool', default: false },
  },
  doc: 'Fused multi-layer RNN / LSTM / GRU over a (T, N, I) sequence with packed cuDNN-order parameters.',
  inputs: (a) => (isLstm(a) ? ['data', 'parameters', 'state', 'state_cell'] : ['data', 'parameters', 'state']),
  outputs: (a) => (isLstm(a) ? ['output', 'state', 'state_cell', 'reserve'] : ['output', 'state', 'reserve']),
  visibleOutputs: (a) => (a.state_outputs ? (isLstm(a) ? 3 : 2) : 1),
  inferShape: (a, ins, _aux, node) => {
    const [d] = ins, lstm = isLstm(a);
    if (!d) return { ins, outs: lstm ? [undefined, undefined, undefined, undefined] : [undefined, undefined, undefined] };
    if (d.length !== 3) throw new ShapeError(opMessage(node, 'RNN', `data must be (seq_len, batch, input_size), got ${fmtShape(d)}`), { op: 'RNN', node, arg: 'data' });
    const [T, N, I] = d, g = rnnGeom(a, T, N, I, node), S = [g.L * g.D, N, g.Ho];
    const shapes = [d, check(node, 'parameters', ins[1], [g.paramSize]), check(node, 'state', ins[2], S)];
    const outs = [[T, N, g.D * g.Ho], S];
    if (lstm) { shapes.push(check(node, 'state_cell', ins[3], [g.L * g.D, N, g.H])); outs.push([g.L * g.D, N, g.H]); }
    return { ins: shapes, outs: [...outs, [g.reserveSize]] };
  },
  inferType: (a, ins, node) => {
    const bad = ins.findIndex((t) => t !== undefined && t !== 'float32');
    if (bad >= 0) throw new DTypeError(opMessage(node, 'RNN', `input ${bad} must be float32, got ${ins[bad]}`), { op: 'RNN', node });
    const n = isLstm(a) ? 4 : 3;
    return { ins: Array(n).fill('float32'), outs: Array(n).fill('float32') };
  },
  // GRU: the recurrent product of a step (N, 3H); batch 1: the sequence kernels' step counters (2 x T i32) after it
  workspace: (a, ins) => (a.mode === 'gru' ? ins[0][1] * 3 * a.state_size * 4 : 0) + (ins[0][1] === 1 ? 8 * ins[0][0] : 0),
  forward: (ctx, a, ins, outs) => rnnForward(ctx, a, rnnGeom(a, ins[0].shape[0], ins[0].shape[1], ins[0].shape[2], ctx.node), ins, outs),
  backward: {
    saves: ['inputs', 'outputs'],
    workspace: (a, ins) => rnnBwdWorkspace(rnnGeom(a, ins[0][0], ins[0][1], ins[0][2], 'RNN')).size * 4,
    lower: (ctx, a, g) => rnnBackward(ctx, a, rnnGeom(a, g.ins[0].shape[0], g.ins[0].shape[1], g.ins[0].shape[2], ctx.node), g),
  },
};
