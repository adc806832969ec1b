// gluon.model_zoo.vision ResNet v1 and MobileNet v1/v2, built as MXNet 1.9 builds them (same children, prefixes
// and creation order), so parameter names (`resnetv10_stage1_conv0_weight`) and structural keys
// (`features.4.0.body.0.weight`) match MXNet's published .params files.
import { HybridBlock, type BlockOptions } from '../block.js';
import { Activation } from '../nn/activations.js';
import { BatchNorm, Dense, Flatten, HybridSequential } from '../nn/basic.js';
import { Conv2D, GlobalAvgPool2D, MaxPool2D } from '../nn/conv.js';

type P = Record<string, any>;
const conv3x3 = (c: number, stride: number, inC: number) => new Conv2D(c, 3, { strides: stride, padding: 1, useBias: false, inChannels: inC });

class BasicBlockV1 extends HybridBlock {
  static override alias = 'basicblockv1';
  body: HybridSequential; downsample?: HybridSequential;
  constructor(channels: number, stride: number, downsample: boolean, inChannels: number, o: BlockOptions) {
    super(o);
    this.body = this.registerChild(new HybridSequential({ prefix: '' }), 'body');
    this.body.add(conv3x3(channels, stride, inChannels), new BatchNorm(), new Activation('relu'), conv3x3(channels, 1, channels), new BatchNorm());
    if (downsample) {
      this.downsample = this.registerChild(new HybridSequential({ prefix: '' }), 'downsample');
      this.downsample.add(new Conv2D(channels, 1, { strides: stride, useBias: false, inChannels }), new BatchNorm());
    }
  }
  override hybridForward(F: P, x: unknown): unknown {
    const y = this.body.forward(x), r = this.downsample ? this.downsample.forward(x) : x;
    return F.Activation(F.elemwise_add(r, y), { act_type: 'relu' });
  }
}

/** ResNet v1 (`resnetv10_`): features (stem, stages `stageN_`, global pool) and output Dense. */
export class ResNetV1 extends HybridBlock {
  static override alias = 'resnetv1';
  features!: HybridSequential; output!: Dense;
  constructor(bottleneck: boolean, layers: number[], channels: number[], classes = 1000, o: BlockOptions = {}) {
    super(o);
    this.nameScope(() => {
      const f = this.features = this.registerChild(new HybridSequential({ prefix: '' }), 'features');
      f.add(new Conv2D(channels[0], 7, 2, 3, { useBias: false }), new BatchNorm(), new Activation('relu'), new MaxPool2D(3, 2, 1));
      layers.forEach((n, i) => {
        const stage = new HybridSequential({ prefix: `stage${i + 1}_` });
        stage.nameScope(() => {
          for (let k = 0; k < n; k++) {
            const inC = k === 0 ? channels[i] : channels[i + 1], stride = k === 0 && i > 0 ? 2 : 1;
            stage.add(makeBlock(bottleneck, channels[i + 1], stride, k === 0 && channels[i + 1] !== channels[i], inC));
          }
        });
        f.add(stage);
      });
      f.add(new GlobalAvgPool2D());
      this.output = this.registerChild(new Dense(classes, { inUnits: channels[channels.length - 1] }), 'output');
    });
  }
  override hybridForward(_F: P, x: unknown): unknown { return this.output.forward(this.features.forward(x)); }
}

function makeBlock(bottleneck: boolean, c: number, stride: number, down: boolean, inC: number): HybridBlock {
  if (!bottleneck) return new BasicBlockV1(c, stride, down, inC, { prefix: '' });
  const b = new Bottleneck({ prefix: '' });
  b.body = b.registerChild(new HybridSequential({ prefix: '' }), 'body');
  b.body.add(new Conv2D(c / 4, 1, { strides: stride }), new BatchNorm(), new Activation('relu'), conv3x3(c / 4, 1, c / 4), new BatchNorm(), new Activation('relu'),
    new Conv2D(c, 1, { strides: 1 }), new BatchNorm());
  if (down) {
    b.downsample = b.registerChild(new HybridSequential({ prefix: '' }), 'downsample');
    b.downsample.add(new Conv2D(c, 1, { strides: stride, useBias: false, inChannels: inC }), new BatchNorm());
  }
  return b;
}

/** BottleneckV1: body 1x1 (stride, with bias) → 3x3 → 1x1 (with bias), each BN (+relu). */
class Bottleneck extends HybridBlock {
  static override alias = 'bottleneckv1';
  body!: HybridSequential; downsample?: HybridSequential;
  override hybridForward(F: P, x: unknown): unknown {
    const y = this.body.forward(x), r = this.downsample ? this.downsample.forward(x) : x;
    return F.Activation(F.elemwise_add(r, y), { act_type: 'relu' });
  }
}

