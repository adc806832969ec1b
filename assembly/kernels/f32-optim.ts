// Kernel family file (see assembly/index.ts).
// Fused optimizer updates (MXNet's optimizer_op-inl.h rules), in place over weight, gradient and
// state buffers in the shared memory. Grammar: f32_<rule>__simd128_u8 (8 floats per iteration,
// scalar tail). Offsets are bytes; n is the element count; `clip < 0` means no gradient clipping;
// `clipW < 0` means no weight clipping. g is read only; w and the states are updated in place.

@inline function clipS(x: f32, c: f32): f32 { return c < 0 ? x : (x > c ? c : (x < -c ? -c : x)); }
// pmax/pmin (one instruction each; NaN passes through, as in MXNet's clip) rather than the NaN-propagating max/min sequences.
@inline function clipV(x: v128, c: v128, nc: v128): v128 { return f32x4.pmin(f32x4.pmax(x, nc), c); }
@inline function lim(c: f32): f32 { return c < 0 ? Infinity : c; }
@inline function ld(p: usize): v128 { return v128.load(p); }
@inline function signS(x: f32): f32 { return x > 0 ? 1 : (x < 0 ? -1 : 0); }
@inline function signV(x: v128): v128 {
  const z = f32x4.splat(0);
  return v128.or(v128.and(f32x4.gt(x, z), f32x4.splat(1)), v128.and(f32x4.lt(x, z), f32x4.splat(-1)));
}

/** Plain SGD (`sgd_update`): w = (<f32>1 - lr*wd)*w - lr*clip(rescale*g). */
export function f32_sgd__simd128_u8(w: usize, g: usize, n: usize, lr: f32, wd: f32, rescale: f32, clip: f32): void {
  const a = f32x4.splat(<f32>1 - lr * wd), vl = f32x4.splat(lr), r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      v128.store(w + o, f32x4.sub(f32x4.mul(a, ld(w + o)), f32x4.mul(vl, clipV(f32x4.mul(r, ld(g + o)), c, nc))));
    }
  }
  for (; i < n; i++) { const o = i << 2; store<f32>(w + o, (<f32>1 - lr * wd) * load<f32>(w + o) - lr * clipS(rescale * load<f32>(g + o), clip)); }
}

/** SGD with momentum (`sgd_mom_update`): mom = momentum*mom - lr*wd*w - lr*clip(rescale*g); w += mom. */
export function f32_sgd_mom__simd128_u8(w: usize, g: usize, m: usize, n: usize, lr: f32, wd: f32, rescale: f32, clip: f32, momentum: f32): void {
  const mu = f32x4.splat(momentum), lwd = f32x4.splat(lr * wd), vl = f32x4.splat(lr), r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      const wv = ld(w + o);
      const mv = f32x4.sub(f32x4.sub(f32x4.mul(mu, ld(m + o)), f32x4.mul(lwd, wv)), f32x4.mul(vl, clipV(f32x4.mul(r, ld(g + o)), c, nc)));
      v128.store(m + o, mv);
      v128.store(w + o, f32x4.add(wv, mv));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o);
    const mv = momentum * load<f32>(m + o) - lr * wd * wv - lr * clipS(rescale * load<f32>(g + o), clip);
    store<f32>(m + o, mv); store<f32>(w + o, wv + mv);
  }
}

/** Nesterov momentum (`nag_mom_update`): gg = clip(rescale*g) + wd*w; mom' = momentum*mom - lr*gg; w += momentum*mom' - lr*gg. */
export function f32_nag_mom__simd128_u8(w: usize, g: usize, m: usize, n: usize, lr: f32, wd: f32, rescale: f32, clip: f32, momentum: f32): void {
  const mu = f32x4.splat(momentum), vwd = f32x4.splat(wd), vl = f32x4.splat(lr), r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      const wv = ld(w + o);
      const gg = f32x4.mul(vl, f32x4.add(clipV(f32x4.mul(r, ld(g + o)), c, nc), f32x4.mul(vwd, wv)));
      const mv = f32x4.sub(f32x4.mul(mu, ld(m + o)), gg);
      v128.store(m + o, mv);
      v128.store(w + o, f32x4.sub(f32x4.add(wv, f32x4.mul(mu, mv)), gg));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o);
    const gg = lr * (clipS(rescale * load<f32>(g + o), clip) + wd * wv);
    const mv = momentum * load<f32>(m + o) - gg;
    store<f32>(m + o, mv); store<f32>(w + o, wv + momentum * mv - gg);
  }
}

