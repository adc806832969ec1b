// gluon.nn activation layers (MXNet 1.9 gluon/nn/activations.py).
import { ArgumentError } from '../../errors.js';
import { Constant } from '../../init/rules.js';
import { layerArgs } from '../args.js';
import { HybridBlock, type BlockOptions } from '../block.js';

type P = Record<string, any>;
const blockOpts = (o: P): BlockOptions => ({ prefix: o.prefix, params: o.params });

/** An activation op by name; its naming alias is the act type (`relu0_`). @example new nn.Activation('relu') */
export class Activation extends HybridBlock {
  readonly actType: string;
  constructor(activation: string, o: BlockOptions = {}) {
    if (typeof activation !== 'string') throw new ArgumentError(`Activation: activation must be a string, got ${String(activation)}`);
    super({ ...o, alias: activation });
    this.actType = activation;
  }
  override hybridForward(F: P, x: unknown): unknown { return F.Activation(x, { act_type: this.actType, name: 'fwd' }); }
  override toString(): string { return `Activation(${this.actType})`; }
}

/** Leaky ReLU with a fixed slope (alpha ≥ 0). @example new nn.LeakyReLU(0.1) */
export class LeakyReLU extends HybridBlock {
  static override alias = 'leakyrelu';
  readonly alpha: number;
  constructor(alpha: number, o: BlockOptions = {}) {
    if (!(alpha >= 0)) throw new ArgumentError('LeakyReLU: slope coefficient for LeakyReLU must be no less than 0.');
    super(o); this.alpha = alpha;
  }
  override hybridForward(F: P, x: unknown): unknown { return F.LeakyReLU(x, { act_type: 'leaky', slope: this.alpha, name: 'fwd' }); }
}

/** Parametric ReLU: a learned slope per channel (`alpha`, init 0.25). @example new nn.PReLU() */
export class PReLU extends HybridBlock {
  static override alias = 'prelu';
  constructor(...args: unknown[]) {
    const o = layerArgs('PReLU', ['alphaInitializer', 'inChannels'], { alphaInitializer: new Constant(0.25), inChannels: 1 }, args);
    super(blockOpts(o));
    this.param('alpha', { shape: [o.inChannels], init: o.alphaInitializer });
  }
  override hybridForward(F: P, x: unknown, p: P): unknown { return F.LeakyReLU(x, p.alpha, { act_type: 'prelu', name: 'fwd' }); }
}

/** Exponential linear unit. @example new nn.ELU(1.0) */
export class ELU extends HybridBlock {
  static override alias = 'elu';
  readonly alpha: number;
  constructor(alpha = 1.0, o: BlockOptions = {}) { super(o); this.alpha = alpha; }
  override hybridForward(F: P, x: unknown): unknown { return F.LeakyReLU(x, { act_type: 'elu', slope: this.alpha }); }
}

/** Scaled ELU. @example new nn.SELU() */
export class SELU extends HybridBlock {
  static override alias = 'selu';
  constructor(o: BlockOptions = {}) { super(o); }
  override hybridForward(F: P, x: unknown): unknown { return F.LeakyReLU(x, { act_type: 'selu', name: 'fwd' }); }
}

/** Gaussian error linear unit. @example new nn.GELU() */
export class GELU extends HybridBlock {
  static override alias = 'gelu';
  constructor(o: BlockOptions = {}) { super(o); }
  override hybridForward(F: P, x: unknown): unknown { return F.LeakyReLU(x, { act_type: 'gelu', name: 'fwd' }); }
}

/** Swish: x * sigmoid(beta * x). @example new nn.Swish() */
export class Swish extends HybridBlock {
  static override alias = 'swish';
  readonly beta: number;
  constructor(beta = 1.0, o: BlockOptions = {}) { super(o); this.beta = beta; }
  override hybridForward(F: P, x: P): unknown { return x.mul(F.sigmoid(x.mul(this.beta), { name: 'fwd' })); }
}
