// gluon.nn convolution and pooling layers (MXNet 1.9 gluon/nn/conv_layers.py): every attribute written
// explicitly as MXNet does (ints expanded to tuples), weights (channels, in_channels/groups, *kernel) deferred.
import { ArgumentError } from '../../errors.js';
import { layerArgs, tuple } from '../args.js';
import { HybridBlock, type BlockOptions } from '../block.js';
import { Activation } from './activations.js';

type P = Record<string, any>;
const blockOpts = (o: P): BlockOptions => ({ prefix: o.prefix, params: o.params });
const CONV_NAMES = ['strides', 'padding', 'dilation', 'groups', 'layout', 'activation', 'useBias', 'weightInitializer', 'biasInitializer', 'inChannels'];
const convDefaults = (layout: string) => ({ strides: 1, padding: 0, dilation: 1, groups: 1, layout, activation: null, useBias: true, biasInitializer: 'zeros', inChannels: 0 });

/** Shared by ConvND and ConvNDTranspose. */
class Conv extends HybridBlock {
  static override alias = 'conv';
  protected kw: P; protected op: string; act?: Activation;
  constructor(cls: string, op: string, n: number, channels: number, kernelSize: number | number[], o: P) {
    super(blockOpts(o));
    if (!Number.isInteger(channels) || channels <= 0) throw new ArgumentError(`${cls}: channels must be a positive integer, got ${channels}`);
    const kernel = tuple(kernelSize, n, `${cls} kernel_size`);
    this.op = op;
    this.kw = { kernel, stride: tuple(o.strides, n, `${cls} strides`), dilate: tuple(o.dilation, n, `${cls} dilation`), pad: tuple(o.padding, n, `${cls} padding`), num_filter: channels,
      num_group: o.groups, no_bias: !o.useBias, layout: o.layout };
    if (op === 'Deconvolution') this.kw.adj = tuple(o.outputPadding ?? 0, n, `${cls} output_padding`);
    const inC = o.inChannels;
    const wshape = op === 'Deconvolution' ? [inC, channels / o.groups, ...kernel] : [channels, inC ? inC / o.groups : 0, ...kernel];
    this.nameScope(() => {
      this.param('weight', { shape: wshape, init: o.weightInitializer, allowDeferredInit: true });
      if (o.useBias) this.param('bias', { shape: [channels], init: o.biasInitializer, allowDeferredInit: true });
      if (o.activation) this.act = this.registerChild(new Activation(o.activation, { prefix: `${o.activation}_` }), 'act');
    });
  }
  override hybridForward(F: P, x: unknown, p: P): unknown {
    const y = F[this.op](x, p.weight, ...(p.bias ? [p.bias] : []), { name: 'fwd', ...this.kw });
    return this.act ? this.act.forward(y) : y;
  }
}

/** 1-D convolution over (N, C, W). @example new nn.Conv1D(16, 3) */
export class Conv1D extends Conv {
  constructor(channels: number, kernelSize: number | number[],
    ...args: unknown[]) { super('Conv1D', 'Convolution', 1, channels, kernelSize, layerArgs('Conv1D', CONV_NAMES, convDefaults('NCW'), args)); }
}
/** 2-D convolution over (N, C, H, W). @example new nn.Conv2D(20, 5, { activation: 'tanh' }) */
export class Conv2D extends Conv {
  constructor(channels: number, kernelSize: number | number[],
    ...args: unknown[]) { super('Conv2D', 'Convolution', 2, channels, kernelSize, layerArgs('Conv2D', CONV_NAMES, convDefaults('NCHW'), args)); }
}
/** 2-D transposed convolution (Deconvolution; weight (in_channels, channels/groups, kh, kw)). @example new nn.Conv2DTranspose(8, 4, { strides: 2, padding: 1 }) */
export class Conv2DTranspose extends Conv {
  constructor(channels: number, kernelSize: number | number[], ...args: unknown[]) {
    const names = ['strides', 'padding', 'outputPadding', ...CONV_NAMES.slice(2)];
    super('Conv2DTranspose', 'Deconvolution', 2, channels, kernelSize, layerArgs('Conv2DTranspose', names, { ...convDefaults('NCHW'), outputPadding: 0 }, args));
  }
}

