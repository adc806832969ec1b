// Deconvolution (transposed convolution) = the Convolution data-gradient; weight (C_in, num_filter/num_group, kh, kw).
import { ArgumentError, ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape, Step } from '../registry.js';
import { fmtShape } from '../../util/shape.js';
import { CONV_ATTRS, as4, checkGroups, outShape, spatialParams, spatialRank, tuple, weightShape, type ConvGeom } from './geom.js';
import { lowerConvBwd, lowerConvFwd, lowerDeconvFwd } from './lower.js';
import { convPlan } from './plan.js';
import { f32Types, gradOff, kernelStep, seq } from '../helpers.js';
import { fusedActCode } from '../linalg/gemm.js';

/** Workspace of the deconv backward: both conv products (its dx is a conv forward, its dw a conv backward). */
const bothWs = (g: ConvGeom) => { const p = convPlan(g); return Math.max(p.fwdWorkspace, p.bwdWorkspace); };

const OP = 'Deconvolution';

/**
 * The conv-direction geometry of a Deconvolution: conv input = deconv output (F, Ho, Wo), conv output = deconv
 * input (C_in, H, W), conv filters = C_in. Applies adj and target_shape (MXNet's InferPad).
 * @example deconvGeom({ kernel: [4, 4], stride: [2, 2], pad: [1, 1], num_filter: 8, ... }, [1, 16, 7, 7], 'up1').H === 14
 */
export function deconvGeom(a: Attrs, data: Shape, node: string): ConvGeom {
  const nd = spatialRank(OP, node, a, data);
  const { k, s, d, p } = spatialParams(OP, node, a, nd);
  const [N, Cin, H, W] = as4(data);
  const F: number = a.num_filter, G: number = a.num_group;
  checkGroups(OP, node, Cin, F, G);
  const adj0 = tuple(OP, node, a, 'adj', nd, 0), adj = nd === 1 ? [0, adj0[0]] : adj0;
  const ts: number[] = a.target_shape ?? [];
  const useTarget = ts.length > 0 && ts.some((t) => t > 0);
  if (useTarget && ts.length !== nd) throw new ShapeError(opMessage(node, OP, `target_shape ${fmtShape(ts)} must have ${nd} value(s)`), { op: OP, attr: 'target_shape' });
  const target = nd === 1 ? [1, ts[0]] : ts;
  const x = [H, W], out = [0, 0], pad = [p[0], p[1]];
  for (let i = 0; i < 2; i++) {
    const full = s[i] * (x[i] - 1) + d[i] * (k[i] - 1) + 1;
    if (useTarget && !(nd === 1 && i === 0)) {
      if (target[i] > full) throw new ShapeError(opMessage(node, OP, `target_shape ${fmtShape(ts)} is too big for the input ${fmtShape(data)}`), { op: OP, attr: 'target_shape' });
      const t = full - target[i];
      adj[i] = t % 2; pad[i] = (t + 1) >> 1;
    } else if (adj[i] >= s[i] && !(nd === 1 && i === 0)) {
      throw new ArgumentError(opMessage(node, OP, `adj ${fmtShape(adj0)} must be smaller than stride`), { op: OP, attr: 'adj' });
    }
    out[i] = full - 2 * pad[i] + adj[i];
    if (out[i] < 1) throw new ShapeError(opMessage(node, OP, `output size ${out[i]} < 1 (pad too large for the input ${fmtShape(data)})`), { op: OP, attr: 'pad' });
  }
  return { N, C: F, H: out[0], W: out[1], F: Cin, G, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: pad[0], pw: pad[1], dh: d[0], dw: d[1], Ho: H, Wo: W, nd };
}

/**
 * Deconvolution: y = conv_transpose(x, w) (+ b), out = s(x-1) + d(k-1) + 1 - 2p + adj (target_shape overrides).
 * @example mx.nd.Deconvolution(x, w, { kernel: [4, 4], stride: [2, 2], pad: [1, 1], num_filter: 16 })
 */
export const deconvolution: OpDef = {
  name: OP,
  attrs: {
    ...CONV_ATTRS,
    adj: { type: 'shape', default: [] },
    target_shape: { type: 'shape', default: [] },
    no_bias: { type: 'bool', default: true },
    workspace: { type: 'int', default: 512 },
  },
  inputs: (a) => (a.no_bias ? ['data', 'weight'] : ['data', 'weight', 'bias']),
  inferShape: (a, ins, _aux, node) => {
    const data = ins[0];
    if (!data) return { ins, outs: [undefined] };
    const g = deconvGeom(a, data, node);
    const w = weightShape(g.nd, g.F, g.C / g.G, g.kh, g.kw);
    return { ins: a.no_bias ? [data, w] : [data, w, [g.C]], outs: [outShape(g.nd, g.N, g.C, g.H, g.W)] };
  },
  inferType: f32Types(OP),
  workspace: (a, ins) => convPlan(deconvGeom(a, ins[0], OP)).bwdWorkspace,
  forward: (ctx, a, ins, [y]) => {
    const g = deconvGeom(a, ins[0].shape, ctx.node);
    return lowerDeconvFwd(ctx, g, ins[0].off, ins[1].off, a.no_bias ? 0 : ins[2].off, y.off, fusedActCode(ctx.node, OP, a, 1), ctx.workspace);
  },
  backward: {
    saves: ['inputs'],
    workspace: (a, ins) => {
      const g = deconvGeom(a, ins[0], OP);
      return bothWs(g) + (fusedActCode(OP, OP, a, 1) ? g.N * g.C * g.H * g.W * 4 : 0);
    },
    lower: (ctx, a, gr) => {
      const { ins, outs, outGrads } = gr;
      const g = deconvGeom(a, ins[0].shape, ctx.node);
      const steps: Step[] = [], K = ctx.K, ws = ctx.workspace;
      const dy0 = outGrads[0].off;
      let dy = dy0;
      if (fusedActCode(ctx.node, OP, a, 1)) {
        const masked = ws + bothWs(g), yOff = outs[0].off, n = g.N * g.C * g.H * g.W;
        steps.push(kernelStep(K, 'f32_relu_mask__simd128', { y: yOff, dy: dy0, out: masked, n }));
        dy = masked;
      }
      // In conv terms the deconv output gradient is the conv input x', and the deconv input is the conv output y'.
      const dx = gradOff(gr, 0), dw = gradOff(gr, 1), db = a.no_bias ? 0 : gradOff(gr, 2);
      if (dx) steps.push(lowerConvFwd(ctx, g, dy, ins[1].off, 0, dx, 0, ws));
      if (dw) steps.push(lowerConvBwd(ctx, g, { x: dy, w: ins[1].off, dy: ins[0].off, dx: 0, dw, db: 0 }, ws));
      if (db) {
        const plane = g.H * g.W;
        for (let n = 0; n < g.N; n++) {
          const src = dy + n * g.C * plane * 4, acc = n > 0 ? 1 : 0;
          steps.push(kernelStep(K, 'f32_rowsum__simd128', { x: src, y: db, rows: g.C, cols: plane, acc }));
        }
      }
      return steps.length ? seq(steps) : () => {};
    },
  },
  doc: 'Deconvolution (transposed convolution) over NCW / NCHW data: GEMM + col2im (Winograd for 3x3 stride 1); adj and target_shape as MXNet.',
};
