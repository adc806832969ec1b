/**
 * Netpbm images (PGM P2/P5 grey, PPM P3/P6 colour, 8 or 16 bit), the dependency-free image
 * input of `mxwasm predict`. Bounds-checked like the model parsers: the header is validated and
 * the pixel count checked against the bytes that remain before anything is allocated.
 */
import { FormatError } from '../errors.js';
import { toBytes, type BytesLike } from './reader.js';

/** A decoded image: `channels` x `height` x `width` (planar, CHW), values 0..maxval. */
export interface Image { width: number; height: number; channels: 1 | 3; maxval: number; data: Float32Array }

/** True for bytes that start like a PGM/PPM file. @example isPnm(bytes) */
export function isPnm(b: Uint8Array): boolean { return b.length >= 2 && b[0] === 0x50 && b[1] >= 0x32 && b[1] <= 0x36 && b[1] !== 0x34; }

/**
 * Decodes a PGM/PPM image into planar CHW floats.
 * @example const img = parsePnm(readFileSync('digit.pgm')); img.data.length === img.width * img.height
 */
export function parsePnm(src: BytesLike, what = 'image'): Image {
  const b = toBytes(src);
  let pos = 0;
  const fail = (m: string): never => { throw new FormatError(`${what}: ${m} (at byte ${pos})`, { offset: pos }); };
  if (!isPnm(b)) fail('not a PGM/PPM file (expected P2, P3, P5 or P6)');
  const kind = b[1] - 0x30;
  pos = 2;
  const token = (): number => {
    for (;;) {
      while (pos < b.length && /\s/.test(String.fromCharCode(b[pos]))) pos++;
      if (b[pos] === 0x23) { while (pos < b.length && b[pos] !== 0x0a) pos++; continue; }
      break;
    }
    const start = pos;
    while (pos < b.length && b[pos] >= 0x30 && b[pos] <= 0x39 && pos - start < 10) pos++;
    if (pos === start) fail('expected a number');
    return Number(new TextDecoder().decode(b.subarray(start, pos)));
  };
  const width = token(), height = token(), maxval = token();
  if (!(width >= 1 && height >= 1 && width <= 1 << 16 && height <= 1 << 16)) fail(`bad size ${width}x${height}`);
  if (!(maxval >= 1 && maxval <= 65535)) fail(`bad maxval ${maxval}`);
  const channels: 1 | 3 = kind === 3 || kind === 6 ? 3 : 1;
  const n = width * height * channels, plane = width * height;
  const data = new Float32Array(n);
  const put = (i: number, v: number) => { if (v > maxval) fail(`sample ${v} above maxval ${maxval}`); data[(i % channels) * plane + Math.floor(i / channels)] = v; };
  if (kind === 5 || kind === 6) {
    pos++; // the single whitespace after maxval
    const bps = maxval > 255 ? 2 : 1;
    if (n * bps > b.length - pos) fail(`truncated: ${width}x${height}x${channels} needs ${n * bps} bytes, ${Math.max(0, b.length - pos)} remain`);
    for (let i = 0; i < n; i++) put(i, bps === 1 ? b[pos + i] : (b[pos + 2 * i] << 8) | b[pos + 2 * i + 1]);
  } else {
    if (n * 2 > b.length - pos + 1) fail(`truncated: ${n} samples cannot fit in ${b.length - pos} bytes`);
    for (let i = 0; i < n; i++) put(i, token());
  }
  return { width, height, channels, maxval, data };
}

/**
 * Bilinear resize of a planar image (align_corners false, as OpenCV's INTER_LINEAR).
 * @example resizeBilinear(img, 224, 224)
 */
export function resizeBilinear(img: Image, height: number, width: number): Image {
  if (img.width === width && img.height === height) return img;
  const { channels: C, width: W, height: H } = img, out = new Float32Array(C * height * width);
  const sy = H / height, sx = W / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(H - 1, Math.max(0, (y + 0.5) * sy - 0.5)), y0 = Math.floor(fy), y1 = Math.min(H - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(W - 1, Math.max(0, (x + 0.5) * sx - 0.5)), x0 = Math.floor(fx), x1 = Math.min(W - 1, x0 + 1), wx = fx - x0;
      for (let c = 0; c < C; c++) {
        const p = img.data.subarray(c * H * W);
        const v = (1 - wy) * ((1 - wx) * p[y0 * W + x0] + wx * p[y0 * W + x1]) + wy * ((1 - wx) * p[y1 * W + x0] + wx * p[y1 * W + x1]);
        out[(c * height + y) * width + x] = v;
      }
    }
  }
  return { width, height, channels: C, maxval: img.maxval, data: out };
}
