// gluon.data.vision: MNIST / FashionMNIST from IDX files in a folder (gzipped or not), and the transforms
// (MXNet 1.9 gluon/data/vision/{datasets,transforms}.py). Samples are (uint8 (28, 28, 1) HWC image, int label).
import { ArgumentError, FormatError } from '../../errors.js';
import { readFileBytes, nodeFs } from '../../format/fs.js';
import { gunzip } from '../../format/zip.js';
import { nextUniform } from '../../ndarray/create.js';
import { NDArray } from '../../ndarray/ndarray.js';
import { ArrayDataset } from './dataloader.js';

/** One IDX file: dims and the uint8 payload. */
export function parseIdx(b: Uint8Array, what: string): { dims: number[]; data: Uint8Array } {
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0 || b[2] !== 8) throw new FormatError(`${what}: not a uint8 IDX file`);
  const nd = b[3], dv = new DataView(b.buffer, b.byteOffset, b.length);
  if (b.length < 4 + 4 * nd) throw new FormatError(`${what}: truncated header`);
  const dims = Array.from({ length: nd }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const n = dims.reduce((a, c) => a * c, 1), off = 4 + 4 * nd;
  if (b.length < off + n) throw new FormatError(`${what}: truncated: ${b.length - off} bytes of data, ${n} expected`);
  return { dims, data: b.subarray(off, off + n) };
}

function readIdx(root: string, name: string): { dims: number[]; data: Uint8Array } {
  const fs = nodeFs();
  const base = `${root.replace(/\/$/, '')}/${name}`;
  const gz = fs?.existsSync?.(`${base}.gz`);
  const bytes = gz ? gunzip(readFileBytes(`${base}.gz`, name), name) : readFileBytes(base, name);
  return parseIdx(bytes, name);
}

/**
 * MNIST from `root` (train-images-idx3-ubyte[.gz] etc.): data uint8 (N, 28, 28, 1), labels int32.
 * @example const train = new gluon.data.vision.MNIST({ root: 'data/mnist', train: true }).transformFirst(new transforms.ToTensor())
 */
export class MNIST extends ArrayDataset {
  constructor(o: { root?: string; train?: boolean; transform?: (x: NDArray, y: number) => unknown } = {}) {
    const root = o.root ?? defaultRoot('mnist');
    const pre = (o.train ?? true) ? 'train' : 't10k';
    const img = readIdx(root, `${pre}-images-idx3-ubyte`), lab = readIdx(root, `${pre}-labels-idx1-ubyte`);
    const [n, h, w] = img.dims;
    if (lab.dims[0] !== n) throw new FormatError(`MNIST: ${n} images but ${lab.dims[0]} labels`);
    const data = NDArray.empty([n, h, w, 1], 'uint8'); data.data.set(img.data);
    super(data, Int32Array.from(lab.data));
    if (o.transform) return this.transform(o.transform as never) as unknown as MNIST;
  }
}
/** Fashion-MNIST (same files and layout). @example new gluon.data.vision.FashionMNIST({ root: 'data/fashion-mnist' }) */
export class FashionMNIST extends MNIST {
  constructor(o: { root?: string; train?: boolean; transform?: (x: NDArray, y: number) => unknown } = {}) { super({ ...o, root: o.root ?? defaultRoot('fashion-mnist') }); }
}
function defaultRoot(name: string): string {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  return `${env.MXNET_HOME ?? `${env.HOME ?? '.'}/.mxnet`}/datasets/${name}`;
}

/** A transform: forward(x) → y. */
export interface Transform { forward(x: NDArray): NDArray }