/**
 * Adam (`adam_update`; `lrt` is the bias-corrected rate) and AdamW (`decay` > 0, `wd` = 0 then):
 * gg = clip(rescale*g + wd*w); m = b1*m + (1-b1)*gg; v = b2*v + (1-b2)*gg²; w -= lrt*m/(sqrt(v)+eps) + decay*w.
 */
export function f32_adam__simd128_u8(w: usize, g: usize, m: usize, v: usize, n: usize, lrt: f32, wd: f32, rescale: f32, clip: f32, b1: f32, b2: f32, eps: f32, decay: f32): void {
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), c1 = f32x4.splat(<f32>1 - b1), c2 = f32x4.splat(<f32>1 - b2), ve = f32x4.splat(eps);
  const vl = f32x4.splat(lrt), vwd = f32x4.splat(wd), vd = f32x4.splat(<f32>1 - decay), r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      const wv = ld(w + o);
      const gg = clipV(f32x4.add(f32x4.mul(r, ld(g + o)), f32x4.mul(vwd, wv)), c, nc);
      const mv = f32x4.add(f32x4.mul(vb1, ld(m + o)), f32x4.mul(c1, gg));
      const vv = f32x4.add(f32x4.mul(vb2, ld(v + o)), f32x4.mul(c2, f32x4.mul(gg, gg)));
      v128.store(m + o, mv); v128.store(v + o, vv);
      v128.store(w + o, f32x4.sub(f32x4.mul(vd, wv), f32x4.div(f32x4.mul(vl, mv), f32x4.add(f32x4.sqrt(vv), ve))));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o);
    const gg = clipS(rescale * load<f32>(g + o) + wd * wv, clip);
    const mv = b1 * load<f32>(m + o) + (<f32>1 - b1) * gg, vv = b2 * load<f32>(v + o) + (<f32>1 - b2) * gg * gg;
    store<f32>(m + o, mv); store<f32>(v + o, vv);
    store<f32>(w + o, (<f32>1 - decay) * wv - lrt * mv / (Mathf.sqrt(vv) + eps));
  }
}

/** RMSProp (`rmsprop_update`): gg = clip(rescale*g + wd*w); s = (1-g1)*gg² + g1*s; w -= lr*gg/sqrt(s + eps); clip w. */
export function f32_rmsprop__simd128_u8(w: usize, g: usize, s: usize, n: usize, lr: f32, wd: f32, rescale: f32, clip: f32, g1: f32, eps: f32, clipW: f32): void {
  const vg = f32x4.splat(g1), cg = f32x4.splat(<f32>1 - g1), ve = f32x4.splat(eps), vl = f32x4.splat(lr), vwd = f32x4.splat(wd), r = f32x4.splat(rescale);
  const c = f32x4.splat(lim(clip)), nc = f32x4.neg(c), cw = f32x4.splat(lim(clipW)), ncw = f32x4.neg(cw);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      const wv = ld(w + o);
      const gg = clipV(f32x4.add(f32x4.mul(r, ld(g + o)), f32x4.mul(vwd, wv)), c, nc);
      const sv = f32x4.add(f32x4.mul(cg, f32x4.mul(gg, gg)), f32x4.mul(vg, ld(s + o)));
      v128.store(s + o, sv);
      v128.store(w + o, clipV(f32x4.sub(wv, f32x4.div(f32x4.mul(vl, gg), f32x4.sqrt(f32x4.add(sv, ve)))), cw, ncw));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o);
    const gg = clipS(rescale * load<f32>(g + o) + wd * wv, clip);
    const sv = (<f32>1 - g1) * gg * gg + g1 * load<f32>(s + o);
    store<f32>(s + o, sv);
    store<f32>(w + o, clipS(wv - lr * gg / Mathf.sqrt(sv + eps), clipW));
  }
}

