// gluon.rnn: the fused layers (one RNN op) against the step cells on the same parameters (every mode, 1 and 2
// layers, TNC / NTC), hybridized == imperative, MXNet's parameter names and shapes, deferred input size (also
// nested in a hybridized parent), gradients against finite differences, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { rnn } = mx.gluon;
const arr = (shape: number[], seed: number, s = 1) => mx.nd.array(randArray(shape.reduce((a, b) => a * b, 1), seed, -s, s)).reshape(shape);
const flat = (a: NDArray) => Array.from(a.toTypedArray() as Float32Array);
/** Gives every parameter seeded values. */
function fill(net: InstanceType<typeof mx.gluon.Block>, seed: number): void {
  net.collectParams().values().forEach((p, i) => p.setData(arr(p.shape, seed + i, 0.6)));
}

test("parameter names, shapes and order are MXNet's _RNNLayer ones; outputs and states shapes", () => {
  const l = new rnn.LSTM(10, 2, { bidirectional: true, inputSize: 4, prefix: 'lstm0_' });
  const ps = l.collectParams();
  const want: [string, number[]][] = [];
  for (const k of [0, 1]) for (const d of ['l', 'r']) {
    want.push([`lstm0_${d}${k}_i2h_weight`, [40, k ? 20 : 4]], [`lstm0_${d}${k}_h2h_weight`, [40, 10]], [`lstm0_${d}${k}_i2h_bias`, [40]], [`lstm0_${d}${k}_h2h_bias`, [40]]);
  }
  assert.equal(ps.values().map((p) => [p.name, p.shape]), want);
  l.initialize();
  const y = l.forward(arr([5, 3, 4], 1)) as NDArray;
  assert.equal(y.shape, [5, 3, 20]);
  const [o, st] = l.forward(arr([5, 3, 4], 1), l.beginState(3)) as [NDArray, NDArray[]];
  assert.equal([o.shape, ...st.map((s) => s.shape)], [[5, 3, 20], [4, 3, 10], [4, 3, 10]]);
  const g = new rnn.GRU(6, { layout: 'NTC', prefix: 'g_' }); g.initialize();
  assert.equal((g.forward(arr([2, 7, 3], 2)) as NDArray).shape, [2, 7, 6]);
  assert.equal(g.regParams.l0_i2h_weight.shape, [18, 3], 'deferred input size from the first forward');
  const p = new rnn.LSTM(8, { projectionSize: 3, inputSize: 5, prefix: 'p_' });
  assert.equal(p.collectParams().values().map((q) => [q.name, q.shape]), [['p_l0_i2h_weight', [32, 5]], ['p_l0_h2h_weight', [32, 3]], ['p_l0_i2h_bias', [32]], ['p_l0_h2h_bias', [32]], ['p_l0_h2r_weight', [3, 8]]]);
  p.initialize();
  const [po, [ph, pc]] = p.forward(arr([4, 2, 5], 3), p.beginState(2)) as [NDArray, NDArray[]];
  assert.equal([po.shape, ph.shape, pc.shape], [[4, 2, 3], [1, 2, 3], [1, 2, 8]]);
  assert.equal(new rnn.RNN(3, 1, 'tanh').mode, 'rnn_tanh');
  assert.equal(new rnn.LSTMCell(4, { prefix: 'c_' }).collectParams().keys(), ['c_i2h_weight', 'c_h2h_weight', 'c_i2h_bias', 'c_h2h_bias']);
});

const LAYERS = [
  ['rnn_relu', (h: number, L: number, o: object) => new rnn.RNN(h, L, 'relu', o), (h: number, o: object) => new rnn.RNNCell(h, 'relu', o)],
  ['rnn_tanh', (h: number, L: number, o: object) => new rnn.RNN(h, L, 'tanh', o), (h: number, o: object) => new rnn.RNNCell(h, o)],
  ['lstm', (h: number, L: number, o: object) => new rnn.LSTM(h, L, o), (h: number, o: object) => new rnn.LSTMCell(h, o)],
  ['gru', (h: number, L: number, o: object) => new rnn.GRU(h, L, o), (h: number, o: object) => new rnn.GRUCell(h, o)],
] as const;

