// Detector post-processing vs onnxruntime-web (1 thread, wasm EP), interleaved in one process, medians of rounds:
// boxes [1, S, 4] and scores [1, C, S] -> NonMaxSuppression -> Gather of the kept boxes and GatherND of their scores,
// the same ONNX bytes to both runtimes (mxwasm through Predictor.load: static segments around the dynamic NMS).
//   node --import tsx bench/nms.mjs [--rounds 15] [--dist]   (--dist: the built bundle; run `npm run build` first)
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import * as src from '../src/entry/node.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, dist: { type: 'boolean', default: false } } });
const mx = args.dist ? await import('../dist/node/index.js') : src;
const { encodeModel } = mx.onnx;
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
const I64 = 7;

function model(S, C, k, iou, score) {
  return encodeModel({
    opset: 13,
    graph: {
      nodes: [
        { opType: 'NonMaxSuppression', inputs: ['boxes', 'scores', 'k', 'iou', 'sth'], outputs: ['sel'] },
        { opType: 'Gather', inputs: ['sel', 'two'], outputs: ['bi'], attrs: { axis: 1 } },
        { opType: 'Gather', inputs: ['boxes', 'zero'], outputs: ['b0'], attrs: { axis: 0 } },
        { opType: 'Gather', inputs: ['b0', 'bi'], outputs: ['kept'], attrs: { axis: 0 } },
        { opType: 'GatherND', inputs: ['scores', 'sel'], outputs: ['ks'] },
      ],
      initializers: [{ name: 'k', dims: [1], data: [k], type: I64 }, { name: 'iou', dims: [1], data: [iou] }, { name: 'sth', dims: [1], data: [score] },
        { name: 'two', dims: [], data: [2], type: I64 }, { name: 'zero', dims: [], data: [0], type: I64 }],
      inputs: [{ name: 'boxes', dims: [1, S, 4] }, { name: 'scores', dims: [1, C, S] }],
      outputs: [{ name: 'sel' }, { name: 'kept' }, { name: 'ks' }],
    },
  });
}

function data(S, C) {
  let s = 12345;
  const r = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
  const boxes = new Float32Array(S * 4);
  for (let i = 0; i < S; i++) { const y = 600 * r(), x = 600 * r(), h = 20 + 80 * r(), w = 20 + 80 * r(); boxes.set([y, x, y + h, x + w], 4 * i); }
  return { boxes, scores: Float32Array.from({ length: C * S }, r) };
}

const median = (a) => { const b = [...a].sort((x, y) => x - y); return b[b.length >> 1]; };
for (const [S, C, k] of [[1000, 1, 100], [1000, 20, 100], [5000, 5, 200]]) {
  const bytes = model(S, C, k, 0.5, 0.05), { boxes, scores } = data(S, C);
  const sess = await ort.InferenceSession.create(bytes);
  const feeds = { boxes: new ort.Tensor('float32', boxes, [1, S, 4]), scores: new ort.Tensor('float32', scores, [1, C, S]) };
  const p = mx.Predictor.load({ symbol: bytes, inputShapes: { boxes: [1, S, 4], scores: [1, C, S] } });
  const want = (await sess.run(feeds)).sel.dims[0], got = p.forward({ boxes, scores })[0].shape[0];
  if (want !== got) throw new Error(`kept ${got} boxes, onnxruntime ${want}`);
  const tm = [], to = [];
  for (let r = 0; r < +args.rounds; r++) {
    let t = performance.now(); for (let i = 0; i < 5; i++) p.forward({ boxes, scores }); tm.push((performance.now() - t) / 5);
    t = performance.now(); for (let i = 0; i < 5; i++) await sess.run(feeds); to.push((performance.now() - t) / 5);
  }
  console.log(`S ${S} C ${C} k ${k}: kept ${got}; mxwasm ${median(tm).toFixed(3)} ms, onnxruntime-web ${median(to).toFixed(3)} ms, ratio ${(median(to) / median(tm)).toFixed(2)}x`);
  p.dispose(); await sess.release();
}
