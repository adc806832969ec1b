// ONNX ops with data-dependent output shapes vs onnxruntime-web (values and shapes): NonMaxSuppression (a detector
// graph: NMS -> Gather of the kept boxes and scores; limits as constants, absent, or run-time inputs; center boxes;
// opsets 10, 11, 13), NonZero -> Gather / GatherND, Compress (with and without axis, short condition), Unique (sorted
// and unsorted, all four outputs, with axis); the Predictor re-binds per shape; malformed inputs are MxErrors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ort from 'onnxruntime-web';
import { rnd, fileSeed } from './oracle.js';
import { encodeModel, type NodeSpec, type TensorSpec } from '../../src/onnx/encode.js';
import { closeMsg, expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-dynamic');
const I64 = 7;
type Feeds = Record<string, { data: Float32Array; dims: number[] }>;

function model(opset: number, nodes: NodeSpec[], inputs: [string, number[]][], outputs: string[], inits: TensorSpec[] = []): Uint8Array {
  return encodeModel({ opset, graph: { nodes, initializers: inits, inputs: inputs.map(([name, dims]) => ({ name, dims })), outputs: outputs.map((name) => ({ name })) } });
}

/** mxwasm (Predictor) and onnxruntime-web agree on every output's shape and values; returns the mxwasm outputs. */
async function agreeDyn(bytes: Uint8Array, feeds: Feeds, what: string, p?: ReturnType<typeof mx.Predictor.load>): Promise<{ shape: number[]; data: Float32Array }[]> {
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)])));
  const want = s.outputNames.map((n) => ({ shape: [...r[n].dims], data: Float32Array.from(r[n].data as ArrayLike<number>, Number) }));
  await s.release();
  const own = !p;
  p ??= mx.Predictor.load({ symbol: bytes, inputShapes: Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.dims])) });
  try {
    const got = p.forward(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.data]))).map((o: InstanceType<typeof mx.NDArray>) => ({ shape: [...o.shape], data: Float32Array.from(o.data) }));
    assert.is(got.length, want.length, `${what}: output count`);
    want.forEach((w, i) => {
      assert.equal(got[i].shape, w.shape, `${what}: output ${i} shape`);
      const m = closeMsg(got[i].data, w.data, 1e-5, 1e-6);
      if (m) throw new Error(`${what} output ${i}: ${m}`);
    });
    return got;
  } finally { if (own) p.dispose(); }
}

/** Boxes [B, S, 4] with positive extents around random centers (corners or center form), overlapping often. */
function boxes(B: number, S: number, center: boolean): Float32Array {
  const c = rnd([B, S, 2], 0, 4), wh = rnd([B, S, 2], 0.5, 2.5), out = new Float32Array(B * S * 4);
  for (let i = 0; i < B * S; i++) {
    const [cy, cx, h, w] = [c[2 * i], c[2 * i + 1], wh[2 * i], wh[2 * i + 1]];
    out.set(center ? [cx, cy, w, h] : i % 3 ? [cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2] : [cy + h / 2, cx + w / 2, cy - h / 2, cx - w / 2], 4 * i);
  }
  return out;
}

/** boxes [B, S, 4], scores [B, C, S] -> NMS -> (selected, kept boxes of batch 0 via Gather, their scores via GatherND from opset 11). */
function detector(opset: number, B: number, C: number, S: number, limits: { k?: number; iou?: number; score?: number; runtime?: boolean; center?: number }): Uint8Array {
  const ins: [string, number[]][] = [['boxes', [B, S, 4]], ['scores', [B, C, S]]], inits: TensorSpec[] = [];
  const lim = ['', '', ''];
  ([['k', limits.k, I64], ['iou', limits.iou, 1], ['sth', limits.score, 1]] as const).forEach(([n, v, type], j) => {
    if (v === undefined) return;
    lim[j] = n;
    if (limits.runtime && j > 0) ins.push([n, [1]]); else inits.push({ name: n, dims: [1], data: [v], type });
  });
  while (lim.length && !lim[lim.length - 1]) lim.pop();
  const nodes: NodeSpec[] = [
    { opType: 'NonMaxSuppression', name: 'nms', inputs: ['boxes', 'scores', ...lim], outputs: ['sel'], attrs: limits.center ? { center_point_box: limits.center } : undefined },
    { opType: 'Gather', inputs: ['sel', 'two'], outputs: ['bi'], attrs: { axis: 1 } },
    { opType: 'Gather', inputs: ['boxes', 'zero'], outputs: ['b0'], attrs: { axis: 0 } },
    { opType: 'Gather', inputs: ['b0', 'bi'], outputs: ['kept'], attrs: { axis: 0 } },
    ...(opset >= 11 ? [{ opType: 'GatherND', inputs: ['scores', 'sel'], outputs: ['ks'] }] : []),
  ];
  inits.push({ name: 'two', dims: [], data: [2], type: I64 }, { name: 'zero', dims: [], data: [0], type: I64 });
  return model(opset, nodes, ins, ['sel', 'kept', ...(opset >= 11 ? ['ks'] : [])], inits);
}

