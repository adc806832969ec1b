// Shared attribute specs, shape rules and errors of Convolution / Deconvolution (NCW and NCHW; 1-D is H = 1).
import { ArgumentError, MxError, ShapeError, opMessage } from '../../errors.js';
import type { AttrSpecs, Attrs } from '../attrs.js';
import type { Shape } from '../registry.js';
import { fmtShape } from '../../util/shape.js';

/**
 * One image's convolution geometry in the conv direction: input (C, H, W) -> output (F, Ho, Wo), G groups.
 * The method is chosen by convPlan (plan.ts).
 */
export interface ConvGeom {
  N: number; C: number; H: number; W: number; F: number; G: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  Ho: number; Wo: number;
  /** Spatial rank of the data: 1 (NCW) or 2 (NCHW). */
  nd: number;
}

/** Attribute specs shared by Convolution and Deconvolution (MXNet names and defaults). */
export const CONV_ATTRS: AttrSpecs = {
  kernel: { type: 'shape', required: true },
  stride: { type: 'shape', default: [] },
  dilate: { type: 'shape', default: [] },
  pad: { type: 'shape', default: [] },
  num_filter: { type: 'int', required: true },
  num_group: { type: 'int', default: 1 },
  no_bias: { type: 'bool', default: false },
  workspace: { type: 'int', default: 1024 },
  cudnn_tune: { type: 'any', default: null },
  cudnn_off: { type: 'bool', default: false },
  layout: { type: 'any', default: null },
};

/**
 * A tuple attr expanded to `nd` values (empty means all `dflt`); throws naming the op when the length is wrong.
 * @example tuple('Convolution', 'c1', { stride: [] }, 'stride', 2, 1) // [1, 1]
 */
export function tuple(op: string, node: string, a: Attrs, key: string, nd: number, dflt: number): number[] {
  const v: number[] = a[key] ?? [];
  if (v.length === 0) return new Array(nd).fill(dflt);
  if (v.length !== nd) throw new ShapeError(opMessage(node, op, `${key} ${fmtShape(v)} must have ${nd} value(s) for ${nd}-D data`), { op, attr: key });
  return v;
}

/**
 * Spatial rank from the data shape and the layout attr; only channel-first layouts are supported.
 * @example spatialRank('Convolution', 'c1', { layout: null }, [1, 3, 8, 8]) === 2
 */
export function spatialRank(op: string, node: string, a: Attrs, data: Shape): number {
  const layout = a.layout === null || a.layout === undefined || a.layout === 'None' ? null : String(a.layout);
  if (layout !== null && layout !== 'NCHW' && layout !== 'NCW') {
    throw new MxError('unsupported', opMessage(node, op, `layout ${layout} is not supported (use NCHW or NCW)`), { op, attr: 'layout' });
  }
  if (data.length !== 3 && data.length !== 4) {
    throw new ShapeError(opMessage(node, op, `data must be 3-D (NCW) or 4-D (NCHW), got ${fmtShape(data)}`), { op, arg: 'data' });
  }
  if (layout !== null && layout.length !== data.length) {
    throw new ShapeError(opMessage(node, op, `layout ${layout} does not match data ${fmtShape(data)}`), { op, arg: 'data' });
  }
  return data.length - 2;
}

/**
 * Kernel, stride, dilate and pad as 2-D pairs [h, w] (1-D: h = identity), validated.
 * @example spatialParams('Convolution', 'c1', { kernel: [3] }, 1).k // [1, 3]
 */
export function spatialParams(op: string, node: string, a: Attrs, nd: number) {
  const kernel: number[] = a.kernel ?? [];
  if (kernel.length !== nd) throw new ShapeError(opMessage(node, op, `kernel ${fmtShape(kernel)} must have ${nd} value(s) for ${nd}-D data`), { op, attr: 'kernel' });
  if (kernel.some((k) => !(k > 0))) throw new ArgumentError(opMessage(node, op, `kernel ${fmtShape(kernel)} must be positive`), { op, attr: 'kernel' });
  const stride = tuple(op, node, a, 'stride', nd, 1), dilate = tuple(op, node, a, 'dilate', nd, 1), pad = tuple(op, node, a, 'pad', nd, 0);
  if (stride.some((s) => !(s > 0))) throw new ArgumentError(opMessage(node, op, `stride ${fmtShape(stride)} must be positive`), { op, attr: 'stride' });
  if (dilate.some((s) => !(s > 0))) throw new ArgumentError(opMessage(node, op, `dilate ${fmtShape(dilate)} must be positive`), { op, attr: 'dilate' });
  if (pad.some((s) => s < 0)) throw new ArgumentError(opMessage(node, op, `pad ${fmtShape(pad)} must be >= 0`), { op, attr: 'pad' });
  const two = (v: number[], d: number) => (nd === 1 ? [d, v[0]] : v);
  return { k: two(kernel, 1), s: two(stride, 1), d: two(dilate, 1), p: two(pad, 0) };
}

/** Checks num_filter / num_group against the channel count. @example checkGroups('Convolution', 'c1', 6, 4, 2) */
export function checkGroups(op: string, node: string, C: number, F: number, G: number, what = 'channels'): void {
  if (!(F > 0)) throw new ArgumentError(opMessage(node, op, `num_filter must be positive, got ${F}`), { op, attr: 'num_filter' });
  if (!(G > 0)) throw new ArgumentError(opMessage(node, op, `num_group must be positive, got ${G}`), { op, attr: 'num_group' });
  if (C % G !== 0) throw new ShapeError(opMessage(node, op, `input ${what} (${C}) must be divisible by num_group (${G})`), { op, attr: 'num_group' });
  if (F % G !== 0) throw new ShapeError(opMessage(node, op, `num_filter (${F}) must be divisible by num_group (${G})`), { op, attr: 'num_group' });
}

/** The data shape viewed as (N, C, H, W). @example as4([2, 3, 7]) // [2, 3, 1, 7] */
export function as4(s: Shape): [number, number, number, number] {
  return s.length === 3 ? [s[0], s[1], 1, s[2]] : [s[0], s[1], s[2], s[3]];
}

/**
 * Convolution output extent: floor((x + 2p - (d(k-1)+1)) / s) + 1, or an error naming the op when it is < 1.
 * @example convOut('Convolution', 'c1', 224, 3, 2, 1, 1) === 112
 */
export function convOut(op: string, node: string, x: number, k: number, s: number, p: number, d: number): number {
  const dk = d * (k - 1) + 1;
  if (dk > x + 2 * p) throw new ShapeError(opMessage(node, op, `kernel size ${dk} (dilated) exceeds the padded input size ${x + 2 * p}`), { op, attr: 'kernel' });
  return Math.floor((x + 2 * p - dk) / s) + 1;
}

/** Output shape in the data's rank from (N, F, Ho, Wo). @example outShape(1, 2, 8, 1, 9) // [2, 8, 9] */
export function outShape(nd: number, N: number, F: number, Ho: number, Wo: number): Shape {
  return nd === 1 ? [N, F, Wo] : [N, F, Ho, Wo];
}

/** Weight shape (lead, per-group, kh, kw) in the data's rank. @example weightShape(2, 8, 3, 3, 3) // [8, 3, 3, 3] */
export function weightShape(nd: number, lead: number, per: number, kh: number, kw: number): Shape {
  return nd === 1 ? [lead, per, kw] : [lead, per, kh, kw];
}