/** Shared by the pooling layers. */
class Pool extends HybridBlock {
  static override alias = 'pool';
  protected kw: P;
  constructor(n: number, poolType: string, global: boolean, o: P) {
    super(blockOpts(o));
    const size = global ? Array(n).fill(1) : tuple(o.poolSize, n, 'pool_size');
    this.kw = {
      kernel: size, stride: global ? Array(n).fill(1) : tuple(o.strides ?? o.poolSize, n, 'strides'), pad: global ? Array(n).fill(0) : tuple(o.padding, n, 'padding'),
      global_pool: global, pool_type: poolType, layout: o.layout, pooling_convention: o.ceilMode ? 'full' : 'valid',
    };
    if (!global && poolType === 'avg') this.kw.count_include_pad = o.countIncludePad;
  }
  override hybridForward(F: P, x: unknown): unknown { return F.Pooling(x, { name: 'fwd', ...this.kw }); }
}
const maxNames = ['poolSize', 'strides', 'padding', 'layout', 'ceilMode'];
const avgNames = ['poolSize', 'strides', 'padding', 'ceilMode', 'layout', 'countIncludePad'];
const poolDefaults = (layout: string) => ({ poolSize: 2, strides: undefined, padding: 0, layout, ceilMode: false, countIncludePad: true });

/** Max pooling over (N, C, W). @example new nn.MaxPool1D(2) */
export class MaxPool1D extends Pool { constructor(...args: unknown[]) { super(1, 'max', false, layerArgs('MaxPool1D', maxNames, poolDefaults('NCW'), args)); } }
/** Max pooling over (N, C, H, W). @example new nn.MaxPool2D(2, 2) */
export class MaxPool2D extends Pool { constructor(...args: unknown[]) { super(2, 'max', false, layerArgs('MaxPool2D', maxNames, poolDefaults('NCHW'), args)); } }
/** Average pooling over (N, C, W). @example new nn.AvgPool1D(2) */
export class AvgPool1D extends Pool { constructor(...args: unknown[]) { super(1, 'avg', false, layerArgs('AvgPool1D', avgNames, poolDefaults('NCW'), args)); } }
/** Average pooling over (N, C, H, W). @example new nn.AvgPool2D(2) */
export class AvgPool2D extends Pool { constructor(...args: unknown[]) { super(2, 'avg', false, layerArgs('AvgPool2D', avgNames, poolDefaults('NCHW'), args)); } }
/** Global average pooling to (N, C, 1, 1). @example new nn.GlobalAvgPool2D() */
export class GlobalAvgPool2D extends Pool { constructor(...args: unknown[]) { super(2, 'avg', true, { ...layerArgs('GlobalAvgPool2D', ['layout'], { layout: 'NCHW' }, args), ceilMode: true }); } }
/** Global max pooling to (N, C, 1, 1). @example new nn.GlobalMaxPool2D() */
export class GlobalMaxPool2D extends Pool { constructor(...args: unknown[]) { super(2, 'max', true, { ...layerArgs('GlobalMaxPool2D', ['layout'], { layout: 'NCHW' }, args), ceilMode: true }); } }
/** Global average pooling to (N, C, 1). @example new nn.GlobalAvgPool1D() */
export class GlobalAvgPool1D extends Pool { constructor(...args: unknown[]) { super(1, 'avg', true, { ...layerArgs('GlobalAvgPool1D', ['layout'], { layout: 'NCW' }, args), ceilMode: true }); } }
/** Global max pooling to (N, C, 1). @example new nn.GlobalMaxPool1D() */
export class GlobalMaxPool1D extends Pool { constructor(...args: unknown[]) { super(1, 'max', true, { ...layerArgs('GlobalMaxPool1D', ['layout'], { layout: 'NCW' }, args), ceilMode: true }); } }