/** Centered RMSProp (`rmspropalex_update`): s, gbar and delta states; w += delta; clip w. */
export function f32_rmspropalex__simd128_u8(w: usize, g: usize, s: usize, gb: usize, d: usize, n: usize, lr: f32, wd: f32, rescale: f32, clip: f32, g1: f32, g2: f32, eps: f32, clipW: f32): void {
  const vg = f32x4.splat(g1), cg = f32x4.splat(<f32>1 - g1), vg2 = f32x4.splat(g2), ve = f32x4.splat(eps), vl = f32x4.splat(lr), vwd = f32x4.splat(wd), r = f32x4.splat(rescale);
  const c = f32x4.splat(lim(clip)), nc = f32x4.neg(c), cw = f32x4.splat(lim(clipW)), ncw = f32x4.neg(cw);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      const wv = ld(w + o);
      const gg = clipV(f32x4.add(f32x4.mul(r, ld(g + o)), f32x4.mul(vwd, wv)), c, nc);
      const sv = f32x4.add(f32x4.mul(cg, f32x4.mul(gg, gg)), f32x4.mul(vg, ld(s + o)));
      const bv = f32x4.add(f32x4.mul(cg, gg), f32x4.mul(vg, ld(gb + o)));
      const dv = f32x4.sub(f32x4.mul(vg2, ld(d + o)), f32x4.div(f32x4.mul(vl, gg), f32x4.sqrt(f32x4.add(f32x4.sub(sv, f32x4.mul(bv, bv)), ve))));
      v128.store(s + o, sv); v128.store(gb + o, bv); v128.store(d + o, dv);
      v128.store(w + o, clipV(f32x4.add(wv, dv), cw, ncw));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o);
    const gg = clipS(rescale * load<f32>(g + o) + wd * wv, clip);
    const sv = (<f32>1 - g1) * gg * gg + g1 * load<f32>(s + o), bv = (<f32>1 - g1) * gg + g1 * load<f32>(gb + o);
    const dv = g2 * load<f32>(d + o) - lr * gg / Mathf.sqrt(sv - bv * bv + eps);
    store<f32>(s + o, sv); store<f32>(gb + o, bv); store<f32>(d + o, dv);
    store<f32>(w + o, clipS(wv + dv, clipW));
  }
}

/** AdaGrad (dense): gg = clip(rescale*g); h += gg²; w -= lr*(gg/sqrt(h + eps) + wd*w). */
export function f32_adagrad__simd128_u8(w: usize, g: usize, h: usize, n: usize, lr: f32, wd: f32, rescale: f32, clip: f32, eps: f32): void {
  const vl = f32x4.splat(lr), vwd = f32x4.splat(wd), ve = f32x4.splat(eps), r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      const wv = ld(w + o);
      const gg = clipV(f32x4.mul(r, ld(g + o)), c, nc);
      const hv = f32x4.add(ld(h + o), f32x4.mul(gg, gg));
      v128.store(h + o, hv);
      v128.store(w + o, f32x4.sub(wv, f32x4.mul(vl, f32x4.add(f32x4.div(gg, f32x4.sqrt(f32x4.add(hv, ve))), f32x4.mul(vwd, wv)))));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o);
    const gg = clipS(rescale * load<f32>(g + o), clip), hv = load<f32>(h + o) + gg * gg;
    store<f32>(h + o, hv);
    store<f32>(w + o, wv - lr * (gg / Mathf.sqrt(hv + eps) + wd * wv));
  }
}

/** AdaDelta: acc_g = rho*acc_g + (1-rho)*gg²; d = sqrt(acc_d+eps)/sqrt(acc_g+eps)*gg; acc_d = rho*acc_d + (1-rho)*d²; w -= d + wd*w. */
export function f32_adadelta__simd128_u8(w: usize, g: usize, ag: usize, ad: usize, n: usize, wd: f32, rescale: f32, clip: f32, rho: f32, eps: f32): void {
  const vr = f32x4.splat(rho), cr = f32x4.splat(<f32>1 - rho), ve = f32x4.splat(eps), vwd = f32x4.splat(wd), r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      const wv = ld(w + o);
      const gg = clipV(f32x4.mul(r, ld(g + o)), c, nc);
      const gv = f32x4.add(f32x4.mul(vr, ld(ag + o)), f32x4.mul(cr, f32x4.mul(gg, gg)));
      const adv = ld(ad + o);
      const dv = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(adv, ve)), f32x4.sqrt(f32x4.add(gv, ve))), gg);
      v128.store(ag + o, gv);
      v128.store(ad + o, f32x4.add(f32x4.mul(vr, adv), f32x4.mul(cr, f32x4.mul(dv, dv))));
      v128.store(w + o, f32x4.sub(wv, f32x4.add(dv, f32x4.mul(vwd, wv))));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o);
    const gg = clipS(rescale * load<f32>(g + o), clip);
    const gv = rho * load<f32>(ag + o) + (<f32>1 - rho) * gg * gg, adv = load<f32>(ad + o);
    const dv = Mathf.sqrt(adv + eps) / Mathf.sqrt(gv + eps) * gg;
    store<f32>(ag + o, gv); store<f32>(ad + o, rho * adv + (<f32>1 - rho) * dv * dv);
    store<f32>(w + o, wv - (dv + wd * wv));
  }
}

