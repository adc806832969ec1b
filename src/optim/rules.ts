// The optimizers: each update is one fused SIMD kernel over weight, gradient and states in place
// in the shared wasm memory (assembly/kernels/f32-optim.ts). Rules and defaults: MXNet 1.9.
import { NDArray } from '../ndarray/ndarray.js';
import { normOpts } from '../util/options.js';
import { forRowRuns, rowSet } from '../runtime/row-sparse.js';
import { BUILTIN, Optimizer, register, type Index, type OptimizerOptions } from './optimizer.js';
import { kernelOrder } from '../runtime/manifest/args.js';

const off = (a: NDArray) => a.byteOffset;
// The update kernels, each with its arguments in the order the calls below pass them (checked by name against the
// kernel's definition, src/runtime/manifest/optim.ts).
const K_SGD_MOM = kernelOrder('f32_sgd_mom__simd128_u8', 'w', 'g', 'm', 'n', 'lr', 'wd', 'rescale', 'clip', 'momentum');
const K_SGD = kernelOrder('f32_sgd__simd128_u8', 'w', 'g', 'n', 'lr', 'wd', 'rescale', 'clip');
const K_NAG_MOM = kernelOrder('f32_nag_mom__simd128_u8', 'w', 'g', 'm', 'n', 'lr', 'wd', 'rescale', 'clip', 'momentum');
const K_ADAM = kernelOrder('f32_adam__simd128_u8', 'w', 'g', 'm', 'v', 'n', 'lrt', 'wd', 'rescale', 'clip', 'b1', 'b2', 'eps', 'decay');
const K_RMSPROPALEX = kernelOrder('f32_rmspropalex__simd128_u8', 'w', 'g', 's', 'gb', 'd', 'n', 'lr', 'wd', 'rescale', 'clip', 'g1', 'g2', 'eps', 'clipW');
const K_RMSPROP = kernelOrder('f32_rmsprop__simd128_u8', 'w', 'g', 's', 'n', 'lr', 'wd', 'rescale', 'clip', 'g1', 'eps', 'clipW');
const K_ADAGRAD = kernelOrder('f32_adagrad__simd128_u8', 'w', 'g', 'h', 'n', 'lr', 'wd', 'rescale', 'clip', 'eps');
const K_ADADELTA = kernelOrder('f32_adadelta__simd128_u8', 'w', 'g', 'ag', 'ad', 'n', 'wd', 'rescale', 'clip', 'rho', 'eps');
const K_SIGNUM = kernelOrder('f32_signum__simd128_u8', 'w', 'g', 'm', 'n', 'lr', 'wd', 'rescale', 'clip', 'momentum', 'wdLh');
const K_FTRL = kernelOrder('f32_ftrl__simd128_u8', 'w', 'g', 'z', 's', 'n', 'lr', 'wd', 'rescale', 'clip', 'l1', 'beta');
const K_ADAMAX = kernelOrder('f32_adamax__simd128_u8', 'w', 'g', 'm', 'u', 'n', 'lrt', 'wd', 'rescale', 'clip', 'b1', 'b2');
const K_NADAM = kernelOrder('f32_nadam__simd128_u8', 'w', 'g', 'm', 'v', 'n', 'lr', 'wd', 'rescale', 'clip', 'b1', 'b2', 'eps', 'cg', 'cm', 'vs');
const K_FTML = kernelOrder('f32_ftml__simd128_u8', 'w', 'g', 'd', 'v', 'z', 'n', 'wd', 'rescale', 'clip', 'b1', 'b2', 'eps', 'a', 'vs');

/**
 * The element ranges an update covers, as (byte delta, count): the whole array, or with lazy_update only the rows
 * of a sparse Embedding gradient (MXNet's lazy update of a row_sparse gradient: other rows, their weight decay and
 * their states stay as they are).
 */
function lazyRanges(lazy: boolean, w: NDArray, g: NDArray, f: (delta: number, n: number) => void): void {
  const rows = lazy && w.shape.length === 2 ? rowSet(g.byteOffset, g.nbytes) : undefined;
  if (!rows) { f(0, w.size); return; }
  const D = w.shape[1];
  forRowRuns(rows, (r, n) => f(r * D * 4, n * D));
}

/**
 * SGD, with momentum when `momentum > 0` (`sgd_update` / `sgd_mom_update`).
 * @example new mx.optimizer.SGD({ learning_rate: 0.1, momentum: 0.9, wd: 1e-4 })
 */
