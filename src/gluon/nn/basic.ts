// gluon.nn basic layers (MXNet 1.9 gluon/nn/basic_layers.py): containers, Dense, Dropout, norms, Embedding,
// Flatten, Lambda. Each writes the op MXNet writes (`<prefix>fwd` names, attributes explicit) so a hybridized
// graph exports the same JSON.
import { ArgumentError } from '../../errors.js';
import { ndF } from '../f.js';
import { layerArgs } from '../args.js';
import { Block, HybridBlock, tidyForward, type BlockOptions } from '../block.js';
import { Activation } from './activations.js';

type P = Record<string, any>;
const FUSED_ACTS = new Set(['relu', 'sigmoid', 'tanh']);
const blockOpts = (o: P): BlockOptions => ({ prefix: o.prefix, params: o.params });

/**
 * Runs children in order (any Blocks). @example const net = new nn.Sequential(); net.add(new nn.Dense(10));
 */
export class Sequential extends Block {
  static override alias = 'sequential';
  constructor(o: BlockOptions = {}) { super(o); }
  /** Appends blocks (keys '0', '1', ...). @example net.add(new nn.Dense(64, { activation: 'relu' }), new nn.Dense(10)) */
  add(...blocks: Block[]): this { for (const b of blocks) this.registerChild(b); return this; }
  override forward(x: unknown): unknown { const x0 = x; return tidyForward([x0], () => { for (const c of this.children.values()) x = c.forward(x); return x; }); }
  /** Number of children. */
  get length(): number { return this.children.size; }
  /** Child i. */
  at(i: number): Block { return [...this.children.values()][i]; }
}

/** Sequential of HybridBlocks, itself hybridizable (one graph for all). @example const net = new nn.HybridSequential(); net.add(new nn.Dense(10)); net.hybridize(); */
export class HybridSequential extends HybridBlock {
  static override alias = 'hybridsequential';
  constructor(o: BlockOptions = {}) { super(o); }
  add(...blocks: HybridBlock[]): this { for (const b of blocks) this.registerChild(b); return this; }
  override hybridForward(_F: unknown, x: unknown): unknown { for (const c of this.children.values()) x = c.forward(x); return x; }
  get length(): number { return this.children.size; }
  at(i: number): Block { return [...this.children.values()][i]; }
}

/**
 * Fully connected layer: `y = act(x W^T + b)`; `inUnits` 0 defers the weight shape to the first forward.
 * @example new nn.Dense(10, { activation: 'relu', inUnits: 784 })
 */
export class Dense extends HybridBlock {
  static override alias = 'dense';
  readonly units: number; readonly flatten: boolean; act?: Activation;
  constructor(units: number, ...args: unknown[]) {
    const o = layerArgs('Dense', ['activation', 'useBias', 'flatten', 'dtype', 'weightInitializer', 'biasInitializer', 'inUnits'],
      { activation: null, useBias: true, flatten: true, dtype: 'float32', biasInitializer: 'zeros', inUnits: 0 }, args);
    if (!Number.isInteger(units) || units <= 0) throw new ArgumentError(`Dense: units must be a positive integer, got ${units}`);
    super(blockOpts(o));
    this.units = units; this.flatten = o.flatten;
    this.nameScope(() => {
      this.param('weight', { shape: [units, o.inUnits], init: o.weightInitializer, dtype: o.dtype, allowDeferredInit: true });
      if (o.useBias) this.param('bias', { shape: [units], init: o.biasInitializer, dtype: o.dtype, allowDeferredInit: true });
      if (o.activation) this.act = this.registerChild(new Activation(o.activation, { prefix: `${o.activation}_` }), 'act');
    });
  }
  override hybridForward(F: P, x: unknown, p: P): unknown {
    // Imperatively, relu / sigmoid / tanh ride on the GEMM (the hidden `__act__` the executor's fusion pass sets, with
    // its declared backward): one op and one array instead of two. Traced graphs keep MXNet's two nodes.
    const fuse = F === ndF && this.act?.constructor === Activation && FUSED_ACTS.has(this.act.actType);
    const y = F.FullyConnected(x, p.weight, ...(p.bias ? [p.bias] : []), { no_bias: !p.bias, num_hidden: this.units, flatten: this.flatten, name: 'fwd',
      ...(fuse ? { __act__: this.act!.actType } : {}) });
    return this.act && !fuse ? this.act.forward(y) : y;
  }
}

