// Kernel family file (see assembly/index.ts): the Adam variants MXNet implements in Python (optimizer.py Adamax and
// Nadam) and FTML (ftml_update), fused like f32-optim.ts: in place over weight and states, `clip < 0` means no clipping, 8 floats an
// iteration and a scalar tail. gg = clip(rescale*g + wd*w) (wd before the clip, as MXNet's Adam family).

@inline function clipS(x: f32, c: f32): f32 { return c < 0 ? x : (x > c ? c : (x < -c ? -c : x)); }
@inline function clipV(x: v128, c: v128, nc: v128): v128 { return f32x4.pmin(f32x4.pmax(x, nc), c); }
@inline function lim(c: f32): f32 { return c < 0 ? Infinity : c; }
/** gg = clip(rescale*g + wd*w) for the 4 floats at byte offset o. */
@inline function gradAt(g: usize, o: usize, wv: v128, r: v128, vwd: v128, c: v128, nc: v128): v128 {
  return clipV(f32x4.add(f32x4.mul(r, v128.load(g + o)), f32x4.mul(vwd, wv)), c, nc);
}
/** m = b1*m + (1-b1)*gg for the 4 floats at byte offset o, stored and returned. */
@inline function momentAt(m: usize, o: usize, gg: v128, vb1: v128, c1: v128): v128 {
  const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(c1, gg));
  v128.store(m + o, mv);
  return mv;
}

/** Adamax: m = b1*m + (1-b1)*gg; u = max(b2*u, |gg|); w -= lrt*m/u, lrt = lr/(1-b1^t) given. */
export function f32_adamax__simd128_u8(w: usize, g: usize, m: usize, u: usize, n: usize, lrt: f32, wd: f32, rescale: f32, clip: f32, b1: f32, b2: f32): void {
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), c1 = f32x4.splat(<f32>1 - b1), vl = f32x4.splat(lrt), vwd = f32x4.splat(wd);
  const r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k, wv = v128.load(w + o), gg = gradAt(g, o, wv, r, vwd, c, nc), mv = momentAt(m, o, gg, vb1, c1);
      const uv = f32x4.max(f32x4.mul(vb2, v128.load(u + o)), f32x4.abs(gg));
      v128.store(u + o, uv);
      v128.store(w + o, f32x4.sub(wv, f32x4.div(f32x4.mul(vl, mv), uv)));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o), gg = clipS(rescale * load<f32>(g + o) + wd * wv, clip);
    const mv = b1 * load<f32>(m + o) + (<f32>1 - b1) * gg, uv = max<f32>(b2 * load<f32>(u + o), abs<f32>(gg));
    store<f32>(m + o, mv); store<f32>(u + o, uv);
    store<f32>(w + o, wv - lrt * mv / uv);
  }
}

/**
 * Nadam (Dozat): m = b1*m + (1-b1)*gg; v = b2*v + (1-b2)*gg²; w -= lr*(cg*gg + cm*m)/(sqrt(v*vs) + eps), with the
 * momentum schedule folded into cg = (1-mu_t)/(1-prod mu), cm = mu_{t+1}/(1-prod mu * mu_{t+1}), vs = 1/(1-b2^t).
 */
export function f32_nadam__simd128_u8(w: usize, g: usize, m: usize, v: usize, n: usize, lr: f32, wd: f32, rescale: f32, clip: f32,
  b1: f32, b2: f32, eps: f32, cg: f32, cm: f32, vs: f32): void {
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), c1 = f32x4.splat(<f32>1 - b1), c2 = f32x4.splat(<f32>1 - b2), ve = f32x4.splat(eps);
  const vl = f32x4.splat(lr), vwd = f32x4.splat(wd), vcg = f32x4.splat(cg), vcm = f32x4.splat(cm), vvs = f32x4.splat(vs);
  const r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k, wv = v128.load(w + o), gg = gradAt(g, o, wv, r, vwd, c, nc), mv = momentAt(m, o, gg, vb1, c1);
      const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gg, gg)));
      v128.store(v + o, vv);
      const bar = f32x4.add(f32x4.mul(vcg, gg), f32x4.mul(vcm, mv));
      v128.store(w + o, f32x4.sub(wv, f32x4.div(f32x4.mul(vl, bar), f32x4.add(f32x4.sqrt(f32x4.mul(vv, vvs)), ve))));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o), gg = clipS(rescale * load<f32>(g + o) + wd * wv, clip);
    const mv = b1 * load<f32>(m + o) + (<f32>1 - b1) * gg, vv = b2 * load<f32>(v + o) + (<f32>1 - b2) * gg * gg;
    store<f32>(m + o, mv); store<f32>(v + o, vv);
    store<f32>(w + o, wv - lr * (cg * gg + cm * mv) / (Mathf.sqrt(vv * vs) + eps));
  }
}

/**
 * FTML (`ftml_update`): v = b2*v + (1-b2)*gg²; d_t = (1-b1^t)/lr * (sqrt(v*vs) + eps), vs = 1/(1-b2^t);
 * z = b1*z + (1-b1)*gg - (d_t - b1*d)*w; d = d_t; w = -z/d_t. `a` = (1-b1^t)/lr.
 */
export function f32_ftml__simd128_u8(w: usize, g: usize, d: usize, v: usize, z: usize, n: usize, wd: f32, rescale: f32, clip: f32,
  b1: f32, b2: f32, eps: f32, a: f32, vs: f32): void {
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), c1 = f32x4.splat(<f32>1 - b1), c2 = f32x4.splat(<f32>1 - b2), ve = f32x4.splat(eps);
  const va = f32x4.splat(a), vvs = f32x4.splat(vs), vwd = f32x4.splat(wd), r = f32x4.splat(rescale), c = f32x4.splat(lim(clip)), nc = f32x4.neg(c);
  const n8 = n & ~(<usize>7);
  let i: usize = 0;
  for (; i < n8; i += 8) {
    for (let k: usize = 0; k < 32; k += 16) {
      const o = (i << 2) + k, wv = v128.load(w + o), gg = gradAt(g, o, wv, r, vwd, c, nc);
      const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gg, gg)));
      const dt = f32x4.mul(va, f32x4.add(f32x4.sqrt(f32x4.mul(vv, vvs)), ve));
      const zv = f32x4.sub(f32x4.add(f32x4.mul(vb1, v128.load(z + o)), f32x4.mul(c1, gg)), f32x4.mul(f32x4.sub(dt, f32x4.mul(vb1, v128.load(d + o))), wv));
      v128.store(v + o, vv); v128.store(z + o, zv); v128.store(d + o, dt);
      v128.store(w + o, f32x4.neg(f32x4.div(zv, dt)));
    }
  }
  for (; i < n; i++) {
    const o = i << 2, wv = load<f32>(w + o), gg = clipS(rescale * load<f32>(g + o) + wd * wv, clip);
    const vv = b2 * load<f32>(v + o) + (<f32>1 - b2) * gg * gg, dt = a * (Mathf.sqrt(vv * vs) + eps);
    const zv = b1 * load<f32>(z + o) + (<f32>1 - b1) * gg - (dt - b1 * load<f32>(d + o)) * wv;
    store<f32>(v + o, vv); store<f32>(z + o, zv); store<f32>(d + o, dt);
    store<f32>(w + o, -zv / dt);
  }
}