test('NonMaxSuppression detector graph (NMS -> Gather boxes / GatherND scores): opsets 10, 11, 13, odd sizes, constant limits', async () => {
  for (const [opset, B, C, S] of [[10, 1, 1, 7], [11, 2, 3, 13], [13, 1, 2, 33], [11, 3, 1, 1]] as const) {
    for (const lim of [{ k: 3, iou: 0.4 }, { k: 100, iou: 0.5, score: 0.2 }, { k: 2, iou: 0 }, { k: 0, iou: 0.5 }]) {
      const feeds: Feeds = { boxes: { data: boxes(B, S, false), dims: [B, S, 4] }, scores: { data: rnd([B, C, S], 0, 1), dims: [B, C, S] } };
      await agreeDyn(detector(opset, B, C, S, lim), feeds, `nms ${opset} ${B}x${C}x${S} ${JSON.stringify(lim)}`);
    }
  }
});

test('NonMaxSuppression: center_point_box, run-time iou / score thresholds, absent limits; one Predictor over changing counts', async () => {
  for (const center of [0, 1]) {
    const feeds: Feeds = { boxes: { data: boxes(1, 17, !!center), dims: [1, 17, 4] }, scores: { data: rnd([1, 2, 17], 0, 1), dims: [1, 2, 17] } };
    await agreeDyn(detector(11, 1, 2, 17, { k: 5, iou: 0.3, center }), feeds, `center ${center}`);
  }
  const m = detector(13, 1, 2, 17, { k: 20, iou: 0.5, score: 0.5, runtime: true });
  const p = mx.Predictor.load({ symbol: m, inputShapes: { boxes: [1, 17, 4], scores: [1, 2, 17], iou: [1], sth: [1] } });
  const b = boxes(1, 17, false), sc = rnd([1, 2, 17], 0, 1), counts = new Set<number>();
  for (const [iou, sth] of [[0.5, 0.5], [0.1, 0], [0.9, 0.95], [0.3, 0.2], [1, 0]]) {
    const got = await agreeDyn(m, { boxes: { data: b, dims: [1, 17, 4] }, scores: { data: sc, dims: [1, 2, 17] }, iou: { data: Float32Array.of(iou), dims: [1] }, sth: { data: Float32Array.of(sth), dims: [1] } }, `run-time ${iou} ${sth}`, p);
    counts.add(got[0].shape[0]);
  }
  assert.ok(counts.size >= 3, `the kept count changes with the thresholds (${[...counts]})`);
  p.dispose();
  // no limits given: max_output_boxes_per_class defaults to 0 (nothing kept)
  const none = model(11, [{ opType: 'NonMaxSuppression', inputs: ['b', 's'], outputs: ['y'] }], [['b', [1, 5, 4]], ['s', [1, 1, 5]]], ['y']);
  await agreeDyn(none, { b: { data: boxes(1, 5, false), dims: [1, 5, 4] }, s: { data: rnd([1, 1, 5], 0, 1), dims: [1, 1, 5] } }, 'no limits');
});

