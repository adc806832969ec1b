// Pooling (max / avg / sum / lp, global, valid / full / same conventions) over NCW / NCHW data, MXNet nn/pool.h rules.
import { ArgumentError, MxError, ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { fmtShape } from '../../util/shape.js';
import { as4, spatialRank, tuple } from './geom.js';
import { f32Types, type KernelArgs, kernelStep } from '../helpers.js';

const OP = 'Pooling';
const TYPES: Record<string, number> = { max: 0, avg: 1, sum: 2 };

/** Pooling geometry over P = N*C planes (1-D: H = 1, kh = 1). */
export interface PoolGeom {
  nd: number; N: number; C: number; H: number; W: number; Ho: number; Wo: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number;
  /** Kernel type code: 0 max, 1 avg, 2 sum, 3 lp p=2, 4 lp p=1. */
  type: number; countPad: number; global: boolean;
}

function poolOut(node: string, x: number, k: number, s: number, p: number, conv: string): number {
  if (k > x + 2 * p) throw new ShapeError(opMessage(node, OP, `kernel size ${k} exceeds the padded input size ${x + 2 * p}`), { op: OP, attr: 'kernel' });
  if (conv === 'same') return Math.ceil(x / s);
  return 1 + (conv === 'full' ? Math.ceil((x + 2 * p - k) / s) : Math.floor((x + 2 * p - k) / s));
}

/**
 * The geometry of a Pooling node from its attrs and data shape.
 * @example poolGeom({ kernel: [2, 2], stride: [2, 2], pool_type: 'max', ... }, [1, 3, 8, 8], 'pool1').Ho === 4
 */
export function poolGeom(a: Attrs, data: Shape, node: string): PoolGeom {
  const nd = spatialRank(OP, node, a, data);
  const [N, C, H, W] = as4(data);
  let type = TYPES[a.pool_type];
  if (a.pool_type === 'lp') {
    const p = a.p_value;
    if (p !== 1 && p !== 2) throw new MxError('unsupported', opMessage(node, OP, `lp pooling supports p_value 1 or 2, got ${p}`), { op: OP, attr: 'p_value' });
    type = p === 2 ? 3 : 4;
  }
  const cip = a.count_include_pad;
  const countPad = cip === null || cip === undefined || cip === 'None' || cip === true || cip === 'True' || cip === 'true' || cip === 1 || cip === '1' ? 1 : 0;
  if (a.global_pool) {
    return { nd, N, C, H, W, Ho: 1, Wo: 1, kh: H, kw: W, sh: 1, sw: 1, ph: 0, pw: 0, type, countPad, global: true };
  }
  const kernel: number[] = a.kernel ?? [];
  if (kernel.length !== nd) throw new ShapeError(opMessage(node, OP, `kernel ${fmtShape(kernel)} must have ${nd} value(s) for ${nd}-D data (or set global_pool)`), { op: OP, attr: 'kernel' });
  if (kernel.some((k) => !(k > 0))) throw new ArgumentError(opMessage(node, OP, `kernel ${fmtShape(kernel)} must be positive`), { op: OP, attr: 'kernel' });
  const stride = tuple(OP, node, a, 'stride', nd, 1), pad = tuple(OP, node, a, 'pad', nd, 0);
  if (stride.some((s) => !(s > 0))) throw new ArgumentError(opMessage(node, OP, `stride ${fmtShape(stride)} must be positive`), { op: OP, attr: 'stride' });
  const conv: string = a.pooling_convention;
  if (conv === 'same' && (nd !== 1 || type !== 0 || pad.some((p) => p !== 0))) {
    throw new MxError('unsupported', opMessage(node, OP, "pooling_convention 'same' is supported for 1-D max pooling without pad only"), { op: OP, attr: 'pooling_convention' });
  }
  const two = (v: number[], d: number) => (nd === 1 ? [d, v[0]] : v);
  const [kh, kw] = two(kernel, 1), [sh, sw] = two(stride, 1), [ph, pw] = two(pad, 0);
  const Ho = poolOut(node, H, kh, sh, ph, conv), Wo = poolOut(node, W, kw, sw, pw, conv);
  return { nd, N, C, H, W, Ho, Wo, kh, kw, sh, sw, ph, pw, type, countPad, global: false };
}

const args = (g: PoolGeom): Omit<KernelArgs<'f32_pool2d__simd128'>, 'x' | 'y'> =>
  ({ P: g.N * g.C, H: g.H, W: g.W, Ho: g.Ho, Wo: g.Wo, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ph: g.ph, pw: g.pw, type: g.type, countPad: g.countPad });

/**
 * Pooling: max / avg / sum / lp windows, `valid` / `full` conventions, count_include_pad, global_pool.
 * @example mx.nd.Pooling(x, { kernel: [2, 2], stride: [2, 2], pool_type: 'max' })
 */
export const pooling: OpDef = {
  name: OP,
  attrs: {
    kernel: { type: 'shape', default: [] },
    pool_type: { type: 'str', default: 'max', values: ['max', 'avg', 'sum', 'lp'] },
    global_pool: { type: 'bool', default: false },
    pooling_convention: { type: 'str', default: 'valid', values: ['valid', 'full', 'same'] },
    stride: { type: 'shape', default: [] },
    pad: { type: 'shape', default: [] },
    p_value: { type: 'intOrNone', default: null },
    count_include_pad: { type: 'any', default: null },
    cudnn_off: { type: 'bool', default: false },
    layout: { type: 'any', default: null },
  },
  inputs: () => ['data'],
  inferShape: (a, [data], _aux, node) => {
    if (!data) return { ins: [data], outs: [undefined] };
    const g = poolGeom(a, data, node);
    return { ins: [data], outs: [g.nd === 1 ? [g.N, g.C, g.Wo] : [g.N, g.C, g.Ho, g.Wo]] };
  },
  inferType: f32Types(OP),
  forward: (ctx, a, [x], [y]) => {
    const g = poolGeom(a, x.shape, ctx.node), K = ctx.K;
    if (g.global && g.type <= 2) {
      const P = g.N * g.C, n = g.H * g.W, t = g.type;
      return kernelStep(K, 'f32_global_pool__simd128', { x: x.off, y: y.off, P, n, type: t });
    }
    const ga = args(g);
    return kernelStep(K, 'f32_pool2d__simd128', { x: x.off, y: y.off, ...ga });
  },
  backward: {
    saves: ['inputs', 'outputs'],
    lower: (ctx, a, { ins: [x], outs: [y], outGrads: [dy], inGrads: [dx], req }) => {
      if (req[0] === 'null' || !dx) return () => {};
      const g = poolGeom(a, x.shape, ctx.node), K = ctx.K, ga = args(g);
      return kernelStep(K, 'f32_pool2d_bwd__simd128', { x: x.off, y: y.off, dy: dy.off, dx: dx.off, ...ga });
    },
  },
  doc: 'Pooling over NCW / NCHW data: max / avg / sum / lp, global_pool, valid / full conventions, MXNet pool_size rule.',
};
