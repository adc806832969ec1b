// 3-D Pooling (NCDHW: MXNet's Pooling with a 3-element kernel, or global_pool over 5-D data): max / avg / sum,
// pooling_convention valid / full, count_include_pad (MXNet nn/pool.h pool_*_3d rules). Kernels:
// assembly/kernels/f32-vol.ts (f32_pool3d, f32_pool3d_bwd); global max/avg/sum use f32_global_pool over D*H*W.
// Registered through conv-by-rank.ts: 5-D data comes here.
import { ArgumentError, MxError, ShapeError, opMessage } from '../../errors.js';
import { POOL3D_TYPE } from '../../runtime/manifest/vol.js';
import { fmtShape } from '../../util/shape.js';
import type { Attrs } from '../attrs.js';
import { f32Types, type KernelArgs, kernelStep } from '../helpers.js';
import type { OpDef, Shape } from '../registry.js';
import { tuple } from './geom.js';
import { pooling } from './pooling.js';

const OP = 'Pooling';

/** 3-D pooling geometry over P = N*C volumes; k, s, p are [depth, height, width], o the output extents. */
export interface Pool3Geom { N: number; C: number; D: number; H: number; W: number; o: number[]; k: number[]; s: number[]; p: number[]; type: number; countPad: number; global: boolean }

/**
 * The geometry of a 3-D Pooling node from its attrs and 5-D data shape.
 * @example pool3Geom({ kernel: [2, 2, 2], stride: [2, 2, 2], pool_type: 'max', ... }, [1, 3, 8, 8, 8], 'p').o // [4, 4, 4]
 */
export function pool3Geom(a: Attrs, data: Shape, node: string): Pool3Geom {
  if (data.length !== 5) throw new ShapeError(opMessage(node, OP, `data must be 5-D (NCDHW), got ${fmtShape(data)}`), { op: OP, arg: 'data' });
  const [N, C, D, H, W] = data, ext = [D, H, W];
  if (!Object.hasOwn(POOL3D_TYPE, a.pool_type)) {
    throw new MxError('unsupported', opMessage(node, OP, `pool_type '${a.pool_type}' is not supported for 3-D data (max, avg, sum)`), { op: OP, attr: 'pool_type' });
  }
  const type = POOL3D_TYPE[a.pool_type as keyof typeof POOL3D_TYPE];
  const cip = a.count_include_pad;
  const countPad = cip === null || cip === undefined || cip === 'None' || cip === true || cip === 'True' || cip === 'true' || cip === 1 || cip === '1' ? 1 : 0;
  if (a.global_pool) return { N, C, D, H, W, o: [1, 1, 1], k: ext, s: [1, 1, 1], p: [0, 0, 0], type, countPad, global: true };
  const k: number[] = a.kernel ?? [];
  if (k.length !== 3) throw new ShapeError(opMessage(node, OP, `kernel ${fmtShape(k)} must have 3 value(s) for 3-D data (or set global_pool)`), { op: OP, attr: 'kernel' });
  if (k.some((v) => !(v > 0))) throw new ArgumentError(opMessage(node, OP, `kernel ${fmtShape(k)} must be positive`), { op: OP, attr: 'kernel' });
  const s = tuple(OP, node, a, 'stride', 3, 1), p = tuple(OP, node, a, 'pad', 3, 0);
  if (s.some((v) => !(v > 0))) throw new ArgumentError(opMessage(node, OP, `stride ${fmtShape(s)} must be positive`), { op: OP, attr: 'stride' });
  if (p.some((v) => v < 0)) throw new ArgumentError(opMessage(node, OP, `pad ${fmtShape(p)} must be >= 0`), { op: OP, attr: 'pad' });
  const conv: string = a.pooling_convention;
  if (conv === 'same') throw new MxError('unsupported', opMessage(node, OP, "pooling_convention 'same' is supported for 1-D max pooling without pad only"), { op: OP, attr: 'pooling_convention' });
  const o = ext.map((x, i) => {
    if (k[i] > x + 2 * p[i]) throw new ShapeError(opMessage(node, OP, `kernel size ${k[i]} exceeds the padded input size ${x + 2 * p[i]}`), { op: OP, attr: 'kernel' });
    return 1 + (conv === 'full' ? Math.ceil : Math.floor)((x + 2 * p[i] - k[i]) / s[i]);
  });
  return { N, C, D, H, W, o, k, s, p, type, countPad, global: false };
}

const args = (g: Pool3Geom): Omit<KernelArgs<'f32_pool3d__simd128'>, 'x' | 'y'> => ({
  P: g.N * g.C, D: g.D, H: g.H, W: g.W, Do: g.o[0], Ho: g.o[1], Wo: g.o[2], kd: g.k[0], kh: g.k[1], kw: g.k[2], sd: g.s[0], sh: g.s[1], sw: g.s[2],
  pd: g.p[0], ph: g.p[1], pw: g.p[2], type: g.type, countPad: g.countPad,
});

/**
 * Pooling over 5-D NCDHW data (3-D windows, or global_pool).
 * @example mx.nd.Pooling(x5d, { kernel: [2, 2, 2], stride: [2, 2, 2], pool_type: 'avg' })
 */
export const pooling3d: OpDef = {
  ...pooling,
  inferShape: (a, [data], _aux, node) => {
    const g = pool3Geom(a, data!, node);
    return { ins: [data], outs: [[g.N, g.C, ...g.o]] };
  },
  inferType: f32Types(OP),
  forward: (ctx, a, [x], [y]) => {
    const g = pool3Geom(a, x.shape, ctx.node), K = ctx.K;
    if (g.global) {
      const P = g.N * g.C, n = g.D * g.H * g.W, t = g.type;
      return kernelStep(K, 'f32_global_pool__simd128', { x: x.off, y: y.off, P, n, type: t });
    }
    const ga = args(g);
    return kernelStep(K, 'f32_pool3d__simd128', { x: x.off, y: y.off, ...ga });
  },
  backward: {
    saves: ['inputs', 'outputs'],
    lower: (ctx, a, { ins: [x], outs: [y], outGrads: [dy], inGrads: [dx], req }) => {
      if (req[0] === 'null' || !dx) return () => {};
      const g = pool3Geom(a, x.shape, ctx.node), K = ctx.K, ga = args(g);
      return kernelStep(K, 'f32_pool3d_bwd__simd128', { x: x.off, y: y.off, dy: dy.off, dx: dx.off, ...ga });
    },
  },
  doc: 'Pooling over NCDHW data: max / avg / sum 3-D windows, global_pool, valid / full conventions.',
};
