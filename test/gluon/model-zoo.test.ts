// gluon.model_zoo.vision: parameter counts, full names and structural keys as MXNet's (GLUON.md §10), so MXNet's
// published .params load; forward shapes and hybridized equality on small inputs; a structural-key file round trip.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mx, assertClose, randArray } from '../helpers.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

const { gluon, nd } = mx;
const zoo = gluon.modelZoo.vision;

const CASES: [string, number, string[], string[]][] = [
  ['resnet18_v1', 102, ['resnetv10_conv0_weight', 'resnetv10_batchnorm0_running_var', 'resnetv10_stage2_conv2_weight', 'resnetv10_stage4_conv4_weight', 'resnetv10_dense0_bias'],
    ['features.0.weight', 'features.1.gamma', 'features.4.0.body.0.weight', 'features.5.0.downsample.0.weight', 'features.7.1.body.4.running_mean', 'output.weight']],
  ['resnet50_v1', 299, ['resnetv10_stage1_conv0_bias', 'resnetv10_stage1_conv3_weight', 'resnetv10_stage1_conv6_bias', 'resnetv10_stage4_batchnorm9_running_var'],
    ['features.4.0.body.6.bias', 'features.4.0.downsample.0.weight', 'output.weight']],
  ['mobilenet1.0', 137, ['mobilenet0_conv0_weight', 'mobilenet0_conv26_weight', 'mobilenet0_batchnorm26_gamma', 'mobilenet0_dense0_weight'],
    ['features.0.weight', 'features.1.gamma', 'features.3.weight', 'features.78.weight', 'features.79.running_var', 'output.weight']],
  ['mobilenetv2_1.0', 266, ['mobilenetv20_features_conv0_weight', 'mobilenetv20_features_linearbottleneck0_conv0_weight', 'mobilenetv20_features_linearbottleneck16_batchnorm2_beta',
    'mobilenetv20_features_conv1_weight', 'mobilenetv20_features_batchnorm1_gamma', 'mobilenetv20_output_pred_weight'],
    ['features.3.out.0.weight', 'features.3.out.1.gamma', 'features.19.out.6.weight', 'features.20.weight', 'output.0.weight']],
  ['squeezenet1.1', 52, ['squeezenet0_conv0_weight', 'squeezenet0_conv3_bias', 'squeezenet0_conv25_weight'],
    ['features.0.weight', 'features.3.0.0.weight', 'features.3.1.0.0.weight', 'features.3.1.1.0.weight', 'output.0.weight']],
  ['vgg11', 22, ['vgg0_conv0_weight', 'vgg0_conv7_bias', 'vgg0_dense0_weight', 'vgg0_dense2_bias'],
    ['features.0.weight', 'features.3.weight', 'features.6.weight', 'features.8.weight', 'features.11.weight', 'features.13.weight', 'features.16.weight', 'features.18.weight', 'features.21.weight', 'features.23.weight', 'output.weight']],
  ['alexnet', 16, ['alexnet0_conv0_weight', 'alexnet0_conv4_bias', 'alexnet0_dense2_weight'],
    ['features.0.weight', 'features.2.weight', 'features.4.weight', 'features.5.weight', 'features.6.weight', 'features.9.weight', 'features.11.weight', 'output.weight']],
  ['densenet121', 606, ['densenet0_conv0_weight', 'densenet0_stage1_batchnorm0_gamma', 'densenet0_stage1_conv11_weight', 'densenet0_batchnorm1_gamma', 'densenet0_conv1_weight',
    'densenet0_conv3_weight', 'densenet0_batchnorm4_running_var', 'densenet0_dense0_weight'],
    ['features.4.0.1.0.gamma', 'features.4.0.1.2.weight', 'features.5.2.weight', 'features.11.gamma', 'output.weight']],
];

for (const [name, count, full, structural] of CASES) {
  test(`${name}: ${count} arrays, MXNet's full names and structural keys`, () => {
    mx.sym.NameManager.reset();
    const net = zoo.getModel(name);
    const keys = net.collectParams().keys(), st = [...net.collectParamsWithPrefix().keys()];
    assert.is(keys.length, count); assert.is(st.length, count);
    for (const k of full) assert.ok(keys.includes(k), `${name}: no ${k}`);
    for (const k of structural) assert.ok(st.includes(k), `${name}: no structural ${k}`);
  });
}

test('resnet18_v1 and mobilenetv2: forward shape at 64x64, hybridized equal, weight shapes inferred', () => {
  for (const name of ['resnet18_v1', 'mobilenetv2_1.0']) {
    mx.random.seed(1);
    mx.sym.NameManager.reset();
    const net = zoo.getModel(name, { classes: 7 });
    net.initialize(new mx.init.Xavier());
    const x = nd.array(randArray(2 * 3 * 64 * 64, 3), { shape: [2, 3, 64, 64] });
    const y = net.forward(x) as NDArray;
    assert.equal(y.shape, [2, 7]);
    if (name === 'resnet18_v1') assert.equal(net.collectParams().get('resnetv10_stage2_conv2_weight').shape, [128, 64, 1, 1]);
    net.hybridize();
    assertClose((net.forward(x) as NDArray).data, y.data, 1e-4, 1e-5, name);
  }
});

test('getModel: unknown names and pretrained are errors; structural save → load into a fresh model', () => {
  assert.throws(() => zoo.getModel('resnet1000'), /not supported/);
  assert.throws(() => zoo.getModel('alexnet', { pretrained: true }), /loadParameters/);
  mx.random.seed(2);
  const a = zoo.squeezenet1_1({ classes: 5 }), b = zoo.squeezenet1_1({ classes: 5 });
  a.initialize(); b.initialize();
  const x = nd.array(randArray(3 * 224 * 224, 4), { shape: [1, 3, 224, 224] });
  const y = a.forward(x) as NDArray;
  assert.equal(y.shape, [1, 5]);
  const bytes = nd.save(null, new Map([...a.collectParamsWithPrefix()].map(([k, p]) => [k, p.data()])));
  b.loadParameters(bytes);
  assertClose((b.forward(x) as NDArray).data, y.data, 0, 0);
});

test.run();
