// Ops with data-dependent output shapes against their scalar references (src/reference/nms.ts): NMS (and through it
// f32_nms_greedy__simd128, every lane tail) at odd sizes, nonzero, unique (flat and along an axis), boolean_mask forward
// and gradient (finite differences, autograd); graphs holding them bind as segments (mx.sym, simpleBind, reshape).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expectMx, gradCheck, mx, randArray } from '../helpers.js';
import { nmsRef, nonzeroRef, uniqueRef } from '../../src/reference/nms.js';

const SIZES = [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65, 200];

/** Boxes [B, S, 4]: corners in either order, some degenerate (zero width), many overlapping. */
function boxes(B: number, S: number, seed: number): Float32Array {
  const r = randArray(B * S * 4, seed, 0, 1), out = new Float32Array(B * S * 4);
  for (let i = 0; i < B * S; i++) {
    const cy = 4 * r[4 * i], cx = 4 * r[4 * i + 1], h = 0.2 + 2 * r[4 * i + 2], w = i % 11 === 5 ? 0 : 0.2 + 2 * r[4 * i + 3];
    out.set(i % 2 ? [cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2] : [cy + h / 2, cx + w / 2, cy - h / 2, cx - w / 2], 4 * i);
  }
  return out;
}

test('non_max_suppression (f32_nms_greedy__simd128) vs nmsRef: odd sizes, classes, batches, k, thresholds, center boxes', () => {
  let seed = 1;
  for (const S of SIZES) {
    for (const [B, C] of [[1, 1], [2, 3]]) {
      for (const o of [{ center: 0, k: 1000, iou: 0.5 }, { center: 0, k: 3, iou: 0.2, score: 0.4 }, { center: 1, k: 7, iou: 0 }, { center: 0, k: 1000, iou: 1 }]) {
        const b = boxes(B, S, seed++), s = randArray(B * C * S, seed++, 0, 1);
        const want = nmsRef(b, s, B, C, S, o);
        const y = mx.nd.contrib.non_max_suppression(mx.nd.array(b, { shape: [B, S, 4] }), mx.nd.array(s, { shape: [B, C, S] }),
          { center_point_box: o.center, max_output_boxes_per_class: o.k, iou_threshold: o.iou, score_threshold: o.score ?? null });
        assert.equal(y.shape, [want.length, 3], `S ${S} B ${B} C ${C} ${JSON.stringify(o)}`);
        assert.equal(y.toArray(), want, `S ${S} B ${B} C ${C} ${JSON.stringify(o)}`);
        y.dispose();
      }
    }
  }
});

test('non_max_suppression: thresholds as run-time tensors; bad shapes and attributes name node and op', () => {
  const b = mx.nd.array(boxes(1, 9, 3)).reshape([1, 9, 4]), s = mx.nd.array(randArray(18, 4, 0, 1)).reshape([1, 2, 9]);
  const want = nmsRef(b.data, s.data, 1, 2, 9, { center: 0, k: 4, iou: 0.3, score: 0.25 });
  const y = mx.nd.contrib.non_max_suppression(b, s, mx.nd.array([4]), mx.nd.array([0.3]), mx.nd.array([0.25]), { tensor_args: 'max_output_boxes_per_class,iou_threshold,score_threshold' });
  assert.equal(y.toArray(), want);
  expectMx(() => mx.nd.contrib.non_max_suppression(mx.nd.ones([1, 9, 3]), s, { max_output_boxes_per_class: 2 }), 'box shape', /_contrib_non_max_suppression: boxes must be \[batch, boxes, 4\], got \(1,9,3\)/);
  expectMx(() => mx.nd.contrib.non_max_suppression(b, s, { max_output_boxes_per_class: 2, center_point_box: 2 }), 'center', /center_point_box must be 0 or 1/);
  expectMx(() => mx.nd.contrib.non_max_suppression(b, s, { tensor_args: 'k' }), 'tensor_args', /tensor_args names k/);
});

test('nonzero vs nonzeroRef and unique vs uniqueRef: odd sizes, ranks 1 to 3, all zero, repeated values', () => {
  for (const n of SIZES.filter(Boolean)) {
    for (const dims of [[n], [1, n], [n, 3, 1]]) {
      const x = randArray(dims.reduce((p, d) => p * d, 1), n, -1, 1).map((v) => (v > 0.2 ? Math.round(v * 4) : 0));
      const nz = mx.nd.npx.nonzero(mx.nd.array(x).reshape(dims));
      assert.equal(nz.toArray(), nonzeroRef(x, dims).length ? nonzeroRef(x, dims) : [], `nonzero ${dims}`);
      assert.equal(nz.shape, [nonzeroRef(x, dims).length, dims.length]);
      const [y, first, inv, cnt] = mx.nd.np.unique(mx.nd.array(x).reshape(dims), { return_index: true, return_inverse: true, return_counts: true }) as never as InstanceType<typeof mx.NDArray>[];
      const u = uniqueRef(x);
      assert.equal([y.toArray(), first.toArray(), inv.toArray(), cnt.toArray()], [u.y, u.first, u.inverse, u.counts], `unique ${dims}`);
    }
  }
  assert.equal(mx.nd.npx.nonzero(mx.nd.zeros([2, 3])).shape, [0, 2]);
  // along an axis: unique rows, sorted lexicographically
  const rows = mx.nd.array([[1, 2], [0, 5], [1, 2], [0, 4]]);
  const [ur, ui, uv, uc] = mx.nd.np.unique(rows, { axis: 0, return_index: true, return_inverse: true, return_counts: true }) as never as InstanceType<typeof mx.NDArray>[];
  assert.equal([ur.toArray(), ui.toArray(), uv.toArray(), uc.toArray()], [[[0, 4], [0, 5], [1, 2]], [3, 1, 0], [2, 1, 2, 0], [1, 1, 2]]);
});

