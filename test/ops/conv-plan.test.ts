// convPlan (src/ops/conv/plan.ts): the one place a convolution's method, workspaces and kernels are chosen.
// Method per class of layer, workspaces that cover what the lowering addresses, and the profile class.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convGeom } from '../../src/ops/conv/convolution.js';
import { convPlan } from '../../src/ops/conv/plan.js';
import { winogradWorkspace } from '../../src/ops/conv/winograd.js';

const geom = (xs: number[], a: Record<string, unknown>) => convGeom({ num_group: 1, ...a }, xs, 'c');

test('method, class and kernels per layer class', () => {
  const rows: [string, number[], Record<string, unknown>, string, string][] = [
    ['ResNet 3x3 s1', [1, 64, 56, 56], { kernel: [3, 3], pad: [1, 1], num_filter: 64 }, 'winograd', '3x3 s1'],
    ['ResNet 3x3 s2', [1, 64, 56, 56], { kernel: [3, 3], pad: [1, 1], stride: [2, 2], num_filter: 128 }, 'im2col', '3x3 s2'],
    ['MobileNet stem', [1, 3, 224, 224], { kernel: [3, 3], pad: [1, 1], stride: [2, 2], num_filter: 32 }, 'few', 'stem'],
    ['ResNet stem', [2, 3, 224, 224], { kernel: [7, 7], pad: [3, 3], stride: [2, 2], num_filter: 64 }, 'few', 'stem'],
    ['depthwise s1', [1, 32, 112, 112], { kernel: [3, 3], pad: [1, 1], num_filter: 32, num_group: 32 }, 'dw', 'depthwise'],
    ['1x1', [1, 32, 112, 112], { kernel: [1, 1], num_filter: 64 }, '1x1', '1x1'],
    ['grouped', [2, 64, 28, 28], { kernel: [3, 3], pad: [1, 1], num_filter: 64, num_group: 4 }, 'im2col', 'grouped'],
    ['LeNet conv2 batch 64', [64, 20, 12, 12], { kernel: [5, 5], num_filter: 50 }, 'block', 'other'],
  ];
  for (const [name, xs, a, method, cls] of rows) {
    const p = convPlan(geom(xs, a));
    assert.is(p.method, method, name);
    assert.is(p.cls, cls, name);
    assert.ok(p.kernels.length > 0, name);
    assert.is(p.block > 0, method === 'block', `${name}: block iff method block`);
  }
});

test('workspaces cover each method', () => {
  const w = geom([1, 64, 56, 56], { kernel: [3, 3], pad: [1, 1], num_filter: 64 }), pw = convPlan(w);
  assert.is(pw.fwdWorkspace, winogradWorkspace(w));
  assert.ok(pw.dwWinograd && pw.dxWinograd, 'Winograd layer: both gradients by Winograd');
  assert.ok(pw.bwdWorkspace >= pw.fwdWorkspace);
  const s2 = geom([1, 8, 224, 224], { kernel: [3, 3], pad: [1, 1], stride: [2, 2], num_filter: 32 }), p2 = convPlan(s2);
  assert.is(p2.fwdWorkspace, 8 * 9 * 112 * 112 * 4, 'im2col: one column matrix');
  assert.is(p2.bwdWorkspace, p2.fwdWorkspace);
  const stem = convPlan(geom([1, 3, 224, 224], { kernel: [3, 3], pad: [1, 1], stride: [2, 2], num_filter: 32 }));
  assert.is(stem.fwdWorkspace, 0, 'direct few-channel stem: no workspace');
  assert.is(stem.bwdWorkspace, 3 * 9 * 112 * 112 * 4, 'its backward: im2col');
  const one = convPlan(geom([2, 32, 14, 14], { kernel: [1, 1], num_filter: 8 }));
  assert.is(one.fwdWorkspace, 0, '1x1: no workspace');
  const dw = convPlan(geom([1, 8, 9, 11], { kernel: [3, 3], pad: [1, 1], num_filter: 8, num_group: 8 }));
  assert.is(dw.fwdWorkspace, 0);
  assert.ok(dw.dxDepthwise, 'depthwise 3x3 s1: dx as a forward depthwise conv');
  assert.is(dw.bwdWorkspace, 8 * 9 * 4, 'rotated filters');
  assert.is(dw.fusesAct, 1);
});

test.run();
