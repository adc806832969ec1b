// mx.rnn cells: the unrolled unfused cells give the fused RNN op's numbers on the same parameters (every mode,
// 1-2 layers, both directions, NTC and TNC), weight pack / unpack round trips, names and errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose } from '../helpers.js';
import { packGates } from '../../src/rnn/fused.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const MODES = ['rnn_relu', 'rnn_tanh', 'lstm', 'gru'] as const;

/** Runs `out` with the given argument values (others zero) and returns the outputs' data. */
function run(out: InstanceType<typeof mx.Symbol>, values: Record<string, NDArray>, shapes: Record<string, number[]>): Float32Array[] {
  const exe = out.simpleBind({ shapes, gradReq: 'null' });
  for (const [k, v] of Object.entries(values)) if (exe.argDict[k]) exe.argDict[k].set(v.toTypedArray());
  return exe.forward({ isTrain: false }).map((o) => o.toTypedArray() as Float32Array);
}

test('unrolled cells == fused RNN op on the same parameters (modes, layers, directions, layouts)', () => {
  for (const mode of MODES) for (const [L, bi] of [[1, false], [2, true], [2, false]] as const) for (const layout of ['NTC', 'TNC']) {
    const T = 4, N = 3, I = 5, H = 6, D = bi ? 2 : 1;
    const fused = new mx.rnn.FusedRNNCell(H, { numLayers: L, mode, bidirectional: bi, prefix: 'f_' });
    const data = mx.sym.Variable('data'), zero = (name: string, info: { shape: number[] }) => mx.sym.zeros(info.shape.map((s) => s || N), { name });
    const [fo] = fused.unroll(T, data, { layout, mergeOutputs: true, beginState: fused.beginState(zero) });
    const stack = fused.unfuse();
    const [uo] = stack.unroll(T, data, { layout, mergeOutputs: true, beginState: stack.beginState(zero) });
    const dshape = layout === 'NTC' ? [N, T, I] : [T, N, I];
    const x = mx.nd.array(randArray(T * N * I, 3)).reshape(dshape);
    const pshape = (fo as InstanceType<typeof mx.Symbol>).inferShape({ data: dshape }).argShapes[1];
    const params = mx.nd.array(randArray(pshape[0], 4, -0.5, 0.5));
    const unpacked = fused.unpackWeights({ f_parameters: params });
    let cellArgs: Record<string, NDArray> = unpacked;
    for (let l = 0; l < L; l++) for (const d of bi ? ['l', 'r'] : ['l']) cellArgs = packGates(cellArgs, `f_${d}${l}_`, fused.gateNames);
    const [yf] = run(fo as InstanceType<typeof mx.Symbol>, { data: x, f_parameters: params }, { data: dshape });
    const [yu] = run(uo as InstanceType<typeof mx.Symbol>, { data: x, ...cellArgs }, { data: dshape });
    assert.equal(yf.length, T * N * D * H);
    assertClose(yu, yf, 1e-4, 1e-5, `${mode} L${L} bi${bi} ${layout}`);
    assertClose(fused.packWeights(unpacked).f_parameters.toTypedArray(), params.toTypedArray(), 0, 0, 'pack(unpack) round trip');
  }
});

test('cell names and parameters follow MXNet (prefix, t<k>_ nodes, i2h / h2h)', () => {
  const cell = new mx.rnn.LSTMCell(8, { prefix: 'lstm_l0_' });
  const [outs, states] = cell.unroll(3, mx.sym.Variable('data'), { layout: 'NTC' });
  assert.is((outs as unknown[]).length, 3); assert.is(states.length, 2);
  const args = mx.sym.Group(outs as InstanceType<typeof mx.Symbol>[]).listArguments();
  assert.equal(args, ['data', 'lstm_l0_i2h_weight', 'lstm_l0_i2h_bias', 'lstm_l0_h2h_weight', 'lstm_l0_h2h_bias']);
  assert.ok((outs as InstanceType<typeof mx.Symbol>[])[2].name!.startsWith('lstm_l0_t2_'));
  const gru = new mx.rnn.GRUCell(4), [o] = gru.call(mx.sym.Variable('x'), gru.beginState());
  assert.equal(o.inferShape({ x: [2, 3] }).outShapes, [[2, 4]]);
  const seq = new mx.rnn.SequentialRNNCell().add(new mx.rnn.RNNCell(4, { prefix: 'a_' })).add(new mx.rnn.RNNCell(5, { prefix: 'b_' }));
  const [y, s] = seq.call(mx.sym.Variable('x'), seq.beginState());
  assert.is(s.length, 2);
  assert.equal(y.inferShape({ x: [2, 3] }).outShapes, [[2, 5]]);
});

test("default begin states are MXNet's _zeros((0, H)): the batch is inferred, saved JSON binds, values are zeros", () => {
  for (const Cell of [mx.rnn.RNNCell, mx.rnn.LSTMCell, mx.rnn.GRUCell]) {
    const cell = new Cell(4, { prefix: 'c_' });
    const [outs] = cell.unroll(3, mx.sym.Variable('data'), { layout: 'NTC', mergeOutputs: true });
    const json = JSON.parse((outs as InstanceType<typeof mx.Symbol>).toJSON());
    const z = json.nodes.find((n: { name: string }) => n.name === 'c_begin_state_0');
    assert.is(z.op, '_zeros'); assert.is(z.attrs.shape, '(0, 4)');
    const back = mx.sym.fromJSON(JSON.stringify(json));
    assert.equal(back.inferShape({ data: [5, 3, 2] }).outShapes, [[5, 3, 4]]);
    // zero begin states: equals the same graph fed explicit zeros
    const x = mx.nd.array(randArray(30, 7)).reshape([5, 3, 2]);
    const exe = back.simpleBind({ shapes: { data: [5, 3, 2] }, gradReq: 'null' });
    for (const [k, a] of Object.entries(exe.argDict)) a.set(k === 'data' ? x.toTypedArray() : randArray(a.size, k.length));
    const y0 = exe.forward({ isTrain: false })[0].toTypedArray();
    const zero = (name: string, info: { shape: number[] }) => mx.sym.zeros([5, info.shape[1]], { name });
    const [o2] = new Cell(4, { prefix: 'c_' }).unroll(3, mx.sym.Variable('data'), { layout: 'NTC', mergeOutputs: true, beginState: new Cell(4, { prefix: 'c_' }).beginState(zero) });
    const [y1] = run(o2 as InstanceType<typeof mx.Symbol>, exe.argDict, { data: [5, 3, 2] });
    assertClose(y0, y1, 0, 0, Cell.name);
  }
  assert.throws(() => mx.sym.zeros([0, 4], { name: 'z' }).inferShape({}), /unknown|infer/i);
});

test('errors: bidirectional / fused cells cannot step, bad parameter arrays, layouts', () => {
  const f = new mx.rnn.FusedRNNCell(4, { mode: 'gru' });
  assert.throws(() => f.call(), /use unroll/);
  assert.throws(() => f.unpackWeights({ gru_parameters: mx.nd.zeros([7]) }), /not a gru parameter array/);
  assert.throws(() => f.unpackWeights({}), /no 'gru_parameters'/);
  assert.throws(() => new mx.rnn.LSTMCell(3).unroll(2, mx.sym.Variable('x'), { layout: 'NC' }), /no time axis/);
});

test.run();