/** Signum (`signum_update`): mom = momentum*mom - (1-momentum)*(wd*w + clip(rescale*g)); w = (<f32>1 - lr*wdLh)*w + lr*sign(mom). */
export function f32_signum__simd128_u8(w: usize, g: usize, m: usize, n: usize, lr: f32, wd: f32, rescale: f32, clip: f32, momentum: f32, wdLh: f32): void {
  const mu = f32x4.splat(momentum), cm = f32x4.splat(<f32>1 - momentum), vwd = f32x4.splat(wd), vl = f32x4.splat(lr), a = f32x4.splat(<f32>1 - lr * wdLh);
  const r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      const wv = ld(w + o);
      const mv = f32x4.sub(f32x4.mul(mu, ld(m + o)), f32x4.mul(cm, f32x4.add(f32x4.mul(vwd, wv), clipV(f32x4.mul(r, ld(g + o)), c, nc))));
      v128.store(m + o, mv);
      v128.store(w + o, f32x4.add(f32x4.mul(a, wv), f32x4.mul(vl, signV(mv))));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o);
    const mv = momentum * load<f32>(m + o) - (<f32>1 - momentum) * (wd * wv + clipS(rescale * load<f32>(g + o), clip));
    store<f32>(m + o, mv); store<f32>(w + o, (<f32>1 - lr * wdLh) * wv + lr * signS(mv));
  }
}

/** FTRL-proximal (`ftrl_update`): z += gg - (sqrt(n+gg²)-sqrt(n))*w/lr; n += gg²; w = (sign(z)*l1 - z)/((beta+sqrt(n))/lr + wd) where |z| > l1, else 0. */
export function f32_ftrl__simd128_u8(w: usize, g: usize, z: usize, s: usize, n: usize, lr: f32, wd: f32, rescale: f32, clip: f32, l1: f32, beta: f32): void {
  const vl = f32x4.splat(lr), vwd = f32x4.splat(wd), vl1 = f32x4.splat(l1), vb = f32x4.splat(beta), r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k;
      const gg = clipV(f32x4.mul(r, ld(g + o)), c, nc);
      const sv = ld(s + o), s2 = f32x4.add(sv, f32x4.mul(gg, gg));
      const zv = f32x4.add(ld(z + o), f32x4.sub(gg, f32x4.div(f32x4.mul(f32x4.sub(f32x4.sqrt(s2), f32x4.sqrt(sv)), ld(w + o)), vl)));
      v128.store(z + o, zv); v128.store(s + o, s2);
      const num = f32x4.sub(f32x4.mul(signV(zv), vl1), zv);
      const den = f32x4.add(f32x4.div(f32x4.add(vb, f32x4.sqrt(s2)), vl), vwd);
      v128.store(w + o, v128.and(f32x4.div(num, den), f32x4.gt(f32x4.abs(zv), vl1)));
    }
  }
  for (; i < n; i++) {
    const o = i << 2;
    const gg = clipS(rescale * load<f32>(g + o), clip), sv = load<f32>(s + o), s2 = sv + gg * gg;
    const zv = load<f32>(z + o) + gg - (Mathf.sqrt(s2) - Mathf.sqrt(sv)) * load<f32>(w + o) / lr;
    store<f32>(z + o, zv); store<f32>(s + o, s2);
    store<f32>(w + o, Mathf.abs(zv) > l1 ? (signS(zv) * l1 - zv) / ((beta + Mathf.sqrt(s2)) / lr + wd) : 0);
  }
}