/** Dropout (rate 0 → identity). @example new nn.Dropout(0.5) */
export class Dropout extends HybridBlock {
  static override alias = 'dropout';
  readonly rate: number; readonly axes: number[];
  constructor(rate: number, ...args: unknown[]) {
    const o = layerArgs('Dropout', ['axes'], { axes: [] as number[] }, args);
    super(blockOpts(o)); this.rate = rate; this.axes = o.axes;
  }
  override hybridForward(F: P, x: unknown): unknown {
    return this.rate > 0 ? F.Dropout(x, { p: this.rate, axes: this.axes, name: 'fwd', cudnn_off: false }) : F.identity(x);
  }
}

/** Batch normalization with running statistics (aux states). @example new nn.BatchNorm({ momentum: 0.9 }) */
export class BatchNorm extends HybridBlock {
  static override alias = 'batchnorm';
  private kw: P;
  constructor(...args: unknown[]) {
    const o = layerArgs('BatchNorm',
      ['axis', 'momentum', 'epsilon', 'center', 'scale', 'useGlobalStats', 'betaInitializer', 'gammaInitializer', 'runningMeanInitializer', 'runningVarianceInitializer', 'inChannels'],
      { axis: 1, momentum: 0.9, epsilon: 1e-5, center: true, scale: true, useGlobalStats: false, betaInitializer: 'zeros', gammaInitializer: 'ones', runningMeanInitializer: 'zeros',
        runningVarianceInitializer: 'ones', inChannels: 0 }, args);
    super(blockOpts(o));
    this.kw = { axis: o.axis, eps: o.epsilon, momentum: o.momentum, fix_gamma: !o.scale, use_global_stats: o.useGlobalStats };
    const c = o.inChannels;
    this.param('gamma', { gradReq: o.scale ? 'write' : 'null', shape: [c], init: o.gammaInitializer, allowDeferredInit: true, differentiable: o.scale });
    this.param('beta', { gradReq: o.center ? 'write' : 'null', shape: [c], init: o.betaInitializer, allowDeferredInit: true, differentiable: o.center });
    this.param('running_mean', { gradReq: 'null', shape: [c], init: o.runningMeanInitializer, allowDeferredInit: true, differentiable: false });
    this.param('running_var', { gradReq: 'null', shape: [c], init: o.runningVarianceInitializer, allowDeferredInit: true, differentiable: false });
  }
  override hybridForward(F: P, x: unknown, p: P): unknown {
    return F.BatchNorm(x, p.gamma, p.beta, p.running_mean, p.running_var, { name: 'fwd', ...this.kw });
  }
}

/** Index → vector lookup. @example new nn.Embedding(1000, 64) */
export class Embedding extends HybridBlock {
  static override alias = 'embedding';
  private kw: P;
  constructor(inputDim: number, outputDim: number, ...args: unknown[]) {
    const o = layerArgs('Embedding', ['dtype', 'weightInitializer', 'sparseGrad'], { dtype: 'float32', sparseGrad: false }, args);
    super(blockOpts(o));
    this.kw = { input_dim: inputDim, output_dim: outputDim, dtype: o.dtype, sparse_grad: o.sparseGrad };
    this.param('weight', { shape: [inputDim, outputDim], init: o.weightInitializer, dtype: o.dtype, allowDeferredInit: true });
  }
  override hybridForward(F: P, x: unknown, p: P): unknown { return F.Embedding(x, p.weight, { name: 'fwd', ...this.kw }); }
}

/** (N, ...) → (N, rest). @example new nn.Flatten() */
export class Flatten extends HybridBlock {
  static override alias = 'flatten';
  constructor(o: BlockOptions = {}) { super(o); }
  override hybridForward(F: P, x: unknown): unknown { return F.Flatten(x); }
}