test('fused layer == unrolled cells on the same parameters (modes, 1-2 layers, TNC / NTC, hybridized or not)', () => {
  for (const [mode, Layer, Cell] of LAYERS) for (const L of [1, 2]) for (const layout of ['TNC', 'NTC']) for (const hyb of [false, true]) {
    const T = 4, N = 3, I = 5, H = 7;
    const layer = Layer(H, L, { layout, inputSize: I }); layer.initialize(); fill(layer, 10 + L);
    const stack = new rnn.SequentialRNNCell();
    for (let l = 0; l < L; l++) stack.add(Cell(H, { inputSize: l ? H : I }));
    stack.initialize();
    const lp = layer.regParams, cells = [...stack.children.values()] as InstanceType<typeof rnn.LSTMCell>[];
    cells.forEach((c, l) => { for (const k of ['i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias']) c.regParams[k].setData(lp[`l${l}_${k}`].data()); });
    if (hyb) { layer.hybridize(); for (const c of cells) c.hybridize(); }
    const x = arr(layout === 'TNC' ? [T, N, I] : [N, T, I], 5);
    const begin = layer.beginState(N).map((s, i) => arr((s as NDArray).shape, 50 + i, 0.5));
    const [yf, sf] = layer.forward(x, begin) as [NDArray, NDArray[]];
    // the cells take per-layer (N, H) states: slices of the layer's (L, N, H)
    const cellBegin = cells.flatMap((_, l) => begin.map((b) => mx.nd.array(flat(b).slice(l * N * H, (l + 1) * N * H)).reshape([N, H])));
    const [yu, su] = stack.unroll(T, x, { layout, mergeOutputs: true, beginState: cellBegin }) as [NDArray, NDArray[]];
    const what = `${mode} L${L} ${layout} hybridized=${hyb}`;
    assert.equal(yf.shape, yu.shape, what);
    assertClose(flat(yu), flat(yf), 1e-4, 1e-5, what);
    const nS = begin.length;
    for (let k = 0; k < nS; k++) assertClose(cells.flatMap((_, l) => flat(su[l * nS + k])), flat(sf[k]), 1e-4, 1e-5, `${what} state ${k}`);
  }
});

test('hybridized == imperative; the traced graph is one RNN op fed by _rnn_param_concat; export writes it', () => {
  const l = new rnn.LSTM(6, 2, { bidirectional: true, layout: 'NTC', prefix: 'lstm_' }); l.initialize();
  const x = arr([3, 5, 4], 7);
  const y0 = flat(l.forward(x) as NDArray);
  l.hybridize();
  assertClose(flat(l.forward(x) as NDArray), y0, 1e-6, 1e-7);
  const nodes = JSON.parse(l.cached!.symbol!.toJSON()).nodes as { op: string }[];
  assert.is(nodes.filter((n) => n.op === 'RNN').length, 1);
  assert.is(nodes.filter((n) => n.op === '_rnn_param_concat').length, 1);
  assert.is(nodes.filter((n) => n.op === 'FullyConnected').length, 0);
  const cell = new rnn.GRUCell(4); cell.initialize();
  const [a] = cell.unroll(5, x, { mergeOutputs: true }) as unknown as [NDArray];
  cell.hybridize();
  assertClose(flat(cell.unroll(5, x, { mergeOutputs: true })[0] as NDArray), flat(a), 1e-6, 1e-7);
});

test('deferred input size inside a hybridized parent; symbolic zero begin states (0 batch) are inferred', () => {
  const net = new mx.gluon.nn.HybridSequential();
  net.add(new mx.gluon.nn.Embedding(20, 5), new rnn.LSTM(6, 2, { layout: 'NTC' }), new mx.gluon.nn.Dense(3, { flatten: false }));
  net.initialize(); net.hybridize();
  const idx = mx.nd.array([1, 2, 3, 4, 5, 6, 7, 8]).reshape([2, 4]);
  const y = net.forward(idx) as NDArray;
  assert.equal(y.shape, [2, 4, 3]);
  assert.equal((net.at(1) as InstanceType<typeof rnn.LSTM>).regParams.l0_i2h_weight.shape, [24, 5]);
  const cell = new rnn.LSTMCell(4, { prefix: 'c_' });
  const [outs] = cell.unroll(3, mx.sym.Variable('data'), { mergeOutputs: true });
  assert.equal((outs as InstanceType<typeof mx.Symbol>).inferShape({ data: [2, 3, 5] }).outShapes, [[2, 3, 4]]);
});

test('cells unrolled inside a hybridized HybridBlock (symbolic unroll, zero begin states of batch 0) == imperative', () => {
  class Net extends mx.gluon.HybridBlock {
    stack: InstanceType<typeof rnn.HybridSequentialRNNCell>;
    constructor() {
      super();
      this.stack = this.registerChild(new rnn.HybridSequentialRNNCell(), 'stack');
      this.nameScope(() => { this.stack.add(new rnn.LSTMCell(4)); this.stack.add(new rnn.GRUCell(3)); });
    }
    override hybridForward(_F: unknown, x: NDArray) { return this.stack.unroll(5, x, { mergeOutputs: true })[0]; }
  }
  const net = new Net(); net.initialize();
  const x = arr([2, 5, 3], 8);
  const y0 = net.forward(x) as NDArray;
  assert.equal(y0.shape, [2, 5, 3]);
  net.hybridize();
  assertClose(flat(net.forward(x) as NDArray), flat(y0), 1e-6, 1e-7);
  assert.ok(JSON.parse(net.cached!.symbol!.toJSON()).nodes.some((n: { op: string; attrs?: { shape?: string } }) => n.op === '_zeros' && n.attrs?.shape === '(0, 4)'));
});

