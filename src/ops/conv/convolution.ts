// Convolution (NCW / NCHW, groups, depthwise, dilation; hidden `__act__` = 'relu' | 'sigmoid' | 'tanh' fused by a pass;
// hidden `__bn_*__` with the BatchNorm's gamma, beta, moving_mean, moving_var appended: an inference BatchNorm (and
// relu / clip) folded onto the output by src/passes/fold-bn.ts).
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape, Step } from '../registry.js';
import { CONV_ATTRS, as4, checkGroups, convOut, outShape, spatialParams, spatialRank, weightShape, type ConvGeom } from './geom.js';
import { lowerConvBwd, lowerConvFwd } from './lower.js';
import { convPlan } from './plan.js';
import { fusedActBackward, fusedActCode } from '../linalg/gemm.js';
import { f32Types, gradOff, seq } from '../helpers.js';
import { boundCall, kernelArgs } from '../../runtime/manifest/args.js';
import { independentCalls } from '../../runtime/parts.js';

const OP = 'Convolution';
/**
 * A batch's folded BatchNorm passes as the parts of one job (whole images per thread, as the conv's per-image parts
 * share them: each thread then reads the planes it wrote), not one job per image each cut by channels (or, under the
 * split floor, run on the calling thread: MobileNetV2 b8's 14² layers, 3 ms serial a forward). Same bits (each
 * image's pass is the same call). MXWASM_BN_IMAGES=0: one pass per image, in order, as before.
 */
let bnImages = (typeof process !== 'undefined' ? process.env?.MXWASM_BN_IMAGES : undefined) !== '0';
/** Sets the policy above for binds from now on (benchmarks' in-process A/B); returns the previous one. @example setBnImages(false) */
export const setBnImages = (on: boolean): boolean => { const old = bnImages; bnImages = on; return old; };

/**
 * The geometry of a Convolution from its attrs and data shape (validates kernel, groups and sizes).
 * @example convGeom({ kernel: [3, 3], num_filter: 8, num_group: 1, ...}, [1, 3, 32, 32], 'conv1').Ho === 30
 */
export function convGeom(a: Attrs, data: Shape, node: string, op = 'Convolution'): ConvGeom {
  const nd = spatialRank(op, node, a, data);
  const { k, s, d, p } = spatialParams(op, node, a, nd);
  const [N, C, H, W] = as4(data);
  const F: number = a.num_filter, G: number = a.num_group;
  checkGroups(op, node, C, F, G);
  const Ho = convOut(op, node, H, k[0], s[0], p[0], d[0]), Wo = convOut(op, node, W, k[1], s[1], p[1], d[1]);
  return { N, C, H, W, F, G, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1], Ho, Wo, nd };
}

const outBytes = (g: ConvGeom) => g.N * g.F * g.Ho * g.Wo * 4;

/** True for a node with an inference BatchNorm folded onto it (src/passes/fold-bn.ts). */
const folded = (a: Attrs) => a.__bn_eps__ !== undefined;

/**
 * Convolution: y = conv(x, w) + b, weight (num_filter, C/num_group, kh, kw), bias (num_filter,).
 * @example mx.nd.Convolution(x, w, b, { kernel: [3, 3], pad: [1, 1], num_filter: 64 })
 */
export const convolution: OpDef = {
  name: 'Convolution',
  attrs: CONV_ATTRS,
  inputs: (a) => [...(a.no_bias ? ['data', 'weight'] : ['data', 'weight', 'bias']), ...(folded(a) ? ['bn_gamma', 'bn_beta'] : [])],
  aux: (a) => (folded(a) ? ['bn_moving_mean', 'bn_moving_var'] : []),
  inferShape: (a, ins, aux, node) => {
    const data = ins[0];
    if (!data) return { ins, outs: [undefined], aux };
    const g = convGeom(a, data, node);
    const w = weightShape(g.nd, g.F, g.C / g.G, g.kh, g.kw), c: Shape = [g.F];
    const base = a.no_bias ? [data, w] : [data, w, c];
    if (!folded(a)) return { ins: base, outs: [outShape(g.nd, g.N, g.F, g.Ho, g.Wo)] };
    return { ins: [...base, c, c], outs: [outShape(g.nd, g.N, g.F, g.Ho, g.Wo)], aux: [c, c] };
  },
  inferType: (a, ins, node) => f32Types('Convolution', 1, folded(a) ? 2 : 0)(a, ins, node),
  workspace: (a, ins) => convPlan(convGeom(a, ins[0], 'Convolution')).fwdWorkspace,
  forward: (ctx, a, ins, [y], aux) => {
    const g = convGeom(a, ins[0].shape, ctx.node);
    const conv = lowerConvFwd(ctx, g, ins[0].off, ins[1].off, a.no_bias ? 0 : ins[2].off, y.off, folded(a) ? 0 : fusedActCode(ctx.node, OP, a), ctx.workspace);
    if (!folded(a)) return conv;
    // The folded BatchNorm and clamp: one pass per image over the output planes (f32_bn_act).
    const nb = a.no_bias ? 2 : 3, [gm, bt] = [ins[nb].off, ins[nb + 1].off], [mm, mv] = [aux[0].off, aux[1].off];
    const plane = g.Ho * g.Wo, img = g.F * plane * 4, eps = a.__bn_eps__, fix = a.__bn_fix_gamma__ ? 1 : 0, lo = a.__bn_lo__, hi = a.__bn_hi__;
    const bn = Array.from({ length: g.N }, (_, n) => kernelArgs('f32_bn_act__simd128', { y: y.off + n * img, g: gm, b: bt, mean: mm, vr: mv,
      C: g.F, inner: plane, eps, fixGamma: fix, lo, hi }));
    return seq([conv, bnImages ? independentCalls(ctx.K, 'f32_bn_act__simd128', bn) : seq(bn.map((c) => boundCall(ctx.K.f32_bn_act__simd128, c)))]);
  },
  backward: {
    saves: ['inputs'],
    workspace: (a, ins) => {
      const g = convGeom(a, ins[0], 'Convolution');
      return convPlan(g).bwdWorkspace + (fusedActCode(OP, OP, a) ? outBytes(g) : 0);
    },
    lower: (ctx, a, gr) => {
      const { ins, outs, outGrads } = gr;
      const g = convGeom(a, ins[0].shape, ctx.node);
      const steps: Step[] = [];
      const dy0 = outGrads[0].off;
      let dy = dy0;
      const colWs = convPlan(g).bwdWorkspace;
      const act = fusedActCode(ctx.node, OP, a);
      if (act) {
        // The activation was fused into this op: its output is y, so the pre-activation gradient is dy * act'(y).
        const masked = ctx.workspace + colWs;
        steps.push(fusedActBackward(ctx.K, act, outs[0].off, dy0, masked, g.N * g.F * g.Ho * g.Wo));
        dy = masked;
      }
      steps.push(lowerConvBwd(ctx, g, { x: ins[0].off, w: ins[1].off, dy, dx: gradOff(gr, 0), dw: gradOff(gr, 1), db: a.no_bias ? 0 : gradOff(gr, 2) }, ctx.workspace));
      return seq(steps);
    },
  },
  doc: 'Convolution over NCW / NCHW data (groups, depthwise, dilation, padding): Winograd F(2x2,3x3), im2col + packed GEMM, direct 1x1 and depthwise kernels.',
};
