// 3-D Convolution (NCDHW: MXNet's Convolution with 3-element kernel / stride / pad / dilate; groups, no_bias):
// vol2col (assembly/kernels/f32-vol.ts) then one GEMM per group and image; a 1x1x1 stride-1 unpadded layer multiplies
// the volumes in place. Backward: db = rowsum(dY), dW += dY·colᵀ, dX = col2vol(Wᵀ·dY). Also takes the hidden
// attributes the fusion passes add to any Convolution: `__act__` (fused in the GEMM) and a folded inference
// BatchNorm (`__bn_*__`, applied per volume by f32_bn_act). Registered through conv-by-rank.ts: 5-D data comes here.
import { MxError, ShapeError, opMessage } from '../../errors.js';
import { BIAS } from '../../runtime/manifest/linalg.js';
import { volGeom, type VolGeom } from '../../runtime/manifest/vol.js';
import { fmtShape } from '../../util/shape.js';
import type { Attrs } from '../attrs.js';
import { f32Types, gradOff, kernelStep, seq } from '../helpers.js';
import { fusedActBackward, fusedActCode, gemmKernel, gemmStep } from '../linalg/gemm.js';
import type { OpDef, Shape, Step } from '../registry.js';
import { CONV_ATTRS, checkGroups, convOut, spatialParams } from './geom.js';

const OP = 'Convolution';

/** One 3-D convolution: N volumes of C channels in, F filters in G groups; `v` is the per-volume vol2col geometry. */
export interface Conv3Geom { N: number; C: number; F: number; G: number; v: VolGeom; L: number; inVol: number; outVol: number; pointwise: boolean }

/**
 * Checks a layout attr against 5-D data (null or NCDHW) and says whether the data is 5-D.
 * @example isVolume({ layout: null }, [1, 2, 4, 4, 4]) === true
 */
export function isVolume(a: Attrs, data: Shape | undefined, node = '', op = OP): boolean {
  if (!data || data.length !== 5) return false;
  const layout = a.layout === null || a.layout === undefined || a.layout === 'None' ? null : String(a.layout);
  if (layout !== null && layout !== 'NCDHW') throw new MxError('unsupported', opMessage(node, op, `layout ${layout} is not supported for 5-D data (use NCDHW)`), { op, attr: 'layout' });
  return true;
}

/**
 * The geometry of a 3-D Convolution from its attrs and 5-D data shape (validates kernel, groups and sizes).
 * @example conv3Geom({ kernel: [3, 3, 3], num_filter: 4, num_group: 1, ... }, [1, 2, 8, 8, 8], 'c').v.Do === 6
 */
export function conv3Geom(a: Attrs, data: Shape, node: string): Conv3Geom {
  if (data.length !== 5) throw new ShapeError(opMessage(node, OP, `data must be 5-D (NCDHW), got ${fmtShape(data)}`), { op: OP, arg: 'data' });
  const { k, s, d, p } = spatialParams(OP, node, a, 3);
  const [N, C, D, H, W] = data, F: number = a.num_filter, G: number = a.num_group;
  checkGroups(OP, node, C, F, G);
  const [Do, Ho, Wo] = [D, H, W].map((x, i) => convOut(OP, node, x, k[i], s[i], p[i], d[i]));
  const v: VolGeom = { C, D, H, W, k, s, p, d, Do, Ho, Wo }, L = Do * Ho * Wo;
  const pointwise = [...k, ...s].every((x) => x === 1) && p.every((x) => x === 0);
  return { N, C, F, G, v, L, inVol: C * D * H * W * 4, outVol: F * L * 4, pointwise };
}

/** Bytes of the column matrix of one volume (0 for 1x1x1 stride-1 unpadded layers). */
const colBytes = (g: Conv3Geom) => (g.pointwise ? 0 : g.C * g.v.k[0] * g.v.k[1] * g.v.k[2] * g.L * 4);
const folded = (a: Attrs) => a.__bn_eps__ !== undefined;

/** y = act(conv3d(x, w) + b) for all volumes (ws: colBytes of workspace). */
function lowerFwd(ctx: Parameters<OpDef['forward']>[0], g: Conv3Geom, x: number, w: number, b: number, y: number, act: number): Step {
  const K = ctx.K, gemm = gemmKernel(K), ws = ctx.workspace, Fg = g.F / g.G, KK = colBytes(g) ? (g.C / g.G) * g.v.k[0] * g.v.k[1] * g.v.k[2] : g.C / g.G;
  const steps: Step[] = [];
  for (let n = 0; n < g.N; n++) {
    const xn = x + n * g.inVol, yn = y + n * g.outVol, src = g.pointwise ? xn : ws;
    if (!g.pointwise) steps.push(kernelStep(K, 'f32_vol2col__simd128', { x: xn, col: ws, ...volGeom(g.v) }));
    for (let grp = 0; grp < g.G; grp++) {
      steps.push(gemmStep(gemm, { M: Fg, N: g.L, K: KK, A: w + grp * Fg * KK * 4, lda: KK, B: src + grp * KK * g.L * 4, ldb: g.L, C: yn + grp * Fg * g.L * 4, ldc: g.L,
        bias: b ? b + grp * Fg * 4 : 0, biasMode: b ? BIAS.perRow : BIAS.none, act: act as 0, scratch: ctx.scratch }));
    }
  }
  return seq(steps);
}

