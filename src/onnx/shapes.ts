/**
 * ONNX shape arithmetic shared by constant folding and the op mappings: Reshape targets, Slice
 * bounds, Squeeze/Unsqueeze axes and the per-dimension iteration used to fold small tensors.
 */
import type { NodeCtx } from './context.js';
import { countOf, isFloatType, type Const } from './tensor.js';

/** ONNX Reshape target: 0 copies the input dim (unless allowzero), -1 is inferred. */
export function reshapeDims(c: NodeCtx, inDims: number[], shape: number[], allowzero: boolean): number[] {
  const out = shape.map((d, k) => (d === 0 && !allowzero ? inDims[k] : d));
  if (out.some((d) => d === undefined || d < -1 || !Number.isSafeInteger(d))) throw c.fail(`bad reshape target [${shape.join(', ')}] for input [${inDims.join(', ')}]`);
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1), total = inDims.reduce((p, d) => p * d, 1);
  const inferred = out.filter((d) => d === -1).length;
  if (inferred > 1 || (inferred === 1 && (known === 0 || total % known !== 0)) || (inferred === 0 && known !== total)) {
    throw c.fail(`cannot reshape [${inDims.join(', ')}] to [${shape.join(', ')}]`);
  }
  return out.map((d) => (d === -1 ? total / known : d));
}

/** Slice bounds per axis after ONNX's clamping rules: [start, end, step] for every axis of `dims`. */
export function sliceBounds(c: NodeCtx, dims: number[], starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined): [number, number, number][] {
  const r = dims.map((d) => [0, d, 1] as [number, number, number]);
  starts.forEach((s0, k) => {
    const ax0 = axes ? axes[k] : k, ax = ax0 < 0 ? ax0 + dims.length : ax0;
    if (!(ax >= 0 && ax < dims.length)) throw c.fail(`slice axis ${ax0} out of range`);
    const d = dims[ax], st = steps ? steps[k] : 1;
    if (!st) throw c.fail('slice step 0');
    let s = s0 < 0 ? s0 + d : s0, e = ends[k] < 0 ? ends[k] + d : ends[k];
    if (st > 0) { s = Math.min(Math.max(s, 0), d); e = Math.min(Math.max(e, 0), d); }
    else { s = Math.min(Math.max(s, 0), d - 1); e = Math.min(Math.max(e, -1), d - 1); }
    r[ax] = [s, e, st];
  });
  return r;
}
/** Output length of one sliced axis. */
export const sliceLen = ([s, e, st]: [number, number, number]): number => Math.max(0, Math.ceil((e - s) / st));

/** Unsqueeze: axes index the output rank. */
export function unsqueezeDims(c: NodeCtx, dims: number[], axes: number[]): number[] {
  const r = dims.length + axes.length;
  const ax = axes.map((a) => (a < 0 ? a + r : a)).sort((a, b) => a - b);
  if (ax.some((a, i) => a < 0 || a >= r || ax[i - 1] === a)) throw c.fail(`bad unsqueeze axes [${axes.join(', ')}] for rank ${dims.length}`);
  const out: number[] = [];
  let j = 0;
  for (let k = 0; k < r; k++) out.push(ax.includes(k) ? 1 : dims[j++]);
  return out;
}

/** Squeeze: given axes (must be 1) or all 1-dims. */
export function squeezeAxes(c: NodeCtx, dims: number[], axes: number[] | undefined): number[] {
  const ax = axes ? axes.map((a) => (a < 0 ? a + dims.length : a)) : dims.flatMap((d, k) => (d === 1 ? [k] : []));
  for (const a of ax) if (!(dims[a] === 1)) throw c.fail(`cannot squeeze axis ${a} of [${dims.join(', ')}]`);
  return ax;
}

/** Row-major strides. */
export function strides(dims: number[]): number[] {
  const s = new Array(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1] * dims[k + 1];
  return s;
}

/** A const with data of the right array kind for its type. */
export function makeConst(dims: number[], type: number, values: ArrayLike<number>): Const {
  const n = countOf(dims, 'folded tensor');
  const data = isFloatType(type) ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = values[i];
  return { dims, type, data };
}

/** Gathers a const by a per-output-index function of the output multi-index. */
export function mapIndex(dims: number[], src: ArrayLike<number>, srcStrides: number[], pick: (idx: number[]) => number[]): Float64Array {
  const n = dims.reduce((p, d) => p * d, 1), out = new Float64Array(n), idx = new Array(dims.length).fill(0);
  for (let i = 0; i < n; i++) {
    const si = pick(idx);
    let off = 0;
    for (let k = 0; k < si.length; k++) off += si[k] * srcStrides[k];
    out[i] = src[off];
    for (let k = dims.length - 1; k >= 0; k--) { if (++idx[k] < dims[k]) break; idx[k] = 0; }
  }
  return out;
}

/** Numpy broadcast of two shapes (or throws naming the node). */
export function bshape(c: NodeCtx, a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw c.fail(`shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Values of a const broadcast to `dims`. */
export function broadcastTo(cst: Const, dims: number[]): Float64Array {
  const r = dims.length, pad = r - cst.dims.length, cd = [...new Array(pad).fill(1), ...cst.dims], cs = strides(cd);
  return mapIndex(dims, cst.data, cs, (idx) => idx.map((v, k) => (cd[k] === 1 ? 0 : v)));
}