export class SGD extends Optimizer {
  momentum: number;
  /** MXNet's lazy_update (default true): a sparse Embedding gradient updates only its rows. */
  lazyUpdate: boolean;
  constructor(o: OptimizerOptions & { momentum?: number; lazyUpdate?: boolean } = {}) {
    super(o);
    const p = normOpts<{ momentum?: number; lazyUpdate?: boolean }>(o);
    this.momentum = p.momentum ?? 0; this.lazyUpdate = p.lazyUpdate ?? true;
  }
  createState(_i: Index, w: NDArray): NDArray[] { return this.momentum !== 0 ? this.zeros(w, 1) : []; }
  protected step(_i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    lazyRanges(this.lazyUpdate, w, g, (d, n) => {
      if (s.length) K_SGD_MOM(this.K, off(w) + d, off(g) + d, off(s[0]) + d, n, lr, wd, this.rescaleGrad, this.clip, this.momentum);
      else K_SGD(this.K, off(w) + d, off(g) + d, n, lr, wd, this.rescaleGrad, this.clip);
    });
  }
}

/**
 * Nesterov accelerated SGD (`nag_mom_update`; plain SGD when momentum is 0).
 * @example new mx.optimizer.NAG({ learning_rate: 0.1, momentum: 0.9 })
 */
export class NAG extends SGD {
  protected step(i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    if (s.length) K_NAG_MOM(this.K, off(w), off(g), off(s[0]), w.size, lr, wd, this.rescaleGrad, this.clip, this.momentum);
    else super.step(i, w, g, s, lr, wd);
  }
}

interface AdamOpts { beta1?: number; beta2?: number; epsilon?: number; eta?: number; correctBias?: boolean; lazyUpdate?: boolean }
/**
 * Adam: lr_t = lr*sqrt(1-beta2^t)/(1-beta1^t), wd added to the gradient before clipping.
 * @example new mx.optimizer.Adam({ learning_rate: 0.001 })
 */
export class Adam extends Optimizer {
  beta1: number; beta2: number; epsilon: number;
  /** MXNet's lazy_update (default true): a sparse Embedding gradient updates only its rows (and their m, v). */
  lazyUpdate: boolean;
  constructor(o: OptimizerOptions & AdamOpts = {}) {
    super(o, 0.001);
    const p = normOpts<AdamOpts>(o);
    this.beta1 = p.beta1 ?? 0.9; this.beta2 = p.beta2 ?? 0.999; this.epsilon = p.epsilon ?? 1e-8; this.lazyUpdate = p.lazyUpdate ?? true;
  }
  createState(_i: Index, w: NDArray): NDArray[] { return this.zeros(w, 2); }
  protected lrT(i: Index, lr: number): number {
    const t = this.count(i);
    return lr * Math.sqrt(1 - Math.pow(this.beta2, t)) / (1 - Math.pow(this.beta1, t));
  }
  protected step(i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    const lrt = this.lrT(i, lr);
    lazyRanges(this.lazyUpdate, w, g, (d, n) => {
      K_ADAM(this.K, off(w) + d, off(g) + d, off(s[0]) + d, off(s[1]) + d, n, lrt, wd, this.rescaleGrad, this.clip, this.beta1, this.beta2, this.epsilon, 0);
    });
  }
}

/**
 * AdamW (decoupled weight decay, MXNet's `adamw_update`): w -= eta*(lr_t*m/(sqrt(v)+eps) + wd*w);
 * the gradient gets no wd. `correctBias` (default true) applies Adam's bias correction to lr.
 * @example new mx.optimizer.AdamW({ learning_rate: 0.001, wd: 0.01 })
 */
export class AdamW extends Adam {
  eta: number; correctBias: boolean;
  constructor(o: OptimizerOptions & AdamOpts = {}) {
    super(o);
    const p = normOpts<AdamOpts>(o);
    this.eta = p.eta ?? 1; this.correctBias = p.correctBias ?? true;
  }
  protected step(i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    const lrt = this.correctBias ? this.lrT(i, lr) : lr;
    K_ADAM(this.K, off(w), off(g), off(s[0]), off(s[1]), w.size, this.eta * lrt, 0, this.rescaleGrad, this.clip, this.beta1, this.beta2, this.epsilon, this.eta * wd);
  }
}

interface RmsOpts { gamma1?: number; gamma2?: number; epsilon?: number; centered?: boolean; clipWeights?: number | null }
/**
 * RMSProp (Tieleman & Hinton), or centered (Graves, `rmspropalex_update`) with `centered: true`.
 * @example new mx.optimizer.RMSProp({ learning_rate: 0.001, gamma1: 0.9, centered: true })
 */