function normParams(b: HybridBlock, o: P, shape: number[]): void {
  b.param('gamma', { gradReq: o.scale ? 'write' : 'null', shape, init: o.gammaInitializer, allowDeferredInit: true });
  b.param('beta', { gradReq: o.center ? 'write' : 'null', shape, init: o.betaInitializer, allowDeferredInit: true });
}
const NORM_DEFAULTS = { epsilon: 1e-5, center: true, scale: true, betaInitializer: 'zeros', gammaInitializer: 'ones', inChannels: 0 };

/** Layer normalization over `axis`. @example new nn.LayerNorm() */
export class LayerNorm extends HybridBlock {
  static override alias = 'layernorm';
  private axis: number; private eps: number;
  constructor(...args: unknown[]) {
    const o = layerArgs('LayerNorm', ['axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'inChannels'], { axis: -1, ...NORM_DEFAULTS }, args);
    super(blockOpts(o)); this.axis = o.axis; this.eps = o.epsilon;
    normParams(this, o, [o.inChannels]);
  }
  override hybridForward(F: P, x: unknown, p: P): unknown { return F.LayerNorm(x, p.gamma, p.beta, { axis: this.axis, eps: this.eps }); }
}

/** Instance normalization (gamma not trained by default, as MXNet: scale=false). @example new nn.InstanceNorm() */
export class InstanceNorm extends HybridBlock {
  static override alias = 'instancenorm';
  private axis: number; private eps: number;
  constructor(...args: unknown[]) {
    const o = layerArgs('InstanceNorm', ['axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'inChannels'], { axis: 1, ...NORM_DEFAULTS, scale: false }, args);
    super(blockOpts(o)); this.axis = o.axis; this.eps = o.epsilon;
    normParams(this, o, [o.inChannels]);
  }
  override hybridForward(F: P, x: unknown, p: P): unknown {
    if (this.axis === 1) return F.InstanceNorm(x, p.gamma, p.beta, { name: 'fwd', eps: this.eps });
    const t = F.SwapAxis(x, { dim1: 1, dim2: this.axis });
    return F.SwapAxis(F.InstanceNorm(t, p.gamma, p.beta, { name: 'fwd', eps: this.eps }), { dim1: 1, dim2: this.axis });
  }
}

/** Group normalization; gamma/beta per group, shape (numGroups,), as MXNet 1.x (so its .params load). @example new nn.GroupNorm(4) */
export class GroupNorm extends HybridBlock {
  static override alias = 'groupnorm';
  private groups: number; private eps: number;
  constructor(...args: unknown[]) {
    const o = layerArgs('GroupNorm', ['numGroups', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer'], { numGroups: 1, ...NORM_DEFAULTS }, args);
    super(blockOpts(o)); this.groups = o.numGroups; this.eps = o.epsilon;
    normParams(this, o, [o.numGroups]);
  }
  override hybridForward(F: P, x: unknown, p: P): unknown { return F.GroupNorm(x, p.gamma, p.beta, { num_groups: this.groups, eps: this.eps }); }
}

type Fn = string | ((...a: any[]) => any);
/** Wraps a function of NDArrays (or an mx.nd op name) as a Block. @example new nn.Lambda((x) => x.mul(2)) */
export class Lambda extends Block {
  static override alias = 'lambda';
  private fn: (...a: any[]) => any;
  constructor(fn: Fn, o: BlockOptions = {}) {
    super(o);
    this.fn = typeof fn === 'string' ? (...a: unknown[]) => ((ndF as P)[fn] as (...x: unknown[]) => unknown)(...a) : fn;
  }
  override forward(...x: unknown[]): unknown { return this.fn(...x); }
}

/** Wraps `fn(F, ...inputs)` (or an op name) as a HybridBlock. @example new nn.HybridLambda((F, x) => F.relu(x)) */
export class HybridLambda extends HybridBlock {
  static override alias = 'hybridlambda';
  private fn: (F: any, ...a: any[]) => any;
  constructor(fn: Fn, o: BlockOptions = {}) {
    super(o);
    this.fn = typeof fn === 'string' ? (F: P, ...a: unknown[]) => F[fn](...a) : fn;
  }
  override hybridForward(F: P, ...args: unknown[]): unknown { return this.fn(F, ...args.slice(0, -1)); }
}

