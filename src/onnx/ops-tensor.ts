/**
 * ONNX → mxwasm mappings for layout and indexing ops: Reshape, Flatten, Transpose, Concat, Split,
 * Squeeze/Unsqueeze, Slice, Gather, Pad, Expand, Tile, Identity, Dropout, Cast (Resize: ops-resize.ts).
 * Static shapes come from inference at import; dims that follow a symbolic (batch) dimension are
 * written as MXNet's 0 (copy) or -1 (infer) codes so a Predictor can re-bind for another batch.
 */
import type { Symbol } from '../symbol/symbol.js';
import { axis, type NodeCtx } from './context.js';
import type { Mapper } from './ops-nn.js';
import { bshape, reshapeDims, sliceBounds, sliceLen, squeezeAxes, unsqueezeDims } from './shapes.js';
import { DT, isFloatType } from './tensor.js';
/**
 * MXNet Reshape codes for target dims: a dim that follows a dynamic input dim at the same place
 * copies it (0); one other dynamic dim is inferred (-1); the rest are literal.
 */
export function reshapeCodes(c: NodeCtx, inDyn: boolean[] | undefined, inDims: number[], out: number[], outDyn: boolean[] | undefined): number[] {
  let free = true;
  const codes = out.map((d, k) => {
    if (!outDyn?.[k]) return d;
    if (inDyn?.[k] && inDims[k] === d) return 0;
    return -1;
  });
  if (codes.filter((v) => v === -1).length > 1) { free = false; }
  if (!free) throw c.fail(`cannot express the reshape to [${out.join(', ')}] for a dynamic batch (several dims follow the symbolic one)`);
  return codes;
}
export function reshapeTo(c: NodeCtx, x: Symbol, out: number[], outDyn?: boolean[], suffix?: string): Symbol {
  return c.mx('Reshape', [x], { shape: reshapeCodes(c, c.dynDims(0), c.shape(0)!, out, outDyn) }, suffix);
}
const Reshape: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const sv = c.val(1);
  if (!sv.c) throw c.fail('the target shape must be a constant (or a foldable shape computation)');
  const raw = Array.from(sv.c.data), allowzero = !!c.i('allowzero', 0);
  const out = reshapeDims(c, x, raw, allowzero);
  const inDyn = c.dynDims(0);
  // a 0 (copy) in the ONNX target follows the input dim; -1 follows whatever it absorbs
  // (-1 is dynamic when the input has more dynamic dims than the other target dims carry)
  const dynOf = (u: number, j: number) => (u === 0 && !allowzero ? !!inDyn?.[j] : !!sv.dyn?.[j]);
  const nIn = inDyn?.filter(Boolean).length ?? 0;
  const outDyn = raw.map((v, k) => (v === -1 ? nIn > raw.filter((u, j) => j !== k && u !== -1 && dynOf(u, j)).length : dynOf(v, k)));
  return reshapeTo(c, c.sym(0), out, outDyn);
};
const Flatten: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const ax = c.i('axis', 1), k = ax < 0 ? ax + x.length : ax;
  if (k === 1) return c.mx('Flatten', [c.sym(0)]);
  const p = (s: number[]) => s.reduce((u, v) => u * v, 1), dyn = c.dynDims(0);
  const out = [p(x.slice(0, k)), p(x.slice(k))];
  return reshapeTo(c, c.sym(0), out, [!!dyn?.slice(0, k).some(Boolean), !!dyn?.slice(k).some(Boolean)]);
};
const Transpose: Mapper = (c) => {
  const perm = c.ints('perm') ?? [...Array(c.rank(0)).keys()].reverse();
  return c.mx('transpose', [c.sym(0)], { axes: perm });
};
const Concat: Mapper = (c) => {
  const ins = Array.from({ length: c.nIn }, (_, i) => i).filter((i) => c.has(i) && (c.shape(i) ?? [1]).every((d) => d !== 0) || i === 0);
  return c.mx('Concat', ins.map((i) => c.sym(i)), { dim: axis(c, c.i('axis', 0), c.rank(0)), num_args: ins.length });
};
const Split: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const ax = axis(c, c.i('axis', 0), x.length), n = c.node.output.length;
  let parts = c.opset >= 13 ? (c.has(1) ? c.constInts(1, 'split') : undefined) : c.ints('split');
  if (!parts) {
    const k = c.opset >= 18 ? c.i('num_outputs', n) : n, each = Math.ceil(x[ax] / k);
    parts = Array.from({ length: k }, (_, i) => Math.max(0, Math.min(each, x[ax] - i * each)));
  }
  if (parts.reduce((p, v) => p + v, 0) !== x[ax]) throw c.fail(`split sizes [${parts.join(', ')}] do not add up to ${x[ax]}`);
  let at = 0;
  return parts.map((len, i) => { const b = at; at += len; return c.mx('slice_axis', [c.sym(0)], { axis: ax, begin: b, end: b + len }, `${i}`); });
};
const Squeeze: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const axes = squeezeAxes(c, x, c.opset >= 13 ? (c.has(1) ? c.constInts(1, 'axes') : undefined) : c.ints('axes'));
  if (!axes.length) return c.mx('identity', [c.sym(0)]);
  return c.mx('squeeze', [c.sym(0)], { axis: axes });
};
const Unsqueeze: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const raw = c.opset >= 13 ? c.constInts(1, 'axes') : c.ints('axes', [])!, r = x.length + raw.length;
  unsqueezeDims(c, x, raw);
  const ax = raw.map((a) => (a < 0 ? a + r : a)).sort((a, b) => a - b);
  let s = c.sym(0);
  ax.forEach((a, i) => { s = c.mx('expand_dims', [s], { axis: a }, i === ax.length - 1 ? undefined : `u${i}`); });
  return s;
};
const Slice: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const b = c.opset >= 10
    ? sliceBounds(c, x, c.constInts(1, 'starts'), c.constInts(2, 'ends'), c.has(3) ? c.constInts(3, 'axes') : undefined, c.has(4) ? c.constInts(4, 'steps') : undefined)
    : sliceBounds(c, x, c.ints('starts', [])!, c.ints('ends', [])!, c.ints('axes'), undefined);
  const dyn = c.dynDims(0);
  const full = (k: number) => b[k][2] === 1 && b[k][0] === 0 && b[k][1] === x[k];
  if (b.some((bb, k) => dyn?.[k] && !full(k))) throw c.fail('slicing a dynamic (symbolic) dimension is not supported');
  if (b.every((_, k) => full(k))) return c.mx('identity', [c.sym(0)]);
  if (b.some((bb) => sliceLen(bb) === 0)) throw c.fail('empty slices are not supported');
  return c.mx('slice', [c.sym(0)], {
    begin: b.map((bb, k) => (full(k) ? null : bb[0])),
    end: b.map((bb, k) => (full(k) ? null : bb[2] < 0 && bb[1] === -1 ? null : bb[1])),
    step: b.map((bb) => bb[2]),
  });
};
const Gather: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const ax = axis(c, c.i('axis', 0), x.length), idx = c.const(1);
  if (idx) {
    const v = Array.from(idx.data, (i) => (i < 0 ? i + x[ax] : i));
    if (v.some((i) => !(i >= 0 && i < x[ax]))) throw c.fail(`gather index out of range for dim ${x[ax]}`);
    if (idx.dims.length === 0) {
      const s = c.mx('slice_axis', [c.sym(0)], { axis: ax, begin: v[0], end: v[0] + 1 }, 'pick');
      return c.mx('squeeze', [s], { axis: [ax] });
    }
    return c.mx('take', [c.sym(0), c.param(`${c.node.input[1]}`, { ...idx, type: DT.FLOAT, data: Float32Array.from(v) })], { axis: ax, mode: 'clip' });
  }
  // ONNX raises on out-of-range indices; take clamps (mode clip) and wraps negatives only with mode wrap
  return c.mx('take', [c.sym(0), c.sym(1)], { axis: ax, mode: 'wrap' });
};
const Pad: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const r = x.length, mode = c.s('mode', 'constant');
  const pads = c.opset >= 11 ? c.constInts(1, 'pads') : c.ints('pads', c.ints('paddings'))!;
  const value = c.opset >= 11 ? (c.has(2) ? c.constInts(2, 'constant_value')[0] : 0) : c.f('value', 0);
  let full = pads;
  if (c.opset >= 18 && c.has(3)) {
    const axes = c.constInts(3, 'axes').map((a) => axis(c, a, r)), n = axes.length;
    full = new Array(2 * r).fill(0);
    axes.forEach((a, i) => { full[a] = pads[i]; full[r + a] = pads[n + i]; });
  }
  if (full.length !== 2 * r) throw c.fail(`pads has ${full.length} values, ${2 * r} expected`);
  if (full.some((v) => v < 0)) throw c.fail('negative pads (cropping) are not supported');
  if (mode !== 'constant' && mode !== 'edge' && mode !== 'reflect') throw c.fail(`mode ${mode} is not supported`);
  if ((r !== 4 && r !== 5) || full[0] || full[1] || full[r] || full[r + 1]) throw c.fail('only spatial pads of a 4-D or 5-D tensor map onto MXNet Pad');
  return c.mx('Pad', [c.sym(0)], { mode, pad_width: Array.from({ length: r }, (_, k) => [full[k], full[r + k]]).flat(), constant_value: value });
};
const Expand: Mapper = (c) => {
  const x = c.shape(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const target = c.constInts(1, 'shape'), out = bshape(c, x, target), dyn = c.dynDims(0);
  let s = c.sym(0);
  const pad = out.length - x.length;
  for (let i = 0; i < pad; i++) s = c.mx('expand_dims', [s], { axis: 0 }, `r${i}`);
  return c.mx('broadcast_to', [s], { shape: out.map((d, k) => (k >= pad && (dyn?.[k - pad] || x[k - pad] === d) ? 0 : d)) });
};
const Tile: Mapper = (c) => c.mx('tile', [c.sym(0)], { reps: c.constInts(1, 'repeats') });
const Cast: Mapper = (c) => {
  const to = c.i('to', DT.FLOAT);
  if (isFloatType(to)) return c.mx('identity', [c.sym(0)]);
  if (to === DT.BOOL) return c.mx('_not_equal_scalar', [c.sym(0)], { scalar: 0 });
  // 8 bits: the real cast (truncation, then the low byte as onnxruntime's static_cast) and back to the float32 the ops read
  if (to === DT.UINT8 || to === DT.INT8) return c.mx('Cast', [c.mx('Cast', [c.sym(0)], { dtype: to === DT.UINT8 ? 'uint8' : 'int8' }, 'int')], { dtype: 'float32' });
  return c.mx('fix', [c.sym(0)]);
};
export const TENSOR_MAP: Record<string, Mapper> = {
  Reshape, Flatten, Transpose, Concat, Split, Squeeze, Unsqueeze, Slice, Gather, Pad, Expand, Tile, Cast,
  Identity: (c) => c.mx('identity', [c.sym(0)]),
  Dropout: (c) => c.mx('identity', [c.sym(0)]),
};