test('NonMaxSuppression: malformed boxes, scores and limits are MxErrors naming node and op', () => {
  const bad = (b: number[], s: number[]) => model(11, [{ opType: 'NonMaxSuppression', name: 'nms', inputs: ['b', 's', 'k'], outputs: ['y'] }], [['b', b], ['s', s]], ['y'], [{ name: 'k', dims: [1], data: [3], type: I64 }]);
  expectMx(() => mx.onnx.importModel(bad([1, 5, 3], [1, 1, 5])), 'box width', /'nms' \(NonMaxSuppression, opset 11\).*\[batch, n, 4\]/);
  expectMx(() => mx.onnx.importModel(bad([1, 5, 4], [1, 1, 6])), 'score count', /'nms' \(NonMaxSuppression, opset 11\)/);
  const neg = model(11, [{ opType: 'NonMaxSuppression', name: 'nms', inputs: ['b', 's', 'k'], outputs: ['y'] }], [['b', [1, 5, 4]], ['s', [1, 1, 5]]], ['y'], [{ name: 'k', dims: [1], data: [-1], type: I64 }]);
  expectMx(() => mx.onnx.importModel(neg), 'k < 0', /'nms'.*max_output_boxes_per_class must be >= 0/);
  const b = mx.nd.array(boxes(1, 5, false), { shape: [1, 5, 4] } as never), s = mx.nd.ones([1, 2, 5]);
  expectMx(() => mx.nd.contrib.non_max_suppression(b, s, { max_output_boxes_per_class: -2 }), 'nd k < 0', /_contrib_non_max_suppression: max_output_boxes_per_class must be >= 0, got -2/);
  expectMx(() => mx.nd.contrib.non_max_suppression(b, mx.nd.ones([1, 2, 4]), { max_output_boxes_per_class: 2 }), 'nd scores', /scores must be \[1, classes, 5\]/);
  expectMx(() => mx.nd.contrib.non_max_suppression(b, s, { max_output_boxes_per_class: 2, iou_threshold: 1.5 }), 'nd iou', /iou_threshold must be in \[0, 1\]/);
  const kt = mx.nd.array([-3]);
  expectMx(() => mx.nd.contrib.non_max_suppression(b, s, kt, { tensor_args: 'max_output_boxes_per_class' }), 'run-time k < 0', /max_output_boxes_per_class must be >= 0, got -3/);
});

test('NonZero -> Gather / GatherND (opsets 9, 13), all-zero input, batch 1 and > 1', async () => {
  for (const opset of [9, 13]) {
    for (const dims of [[7], [3, 5], [2, 3, 4], [1, 1, 1]]) {
      const x = rnd(dims).map((v) => (v > 0.3 ? v : 0));
      await agreeDyn(model(opset, [{ opType: 'NonZero', inputs: ['x'], outputs: ['y'] }], [['x', dims]], ['y']), { x: { data: x, dims } }, `nonzero ${opset} ${dims}`);
    }
  }
  const dims = [3, 5], zero = { x: { data: new Float32Array(15), dims } };
  const g = model(13, [{ opType: 'NonZero', inputs: ['x'], outputs: ['i'] }, { opType: 'Transpose', inputs: ['i'], outputs: ['t'] },
    { opType: 'GatherND', inputs: ['x', 't'], outputs: ['v'] }, { opType: 'Relu', inputs: ['v'], outputs: ['y'] }], [['x', dims]], ['y', 'i']);
  const p = mx.Predictor.load({ symbol: g, inputShapes: { x: dims } });
  await agreeDyn(g, { x: { data: rnd(dims), dims } }, 'nonzero gathernd', p);
  await agreeDyn(g, zero, 'nonzero all zero', p);
  await agreeDyn(g, { x: { data: rnd(dims).map((v) => (v > 0 ? v : 0)), dims } }, 'nonzero half', p);
  p.dispose();
});

test('Compress: with axis (negative at 11), without (flattened), short condition, condition computed at run time', async () => {
  const cond = (n: number, vals: number[]): TensorSpec => ({ name: 'c', dims: [n], data: vals, type: 9 });
  for (const [opset, axis] of [[9, 0], [11, 1], [11, -1], [13, undefined]] as const) {
    const m = model(opset, [{ opType: 'Compress', inputs: ['x', 'c'], outputs: ['y'], attrs: axis === undefined ? undefined : { axis } }], [['x', [3, 5]]], ['y'], [cond(3, [1, 0, 1])]);
    await agreeDyn(m, { x: { data: rnd([3, 5]), dims: [3, 5] } }, `compress ${opset} ${axis}`);
  }
  const rt = model(13, [{ opType: 'Greater', inputs: ['m', 'zero'], outputs: ['c'] }, { opType: 'Compress', inputs: ['x', 'c'], outputs: ['y'], attrs: { axis: 0 } },
    { opType: 'Sigmoid', inputs: ['y'], outputs: ['z'] }], [['x', [7, 3]], ['m', [7]]], ['z'], [{ name: 'zero', dims: [], data: [0] }]);
  for (let r = 0; r < 3; r++) await agreeDyn(rt, { x: { data: rnd([7, 3]), dims: [7, 3] }, m: { data: rnd([7]), dims: [7] } }, `compress run-time ${r}`);
});

