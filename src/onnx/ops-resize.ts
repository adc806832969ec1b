/**
 * ONNX Resize (10, 11, 13, 18, 19) and Upsample (7, 9), every mode, coordinate transformation and
 * nearest mode, exactly: Resize is separable (the reference interpolates axis by axis), so each axis whose
 * size or sampling changes is one linear map out = M in (+ b), M (out, in) computed here at import
 * following onnx/reference/ops/op_resize.py (neighbours, coefficients, edge padding, exclude_outside,
 * cubic_coeff_a, antialias, tf_crop_and_resize's extrapolation value as the bias), applied as a
 * FullyConnected over that axis moved last. Equal integer scales in H, W whose nearest indices are
 * floor(out / scale) keep the fast UpSampling op.
 */
import type { Symbol } from '../symbol/symbol.js';
import type { NodeCtx } from './context.js';
import type { Mapper } from './ops-nn.js';
import { DT } from './tensor.js';

interface AxisCfg {
  mode: string; ctm: string; nm: string; a: number; exclude: boolean; antialias: boolean;
  /** roi start / end (tf_crop_and_resize) */
  r0: number; r1: number; legacy: boolean;
}

/** Coefficients for a fractional position `ratio` in (0, 1] (op_resize.py's _*_coeffs). */
function coeffs(o: AxisCfg, ratio: number, scale: number, integer: boolean): number[] {
  if (o.mode === 'nearest') {
    if (integer) return [0, 1];
    switch (o.nm) {
      case 'round_prefer_floor': return [ratio <= 0.5 ? 1 : 0, ratio > 0.5 ? 1 : 0];
      case 'round_prefer_ceil': return [ratio < 0.5 ? 1 : 0, ratio >= 0.5 ? 1 : 0];
      case 'floor': return [1, 0];
      case 'ceil': return [0, 1];
      case 'simple': return scale < 1 ? [0, 1] : [1, 0]; // opset < 11 (onnxruntime: ceil when downsampling, else floor)
    }
  }
  const A = o.a;
  if (o.antialias && scale < 1) {
    const s = scale, lin = o.mode === 'linear', start = Math.floor((lin ? -1 : -2) / s) + 1, end = lin ? 2 - 2 * start + start : 2 - start;
    const cubic = (x: number) => { x = Math.abs(x); const x2 = x * x, x3 = x2 * x; return x <= 1 ? (A + 2) * x3 - (A + 3) * x2 + 1 : x < 2 ? A * x3 - 5 * A * x2 + 8 * A * x - 4 * A : 0; };
    const c: number[] = [];
    for (let i = start; i < end; i++) { const t = (i - ratio) * s; c.push(lin ? Math.min(Math.max(1 - Math.abs(t), 0), 1) : cubic(t)); }
    const sum = c.reduce((p, v) => p + v, 0);
    return c.map((v) => v / sum);
  }
  if (o.mode === 'linear') return [1 - ratio, ratio];
  const r = ratio, q = 1 - r;
  return [((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A, ((A + 2) * r - (A + 3)) * r * r + 1,
    ((A + 2) * q - (A + 3)) * q * q + 1, ((A * (q + 1) - 5 * A) * (q + 1) + 8 * A) * (q + 1) - 4 * A];
}

/** The input coordinate of output index x (op_resize.py's coordinate transformations). */
function coord(c: NodeCtx, o: AxisCfg, x: number, scale: number, inLen: number, outLen: number): number {
  switch (o.ctm) {
    case 'half_pixel': return (x + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': { const adj = outLen / (scale * inLen), center = inLen / 2; return center * (1 - adj) + (x + 0.5) / scale - 0.5; }
    case 'pytorch_half_pixel': return outLen > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case 'align_corners': return outLen === 1 ? 0 : (x * (inLen - 1)) / (outLen - 1);
    case 'asymmetric': return x / scale;
    case 'tf_half_pixel_for_nn': return (x + 0.5) / scale;
    case 'tf_crop_and_resize': return outLen > 1 ? o.r0 * (inLen - 1) + (x * (o.r1 - o.r0) * (inLen - 1)) / (outLen - 1) : 0.5 * (o.r0 + o.r1) * (inLen - 1);
  }
  throw c.fail(`coordinate_transformation_mode ${o.ctm} is not supported`);
}

/**
 * The (outLen, inLen) interpolation matrix of one axis and, for tf_crop_and_resize, the bias (the
 * extrapolation value on rows whose coordinate falls outside the input).
 * @example resizeMatrix(c, cfg, 4, 8, 2) // linear upsampling of a length-4 axis
 */
export function resizeMatrix(c: NodeCtx, o: AxisCfg, inLen: number, outLen: number, scale: number, extrap: number): { m: Float32Array; bias?: Float32Array } {
  const m = new Float32Array(outLen * inLen);
  let bias: Float32Array | undefined;
  for (let x = 0; x < outLen; x++) {
    const xo = coord(c, o, x, scale, inLen, outLen);
    if (o.ctm === 'tf_crop_and_resize' && (xo < 0 || xo > inLen - 1)) { (bias ??= new Float32Array(outLen))[x] = extrap; continue; }
    const fl = Math.floor(xo), integer = Number.isInteger(xo), cf = coeffs(o, integer ? 1 : xo - fl, scale, integer), n = cf.length;
    // the n nearest positions of the edge-padded axis (ties: lower index), back in input indices
    const pad = Math.ceil(n / 2), xp = xo + pad, limit = inLen + 2 * pad, cand: number[] = [];
    for (let i = Math.max(0, Math.floor(xp) - n - 1); i < Math.min(limit, Math.floor(xp) + n + 2); i++) cand.push(i);
    const idx = cand.sort((a, b) => Math.abs(xp - a) - Math.abs(xp - b) || a - b).slice(0, n).sort((a, b) => a - b).map((i) => i - pad);
    let w = cf.slice(0, idx.length);
    if (o.exclude) {
      w = w.map((v, k) => (idx[k] < 0 || idx[k] >= inLen ? 0 : v));
      const s = w.reduce((p, v) => p + v, 0);
      w = w.map((v) => v / s);
    }
    idx.forEach((i, k) => { m[x * inLen + Math.min(Math.max(i, 0), inLen - 1)] += w[k]; });
  }
  return { m, bias };
}

/** Output sizes and per-axis scales from the scales / sizes inputs (with axes and keep_aspect_ratio_policy at 18+). */
function sizesOf(c: NodeCtx, x: number[]): { out: number[]; scales: number[] } {
  const r = x.length;
  if (c.op === 'Upsample' || c.opset === 10) {
    const s = c.op === 'Upsample' && c.opset < 9 ? c.floats('scales') : c.constInts(1, 'scales');
    if (!s || s.length !== r) throw c.fail(`scales must have one value per input dimension (${r})`);
    return { out: x.map((d, k) => Math.floor(Math.fround(d * s[k]))), scales: s };
  }
  const axes = (c.opset >= 18 ? c.ints('axes') : undefined)?.map((a) => (a < 0 ? a + r : a)) ?? [...x.keys()];
  const sc = c.has(2) ? c.const(2) : undefined, sz = c.has(3) ? c.const(3) : undefined;
  if ((c.has(2) && !sc) || (c.has(3) && !sz)) throw c.fail('scales and sizes must be constants (initializers or folded at import)');
  const scales = x.map(() => 1), out = [...x];
  if (sc && sc.data.length) {
    if (sc.data.length !== axes.length) throw c.fail(`scales has ${sc.data.length} values for ${axes.length} axes`);
    axes.forEach((a, k) => { scales[a] = sc.data[k]; out[a] = Math.floor(Math.fround(x[a] * sc.data[k])); }); // float32 product, as onnxruntime
  } else if (sz) {
    if (sz.data.length !== axes.length) throw c.fail(`sizes has ${sz.data.length} values for ${axes.length} axes`);
    const policy = c.opset >= 18 ? c.s('keep_aspect_ratio_policy', 'stretch') : 'stretch';
    if (policy === 'stretch') axes.forEach((a, k) => { out[a] = sz.data[k]; scales[a] = sz.data[k] / x[a]; });
    else {
      const ratios = axes.map((a, k) => sz.data[k] / x[a]);
      if (policy !== 'not_larger' && policy !== 'not_smaller') throw c.fail(`keep_aspect_ratio_policy ${policy}`);
      const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => { scales[a] = s; out[a] = Math.floor(s * x[a] + 0.5); });
    }
  } else throw c.fail('one of scales or sizes is required');
  return { out, scales };
}

const Resize: Mapper = (c) => {
  const x = c.shape(0), dyn = c.dynDims(0);
  if (!x) throw c.fail('the input shape must be known at import');
  const mode = c.s('mode', 'nearest').toLowerCase().replace('bilinear', 'linear');
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'cubic') throw c.fail(`mode ${mode} is not supported`);
  const legacy = c.op === 'Upsample' || c.opset < 11;
  if (legacy && mode === 'cubic') throw c.fail('mode cubic needs opset 11');
  const { out, scales } = sizesOf(c, x);
  out.forEach((d, k) => {
    if (!(Number.isInteger(d) && d >= 1 && d * x[k] <= 1 << 26 && scales[k] > 0)) throw c.fail(`output size ${d} of axis ${k} (input ${x[k]}, scale ${scales[k]}) is not in [1, ${(1 << 26) / x[k]}]`);
  });
  const ctm = legacy ? 'asymmetric' : c.s('coordinate_transformation_mode', 'half_pixel');
  let r0 = x.map(() => 0), r1 = x.map(() => 1);
  if (ctm === 'tf_crop_and_resize') {
    const roi = c.const(1);
    if (!roi) throw c.fail('tf_crop_and_resize needs a constant roi');
    const axes = (c.opset >= 18 ? c.ints('axes') : undefined)?.map((a) => (a < 0 ? a + x.length : a)) ?? [...x.keys()];
    if (roi.data.length !== 2 * axes.length) throw c.fail(`roi has ${roi.data.length} values for ${axes.length} axes`);
    r0 = [...r0]; r1 = [...r1];
    axes.forEach((a, k) => { r0[a] = roi.data[k]; r1[a] = roi.data[axes.length + k]; });
  }
  const base = {
    mode, ctm, nm: legacy ? 'simple' : c.s('nearest_mode', 'round_prefer_floor'), a: c.f('cubic_coeff_a', -0.75),
    exclude: !!c.i('exclude_outside', 0), antialias: c.opset >= 18 && !!c.i('antialias', 0), legacy,
  };
  const extrap = c.f('extrapolation_value', 0);
  // fast path: nearest, equal integer scales on H, W of NCHW that pick floor(out / s)
  const s = scales[2];
  if (mode === 'nearest' && x.length === 4 && scales[0] === 1 && scales[1] === 1 && scales[3] === s && Number.isInteger(s) && s >= 1 && ctm !== 'tf_crop_and_resize') {
    const same = [2, 3].every((k) => { const { m } = resizeMatrix(c, { ...base, r0: 0, r1: 1 }, x[k], out[k], s, 0);
      return Array.from({ length: out[k] }, (_, o) => m[o * x[k] + Math.floor(o / s)] === 1).every(Boolean); });
    if (same) return c.mx('UpSampling', [c.sym(0)], { scale: s, sample_type: 'nearest', num_args: 1 });
  }
  let y = c.sym(0);
  const r = x.length;
  for (let k = r - 1; k >= 0; k--) {
    // an axis at scale 1 is left alone (onnxruntime; the reference would move tf_half_pixel_for_nn's picks)
    if (scales[k] === 1 && out[k] === x[k] && ctm !== 'tf_crop_and_resize') continue;
    if (dyn?.[k]) throw c.fail(`axis ${k} is dynamic (symbolic) and cannot be resized (the interpolation matrix depends on its size)`);
    const cfg = { ...base, r0: r0[k], r1: r1[k] };
    const { m, bias } = resizeMatrix(c, cfg, x[k], out[k], scales[k], extrap);
    const identity = !bias && out[k] === x[k] && m.every((v, i) => v === (Math.floor(i / x[k]) === i % x[k] ? 1 : 0));
    if (identity) continue;
    const perm = [...Array(r).keys()];
    [perm[k], perm[r - 1]] = [perm[r - 1], perm[k]];
    if (k !== r - 1) y = c.mx('transpose', [y], { axes: perm }, `t${k}`);
    const w = c.param(`${c.name}_m${k}`, { dims: [out[k], x[k]], type: DT.FLOAT, data: m });
    const b = bias ? [c.param(`${c.name}_b${k}`, { dims: [out[k]], type: DT.FLOAT, data: bias })] : [];
    y = c.mx('FullyConnected', [y, w, ...b], { num_hidden: out[k], no_bias: !bias, flatten: false }, `fc${k}`);
    if (k !== r - 1) y = c.mx('transpose', [y], { axes: perm }, `u${k}`);
  }
  return y === c.sym(0) ? c.mx('identity', [y]) : y;
};

export const RESIZE_MAP: Record<string, Mapper> = { Resize, Upsample: Resize };