test('boolean_mask: forward at odd sizes on every axis, gradient by finite differences and through autograd', () => {
  for (const [dims, axis] of [[[5, 3], 0], [[2, 7, 3], 1], [[1, 4], 1], [[17, 1], 0]] as const) {
    const n = dims[axis], x = randArray((dims as readonly number[]).reduce((p, d) => p * d, 1), n, -1, 1);
    const m = Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 0 : 1));
    const y = mx.nd.contrib.boolean_mask(mx.nd.array(x).reshape([...dims]), mx.nd.array(m), { axis });
    const want = mx.nd.take(mx.nd.array(x).reshape([...dims]), mx.nd.array(m.flatMap((v, i) => (v ? [i] : []))), { axis });
    assert.equal(y.toArray(), want.toArray(), `${dims} axis ${axis}`);
    gradCheck('_contrib_boolean_mask', [mx.nd.array(x).reshape([...dims]), mx.nd.array(m)], { axis }, { skip: [1] });
  }
  const x = mx.nd.array([[1, 2], [3, 4], [5, 6]]);
  x.attachGrad();
  mx.autograd.record(() => mx.nd.sum(mx.nd.square(mx.nd.contrib.boolean_mask(x, mx.nd.array([1, 0, 1]))))).backward();
  assert.equal(x.grad!.toArray(), [[2, 4], [0, 0], [10, 12]]);
});

test('graphs with dynamic ops bind as segments: mx.sym, simpleBind, outputs per forward, reshape, backward refused', () => {
  const d = mx.sym.Variable('d'), i = mx.sym.Variable('i');
  const masked = mx.sym.contrib.boolean_mask(mx.sym.relu(d), i);
  const net = mx.sym.FullyConnected(masked, { num_hidden: 2, name: 'fc' });
  const exe = net.simpleBind({ shapes: { d: [4, 3], i: [4] } });
  assert.equal(exe.argDict.fc_weight.shape, [2, 3]);
  exe.argDict.fc_weight.data.set([1, 0, 0, 0, 1, 1]);
  const xv = [1, -2, 3, 4, 5, -6, -7, 8, 9, 0, 1, 2];
  const run = (m: number[]) => exe.forward({ d: xv, i: m })[0];
  assert.equal(run([1, 0, 1, 0]).toArray(), [[1, 3], [0, 17]]);
  assert.equal(run([0, 0, 0, 1]).toArray(), [[0, 3]]);
  assert.equal(run([0, 0, 0, 0]).shape, [0, 2]);
  assert.equal(exe.outputs[0].shape, [0, 2], 'outputs follow the last forward');
  assert.match(exe.debugStr(), /Dynamic:_contrib_boolean_mask/);
  expectMx(() => exe.backward([mx.nd.ones([0, 2])]), 'backward', /data-dependent shape.*_contrib_boolean_mask.*mx.autograd/);
  // many different counts: at most 8 segment executors stay bound (least recently used ones are freed)
  const big = mx.sym.sigmoid(mx.sym.contrib.boolean_mask(mx.sym.relu(d), i)).simpleBind({ shapes: { d: [20, 1], i: [20] } });
  const live0 = mx.memoryStats().liveBlocks;
  for (let kept = 0; kept <= 20; kept++) assert.equal(big.forward({ d: new Float32Array(20).fill(1), i: Array.from({ length: 20 }, (_, j) => (j < kept ? 1 : 0)) })[0].shape, [kept, 1]);
  assert.ok(mx.memoryStats().liveBlocks - live0 <= 8 * 2 + 2, `segment executors are bounded (${mx.memoryStats().liveBlocks - live0} blocks)`);
  big.dispose();
  const e2 = exe.reshape({ d: [2, 3], i: [2] });
  assert.equal(e2.forward({ d: [1, 2, 3, 4, 5, 6], i: [0, 1] })[0].toArray(), [[4, 11]]);
  // the symbol JSON stays MXNet's
  const js = JSON.parse(net.toJSON());
  assert.ok(js.nodes.some((n: { op: string }) => n.op === '_contrib_boolean_mask'));
  exe.dispose(); e2.dispose();
});

test.run();