/** clip(x, 0, 6) as a block (`relu6` alias; the op is named relu6). */
class RELU6 extends HybridBlock {
  static override alias = 'relu6';
  override hybridForward(F: P, x: unknown): unknown { return F.clip(x, { a_min: 0, a_max: 6, name: 'relu6' }); }
}

function addConv(out: HybridSequential, c: number, o: { kernel?: number; stride?: number; pad?: number; groups?: number; active?: boolean; relu6?: boolean } = {}): void {
  out.add(new Conv2D(c, o.kernel ?? 1, o.stride ?? 1, o.pad ?? 0, { groups: o.groups ?? 1, useBias: false }), new BatchNorm({ scale: true }));
  if (o.active ?? true) out.add(o.relu6 ? new RELU6() : new Activation('relu'));
}

/** MobileNet v1 (`mobilenet0_`). */
export class MobileNet extends HybridBlock {
  static override alias = 'mobilenet';
  features!: HybridSequential; output!: Dense;
  constructor(multiplier = 1.0, classes = 1000, o: BlockOptions = {}) {
    super(o);
    const m = (xs: number[]) => xs.map((x) => Math.trunc(x * multiplier));
    this.nameScope(() => {
      const f = this.features = this.registerChild(new HybridSequential({ prefix: '' }), 'features');
      f.nameScope(() => {
        addConv(f, Math.trunc(32 * multiplier), { kernel: 3, pad: 1, stride: 2 });
        const dw = m([32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024]);
        const ch = m([64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024]);
        const st = [1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1];
        dw.forEach((d, i) => { addConv(f, d, { kernel: 3, stride: st[i], pad: 1, groups: d }); addConv(f, ch[i]); });
        f.add(new GlobalAvgPool2D(), new Flatten());
      });
      this.output = this.registerChild(new Dense(classes), 'output');
    });
  }
  override hybridForward(_F: P, x: unknown): unknown { return this.output.forward(this.features.forward(x)); }
}

class LinearBottleneck extends HybridBlock {
  static override alias = 'linearbottleneck';
  out!: HybridSequential; private shortcut: boolean;
  constructor(inC: number, c: number, t: number, stride: number) {
    super();
    this.shortcut = stride === 1 && inC === c;
    this.nameScope(() => {
      const out = this.out = this.registerChild(new HybridSequential(), 'out');
      addConv(out, inC * t, { relu6: true });
      addConv(out, inC * t, { kernel: 3, stride, pad: 1, groups: inC * t, relu6: true });
      addConv(out, c, { active: false, relu6: true });
    });
  }
  override hybridForward(F: P, x: unknown): unknown { const y = this.out.forward(x); return this.shortcut ? F.elemwise_add(y, x) : y; }
}

/** MobileNetV2 (`mobilenetv20_`): features_ and output_ (pred_ conv). */
export class MobileNetV2 extends HybridBlock {
  static override alias = 'mobilenetv2';
  features!: HybridSequential; output!: HybridSequential;
  constructor(multiplier = 1.0, classes = 1000, o: BlockOptions = {}) {
    super(o);
    const m = (xs: number[]) => xs.map((x) => Math.trunc(x * multiplier));
    this.nameScope(() => {
      const f = this.features = this.registerChild(new HybridSequential({ prefix: 'features_' }), 'features');
      f.nameScope(() => {
        addConv(f, Math.trunc(32 * multiplier), { kernel: 3, stride: 2, pad: 1, relu6: true });
        const inG = m([32, 16, 24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 160, 160, 160]);
        const chG = m([16, 24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 160, 160, 160, 320]);
        const st = [1, 2, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1];
        inG.forEach((ic, i) => f.add(new LinearBottleneck(ic, chG[i], i === 0 ? 1 : 6, st[i])));
        addConv(f, multiplier > 1 ? Math.trunc(1280 * multiplier) : 1280, { relu6: true });
        f.add(new GlobalAvgPool2D());
      });
      const out = this.output = this.registerChild(new HybridSequential({ prefix: 'output_' }), 'output');
      out.nameScope(() => out.add(new Conv2D(classes, 1, { useBias: false, prefix: 'pred_' }), new Flatten()));
    });
  }
  override hybridForward(_F: P, x: unknown): unknown { return this.output.forward(this.features.forward(x)); }
}
