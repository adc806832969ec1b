// The README's example, runnable: node --import tsx examples/readme.mjs
import * as mx from '../src/entry/node.ts';
import { mnistSplit } from './mnist-data.mjs';

const { train } = mnistSplit();
const images = mx.nd.array(train.images, { shape: [train.n, 1, 28, 28] }), labels = mx.nd.array(train.labels);

const data = mx.sym.Variable('data');
let net = mx.sym.Convolution({ data, kernel: [5, 5], num_filter: 20, name: 'conv1' });
net = mx.sym.Activation({ data: net, act_type: 'tanh' });
net = mx.sym.Pooling({ data: net, pool_type: 'max', kernel: [2, 2], stride: [2, 2] });
net = mx.sym.Flatten({ data: net });
net = mx.sym.FullyConnected({ data: net, num_hidden: 10, name: 'fc1' });
net = mx.sym.SoftmaxOutput({ data: net, name: 'softmax' });
console.log(mx.viz.printSummary(net, { data: [1, 1, 28, 28] }));

const trainIter = new mx.io.NDArrayIter({ data: images, label: labels, batchSize: 64, shuffle: true });
const mod = new mx.mod.Module({ symbol: net, context: [mx.cpu(0), mx.cpu(1)] }); // two executors, two threads
mod.fit(trainIter, {
  numEpoch: 2, optimizer: 'sgd', optimizerParams: { learning_rate: 0.1, momentum: 0.9 },
  initializer: new mx.init.Xavier(), batchEndCallback: new mx.callback.Speedometer(64, 50),
});
mod.saveCheckpoint('/tmp/lenet', 2);                 // lenet-symbol.json + lenet-0002.params, loadable by MXNet
const { symbol, argParams } = mx.model.loadCheckpoint('/tmp/lenet', 2);
console.log(symbol.listArguments(), Object.keys(argParams));
mx.shutdown();
