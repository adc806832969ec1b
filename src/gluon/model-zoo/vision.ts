// gluon.model_zoo.vision: SqueezeNet 1.1, VGG-11, AlexNet, DenseNet-121 (built as MXNet 1.9 builds them) and
// getModel by MXNet's names. Weights are not bundled: load MXNet's published file with `net.loadParameters(file)`.
import { ArgumentError } from '../../errors.js';
import { Xavier } from '../../init/rules.js';
import { HybridBlock, type BlockOptions } from '../block.js';
import { Activation } from '../nn/activations.js';
import { BatchNorm, Dense, Dropout, Flatten, HybridSequential } from '../nn/basic.js';
import { HybridConcurrent, Identity } from '../nn/contrib.js';
import { AvgPool2D, Conv2D, MaxPool2D } from '../nn/conv.js';
import { MobileNet, MobileNetV2, ResNetV1 } from './resnet-mobilenet.js';

type P = Record<string, any>;

/** features → output, the shape every zoo model shares. */
class Classifier extends HybridBlock {
  features!: HybridSequential; output!: HybridBlock;
  override hybridForward(_F: P, x: unknown): unknown { return this.output.forward(this.features.forward(x)); }
}

const fireConv = (c: number, k: number, pad = 0) => new HybridSequential({ prefix: '' }).add(new Conv2D(c, k, { padding: pad }), new Activation('relu'));
function fire(sq: number, e1: number, e3: number): HybridSequential {
  const out = new HybridSequential({ prefix: '' });
  out.add(fireConv(sq, 1));
  const paths = new HybridConcurrent(1, { prefix: '' });
  paths.add(fireConv(e1, 1), fireConv(e3, 3, 1));
  return out.add(paths);
}

/** SqueezeNet 1.1 (`squeezenet0_`). */
export class SqueezeNet extends Classifier {
  static override alias = 'squeezenet';
  constructor(classes = 1000, o: BlockOptions = {}) {
    super(o);
    this.nameScope(() => {
      const f = this.features = this.registerChild(new HybridSequential({ prefix: '' }), 'features');
      const mp = () => new MaxPool2D({ poolSize: 3, strides: 2, ceilMode: true });
      f.add(new Conv2D(64, 3, { strides: 2 }), new Activation('relu'), mp(), fire(16, 64, 64), fire(16, 64, 64), mp(),
        fire(32, 128, 128), fire(32, 128, 128), mp(), fire(48, 192, 192), fire(48, 192, 192), fire(64, 256, 256), fire(64, 256, 256), new Dropout(0.5));
      this.output = this.registerChild(new HybridSequential({ prefix: '' }), 'output');
      (this.output as HybridSequential).add(new Conv2D(classes, 1), new Activation('relu'), new AvgPool2D(13), new Flatten());
    });
  }
}

/** VGG (`vgg0_`); vgg11 = layers [1, 1, 2, 2, 2]. */
export class VGG extends Classifier {
  static override alias = 'vgg';
  constructor(layers: number[], filters: number[], classes = 1000, batchNorm = false, o: BlockOptions = {}) {
    super(o);
    this.nameScope(() => {
      const f = this.features = this.registerChild(new HybridSequential({ prefix: '' }), 'features');
      layers.forEach((n, i) => {
        for (let k = 0; k < n; k++) {
          f.add(new Conv2D(filters[i], 3, { padding: 1, weightInitializer: new Xavier({ rnd_type: 'gaussian', factor_type: 'out', magnitude: 2 }), biasInitializer: 'zeros' }));
          if (batchNorm) f.add(new BatchNorm());
          f.add(new Activation('relu'));
        }
        f.add(new MaxPool2D({ strides: 2 }));
      });
      f.add(new Dense(4096, { activation: 'relu', weightInitializer: 'normal', biasInitializer: 'zeros' }), new Dropout(0.5),
        new Dense(4096, { activation: 'relu', weightInitializer: 'normal', biasInitializer: 'zeros' }), new Dropout(0.5));
      this.output = this.registerChild(new Dense(classes, { weightInitializer: 'normal', biasInitializer: 'zeros' }), 'output');
    });
  }
}

/** AlexNet (`alexnet0_`). */
export class AlexNet extends Classifier {
  static override alias = 'alexnet';
  constructor(classes = 1000, o: BlockOptions = {}) {
    super(o);
    this.nameScope(() => {
      const f = this.features = this.registerChild(new HybridSequential({ prefix: '' }), 'features');
      f.nameScope(() => f.add(
        new Conv2D(64, 11, 4, 2, { activation: 'relu' }), new MaxPool2D(3, 2), new Conv2D(192, 5, { padding: 2, activation: 'relu' }), new MaxPool2D(3, 2),
        new Conv2D(384, 3, { padding: 1, activation: 'relu' }), new Conv2D(256, 3, { padding: 1, activation: 'relu' }), new Conv2D(256, 3, { padding: 1, activation: 'relu' }),
        new MaxPool2D(3, 2), new Flatten(), new Dense(4096, { activation: 'relu' }), new Dropout(0.5), new Dense(4096, { activation: 'relu' }), new Dropout(0.5)));
      this.output = this.registerChild(new Dense(classes), 'output');
    });
  }
}