/** Backward of lowerFwd (without the activation): db, dw (accumulated over volumes), dx; an offset of 0 skips one. */
function lowerBwd(ctx: Parameters<OpDef['forward']>[0], g: Conv3Geom, r: { x: number; w: number; dy: number; dx: number; dw: number; db: number }, ws: number): Step {
  const K = ctx.K, gemm = gemmKernel(K), sc = ctx.scratch, Fg = g.F / g.G, KK = colBytes(g) ? (g.C / g.G) * g.v.k[0] * g.v.k[1] * g.v.k[2] : g.C / g.G;
  const steps: Step[] = [];
  for (let n = 0; n < g.N; n++) {
    const xn = r.x + n * g.inVol, dyn = r.dy + n * g.outVol, dxn = r.dx ? r.dx + n * g.inVol : 0, acc = n > 0 ? 1 : 0;
    if (r.db) steps.push(kernelStep(K, 'f32_rowsum__simd128', { x: dyn, y: r.db, rows: g.F, cols: g.L, acc }));
    if (r.dw) {
      const col = g.pointwise ? xn : ws;
      if (!g.pointwise) steps.push(kernelStep(K, 'f32_vol2col__simd128', { x: xn, col: ws, ...volGeom(g.v) }));
      for (let grp = 0; grp < g.G; grp++) {
        steps.push(gemmStep(gemm, { transB: 1, M: Fg, N: KK, K: g.L, A: dyn + grp * Fg * g.L * 4, lda: g.L, B: col + grp * KK * g.L * 4, ldb: g.L, beta: acc,
          C: r.dw + grp * Fg * KK * 4, ldc: KK, scratch: sc }));
      }
    }
    if (dxn) {
      const dcol = g.pointwise ? dxn : ws;
      for (let grp = 0; grp < g.G; grp++) {
        steps.push(gemmStep(gemm, { transA: 1, M: KK, N: g.L, K: Fg, A: r.w + grp * Fg * KK * 4, lda: KK, B: dyn + grp * Fg * g.L * 4, ldb: g.L,
          C: dcol + grp * KK * g.L * 4, ldc: g.L, scratch: sc }));
      }
      if (!g.pointwise) steps.push(kernelStep(K, 'f32_col2vol__simd128', { col: ws, x: dxn, ...volGeom(g.v) }));
    }
  }
  return seq(steps);
}

/**
 * Convolution over 5-D NCDHW data: weight (num_filter, C/num_group, kd, kh, kw), bias (num_filter,).
 * @example mx.nd.Convolution(x5d, w, b, { kernel: [3, 3, 3], pad: [1, 1, 1], num_filter: 8 })
 */
export const convolution3d: OpDef = {
  name: OP,
  attrs: CONV_ATTRS,
  inputs: (a) => [...(a.no_bias ? ['data', 'weight'] : ['data', 'weight', 'bias']), ...(folded(a) ? ['bn_gamma', 'bn_beta'] : [])],
  aux: (a) => (folded(a) ? ['bn_moving_mean', 'bn_moving_var'] : []),
  inferShape: (a, ins, aux, node) => {
    const g = conv3Geom(a, ins[0]!, node), c: Shape = [g.F];
    const w: Shape = [g.F, g.C / g.G, ...g.v.k], base = a.no_bias ? [ins[0]!, w] : [ins[0]!, w, c];
    const y: Shape = [g.N, g.F, g.v.Do, g.v.Ho, g.v.Wo];
    return folded(a) ? { ins: [...base, c, c], outs: [y], aux: [c, c] } : { ins: base, outs: [y], aux };
  },
  inferType: (a, ins, node) => f32Types(OP, 1, folded(a) ? 2 : 0)(a, ins, node),
  workspace: (a, ins) => colBytes(conv3Geom(a, ins[0], OP)),
  forward: (ctx, a, ins, [y], aux) => {
    const g = conv3Geom(a, ins[0].shape, ctx.node);
    const conv = lowerFwd(ctx, g, ins[0].off, ins[1].off, a.no_bias ? 0 : ins[2].off, y.off, folded(a) ? 0 : fusedActCode(ctx.node, OP, a));
    if (!folded(a)) return conv;
    const nb = a.no_bias ? 2 : 3, [gm, bt] = [ins[nb].off, ins[nb + 1].off], [mm, mv] = [aux[0].off, aux[1].off];
    const eps = a.__bn_eps__, fix = a.__bn_fix_gamma__ ? 1 : 0, lo = a.__bn_lo__, hi = a.__bn_hi__, steps: Step[] = [conv];
    for (let n = 0; n < g.N; n++) { const yn = y.off + n * g.outVol; steps.push(kernelStep(ctx.K, 'f32_bn_act__simd128', { y: yn, g: gm, b: bt, mean: mm,
      vr: mv, C: g.F, inner: g.L, eps, fixGamma: fix, lo, hi })); }
    return seq(steps);
  },
  backward: {
    saves: ['inputs'],
    workspace: (a, ins) => { const g = conv3Geom(a, ins[0], OP); return colBytes(g) + (fusedActCode(OP, OP, a) ? g.N * g.outVol : 0); },
    lower: (ctx, a, gr) => {
      const { ins, outs, outGrads } = gr, g = conv3Geom(a, ins[0].shape, ctx.node), act = fusedActCode(ctx.node, OP, a), steps: Step[] = [];
      let dy = outGrads[0].off;
      if (act) {
        // The activation was fused: its output is y, so the pre-activation gradient is dy * act'(y).
        const masked = ctx.workspace + colBytes(g);
        steps.push(fusedActBackward(ctx.K, act, outs[0].off, dy, masked, g.N * g.F * g.L));
        dy = masked;
      }
      steps.push(lowerBwd(ctx, g, { x: ins[0].off, w: ins[1].off, dy, dx: gradOff(gr, 0), dw: gradOff(gr, 1), db: a.no_bias ? 0 : gradOff(gr, 2) }, ctx.workspace));
      return seq(steps);
    },
  },
  doc: 'Convolution over NCDHW data (3-element kernel, stride, pad, dilate; groups): vol2col + packed GEMM.',
};
