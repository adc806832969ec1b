// Plain scalar references of the fused optimizer kernels (assembly/kernels/f32-optim.ts, f32-optim-adaptive.ts): the test
// oracle. Transcribed from MXNet 1.9's update rules (src/operator/optimizer_op-inl.h and the Py*
// optimizers of tests/python/unittest/test_optimizer.py). Arrays are updated in place.

type A = Float32Array | Float64Array | number[];
const clip = (x: number, c: number) => (c < 0 ? x : Math.max(-c, Math.min(c, x)));
const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Common hyper-parameters of one step. `clip < 0`: no clipping. */
export interface Hyper { lr: number; wd: number; rescale: number; clip: number }

/** sgd_update. @example refSgd(w, g, { lr: 0.1, wd: 0, rescale: 1, clip: -1 }) */
export function refSgd(w: A, g: A, h: Hyper): void {
  for (let i = 0; i < w.length; i++) w[i] = (1 - h.lr * h.wd) * w[i] - h.lr * clip(h.rescale * g[i], h.clip);
}
/** sgd_mom_update. @example refSgdMom(w, g, mom, h, 0.9) */
export function refSgdMom(w: A, g: A, m: A, h: Hyper, momentum: number): void {
  for (let i = 0; i < w.length; i++) {
    m[i] = momentum * m[i] - h.lr * h.wd * w[i] - h.lr * clip(h.rescale * g[i], h.clip);
    w[i] = w[i] + m[i];
  }
}
/** PyNAG: mom = momentum*mom; w = w - mom + (momentum+1)*(mom - lr*gg); mom -= lr*gg. @example refNag(w, g, mom, h, 0.9) */
export function refNag(w: A, g: A, m: A, h: Hyper, momentum: number): void {
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i], h.clip) + h.wd * w[i];
    const mom = momentum * m[i];
    w[i] = w[i] - mom + (momentum + 1) * (mom - h.lr * gg);
    m[i] = mom - h.lr * gg;
  }
}
/** adam_update with lrt = lr*sqrt(1-b2^t)/(1-b1^t) given; `decay` = AdamW's decoupled eta*wd. @example refAdam(w, g, m, v, h, 0.9, 0.999, 1e-8) */
export function refAdam(w: A, g: A, m: A, v: A, h: Hyper, b1: number, b2: number, eps: number, decay = 0): void {
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i] + h.wd * w[i], h.clip);
    m[i] = b1 * m[i] + (1 - b1) * gg;
    v[i] = b2 * v[i] + (1 - b2) * gg * gg;
    w[i] = w[i] - h.lr * m[i] / (Math.sqrt(v[i]) + eps) - decay * w[i];
  }
}
/** rmsprop_update. @example refRmsprop(w, g, n, h, 0.9, 1e-8, -1) */
export function refRmsprop(w: A, g: A, n: A, h: Hyper, g1: number, eps: number, clipW: number): void {
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i] + h.wd * w[i], h.clip);
    n[i] = (1 - g1) * gg * gg + g1 * n[i];
    w[i] = clip(w[i] - h.lr * gg / Math.sqrt(n[i] + eps), clipW);
  }
}
/** rmspropalex_update (centered). @example refRmspropAlex(w, g, n, gbar, delta, h, 0.9, 0.9, 1e-8, -1) */
export function refRmspropAlex(w: A, g: A, n: A, gb: A, d: A, h: Hyper, g1: number, g2: number, eps: number, clipW: number): void {
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i] + h.wd * w[i], h.clip);
    n[i] = (1 - g1) * gg * gg + g1 * n[i];
    gb[i] = (1 - g1) * gg + g1 * gb[i];
    d[i] = g2 * d[i] - h.lr * gg / Math.sqrt(n[i] - gb[i] * gb[i] + eps);
    w[i] = clip(w[i] + d[i], clipW);
  }
}
/** PyAdaGrad (dense). @example refAdagrad(w, g, hist, h, 1e-7) */
export function refAdagrad(w: A, g: A, hs: A, h: Hyper, eps: number): void {
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i], h.clip);
    hs[i] += gg * gg;
    w[i] += -h.lr * (gg / Math.sqrt(hs[i] + eps) + h.wd * w[i]);
  }
}
/** PyAdaDelta (no lr). @example refAdadelta(w, g, accG, accD, h, 0.9, 1e-5) */
export function refAdadelta(w: A, g: A, ag: A, ad: A, h: Hyper, rho: number, eps: number): void {
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i], h.clip);
    ag[i] = rho * ag[i] + (1 - rho) * gg * gg;
    const d = Math.sqrt(ad[i] + eps) / Math.sqrt(ag[i] + eps) * gg;
    ad[i] = rho * ad[i] + (1 - rho) * d * d;
    w[i] -= d + h.wd * w[i];
  }
}
/** signum_update. @example refSignum(w, g, mom, h, 0.9, 0) */
export function refSignum(w: A, g: A, m: A, h: Hyper, momentum: number, wdLh: number): void {
  for (let i = 0; i < w.length; i++) {
    m[i] = momentum * m[i] - (1 - momentum) * h.wd * w[i] - (1 - momentum) * clip(h.rescale * g[i], h.clip);
    w[i] = (1 - h.lr * wdLh) * w[i] + h.lr * sign(m[i]);
  }
}
/** signsgd_update (Signum without momentum). @example refSignSgd(w, g, h) */
export function refSignSgd(w: A, g: A, h: Hyper): void {
  for (let i = 0; i < w.length; i++) w[i] = (1 - h.lr * h.wd) * w[i] - h.lr * sign(clip(h.rescale * g[i], h.clip));
}
/** ftrl_update. @example refFtrl(w, g, z, n, h, 0.01, 1) */
export function refFtrl(w: A, g: A, z: A, n: A, h: Hyper, l1: number, beta: number): void {
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i], h.clip);
    z[i] += gg - (Math.sqrt(n[i] + gg * gg) - Math.sqrt(n[i])) * w[i] / h.lr;
    n[i] += gg * gg;
    w[i] = Math.abs(z[i]) > l1 ? (sign(z[i]) * l1 - z[i]) / ((beta + Math.sqrt(n[i])) / h.lr + h.wd) : 0;
  }
}

