// gluon.loss (MXNet 1.9 gluon/loss.py): each loss a HybridBlock `forward(pred, label, sampleWeight?)` returning
// one value per sample (the mean over every axis but the batch axis), weighted by `sampleWeight` (broadcast) then
// by the scalar `weight`. Labels are reshaped like pred by flattening both to (N, -1) (batch axis 0), which needs
// no shape at trace time.
import { ArgumentError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { layerArgs } from './args.js';
import { HybridBlock, type BlockOptions } from './block.js';

type P = Record<string, any>;

const REDUCTIONS = ['mean', 'none'];

/** Base of the losses: weight, batchAxis, and the common weighting / reduction. */
export class Loss extends HybridBlock {
  static override alias = 'loss';
  readonly weight: number | null;
  readonly batchAxis: number;
  protected reduction: string;
  constructor(o: P) {
    super({ prefix: o.prefix, params: o.params });
    this.weight = o.weight ?? null;
    this.batchAxis = o.batchAxis ?? 0;
    this.reduction = o.reduction ?? 'mean';
    if (!REDUCTIONS.includes(this.reduction)) throw new ArgumentError(`Block ${this.name}: unknown reduction '${this.reduction}' (Gluon losses take 'mean' over the non-batch axes, or 'none')`);
    if (this.weight !== null && typeof this.weight !== 'number') throw new ArgumentError(`Block ${this.name}: weight must be a number`);
  }
  /** The loss of a batch: one value per sample. @example lossFn.forward(net.forward(x), y) */
  override forward(pred: NDArray, label: NDArray, sampleWeight?: NDArray | null, ...more: unknown[]): NDArray {
    const isF = (x: unknown) => !(x instanceof NDArray) || x.dtype === 'float32';
    if (isF(label) && isF(sampleWeight) && more.every(isF)) return super.forward(pred, label, sampleWeight ?? null, ...more); // the common case: no casts
    const made: NDArray[] = [];
    const asF = (x: unknown) => { if (x instanceof NDArray && x.dtype !== 'float32') { const c = x.asType('float32'); made.push(c); return c; } return x; };
    try { return super.forward(pred, asF(label), asF(sampleWeight ?? null), ...more.map(asF)); } finally { for (const c of made) c.dispose(); }
  }
  protected weighting(F: P, loss: unknown, sw: unknown): unknown {
    if (sw != null) loss = F.broadcast_mul(loss, F.Reshape(sw, { shape: [0, -1] }));
    if (this.weight !== null) loss = F._mul_scalar(loss, { scalar: this.weight });
    return loss;
  }
  protected reduce(F: P, loss: unknown): unknown {
    return this.reduction === 'none' ? loss : F.mean(loss, { axis: this.batchAxis, exclude: true });
  }
  /** (N, ...) → (N, rest) */
  protected flat(F: P, x: unknown): unknown { return this.batchAxis === 0 ? F.Reshape(x, { shape: [0, -1] }) : x; }
}

const names = ['weight', 'batchAxis'];

/** Squared error / 2 (the weight is halved, as MXNet). @example new gluon.loss.L2Loss() */
export class L2Loss extends Loss {
  static override alias = 'l2loss';
  constructor(...args: unknown[]) { super(layerArgs('L2Loss', names, { weight: 1.0, batchAxis: 0 }, args)); }
  override hybridForward(F: P, pred: unknown, label: unknown, sw: unknown): unknown {
    let l = F.square(F.broadcast_sub(this.flat(F, label), this.flat(F, pred)));
    if (sw != null) l = F.broadcast_mul(l, F.Reshape(sw, { shape: [0, -1] }));
    l = F._mul_scalar(l, { scalar: (this.weight ?? 1) / 2 });
    return this.reduce(F, l);
  }
}

/** Absolute error. @example new gluon.loss.L1Loss() */
export class L1Loss extends Loss {
  static override alias = 'l1loss';
  constructor(...args: unknown[]) { super(layerArgs('L1Loss', names, { weight: null, batchAxis: 0 }, args)); }
  override hybridForward(F: P, pred: unknown, label: unknown, sw: unknown): unknown {
    return this.reduce(F, this.weighting(F, F.abs(F.broadcast_sub(this.flat(F, label), this.flat(F, pred))), sw));
  }
}

/** Softmax cross-entropy, sparse (class index) or dense labels. @example new gluon.loss.SoftmaxCrossEntropyLoss() */
export class SoftmaxCrossEntropyLoss extends Loss {
  static override alias = 'softmaxcrossentropyloss';
  readonly axis: number; readonly sparseLabel: boolean; readonly fromLogits: boolean;
  constructor(...args: unknown[]) {
    const o = layerArgs('SoftmaxCrossEntropyLoss', ['axis', 'sparseLabel', 'fromLogits', 'weight', 'batchAxis'], { axis: -1, sparseLabel: true, fromLogits: false, weight: null, batchAxis: 0 }, args);
    super(o); this.axis = o.axis; this.sparseLabel = o.sparseLabel; this.fromLogits = o.fromLogits;
  }
  override hybridForward(F: P, pred: unknown, label: unknown, sw: unknown): unknown {
    const lp = this.fromLogits ? pred : F.log_softmax(pred, { axis: this.axis });
    const l = this.sparseLabel
      ? F.negative(F.pick(lp, label, { axis: this.axis, keepdims: true }))
      : F.negative(F.sum(F.broadcast_mul(lp, label), { axis: this.axis, keepdims: true }));
    return this.reduce(F, this.weighting(F, l, sw));
  }
}
/** MXNet's alias. */
export const SoftmaxCELoss = SoftmaxCrossEntropyLoss;

/** Binary cross-entropy on logits (or probabilities with fromSigmoid); optional posWeight as 4th input. @example new gluon.loss.SigmoidBinaryCrossEntropyLoss() */
export class SigmoidBinaryCrossEntropyLoss extends Loss {
  static override alias = 'sigmoidbinarycrossentropyloss';
  readonly fromSigmoid: boolean;
  constructor(...args: unknown[]) {
    const o = layerArgs('SigmoidBinaryCrossEntropyLoss', ['fromSigmoid', 'weight', 'batchAxis'], { fromSigmoid: false, weight: null, batchAxis: 0 }, args);
    super(o); this.fromSigmoid = o.fromSigmoid;
  }
  override hybridForward(F: P, pred: unknown, label: unknown, sw: unknown, posWeight?: unknown): unknown {
    const x = this.flat(F, pred), y = this.flat(F, label);
    const pw = posWeight != null && !isParams(posWeight) ? this.flat(F, posWeight) : undefined;
    let l;
    if (!this.fromSigmoid) {
      const sr = F.Activation(F.negative(F.abs(x)), { act_type: 'softrelu' });
      if (!pw) l = F.broadcast_add(F.broadcast_sub(F.relu(x), F.broadcast_mul(x, y)), sr);
      else {
        const lw = F._plus_scalar(F.broadcast_mul(F._minus_scalar(pw, { scalar: 1 }), y), { scalar: 1 });
        l = F.broadcast_add(F.broadcast_sub(x, F.broadcast_mul(x, y)), F.broadcast_mul(lw, F.broadcast_add(sr, F.relu(F.negative(x)))));
      }
    } else {
      const a = F.broadcast_mul(F.log(F._plus_scalar(x, { scalar: 1e-12 })), y);
      const b = F.broadcast_mul(F.log(F._plus_scalar(F._rminus_scalar(x, { scalar: 1 }), { scalar: 1e-12 })), F._rminus_scalar(y, { scalar: 1 }));
      l = F.negative(F.broadcast_add(pw ? F.broadcast_mul(a, pw) : a, b));
    }
    return this.reduce(F, this.weighting(F, l, sw));
  }
}
/** MXNet's alias. */
export const SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss;
const isParams = (x: unknown) => !!x && typeof x === 'object' && x.constructor === Object;

/** Kullback-Leibler divergence; pred is log-probabilities unless fromLogits is false. @example new gluon.loss.KLDivLoss() */
export class KLDivLoss extends Loss {
  static override alias = 'kldivloss';
  readonly fromLogits: boolean; readonly axis: number;
  constructor(...args: unknown[]) {
    const o = layerArgs('KLDivLoss', ['fromLogits', 'axis', 'weight', 'batchAxis'], { fromLogits: true, axis: -1, weight: null, batchAxis: 0 }, args);
    super(o); this.fromLogits = o.fromLogits; this.axis = o.axis;
  }
  override hybridForward(F: P, pred: unknown, label: unknown, sw: unknown): unknown {
    const lp = this.fromLogits ? pred : F.log_softmax(pred, { axis: this.axis });
    const l = F.broadcast_mul(label, F.broadcast_sub(F.log(F._plus_scalar(label, { scalar: 1e-12 })), lp));
    return this.reduce(F, this.weighting(F, l, sw));
  }
}

/** Smoothed L1: quadratic below rho, linear above. @example new gluon.loss.HuberLoss(1) */
export class HuberLoss extends Loss {
  static override alias = 'huberloss';
  readonly rho: number;
  constructor(...args: unknown[]) { const o = layerArgs('HuberLoss', ['rho', 'weight', 'batchAxis'], { rho: 1, weight: null, batchAxis: 0 }, args); super(o); this.rho = o.rho; }
  override hybridForward(F: P, pred: unknown, label: unknown, sw: unknown): unknown {
    const d = F.abs(F.broadcast_sub(this.flat(F, label), this.flat(F, pred))), rho = this.rho;
    const l = F.where(F._greater_scalar(d, { scalar: rho }), F._minus_scalar(d, { scalar: 0.5 * rho }), F._mul_scalar(F.square(d), { scalar: 0.5 / rho }));
    return this.reduce(F, this.weighting(F, l, sw));
  }
}

/** Hinge: relu(margin - pred * label), labels ±1. @example new gluon.loss.HingeLoss() */
export class HingeLoss extends Loss {
  static override alias = 'hingeloss';
  readonly margin: number;
  constructor(...args: unknown[]) { const o = layerArgs('HingeLoss', ['margin', 'weight', 'batchAxis'], { margin: 1, weight: null, batchAxis: 0 }, args); super(o); this.margin = o.margin; }
  override hybridForward(F: P, pred: unknown, label: unknown, sw: unknown): unknown {
    const l = F.relu(F._rminus_scalar(F.broadcast_mul(this.flat(F, pred), this.flat(F, label)), { scalar: this.margin }));
    return this.reduce(F, this.weighting(F, l, sw));
  }
}

/** Squared hinge. @example new gluon.loss.SquaredHingeLoss() */
export class SquaredHingeLoss extends HingeLoss {
  static override alias = 'squaredhingeloss';
  override hybridForward(F: P, pred: unknown, label: unknown, sw: unknown): unknown {
    const l = F.square(F.relu(F._rminus_scalar(F.broadcast_mul(this.flat(F, pred), this.flat(F, label)), { scalar: this.margin })));
    return this.reduce(F, this.weighting(F, l, sw));
  }
}

/**
 * Cosine embedding loss of (a, b, label ±1): 1 - cos for label 1, max(0, cos - margin) for -1; shape (N, 1).
 * @example new gluon.loss.CosineEmbeddingLoss().forward(a, b, label)
 */
export class CosineEmbeddingLoss extends Loss {
  static override alias = 'cosineembeddingloss';
  readonly margin: number;
  constructor(...args: unknown[]) { const o = layerArgs('CosineEmbeddingLoss', ['weight', 'batchAxis', 'margin'], { weight: null, batchAxis: 0, margin: 0 }, args); super(o); this.margin = o.margin; }
  /** (input1, input2, label, sampleWeight?) */
  override forward(a: NDArray, b: NDArray, label?: NDArray | null, sampleWeight?: NDArray | null): NDArray {
    const lab = label && label.dtype !== 'float32' ? label.asType('float32') : label;
    return HybridBlock.prototype.forward.call(this, a, b, lab, sampleWeight ?? null) as NDArray;
  }
  override hybridForward(F: P, a: unknown, b: unknown, label: unknown, sw: unknown): unknown {
    const x = this.flat(F, a), y = this.flat(F, b);
    const col = (v: unknown) => F.Reshape(v, { shape: [-1, 1] });
    const dot = col(F.sum(F.broadcast_mul(x, y), { axis: -1 }));
    const nrm = F._maximum_scalar(F.broadcast_mul(col(F.norm(x, { axis: -1 })), col(F.norm(y, { axis: -1 }))), { scalar: 1e-12 });
    const cos = F.broadcast_div(dot, nrm), lab = col(label);
    const pos = F.broadcast_mul(F._rminus_scalar(cos, { scalar: 1 }), F._equal_scalar(lab, { scalar: 1 }));
    const neg = F._maximum_scalar(F.broadcast_mul(F._equal_scalar(lab, { scalar: -1 }), F._minus_scalar(cos, { scalar: this.margin })), { scalar: 0 });
    return this.weighting(F, F.broadcast_add(pos, neg), sw);
  }
}

export type { BlockOptions };
