// mx.onnx.exportModel of the fused RNN op (LSTM / GRU / RNN tanh and relu; 1 and 2 layers; bidirectional;
// initial states; output and final states) vs onnxruntime-web and re-imported, within 1e-5.
import { test } from 'uvu';
import { mx, closeMsg, expectMx } from '../helpers.js';
import { ortRun, mxRun } from './oracle.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const S = mx.sym as any, T = 5, N = 3, I = 4, H = 6;
// its own generator: oracle.ts's rnd is one sequence per process, which the files after this one rely on
let seed = 99;
const rnd = (dims: number[], lo: number, hi: number) => Float32Array.from({ length: dims.reduce((p, v) => p * v, 1) }, () => { seed = (seed * 1664525 + 1013904223) >>> 0; return lo + (hi - lo) * (seed / 2 ** 32); });

function rnnSym(mode: string, L: number, bidirectional: boolean, extra: Record<string, unknown> = {}) {
  const ins = [S.Variable('data'), S.Variable('parameters'), S.Variable('state'), ...(mode === 'lstm' ? [S.Variable('state_cell')] : [])];
  return S.RNN(...ins, { mode, state_size: H, num_layers: L, bidirectional, state_outputs: true, name: 'rnn', ...extra });
}

async function check(mode: string, L: number, bi: boolean, opset = 13): Promise<void> {
  const sym = rnnSym(mode, L, bi), shapes = { data: [T, N, I] }, inf = sym.inferShape(shapes), argParams: Record<string, NDArray> = {};
  sym.listArguments().forEach((n: string, i: number) => { if (n !== 'data') argParams[n] = mx.nd.array(rnd(inf.argShapes[i], -0.5, 0.5), { shape: inf.argShapes[i] }); });
  const x = rnd([T, N, I], -1, 1), what = `${mode} L${L}${bi ? ' bidirectional' : ''} opset ${opset}`;
  const pr = mx.Predictor.load({ symbol: sym, params: { argParams }, inputShapes: shapes });
  const want = pr.forward(x).map((o) => Float32Array.from(o.data));
  pr.dispose();
  const bytes = mx.onnx.exportModel(sym, { argParams }, shapes, { opset });
  for (const [who, got] of [['onnxruntime', await ortRun(bytes, { data: { data: x, dims: [T, N, I] } })], ['re-imported', mxRun(bytes, { data: { data: x, dims: [T, N, I] } })]] as const) {
    if (got.length !== want.length) throw new Error(`${what} ${who}: ${got.length} outputs, want ${want.length}`);
    want.forEach((w, k) => { const m = closeMsg(got[k], w, 1e-5, 1e-6); if (m) throw new Error(`${what} ${who} output ${k}: ${m}`); });
  }
  for (const a of Object.values(argParams)) a.dispose();
}

test('LSTM: 1 and 2 layers, bidirectional, output and final h / c', async () => {
  await check('lstm', 1, false);
  await check('lstm', 2, true);
  await check('lstm', 2, false, 9);
});

test('GRU (linear_before_reset 1), RNN tanh and relu', async () => {
  await check('gru', 1, true);
  await check('gru', 2, false, 17);
  await check('rnn_tanh', 1, false);
  await check('rnn_relu', 2, true);
});

test('projection and state clipping are refused', () => {
  for (const extra of [{ projection_size: 3 }, { lstm_state_clip_min: -1, lstm_state_clip_max: 1 }]) {
    const sym = rnnSym('lstm', 1, false, extra), inf = sym.inferShape({ data: [T, N, I] }), argParams: Record<string, NDArray> = {};
    sym.listArguments().forEach((n: string, i: number) => { if (n !== 'data') argParams[n] = mx.nd.zeros(inf.argShapes[i]); });
    expectMx(() => mx.onnx.exportModel(sym, { argParams }, { data: [T, N, I] }), JSON.stringify(extra), /RNN \(node rnn\)/);
  }
});

test.run();
