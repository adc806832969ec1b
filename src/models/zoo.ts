import { sym } from '../api/sym.js';
import type { Symbol } from '../symbol/symbol.js';

/**
 * The MLP of MXNet's MNIST tutorial: flatten, FC128 relu, FC64 relu, FC10, SoftmaxOutput.
 * @example const net = mx.models.mlp(); net.listArguments()
 */
export function mlp(hidden: number[] = [128, 64], classes = 10): Symbol {
  let x: Symbol = sym.Flatten({ data: sym.Variable('data'), name: 'flatten' });
  hidden.forEach((h, i) => {
    x = sym.FullyConnected({ data: x, num_hidden: h, name: `fc${i + 1}` });
    x = sym.Activation({ data: x, act_type: 'relu', name: `relu${i + 1}` });
  });
  x = sym.FullyConnected({ data: x, num_hidden: classes, name: `fc${hidden.length + 1}` });
  return sym.SoftmaxOutput({ data: x, name: 'softmax' });
}

/**
 * The LeNet of MXNet's MNIST tutorial: conv 20 5x5 tanh, max pool 2/2, conv 50 5x5 tanh, max pool,
 * flatten, FC500 tanh, FC10, SoftmaxOutput (input (N, 1, 28, 28)).
 * @example const net = mx.models.lenet(); mx.viz.printSummary(net, { data: [1, 1, 28, 28] })
 */
export function lenet(classes = 10): Symbol {
  const data = sym.Variable('data');
  let x = sym.Convolution({ data, kernel: [5, 5], num_filter: 20, name: 'conv1' });
  x = sym.Activation({ data: x, act_type: 'tanh', name: 'tanh1' });
  x = sym.Pooling({ data: x, pool_type: 'max', kernel: [2, 2], stride: [2, 2], name: 'pool1' });
  x = sym.Convolution({ data: x, kernel: [5, 5], num_filter: 50, name: 'conv2' });
  x = sym.Activation({ data: x, act_type: 'tanh', name: 'tanh2' });
  x = sym.Pooling({ data: x, pool_type: 'max', kernel: [2, 2], stride: [2, 2], name: 'pool2' });
  x = sym.Flatten({ data: x, name: 'flatten' });
  x = sym.FullyConnected({ data: x, num_hidden: 500, name: 'fc1' });
  x = sym.Activation({ data: x, act_type: 'tanh', name: 'tanh3' });
  x = sym.FullyConnected({ data: x, num_hidden: classes, name: 'fc2' });
  return sym.SoftmaxOutput({ data: x, name: 'softmax' });
}