/** (H, W, C) or (N, H, W, C) uint8 → float32 (C, H, W) / (N, C, H, W) in [0, 1]. @example new transforms.ToTensor().forward(img) */
export class ToTensor implements Transform {
  forward(x: NDArray): NDArray {
    const batched = x.ndim === 4;
    if (x.ndim !== 3 && !batched) throw new ArgumentError(`ToTensor: expects (H, W, C) or (N, H, W, C), got ${x.ndim} dims`);
    const [n, h, w, c] = batched ? x.shape : [1, ...x.shape];
    const out = NDArray.empty(batched ? [n, c, h, w] : [c, h, w]);
    const s = x.data, d = out.data;
    for (let b = 0; b < n; b++) for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) d[b * c * h * w + k * h * w + i] = s[(b * h * w + i) * c + k] / 255;
    return out;
  }
}
/** Per-channel (x - mean) / std on (C, H, W) or (N, C, H, W). @example new transforms.Normalize(0.13, 0.31) */
export class Normalize implements Transform {
  constructor(private mean: number | number[] = 0, private std: number | number[] = 1) {}
  forward(x: NDArray): NDArray {
    const chw = x.shape.slice(-3), [c, h, w] = chw, out = x.copy(), d = out.data, plane = h * w;
    const m = (k: number) => (typeof this.mean === 'number' ? this.mean : this.mean[k]), s = (k: number) => (typeof this.std === 'number' ? this.std : this.std[k]);
    for (let i = 0; i < d.length; i++) { const k = Math.floor(i / plane) % c; d[i] = (d[i] - m(k)) / s(k); }
    return out;
  }
}
/** Transforms in sequence. @example new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize(0.13, 0.31)]) */
export class Compose implements Transform {
  constructor(private ts: Transform[]) {}
  forward(x: NDArray): NDArray { for (const t of this.ts) x = t.forward(x); return x; }
}
/** Nearest-neighbour resize of (H, W, C) to size (w, h). @example new transforms.Resize(32) */
export class Resize implements Transform {
  private w: number; private h: number;
  constructor(size: number | [number, number]) { [this.w, this.h] = typeof size === 'number' ? [size, size] : size; }
  forward(x: NDArray): NDArray {
    const [h, w, c] = x.shape, out = NDArray.empty([this.h, this.w, c], x.dtype), s = x.data, d = out.data;
    for (let i = 0; i < this.h; i++) for (let j = 0; j < this.w; j++) {
      const si = Math.min(h - 1, Math.floor((i + 0.5) * h / this.h)), sj = Math.min(w - 1, Math.floor((j + 0.5) * w / this.w));
      for (let k = 0; k < c; k++) d[(i * this.w + j) * c + k] = s[(si * w + sj) * c + k];
    }
    return out;
  }
}
/** Center crop of (H, W, C) to (w, h). @example new transforms.CenterCrop(24) */
export class CenterCrop implements Transform {
  private w: number; private h: number;
  constructor(size: number | [number, number]) { [this.w, this.h] = typeof size === 'number' ? [size, size] : size; }
  forward(x: NDArray): NDArray {
    const [h, w, c] = x.shape;
    if (this.h > h || this.w > w) throw new ArgumentError(`CenterCrop: ${this.w}x${this.h} larger than the image ${w}x${h}`);
    const y0 = Math.floor((h - this.h) / 2), x0 = Math.floor((w - this.w) / 2), out = NDArray.empty([this.h, this.w, c], x.dtype), s = x.data, d = out.data;
    for (let i = 0; i < this.h; i++) for (let j = 0; j < this.w * c; j++) d[i * this.w * c + j] = s[((y0 + i) * w + x0) * c + j];
    return out;
  }
}
/** Flips (H, W, C) left-right with probability 0.5 (mx.random's source). @example new transforms.RandomFlipLeftRight() */
export class RandomFlipLeftRight implements Transform {
  forward(x: NDArray): NDArray {
    if (nextUniform() >= 0.5) return x;
    const [h, w, c] = x.shape, out = NDArray.empty([...x.shape], x.dtype), s = x.data, d = out.data;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) d[(i * w + j) * c + k] = s[(i * w + (w - 1 - j)) * c + k];
    return out;
  }
}

export const transforms = { ToTensor, Normalize, Compose, Resize, CenterCrop, RandomFlipLeftRight };