function denseLayer(growth: number, bnSize: number): HybridConcurrent {
  const nf = new HybridSequential({ prefix: '' });
  nf.add(new BatchNorm(), new Activation('relu'), new Conv2D(bnSize * growth, 1, { useBias: false }), new BatchNorm(), new Activation('relu'), new Conv2D(growth, 3, { padding: 1, useBias: false }));
  const out = new HybridConcurrent(1, { prefix: '' });
  return out.add(new Identity({ prefix: '' }), nf);
}

/** DenseNet (`densenet0_`); densenet121 = (64, 32, [6, 12, 24, 16]). */
export class DenseNet extends Classifier {
  static override alias = 'densenet';
  constructor(initFeatures: number, growth: number, blocks: number[], bnSize = 4, classes = 1000, o: BlockOptions = {}) {
    super(o);
    this.nameScope(() => {
      const f = this.features = this.registerChild(new HybridSequential({ prefix: '' }), 'features');
      f.add(new Conv2D(initFeatures, 7, 2, 3, { useBias: false }), new BatchNorm(), new Activation('relu'), new MaxPool2D(3, 2, 1));
      let nf = initFeatures;
      blocks.forEach((n, i) => {
        const stage = new HybridSequential({ prefix: `stage${i + 1}_` });
        stage.nameScope(() => { for (let k = 0; k < n; k++) stage.add(denseLayer(growth, bnSize)); });
        f.add(stage);
        nf += n * growth;
        if (i !== blocks.length - 1) {
          nf = Math.floor(nf / 2);
          f.add(new HybridSequential({ prefix: '' }).add(new BatchNorm(), new Activation('relu'), new Conv2D(nf, 1, { useBias: false }), new AvgPool2D(2, 2)));
        }
      });
      f.add(new BatchNorm(), new Activation('relu'), new AvgPool2D(7), new Flatten());
      this.output = this.registerChild(new Dense(classes), 'output');
    });
  }
}

const MODELS: Record<string, (classes: number) => HybridBlock> = {
  resnet18_v1: (c) => new ResNetV1(false, [2, 2, 2, 2], [64, 64, 128, 256, 512], c),
  resnet34_v1: (c) => new ResNetV1(false, [3, 4, 6, 3], [64, 64, 128, 256, 512], c),
  resnet50_v1: (c) => new ResNetV1(true, [3, 4, 6, 3], [64, 256, 512, 1024, 2048], c),
  'mobilenet1.0': (c) => new MobileNet(1.0, c),
  'mobilenetv2_1.0': (c) => new MobileNetV2(1.0, c),
  'squeezenet1.1': (c) => new SqueezeNet(c),
  vgg11: (c) => new VGG([1, 1, 2, 2, 2], [64, 128, 256, 512, 512], c),
  alexnet: (c) => new AlexNet(c),
  densenet121: (c) => new DenseNet(64, 32, [6, 12, 24, 16], 4, c),
};

/**
 * A zoo model by MXNet's name (`resnet18_v1`, `mobilenet1.0`, ...), untrained; load weights with loadParameters.
 * @example const net = getModel('resnet18_v1'); net.loadParameters('resnet18_v1-a0666292.params');
 */
export function getModel(name: string, o: { classes?: number; pretrained?: boolean } = {}): HybridBlock {
  const f = MODELS[name.toLowerCase()];
  if (!f) throw new ArgumentError(`Model ${name} is not supported. Available options are\n\t${Object.keys(MODELS).join('\n\t')}`);
  if (o.pretrained) throw new ArgumentError(`getModel(${name}): weights are not bundled; create the model and call net.loadParameters(<MXNet's ${name}-xxxxxxxx.params>)`);
  return f(o.classes ?? 1000);
}

export const resnet18_v1 = (o: { classes?: number } = {}) => getModel('resnet18_v1', o);
export const resnet50_v1 = (o: { classes?: number } = {}) => getModel('resnet50_v1', o);
export const mobilenet1_0 = (o: { classes?: number } = {}) => getModel('mobilenet1.0', o);
export const mobilenet_v2_1_0 = (o: { classes?: number } = {}) => getModel('mobilenetv2_1.0', o);
export const squeezenet1_1 = (o: { classes?: number } = {}) => getModel('squeezenet1.1', o);
export const vgg11 = (o: { classes?: number } = {}) => getModel('vgg11', o);
export const alexnet = (o: { classes?: number } = {}) => getModel('alexnet', o);
export const densenet121 = (o: { classes?: number } = {}) => getModel('densenet121', o);
export { ResNetV1, MobileNet, MobileNetV2 };