test('Unique: sorted and unsorted, all four outputs, flattened and along an axis', async () => {
  const outs = ['y', 'idx', 'inv', 'cnt'];
  for (const sorted of [1, 0]) {
    for (const [dims, axis] of [[[11], undefined], [[3, 4], undefined], [[5, 3], 0], [[2, 6], 1]] as const) {
      const x = rnd([...dims]).map((v) => Math.round(v));
      const attrs = { sorted, ...(axis === undefined ? {} : { axis }) };
      await agreeDyn(model(11, [{ opType: 'Unique', inputs: ['x'], outputs: outs, attrs }], [['x', [...dims]]], outs), { x: { data: x, dims: [...dims] } }, `unique ${sorted} ${dims} ${axis}`);
    }
  }
});

test('export: boolean_mask, nonzero, unique and non_max_suppression round-trip through ONNX (onnxruntime agrees)', async () => {
  const x = mx.sym.Variable('x'), m = mx.sym.Variable('m'), b = mx.sym.Variable('b'), s = mx.sym.Variable('s'), iou = mx.sym.Variable('iou');
  const masked = mx.sym.relu(mx.sym.contrib.boolean_mask(x, m, { axis: 1 }));
  const nz = mx.sym.npx.nonzero(mx.sym.relu(x));
  const uq = mx.sym.np.unique(mx.sym.floor(x), { return_inverse: true, return_counts: true });
  const sel = mx.sym.contrib.non_max_suppression(b, s, iou, { max_output_boxes_per_class: 4, score_threshold: 0.1, tensor_args: 'iou_threshold' });
  const net = mx.sym.Group([masked, nz, uq.get(0), uq.get(1), uq.get(2), sel]);
  const shapes = { x: [3, 5], m: [5], b: [1, 9, 4], s: [1, 2, 9], iou: [1] };
  for (const opset of [11, 13]) {
    const bytes = mx.onnx.exportModel(net, {}, shapes, { opset });
    const feeds: Feeds = {
      x: { data: rnd([3, 5]), dims: [3, 5] }, m: { data: Float32Array.of(1, 0, 0, 1, 1), dims: [5] }, b: { data: boxes(1, 9, false), dims: [1, 9, 4] },
      s: { data: rnd([1, 2, 9], 0, 1), dims: [1, 2, 9] }, iou: { data: Float32Array.of(0.3), dims: [1] },
    };
    await agreeDyn(bytes, feeds, `round trip ${opset}`);
  }
});

test('imperative: boolean_mask, nonzero and unique through mx.nd; boolean_mask gradient through autograd', () => {
  const x = mx.nd.array([[1, 2], [3, 4], [5, 6]]);
  assert.equal(mx.nd.contrib.boolean_mask(x, mx.nd.array([0, 1, 1])).toArray(), [[3, 4], [5, 6]]);
  assert.equal(mx.nd.contrib.boolean_mask(x, mx.nd.array([1, 0]), { axis: 1 }).toArray(), [[1], [3], [5]]);
  assert.equal(mx.nd.npx.nonzero(mx.nd.array([[0, 2], [3, 0]])).toArray(), [[0, 1], [1, 0]]);
  const [u, c] = mx.nd.np.unique(mx.nd.array([3, 1, 3, 2]), { return_counts: true }) as never as InstanceType<typeof mx.NDArray>[];
  assert.equal([u.toArray(), c.toArray()], [[1, 2, 3], [1, 1, 2]]);
  expectMx(() => mx.nd.contrib.boolean_mask(x, mx.nd.array([1, 0])), 'index length', /_contrib_boolean_mask.*index must be 1-D of length 3/);
});

test.run();
