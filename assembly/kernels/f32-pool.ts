// Pooling kernels over P = N*C NCHW planes of H x W (1-D pooling is H = 1). MXNet semantics (nn/pool.h):
// type 0 max (padding never wins; an empty window gives the lowest f32), 1 avg, 2 sum, 3 lp with p = 2, 4 lp with p = 1.
// avg: pool_size = window area clipped to [-p, H+p) (counts padding), or to the image when countPad = 0; each element
// is divided by pool_size before summing. 2x2 stride-2 unpadded max/avg rows run in SIMD.

@inline function addr(base: usize, i: i32): usize { return base + (<usize>i << 2); }
const LOWEST: f32 = -3.4028234663852886e38;

/** Forward pooling of P planes: y (P, Ho, Wo) from x (P, H, W). */
export function f32_pool2d__simd128(x: usize, y: usize, P: i32, H: i32, W: i32, Ho: i32, Wo: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, type: i32, countPad: i32): void {
  const fast2 = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && type < 2;
  const quarter = f32x4.splat(0.25);
  for (let p = 0; p < P; p++) {
    const xp = addr(x, p * H * W), yp = addr(y, p * Ho * Wo);
    for (let oh = 0; oh < Ho; oh++) {
      let hs = oh * sh - ph, he = hs + kh;
      const hpad = (he < H + ph ? he : H + ph) - hs;
      if (hs < 0) hs = 0;
      if (he > H) he = H;
      const yr = addr(yp, oh * Wo);
      let ow = 0;
      if (fast2 && he - hs == 2) {
        const r0 = addr(xp, hs * W), r1 = r0 + (<usize>W << 2);
        for (; ow + 4 <= Wo && 2 * ow + 8 <= W; ow += 4) {
          const o = <usize>ow << 3;
          if (type == 0) {
            const a = f32x4.max(v128.load(r0 + o), v128.load(r1 + o)), b = f32x4.max(v128.load(r0 + o + 16), v128.load(r1 + o + 16));
            v128.store(yr + (<usize>ow << 2), f32x4.max(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7)));
          } else {
            const a = f32x4.add(v128.load(r0 + o), v128.load(r1 + o)), b = f32x4.add(v128.load(r0 + o + 16), v128.load(r1 + o + 16));
            v128.store(yr + (<usize>ow << 2), f32x4.mul(quarter, f32x4.add(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7))));
          }
        }
      }
      for (; ow < Wo; ow++) {
        let ws = ow * sw - pw, we = ws + kw;
        const wpad = (we < W + pw ? we : W + pw) - ws;
        if (ws < 0) ws = 0;
        if (we > W) we = W;
        let acc: f32 = type == 0 ? LOWEST : 0;
        let size: f32 = 1;
        if (type == 1) size = countPad ? <f32>(hpad * wpad) : <f32>((he - hs) * (we - ws));
        for (let ih = hs; ih < he; ih++) {
          const xr = addr(xp, ih * W);
          for (let iw = ws; iw < we; iw++) {
            const v = load<f32>(addr(xr, iw));
            if (type == 0) { if (v > acc) acc = v; } else if (type == 3) acc += v * v; else acc += v / size;
          }
        }
        if (type == 3) acc = Mathf.sqrt(acc);
        store<f32>(addr(yr, ow), acc);
      }
    }
  }
}

/**
 * Pooling backward of P planes: dx = 0, then each dy goes to the first position of its window whose input equals
 * the output (max), or is spread as dy/pool_size (avg), dy (sum), dy*x/y (lp 2), dy (lp 1).
 */
export function f32_pool2d_bwd__simd128(x: usize, y: usize, dy: usize, dx: usize, P: i32, H: i32, W: i32, Ho: i32, Wo: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, type: i32, countPad: i32): void {
  memory.fill(dx, 0, <usize>(P * H * W) << 2);
  for (let p = 0; p < P; p++) {
    const xp = addr(x, p * H * W), dxp = addr(dx, p * H * W), o0 = p * Ho * Wo;
    for (let oh = 0; oh < Ho; oh++) {
      let hs = oh * sh - ph, he = hs + kh;
      const hpad = (he < H + ph ? he : H + ph) - hs;
      if (hs < 0) hs = 0;
      if (he > H) he = H;
      for (let ow = 0; ow < Wo; ow++) {
        let ws = ow * sw - pw, we = ws + kw;
        const wpad = (we < W + pw ? we : W + pw) - ws;
        if (ws < 0) ws = 0;
        if (we > W) we = W;
        const g = load<f32>(addr(dy, o0 + oh * Wo + ow)), yv = load<f32>(addr(y, o0 + oh * Wo + ow));
        if (type == 0) {
          let found = false;
          for (let ih = hs; ih < he && !found; ih++) {
            for (let iw = ws; iw < we; iw++) {
              const i = ih * W + iw;
              if (load<f32>(addr(xp, i)) == yv) { store<f32>(addr(dxp, i), load<f32>(addr(dxp, i)) + g); found = true; break; }
            }
          }
          continue;
        }
        let s: f32 = g;
        if (type == 1) s = g / (countPad ? <f32>(hpad * wpad) : <f32>((he - hs) * (we - ws)));
        const r: f32 = type == 3 ? (yv != 0 ? g / yv : 0) : 0;
        for (let ih = hs; ih < he; ih++) {
          for (let iw = ws; iw < we; iw++) {
            const d = addr(dxp, ih * W + iw);
            store<f32>(d, load<f32>(d) + (type == 3 ? r * load<f32>(addr(xp, ih * W + iw)) : s));
          }
        }
      }
    }
  }
}

/** Global pooling: y[p] = max / mean / sum over the n values of plane p. type as above (0, 1, 2). */
export function f32_global_pool__simd128(x: usize, y: usize, P: i32, n: i32, type: i32): void {
  for (let p = 0; p < P; p++) {
    const xp = addr(x, p * n);
    let i = 0, r: f32;
    if (type == 0) {
      let m0 = f32x4.splat(LOWEST), m1 = m0;
      for (; i + 8 <= n; i += 8) { m0 = f32x4.max(m0, v128.load(addr(xp, i))); m1 = f32x4.max(m1, v128.load(addr(xp, i + 4))); }
      m0 = f32x4.max(m0, m1);
      r = Mathf.max(Mathf.max(f32x4.extract_lane(m0, 0), f32x4.extract_lane(m0, 1)), Mathf.max(f32x4.extract_lane(m0, 2), f32x4.extract_lane(m0, 3)));
      for (; i < n; i++) r = Mathf.max(r, load<f32>(addr(xp, i)));
    } else {
      let s0 = f32x4.splat(0), s1 = s0;
      for (; i + 8 <= n; i += 8) { s0 = f32x4.add(s0, v128.load(addr(xp, i))); s1 = f32x4.add(s1, v128.load(addr(xp, i + 4))); }
      s0 = f32x4.add(s0, s1);
      r = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
      for (; i < n; i++) r += load<f32>(addr(xp, i));
      if (type == 1 && n > 0) r /= <f32>n;
    }
    store<f32>(addr(y, p), r);
  }
}
