// topk, _arange, depth_to_space / space_to_depth (added for ONNX TopK, Range, DepthToSpace / SpaceToDepth):
// forward vs the scalar references at odd sizes and several axes, batch 1 and > 1, finite-difference gradients.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, randArray, assertClose, gradCheck, invoke, expectMx } from '../helpers.js';
import { topk } from '../../src/reference/tensor.js';

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

test('topk: values, indices, both, mask vs the reference (axes, k, ascending, ties)', () => {
  for (const shape of [[1, 7], [3, 5], [2, 17, 3], [4, 1, 65], [2, 3, 1031]]) {
    for (let axis = -1; axis < shape.length; axis++) {
      const ax = axis < 0 ? axis + shape.length : axis, n = shape[ax];
      const outer = prod(shape.slice(0, ax)), inner = prod(shape.slice(ax + 1));
      // rounded values: many ties, which must keep the lower index first
      const x = randArray(prod(shape), shape.length + ax, -3, 3).map((v) => Math.round(v * 2) / 2);
      for (const k of [1, Math.min(3, n), n]) for (const asc of [false, true]) {
        const ref = topk(x, outer, n, inner, k, asc), what = `${shape} axis ${axis} k ${k} asc ${asc}`;
        const a = mx.nd.array(x, { shape }), attrs = { axis, k, is_ascend: asc };
        const [v, i] = invoke('topk', [a], { ...attrs, ret_typ: 'both' });
        assertClose(v.toTypedArray(), ref.val, 0, 0, `${what} values`);
        assertClose(i.toTypedArray(), ref.idx, 0, 0, `${what} indices`);
        const [i2] = invoke('topk', [a], attrs), [m] = invoke('topk', [a], { ...attrs, ret_typ: 'mask' }), [v2] = invoke('topk', [a], { ...attrs, ret_typ: 'value' });
        assertClose(i2.toTypedArray(), ref.idx, 0, 0, `${what} default ret_typ indices`);
        assertClose(m.toTypedArray(), ref.mask, 0, 0, `${what} mask`);
        assertClose(v2.toTypedArray(), ref.val, 0, 0, `${what} value`);
        const want = [...shape]; want[ax] = k;
        assert.equal(v.shape, want); assert.equal(m.shape, shape);
        for (const t of [a, v, i, i2, m, v2]) t.dispose();
      }
    }
  }
});

test('topk: axis None flattens, k < 1 sorts all, k too large and bad axis refused', () => {
  const x = randArray(12, 3), a = mx.nd.array(x, { shape: [3, 4] });
  const [v] = invoke('topk', [a], { axis: null, k: 5, ret_typ: 'value' });
  assertClose(v.toTypedArray(), topk(x, 1, 12, 1, 5, false).val, 0, 0);
  const [all] = invoke('topk', [a], { k: 0, ret_typ: 'value' });
  assert.equal(all.shape, [3, 4]);
  expectMx(() => invoke('topk', [a], { k: 5 }), 'k > axis size', /k 5/);
  expectMx(() => invoke('topk', [a], { axis: 2 }), 'axis out of range', /axis 2/);
  for (const t of [a, v, all]) t.dispose();
});

test('topk gradient (value, both): scatter to the chosen positions; indices / mask: zero', () => {
  for (const [shape, axis, k] of [[[1, 6], -1, 2], [[3, 5, 2], 1, 3], [[2, 4], 0, 1]] as [number[], number, number][]) {
    gradCheck('topk', [mx.nd.array(randArray(prod(shape), k + 7, -2, 2), { shape })], { axis, k, ret_typ: 'value' });
    gradCheck('topk', [mx.nd.array(randArray(prod(shape), k + 9, -2, 2), { shape })], { axis, k, ret_typ: 'value', is_ascend: true });
  }
});

test('_arange: start/stop/step/repeat, stop None, negative step; bad attributes refused', () => {
  const run = (attrs: Record<string, unknown>) => { const [y] = invoke('_arange', [], attrs); const v = Array.from(y.toTypedArray()); y.dispose(); return v; };
  assert.equal(run({ start: 2, stop: 8, step: 2 }), [2, 4, 6]);
  assert.equal(run({ start: 5 }), [0, 1, 2, 3, 4]);
  assert.equal(run({ start: 1, stop: 4, repeat: 2 }), [1, 1, 2, 2, 3, 3]);
  assert.equal(run({ start: 3, stop: 0, step: -1.5 }), [3, 1.5]);
  assert.equal(run({ start: 0, stop: 1, step: 0.25 }), [0, 0.25, 0.5, 0.75]);
  expectMx(() => run({ start: 0, stop: 3, step: 0 }), 'step 0', /step/);
  expectMx(() => run({ start: 0, stop: 3, step: -1 }), 'empty', /empty/);
});

/** depth_to_space by its definition (DCR). */
function d2s(x: Float32Array, [N, C, H, W]: number[], b: number): Float32Array {
  const c2 = C / (b * b), y = new Float32Array(x.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < c2; c++) for (let h = 0; h < H * b; h++) for (let w = 0; w < W * b; w++) {
    const src = ((n * C + ((h % b) * b + (w % b)) * c2 + c) * H + Math.floor(h / b)) * W + Math.floor(w / b);
    y[((n * c2 + c) * H * b + h) * W * b + w] = x[src];
  }
  return y;
}

test('depth_to_space / space_to_depth: definition, inverse of each other, gradients, bad shapes refused', () => {
  for (const [shape, b] of [[[1, 4, 3, 5], 2], [[2, 18, 2, 3], 3], [[3, 7, 4, 1], 1]] as [number[], number][]) {
    const x = randArray(prod(shape), b + shape[0]), a = mx.nd.array(x, { shape });
    const [y] = invoke('depth_to_space', [a], { block_size: b });
    assert.equal(y.shape, [shape[0], shape[1] / (b * b), shape[2] * b, shape[3] * b]);
    assertClose(y.toTypedArray(), d2s(x, shape, b), 0, 0, `d2s ${shape}`);
    const [z] = invoke('space_to_depth', [y], { block_size: b });
    assertClose(z.toTypedArray(), x, 0, 0, `s2d ${shape}`);
    gradCheck('depth_to_space', [mx.nd.array(x, { shape })], { block_size: b });
    gradCheck('space_to_depth', [mx.nd.array(y.toTypedArray(), { shape: y.shape })], { block_size: b });
    for (const t of [a, y, z]) t.dispose();
  }
  const bad = mx.nd.array(randArray(30), { shape: [1, 6, 5, 1] });
  expectMx(() => invoke('depth_to_space', [bad], { block_size: 2 }), 'C not a multiple', /multiple/);
  expectMx(() => invoke('space_to_depth', [bad], { block_size: 2 }), 'H not a multiple', /multiple/);
  bad.dispose();
});

test.run();