test('unroll with validLength: masked outputs and the states of each sample\'s last valid step (MXNet)', () => {
  const cell = new rnn.LSTMCell(3); cell.initialize();
  const x = arr([3, 4, 2], 11), len = [4, 1, 2];
  const [y, [h, c]] = cell.unroll(4, x, { mergeOutputs: true, validLength: mx.nd.array(len) }) as [NDArray, NDArray[]];
  const X = flat(x);
  len.forEach((L, n) => {
    const xn = mx.nd.array(X.slice(n * 8, n * 8 + L * 2)).reshape([1, L, 2]);
    const [yn, [hn, cn]] = cell.unroll(L, xn, { mergeOutputs: true }) as [NDArray, NDArray[]];
    const row = flat(y).slice(n * 12, (n + 1) * 12);
    assertClose(row.slice(0, L * 3), flat(yn), 1e-6, 1e-7, `sample ${n} outputs`);
    assert.equal(row.slice(L * 3), Array(12 - L * 3).fill(0), `sample ${n} masked`);
    assertClose(flat(h).slice(n * 3, n * 3 + 3), flat(hn), 1e-6, 1e-7, `sample ${n} h`);
    assertClose(flat(c).slice(n * 3, n * 3 + 3), flat(cn), 1e-6, 1e-7, `sample ${n} c`);
  });
  const [list] = cell.unroll(4, x, { validLength: mx.nd.array(len) }) as [NDArray[], NDArray[]];
  assert.is(list.length, 4); assert.equal(list[0].shape, [3, 3]);
});

/** d(sum(out * w))/d(param) by autograd vs central differences at a few entries of every parameter and the input. */
function fdCheck(net: InstanceType<typeof mx.gluon.HybridBlock>, x: NDArray, what: string): void {
  const w = arr((net.forward(x) as NDArray).shape, 99);
  const loss = () => (flat(net.forward(x) as NDArray).reduce((s, v, i) => s + v * (w.toTypedArray()[i] as number), 0));
  x.attachGrad();
  mx.autograd.record(() => mx.nd.sum(mx.nd.elemwise_mul(net.forward(x) as NDArray, w))).backward();
  const targets: [string, NDArray, Float32Array][] = net.collectParams().values().map((p) => [p.name, p.data(), p.grad().toTypedArray() as Float32Array]);
  targets.push(['data', x, x.grad!.toTypedArray() as Float32Array]);
  const eps = 1e-2;
  for (const [name, a, g] of targets) {
    const d = a.toTypedArray() as Float32Array;
    for (const i of [0, Math.floor(d.length / 2), d.length - 1]) {
      const v = d[i];
      d[i] = v + eps; a.set(d); const lp = loss();
      d[i] = v - eps; a.set(d); const lm = loss();
      d[i] = v; a.set(d);
      assertClose([g[i]], [(lp - lm) / (2 * eps)], 3e-2, 3e-3, `${what} ${name}[${i}]`);
    }
  }
}

// A hybridized cell unrolled under autograd.record calls its cached graph once per step before backward, which
// gluon's CachedOp refuses (one pending backward per executor): the cells are checked imperatively.
test('gradients vs finite differences: fused layers (bidirectional, 2 layers; imperative and hybridized) and cells', () => {
  for (const [mode, Layer, Cell] of LAYERS) for (const hyb of [false, true]) {
    const l = Layer(3, 2, { bidirectional: true, layout: 'NTC' }); l.initialize(); l.forward(arr([2, 3, 2], 1)); fill(l, 3);
    if (hyb) l.hybridize();
    fdCheck(l, arr([2, 3, 2], 4), `${mode} layer hybridized=${hyb}`);
    if (hyb) continue;
    const c = Cell(3, {}); c.initialize(); c.forward(arr([2, 2], 1), c.beginState(2)); fill(c, 5);
    const wrap = { forward: (x: NDArray) => c.unroll(3, x, { mergeOutputs: true })[0], collectParams: () => c.collectParams() };
    fdCheck(wrap as never, arr([2, 3, 2], 6), `${mode} cell`);
  }
});

test('errors: layout, hidden size, state shapes, unroll length', () => {
  assert.throws(() => new rnn.LSTM(4, { layout: 'NCT' }), /Invalid layout/);
  assert.throws(() => new rnn.GRU(0), /hidden_size/);
  const l = new rnn.GRU(4, { inputSize: 3 }); l.initialize();
  assert.throws(() => l.forward(arr([2, 2, 3], 1), [mx.nd.zeros([1, 3, 4])]), /Invalid recurrent state shape. Expecting \(1, ?2, ?4\), got \(1, ?3, ?4\)/);
  const c = new rnn.LSTMCell(4); c.initialize();
  assert.throws(() => c.unroll(5, arr([2, 3, 3], 1)), /3 steps along axis 1, length is 5/);
});

test.run();
