// MNIST-style preprocessing of a drawing: crop the ink, scale its box to 20x20 (keeping the aspect
// ratio), place it in 28x28 so that its centre of mass is at the centre, values in [0, 1].

/** @returns {Float32Array | null} 784 values, or null for an empty drawing. */
export function toMnist(img) {
  const { width: W, height: H, data } = img;
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    if (data[(y * W + x) * 4] > 32) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1, s = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * s)), th = Math.max(1, Math.round(bh * s));
  // Area-average the box into tw x th.
  const box = new Float32Array(tw * th);
  for (let ty = 0; ty < th; ty++) for (let tx = 0; tx < tw; tx++) {
    const sx0 = x0 + Math.floor(tx / s), sx1 = Math.min(x1 + 1, x0 + Math.ceil((tx + 1) / s));
    const sy0 = y0 + Math.floor(ty / s), sy1 = Math.min(y1 + 1, y0 + Math.ceil((ty + 1) / s));
    let sum = 0, n = 0;
    for (let y = sy0; y < sy1; y++) for (let x = sx0; x < sx1; x++) { sum += data[(y * W + x) * 4]; n++; }
    box[ty * tw + tx] = n ? sum / n / 255 : 0;
  }
  let m = 0, cx = 0, cy = 0;
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) { const v = box[y * tw + x]; m += v; cx += v * x; cy += v * y; }
  const ox = Math.round(14 - (m ? cx / m : tw / 2)), oy = Math.round(14 - (m ? cy / m : th / 2));
  const out = new Float32Array(784);
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) {
    const X = x + ox, Y = y + oy;
    if (X >= 0 && X < 28 && Y >= 0 && Y < 28) out[Y * 28 + X] = Math.min(1, box[y * tw + x]);
  }
  return out;
}