export class RMSProp extends Optimizer {
  gamma1: number; gamma2: number; epsilon: number; centered: boolean; clipWeights: number | null;
  constructor(o: OptimizerOptions & RmsOpts = {}) {
    super(o, 0.001);
    const p = normOpts<RmsOpts>(o);
    this.gamma1 = p.gamma1 ?? 0.9; this.gamma2 = p.gamma2 ?? 0.9; this.epsilon = p.epsilon ?? 1e-8;
    this.centered = !!p.centered; this.clipWeights = p.clipWeights ?? null;
  }
  createState(_i: Index, w: NDArray): NDArray[] { return this.zeros(w, this.centered ? 3 : 1); }
  protected step(_i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    const cw = this.clipWeights ? this.clipWeights : -1;
    if (this.centered) K_RMSPROPALEX(this.K, off(w), off(g), off(s[0]), off(s[1]), off(s[2]), w.size, lr, wd, this.rescaleGrad, this.clip, this.gamma1, this.gamma2, this.epsilon, cw);
    else K_RMSPROP(this.K, off(w), off(g), off(s[0]), w.size, lr, wd, this.rescaleGrad, this.clip, this.gamma1, this.epsilon, cw);
  }
}

/**
 * AdaGrad (dense): history of squared gradients; wd applied outside the adaptive term.
 * @example new mx.optimizer.AdaGrad({ learning_rate: 0.1, eps: 1e-7 })
 */
export class AdaGrad extends Optimizer {
  eps: number;
  constructor(o: OptimizerOptions & { eps?: number } = {}) { super(o); this.eps = normOpts<{ eps?: number }>(o).eps ?? 1e-7; }
  createState(_i: Index, w: NDArray): NDArray[] { return this.zeros(w, 1); }
  protected step(_i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    K_ADAGRAD(this.K, off(w), off(g), off(s[0]), w.size, lr, wd, this.rescaleGrad, this.clip, this.eps);
  }
}

/**
 * AdaDelta (no learning rate): accumulated squared gradients and updates.
 * @example new mx.optimizer.AdaDelta({ rho: 0.9, epsilon: 1e-5 })
 */
export class AdaDelta extends Optimizer {
  rho: number; epsilon: number;
  constructor(o: OptimizerOptions & { rho?: number; epsilon?: number } = {}) {
    super(o);
    const p = normOpts<{ rho?: number; epsilon?: number }>(o);
    this.rho = p.rho ?? 0.9; this.epsilon = p.epsilon ?? 1e-5;
  }
  createState(_i: Index, w: NDArray): NDArray[] { return this.zeros(w, 2); }
  protected step(_i: Index, w: NDArray, g: NDArray, s: NDArray[], _lr: number, wd: number): void {
    K_ADADELTA(this.K, off(w), off(g), off(s[0]), off(s[1]), w.size, wd, this.rescaleGrad, this.clip, this.rho, this.epsilon);
  }
}

/**
 * Signum (sign of momentum; `signsgd_update` when momentum is 0), with `wd_lh` decoupled decay.
 * @example new mx.optimizer.Signum({ learning_rate: 0.01, momentum: 0.9 })
 */
export class Signum extends Optimizer {
  momentum: number; wdLh: number;
  constructor(o: OptimizerOptions & { momentum?: number; wdLh?: number } = {}) {
    super(o, 0.01);
    const p = normOpts<{ momentum?: number; wdLh?: number }>(o);
    this.momentum = p.momentum ?? 0.9; this.wdLh = p.wdLh ?? 0;
  }
  /** One buffer: the momentum (or, without momentum, scratch for the signSGD path). */
  createState(_i: Index, w: NDArray): NDArray[] { return this.zeros(w, 1); }
  protected step(_i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    // momentum 0 is signsgd_update: w = (1-lr*wd)*w - lr*sign(g), i.e. the signum kernel with wd moved to wd_lh.
    if (this.momentum === 0) K_SIGNUM(this.K, off(w), off(g), off(s[0]), w.size, lr, 0, this.rescaleGrad, this.clip, 0, wd);
    else K_SIGNUM(this.K, off(w), off(g), off(s[0]), w.size, lr, wd, this.rescaleGrad, this.clip, this.momentum, this.wdLh);
  }
}

/**
 * FTRL-proximal (`ftrl_update`), states z and n.
 * @example new mx.optimizer.Ftrl({ lamda1: 0.01, learning_rate: 0.1, beta: 1 })
 */
export class Ftrl extends Optimizer {
  lamda1: number; beta: number;
  constructor(o: OptimizerOptions & { lamda1?: number; beta?: number } = {}) {
    super(o, 0.1);
    const p = normOpts<{ lamda1?: number; beta?: number }>(o);
    this.lamda1 = p.lamda1 ?? 0.01; this.beta = p.beta ?? 1;
  }
  createState(_i: Index, w: NDArray): NDArray[] { return this.zeros(w, 2); }
  protected step(_i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    K_FTRL(this.K, off(w), off(g), off(s[0]), off(s[1]), w.size, lr, wd, this.rescaleGrad, this.clip, this.lamda1, this.beta);
  }
}

