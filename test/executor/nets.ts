// Network builders used by executor tests and benches: MXNet tutorial MLP and LeNet, a ResNet-18-shaped graph.
import { mx } from '../helpers.js';
import type { Symbol } from '../../src/symbol/symbol.js';
import type { OpAttrs } from '../../src/api/typed-ops.js';

const { sym } = mx;

/** MXNet MNIST tutorial MLP: FC128-relu-FC64-relu-FC10-SoftmaxOutput (sizes adjustable). */
export function mlp(h1 = 128, h2 = 64, classes = 10): Symbol {
  const data = sym.Flatten({ data: sym.Variable('data') });
  const fc1 = sym.FullyConnected({ data, num_hidden: h1, name: 'fc1' });
  const act1 = sym.Activation({ data: fc1, act_type: 'relu', name: 'relu1' });
  const fc2 = sym.FullyConnected({ data: act1, num_hidden: h2, name: 'fc2' });
  const act2 = sym.Activation({ data: fc2, act_type: 'relu', name: 'relu2' });
  const fc3 = sym.FullyConnected({ data: act2, num_hidden: classes, name: 'fc3' });
  return sym.SoftmaxOutput({ data: fc3, name: 'softmax' });
}

/** MXNet MNIST tutorial LeNet (tanh, max pooling); filters/hidden/pool type adjustable for small checks. */
export function lenet(o: { f1?: number; f2?: number; hidden?: number; act?: OpAttrs['Activation']['act_type']; pool?: OpAttrs['Pooling']['pool_type']; k?: number } = {}): Symbol {
  const act = o.act ?? 'tanh', pool = o.pool ?? 'max', k = o.k ?? 5;
  const data = sym.Variable('data');
  const conv1 = sym.Convolution({ data, kernel: [k, k], num_filter: o.f1 ?? 20, name: 'conv1' });
  const a1 = sym.Activation({ data: conv1, act_type: act, name: 'act1' });
  const p1 = sym.Pooling({ data: a1, pool_type: pool, kernel: [2, 2], stride: [2, 2], name: 'pool1' });
  const conv2 = sym.Convolution({ data: p1, kernel: [k, k], num_filter: o.f2 ?? 50, name: 'conv2' });
  const a2 = sym.Activation({ data: conv2, act_type: act, name: 'act2' });
  const p2 = sym.Pooling({ data: a2, pool_type: pool, kernel: [2, 2], stride: [2, 2], name: 'pool2' });
  const flat = sym.Flatten({ data: p2, name: 'flatten' });
  const fc1 = sym.FullyConnected({ data: flat, num_hidden: o.hidden ?? 500, name: 'fc1' });
  const a3 = sym.Activation({ data: fc1, act_type: act, name: 'act3' });
  const fc2 = sym.FullyConnected({ data: a3, num_hidden: 10, name: 'fc2' });
  return sym.SoftmaxOutput({ data: fc2, name: 'softmax' });
}

function convBn(x: Symbol, name: string, filters: number, kernel: number, stride: number, relu: boolean): Symbol {
  const pad = (kernel - 1) >> 1;
  const c = sym.Convolution({ data: x, kernel: [kernel, kernel], stride: [stride, stride], pad: [pad, pad], num_filter: filters, no_bias: true, name: `${name}_conv` });
  const b = sym.BatchNorm({ data: c, fix_gamma: false, eps: 2e-5, name: `${name}_bn` });
  return relu ? sym.Activation({ data: b, act_type: 'relu', name: `${name}_relu` }) : b;
}

/** ResNet-18 (v1 basic blocks) as MXNet's symbols/resnet.py lays it out for ImageNet (224x224). */
export function resnet18(classes = 1000): Symbol {
  let x = convBn(sym.Variable('data'), 'stem', 64, 7, 2, true);
  x = sym.Pooling({ data: x, kernel: [3, 3], stride: [2, 2], pad: [1, 1], pool_type: 'max', name: 'stem_pool' });
  let inC = 64;
  [64, 128, 256, 512].forEach((c, s) => {
    for (let u = 0; u < 2; u++) {
      const stride = u === 0 && s > 0 ? 2 : 1, name = `stage${s + 1}_unit${u + 1}`;
      const body = convBn(convBn(x, `${name}_a`, c, 3, stride, true), `${name}_b`, c, 3, 1, false);
      const short = stride !== 1 || inC !== c ? convBn(x, `${name}_sc`, c, 1, stride, false) : x;
      x = sym.Activation({ data: body.add(short), act_type: 'relu', name: `${name}_relu` });
      inC = c;
    }
  });
  x = sym.Pooling({ data: x, kernel: [7, 7], global_pool: true, pool_type: 'avg', name: 'pool' });
  const fc = sym.FullyConnected({ data: sym.Flatten({ data: x, name: 'flat' }), num_hidden: classes, name: 'fc' });
  return sym.SoftmaxOutput({ data: fc, name: 'softmax' });
}
