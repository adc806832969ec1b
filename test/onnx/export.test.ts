// mx.onnx.exportModel round trips: mxwasm → ONNX → onnxruntime-web (and back through importModel)
// give the same outputs within 1e-5 for LeNet, the MLP, a ResNet-shaped and a MobileNet-shaped net,
// and the fixtures' real MXNet symbols (skipped where absent).
import { test } from 'uvu';
import { mx, closeMsg } from '../helpers.js';
import { ortRun, mxRun, rnd, fileSeed } from './oracle.js';
import type { Symbol } from '../../src/symbol/symbol.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import { haveFixtures, fixture, skip } from '../format/fixtures.js';

fileSeed(test, 'export');

const S = mx.sym as any;

/** Random parameters for every argument but the data and labels (BatchNorm variances positive). */
function params(sym: Symbol, shapes: Record<string, number[]>) {
  const inf = sym.inferShape(shapes), argParams: Record<string, NDArray> = {}, auxParams: Record<string, NDArray> = {};
  sym.listArguments().forEach((n, i) => { if (!(n in shapes) && !n.endsWith('label')) argParams[n] = mx.nd.array(rnd(inf.argShapes[i], -0.5, 0.5), { shape: inf.argShapes[i] }); });
  sym.listAuxiliaryStates().forEach((n, i) => { auxParams[n] = mx.nd.array(rnd(inf.auxShapes[i], n.endsWith('var') ? 0.5 : -0.5, n.endsWith('var') ? 1.5 : 0.5), { shape: inf.auxShapes[i] }); });
  return { argParams, auxParams };
}

function mxForward(sym: Symbol, p: ReturnType<typeof params>, shapes: Record<string, number[]>, x: Float32Array): Float32Array {
  const pr = mx.Predictor.load({ symbol: sym, params: p, inputShapes: shapes });
  try { return Float32Array.from(pr.forward(x)[0].data); } finally { pr.dispose(); }
}

async function roundTrip(sym: Symbol, shape: number[], what: string, opsets = [13]): Promise<void> {
  const shapes = { data: shape }, p = params(sym, shapes), x = rnd(shape, -1, 1);
  const want = mxForward(sym, p, shapes, x);
  for (const opset of opsets) {
    const bytes = mx.onnx.exportModel(sym, p, shapes, { opset });
    const [ort] = await ortRun(bytes, { data: { data: x, dims: shape } });
    let m = closeMsg(ort, want, 1e-5, 1e-6);
    if (m) throw new Error(`${what} opset ${opset} onnxruntime: ${m}`);
    const [back] = mxRun(bytes, { data: { data: x, dims: shape } });
    m = closeMsg(back, want, 1e-5, 1e-6);
    if (m) throw new Error(`${what} opset ${opset} re-imported: ${m}`);
  }
}

function convBn(x: Symbol, name: string, f: number, k: number, s: number, g = 1, act = true): Symbol {
  const c = S.Convolution(x, { name: `${name}_conv`, num_filter: f, kernel: [k, k], stride: [s, s], pad: [(k - 1) / 2, (k - 1) / 2], num_group: g, no_bias: true });
  const b = S.BatchNorm(c, { name: `${name}_bn`, fix_gamma: false, eps: 2e-5 });
  return act ? S.Activation(b, { act_type: 'relu', name: `${name}_relu` }) : b;
}

test('LeNet and the MLP (opsets 9, 13, 17)', async () => {
  await roundTrip(mx.models.lenet(), [2, 1, 28, 28], 'lenet', [9, 13, 17]);
  await roundTrip(mx.models.mlp(), [3, 784], 'mlp', [9, 13, 17]);
});

test('ResNet-shaped: conv-bn-relu, residual add, max pool, global pool, FC, softmax', async () => {
  const data = S.Variable('data');
  let x = convBn(data, 'stem', 8, 3, 1);
  x = S.Pooling(x, { kernel: [3, 3], stride: [2, 2], pad: [1, 1], pool_type: 'max', name: 'pool0' });
  for (let i = 0; i < 2; i++) {
    const y = convBn(convBn(x, `b${i}a`, 8, 3, 1), `b${i}b`, 8, 3, 1, 1, false);
    x = S.Activation(S.elemwise_add(x, y, { name: `b${i}_add` }), { act_type: 'relu', name: `b${i}_out` });
  }
  x = S.Pooling(x, { global_pool: true, kernel: [1, 1], pool_type: 'avg', name: 'gap' });
  x = S.FullyConnected(S.Flatten(x, { name: 'flat' }), { num_hidden: 5, name: 'fc' });
  await roundTrip(S.SoftmaxOutput(x, { name: 'softmax' }), [2, 3, 12, 12], 'resnet-shaped', [11, 13]);
});

test('MobileNet-shaped: depthwise + pointwise, relu6 (clip), avg pool, dense residual', async () => {
  const data = S.Variable('data');
  let x = convBn(data, 'c0', 8, 3, 2);
  const dw = S.clip(convBn(x, 'dw', 8, 3, 1, 8, false), { a_min: 0, a_max: 6, name: 'relu6' });
  x = S.broadcast_add(x, convBn(dw, 'pw', 8, 1, 1, 1, false), { name: 'res' });
  x = S.Pooling(x, { kernel: [2, 2], stride: [2, 2], pool_type: 'avg', name: 'ap' });
  x = S.FullyConnected(x, { num_hidden: 4, name: 'fc' });
  await roundTrip(S.softmax(x, { name: 'prob' }), [1, 3, 16, 16], 'mobilenet-shaped', [11, 13, 17]);
});

test('fixtures: the real MXNet symbols (LeNet with weights, SqueezeNet, MobileNetV2)', async () => {
  if (!haveFixtures) { skip('fixtures absent (../shared/fixtures/mxnet)'); return; }
  for (const [file, shape] of [['fcrc-demo/lenet-symbol.json', [1, 1, 28, 28]], ['SqueezeNet_v1.2/model-symbol.json', [1, 3, 224, 224]], ['mobilenet-mxnet/mobilenet_v2-symbol.json', [1, 3, 224, 224]]] as const) {
    const sym = S.load(fixture(file)) as Symbol;
    await roundTrip(sym, [...shape], file);
  }
});

test.run();