/** PyAdamax with lrt = lr/(1-b1^t) given: u = max(b2*u, |gg|); w -= lrt*m/u. @example refAdamax(w, g, m, u, h, 0.9, 0.999) */
export function refAdamax(w: A, g: A, m: A, u: A, h: Hyper, b1: number, b2: number): void {
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i] + h.wd * w[i], h.clip);
    m[i] = b1 * m[i] + (1 - b1) * gg;
    u[i] = Math.max(b2 * u[i], Math.abs(gg));
    w[i] -= h.lr * m[i] / u[i];
  }
}
/**
 * PyNadam, one step t of a run whose momentum schedule product before this step is `ms` (returned updated, as
 * MXNet keeps it on the optimizer). @example ms = refNadam(w, g, m, v, h, 0.9, 0.999, 1e-8, 0.004, t, ms)
 */
export function refNadam(w: A, g: A, m: A, v: A, h: Hyper, b1: number, b2: number, eps: number, decay: number, t: number, ms: number): number {
  const mt = b1 * (1 - 0.5 * 0.96 ** (t * decay)), mt1 = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * decay));
  const sched = ms * mt, next = sched * mt1;
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i] + h.wd * w[i], h.clip);
    m[i] = b1 * m[i] + (1 - b1) * gg;
    v[i] = b2 * v[i] + (1 - b2) * gg * gg;
    const bar = (1 - mt) * (gg / (1 - sched)) + mt1 * (m[i] / (1 - next));
    w[i] -= h.lr * bar / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
  }
  return sched;
}
/** ftml_update at step t (states d, v, z). @example refFtml(w, g, d, v, z, h, 0.6, 0.999, 1e-8, 1) */
export function refFtml(w: A, g: A, d: A, v: A, z: A, h: Hyper, b1: number, b2: number, eps: number, t: number): void {
  for (let i = 0; i < w.length; i++) {
    const gg = clip(h.rescale * g[i] + h.wd * w[i], h.clip);
    v[i] = b2 * v[i] + (1 - b2) * gg * gg;
    const dt = (1 - b1 ** t) / h.lr * (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    z[i] = b1 * z[i] + (1 - b1) * gg - (dt - b1 * d[i]) * w[i];
    d[i] = dt;
    w[i] = -z[i] / dt;
  }
}
