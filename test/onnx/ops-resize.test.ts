// ONNX Resize / Upsample vs onnxruntime-web: nearest (every nearest_mode), linear and cubic under every
// coordinate_transformation_mode, up and down, scales and sizes, exclude_outside, cubic_coeff_a,
// tf_crop_and_resize with its extrapolation value, axes and keep_aspect_ratio_policy (18), antialias,
// opsets 9 / 10 / 11 / 13 / 18 / 19; and that equal integer nearest scales keep the UpSampling op.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unit, fileSeed } from './oracle.js';
import { encodeModel } from '../../src/onnx/encode.js';
import { mx } from '../helpers.js';

fileSeed(test, 'ops-resize');

const X: [string, number[]][] = [['x', [1, 2, 5, 6]]];
const CTMS = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'];

const scaled = (opset: number, scales: number[], attrs: Record<string, unknown>, what: string, ins = X) =>
  unit({ op: 'Resize', opset, ins, consts: [['r', [0], []], ['s', [scales.length], scales]], attrs: attrs as never }, what);
const sized = (opset: number, sizes: number[], attrs: Record<string, unknown>, what: string, ins = X) =>
  unit({ op: 'Resize', opset, ins, consts: ['', '', ['z', [sizes.length], sizes, 7]], order: ['x', '', '', 'z'], attrs: attrs as never }, what);

test('linear and cubic: every coordinate transformation, up and down, scales and sizes', async () => {
  for (const mode of ['linear', 'cubic']) {
    for (const ctm of [...CTMS, 'half_pixel_symmetric']) {
      const opset = ctm === 'half_pixel_symmetric' ? 19 : 13;
      await scaled(opset, [1, 1, 2, 1.5], { mode, coordinate_transformation_mode: ctm }, `${mode} ${ctm} up`);
      await scaled(opset, [1, 1, 0.6, 0.5], { mode, coordinate_transformation_mode: ctm }, `${mode} ${ctm} down`);
      await sized(opset, [1, 2, 7, 3], { mode, coordinate_transformation_mode: ctm }, `${mode} ${ctm} sizes`);
      await sized(opset, [1, 2, 1, 4], { mode, coordinate_transformation_mode: ctm }, `${mode} ${ctm} size 1`);
    }
  }
  await scaled(11, [1, 1, 2, 2], { mode: 'cubic', cubic_coeff_a: { f: -0.5 }, exclude_outside: 1 }, 'cubic a -0.5 exclude_outside');
  await scaled(11, [1, 1, 0.5, 0.7], { mode: 'cubic', exclude_outside: 1 }, 'cubic exclude_outside down');
  await scaled(11, [1, 1, 2, 3], { mode: 'linear' }, 'linear opset 11');
});

test('nearest: every nearest_mode and coordinate transformation, non-integer scales, downsampling', async () => {
  for (const nm of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']) {
    for (const ctm of [...CTMS, 'tf_half_pixel_for_nn']) {
      await scaled(11, [1, 1, 1.7, 0.5], { mode: 'nearest', coordinate_transformation_mode: ctm, nearest_mode: nm }, `nearest ${ctm} ${nm}`);
    }
  }
  await sized(13, [1, 2, 3, 11], { mode: 'nearest' }, 'nearest sizes');
  await unit({ op: 'Resize', opset: 10, ins: X, consts: [['s', [4], [1, 1, 0.5, 1.5]]], attrs: { mode: 'nearest' } }, 'nearest opset 10 mixed');
  await unit({ op: 'Resize', opset: 10, ins: X, consts: [['s', [4], [1, 1, 1.5, 2]]], attrs: { mode: 'linear' } }, 'linear opset 10');
  await unit({ op: 'Upsample', opset: 9, ins: X, consts: [['s', [4], [1, 1, 2, 3]]], attrs: { mode: 'linear' } }, 'upsample 9 linear');
  await unit({ op: 'Upsample', opset: 7, ins: X, attrs: { mode: 'nearest', scales: { floats: [1, 1, 2, 2] } } }, 'upsample 7 nearest');
});

test('tf_crop_and_resize (roi, extrapolation_value), opset 18 axes / keep_aspect_ratio_policy / antialias, 3-d input', async () => {
  const roi: [string, number[], number[]] = ['r', [8], [0, 0, 0.2, -0.1, 1, 1, 0.9, 1.3]];
  for (const mode of ['nearest', 'linear', 'cubic']) {
    await unit({ op: 'Resize', opset: 13, ins: X, consts: [roi, ['s', [4], [1, 1, 1.4, 1.5]]], attrs: { mode, coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: { f: -3 } } }, `${mode} crop and resize`);
  }
  await unit({ op: 'Resize', opset: 18, ins: X, consts: ['', ['s', [2], [1.5, 0.5]]], order: ['x', '', 's'], attrs: { mode: 'linear', axes: [2, 3] } }, 'axes');
  for (const policy of ['not_larger', 'not_smaller']) {
    await unit({ op: 'Resize', opset: 18, ins: X, consts: ['', '', ['z', [2], [7, 9], 7]], order: ['x', '', '', 'z'], attrs: { mode: 'linear', axes: [2, 3], keep_aspect_ratio_policy: policy } }, policy);
  }
  for (const mode of ['linear', 'cubic']) {
    await unit({ op: 'Resize', opset: 18, ins: [['x', [1, 2, 9, 8]]], consts: ['', ['s', [4], [1, 1, 0.4, 0.75]]], order: ['x', '', 's'], attrs: { mode, antialias: 1 } }, `${mode} antialias`);
  }
  await scaled(13, [1, 2.5, 0.5], { mode: 'linear' }, '3-d, channel axis resized', [['x', [2, 3, 6]]]);
});

test('equal integer nearest scales keep UpSampling; dynamic axes cannot be resized', () => {
  const model = (dims: (number | string)[], scales: number[], attrs: Record<string, unknown> = {}) => encodeModel({
    opset: 13,
    graph: {
      nodes: [{ opType: 'Resize', inputs: ['x', '', 's'], outputs: ['y'], attrs: { mode: 'nearest', nearest_mode: 'floor', coordinate_transformation_mode: 'asymmetric', ...attrs } as never }],
      initializers: [{ name: 's', dims: [4], data: scales }], inputs: [{ name: 'x', dims }], outputs: [{ name: 'y' }],
    },
  });
  const ops = (b: Uint8Array) => JSON.parse(mx.onnx.importModel(b).symbol.toJSON()).nodes.map((n: { op: string }) => n.op);
  assert.ok(ops(model(['N', 3, 4, 4], [1, 1, 2, 2])).includes('UpSampling'));
  assert.ok(ops(model(['N', 3, 4, 4], [1, 1, 2, 3])).includes('FullyConnected'));
  assert.throws(() => mx.onnx.importModel(model([1, 3, 'H', 4], [1, 1, 1.5, 2])), /dynamic/);
});

test.run();