interface AdamaxOpts { beta1?: number; beta2?: number }
/**
 * Adamax (MXNet's Python rule): lr_t = lr/(1-beta1^t); u = max(beta2*u, |gg|); w -= lr_t*m/u. Default lr 0.002.
 * @example new mx.optimizer.Adamax({ learning_rate: 0.002 })
 */
export class Adamax extends Optimizer {
  beta1: number; beta2: number;
  constructor(o: OptimizerOptions & AdamaxOpts = {}) {
    super(o, 0.002);
    const p = normOpts<AdamaxOpts>(o);
    this.beta1 = p.beta1 ?? 0.9; this.beta2 = p.beta2 ?? 0.999;
  }
  createState(_i: Index, w: NDArray): NDArray[] { return this.zeros(w, 2); }
  protected step(i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    const lrt = lr / (1 - Math.pow(this.beta1, this.count(i)));
    K_ADAMAX(this.K, off(w), off(g), off(s[0]), off(s[1]), w.size, lrt, wd, this.rescaleGrad, this.clip, this.beta1, this.beta2);
  }
}

interface NadamOpts { beta1?: number; beta2?: number; epsilon?: number; scheduleDecay?: number }
/**
 * Nadam (MXNet's Python rule): Adam with Nesterov momentum and the warming schedule mu_t = beta1*(1 - 0.5*0.96^(t*decay));
 * the schedule's running product `mSchedule` lives on the optimizer and advances on every update, as MXNet's.
 * @example new mx.optimizer.Nadam({ learning_rate: 0.001, schedule_decay: 0.004 })
 */
export class Nadam extends Optimizer {
  beta1: number; beta2: number; epsilon: number; scheduleDecay: number; mSchedule = 1;
  constructor(o: OptimizerOptions & NadamOpts = {}) {
    super(o, 0.001);
    const p = normOpts<NadamOpts>(o);
    this.beta1 = p.beta1 ?? 0.9; this.beta2 = p.beta2 ?? 0.999; this.epsilon = p.epsilon ?? 1e-8; this.scheduleDecay = p.scheduleDecay ?? 0.004;
  }
  createState(_i: Index, w: NDArray): NDArray[] { return this.zeros(w, 2); }
  protected step(i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    const t = this.count(i), b1 = this.beta1, d = this.scheduleDecay;
    const mt = b1 * (1 - 0.5 * Math.pow(0.96, t * d)), mt1 = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * d));
    this.mSchedule *= mt;
    const cg = (1 - mt) / (1 - this.mSchedule), cm = mt1 / (1 - this.mSchedule * mt1), vs = 1 / (1 - Math.pow(this.beta2, t));
    K_NADAM(this.K, off(w), off(g), off(s[0]), off(s[1]), w.size, lr, wd, this.rescaleGrad, this.clip, b1, this.beta2, this.epsilon, cg, cm, vs);
  }
}

interface FtmlOpts { beta1?: number; beta2?: number; epsilon?: number }
/**
 * FTML, Follow the Moving Leader (`ftml_update`), states d, v, z; default beta1 0.6.
 * @example new mx.optimizer.FTML({ learning_rate: 0.01, beta1: 0.6 })
 */
export class FTML extends Optimizer {
  beta1: number; beta2: number; epsilon: number;
  constructor(o: OptimizerOptions & FtmlOpts = {}) {
    super(o);
    const p = normOpts<FtmlOpts>(o);
    this.beta1 = p.beta1 ?? 0.6; this.beta2 = p.beta2 ?? 0.999; this.epsilon = p.epsilon ?? 1e-8;
  }
  createState(_i: Index, w: NDArray): NDArray[] { return this.zeros(w, 3); }
  protected step(i: Index, w: NDArray, g: NDArray, s: NDArray[], lr: number, wd: number): void {
    const t = this.count(i), a = (1 - Math.pow(this.beta1, t)) / lr, vs = 1 / (1 - Math.pow(this.beta2, t));
    K_FTML(this.K, off(w), off(g), off(s[0]), off(s[1]), off(s[2]), w.size, wd, this.rescaleGrad, this.clip, this.beta1, this.beta2, this.epsilon, a, vs);
  }
}

register('sgd', SGD); register('nag', NAG); register('adam', Adam); register('adamw', AdamW); register('rmsprop', RMSProp);
register('adagrad', AdaGrad); register('adadelta', AdaDelta); register('signum', Signum); register('ftrl', Ftrl);
register('adamax', Adamax); register('nadam', Nadam); register('ftml', FTML);
for (const c of [SGD, NAG, Adam, AdamW, RMSProp, AdaGrad, AdaDelta, Signum, Ftrl, Adamax, Nadam, FTML]) BUILTIN.add(c);
