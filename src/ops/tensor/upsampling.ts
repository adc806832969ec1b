// UpSampling. sample_type nearest: each input is scaled to the first input's size * scale and the results are
// concatenated on channels (multi_input_mode concat) or summed (sum); gradient: the sum over each scale x scale
// window. sample_type bilinear (inputs data, weight (C, 1, k, k), usually mx.init.Bilinear): as MXNet, a
// Deconvolution with kernel k = 2s - s%2, stride s, pad ceil((s-1)/2) and one group per channel (num_filter = C).
import { ArgumentError, ShapeError, opMessage } from '../../errors.js';
import { parseAttrs, type Attrs } from '../attrs.js';
import type { OpDef, Shape, Step } from '../registry.js';
import { deconvolution } from '../conv/deconvolution.js';
import { fail } from './common.js';
import { f32Types, kernelStep, seq } from '../helpers.js';

const OP = 'UpSampling';
const bilinear = (a: Attrs) => a.sample_type === 'bilinear';

function check(a: Attrs, node?: string) {
  if (!(a.scale >= 1)) fail(node, OP, `scale must be >= 1, got ${a.scale}`);
  if (bilinear(a)) {
    if (a.num_args !== 2) throw new ArgumentError(opMessage(node, OP, `sample_type bilinear takes num_args = 2 (data and weight), got ${a.num_args}`), { op: OP, node, attr: 'num_args' });
    if (!(a.num_filter >= 1)) throw new ArgumentError(opMessage(node, OP, 'sample_type bilinear needs num_filter = the number of channels'), { op: OP, node, attr: 'num_filter' });
  }
}

/** The Deconvolution a bilinear UpSampling is (MXNet upsampling.cc GetDeconvolutionParam). */
function deconvAttrs(a: Attrs, node?: string): Attrs {
  const s: number = a.scale, k = 2 * s - (s % 2), p = Math.ceil((s - 1) / 2);
  return parseAttrs('Deconvolution', deconvolution.attrs, { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: a.num_filter, num_group: a.num_filter, no_bias: true, workspace: a.workspace },
    node);
}

/** Shapes of a bilinear UpSampling: data (N, C, H, W), weight (C, 1, k, k), output (N, C, sH, sW). */
function bilinearShapes(a: Attrs, ins: (Shape | undefined)[], node: string) {
  const data = ins[0];
  if (!data) return { ins, outs: [undefined] };
  if (data.length !== 4) fail(node, OP, `data must be 4-d (NCHW), got ${data.length}-d`);
  if (data[1] !== a.num_filter) throw new ShapeError(opMessage(node, OP, `sample_type bilinear: num_filter (${a.num_filter}) must equal the channels of data (${data[1]})`),
    { op: OP, node, attr: 'num_filter' });
  const r = deconvolution.inferShape(deconvAttrs(a, node), [data, ins[1]], [], node);
  const w = r.ins[1]!;
  if (ins[1] && ins[1].join() !== w.join()) throw new ShapeError(opMessage(node, OP, `weight has shape (${ins[1].join(',')}), expected (${w.join(',')})`), { op: OP, node, arg: 'weight' });
  return { ins: [data, w], outs: r.outs };
}

/** Per input: its integer scale to the output size. */
function scales(a: Attrs, ins: Shape[], node?: string): number[] {
  const H = ins[0][2] * a.scale, W = ins[0][3] * a.scale;
  return ins.map((s, i) => {
    if (s.length !== 4) fail(node, 'UpSampling', `input ${i} must be 4-d (NCHW), got ${s.length}-d`);
    if (s[0] !== ins[0][0]) fail(node, 'UpSampling', `input ${i} has batch ${s[0]}, expected ${ins[0][0]}`);
    const k = H / s[2];
    if (!Number.isInteger(k) || W / s[3] !== k) fail(node, 'UpSampling', `input ${i} (${s.join(',')}) cannot be scaled to ${H}x${W} by an integer factor`);
    if (a.multi_input_mode === 'sum' && s[1] !== ins[0][1]) fail(node, 'UpSampling', `multi_input_mode sum needs equal channels, input ${i} has ${s[1]}`);
    return k;
  });
}

export const UPSAMPLING_OPS: OpDef[] = [{
  name: 'UpSampling',
  attrs: {
    scale: { type: 'int', required: true }, sample_type: { type: 'str', required: true, values: ['nearest', 'bilinear'] },
    num_filter: { type: 'int', default: 0 }, multi_input_mode: { type: 'str', default: 'concat', values: ['concat', 'sum'] },
    num_args: { type: 'int', required: true }, workspace: { type: 'int', default: 512 },
  },
  doc: 'Upsampling by an integer scale: nearest (several inputs concatenated on channels or summed) or bilinear (a per-channel Deconvolution with a learnable weight, as MXNet).',
  inputs: (a) => (bilinear(a) ? ['data', 'weight'] : Array.from({ length: a.num_args }, (_, i) => `arg${i}`)),
  inferShape: (a, ins, _aux, node) => {
    check(a, node);
    if (bilinear(a)) return bilinearShapes(a, ins, node);
    if (ins.some((s) => !s)) return { ins, outs: [undefined] };
    const sh = ins as Shape[];
    scales(a, sh, node);
    const C = a.multi_input_mode === 'sum' ? sh[0][1] : sh.reduce((t, s) => t + s[1], 0);
    return { ins, outs: [[sh[0][0], C, sh[0][2] * a.scale, sh[0][3] * a.scale]] };
  },
  inferType: (a, ins, node) => f32Types('UpSampling')(a, ins, node),
  workspace: (a, ins, outs, isTrain) => (bilinear(a) ? deconvolution.workspace!(deconvAttrs(a), ins, outs, isTrain) : 0),
  forward: (ctx, a, ins, [y], aux) => {
    if (bilinear(a)) return deconvolution.forward(ctx, deconvAttrs(a, ctx.node), ins, [y], aux);
    const K = ctx.K, ks = scales(a, ins.map((t) => t.shape), ctx.node), [N, C, H, W] = y.shape, sum = a.multi_input_mode === 'sum';
    const calls: Step[] = [];
    for (let n = 0; n < N; n++) {
      let c0 = 0;
      ins.forEach((x, i) => {
        const [, c, h, w] = x.shape;
        calls.push(kernelStep(K, 'f32_upnearest__simd128', { x: x.off + n * c * h * w * 4, y: y.off + (n * C + (sum ? 0 : c0)) * H * W * 4, planes: c, h, w, s: ks[i],
          acc: sum && i > 0 ? 1 : 0 }));
        c0 += c;
      });
    }
    return seq(calls);
  },
  backward: {
    saves: ['inputs'], // bilinear: the Deconvolution's (nearest reads none)
    workspace: (a, ins, outs) => (bilinear(a) ? deconvolution.backward!.workspace!(deconvAttrs(a), ins, outs) : 0),
    lower: (ctx, a, g) => {
      if (bilinear(a)) return deconvolution.backward!.lower(ctx, deconvAttrs(a, ctx.node), g);
      const ks = scales(a, g.ins.map((t) => t.shape), ctx.node), [N, C, H, W] = g.outs[0].shape, sum = a.multi_input_mode === 'sum';
      const [og] = g.outGrads, calls: Step[] = [];
      let c0 = 0;
      g.inGrads.forEach((dx, i) => {
        const [, c, h, w] = dx.shape;
        if (g.req[i] !== 'null') {
          for (let n = 0; n < N; n++) {
            calls.push(kernelStep(ctx.K, 'f32_upnearest_grad__simd128', { g: og.off + (n * C + (sum ? 0 : c0)) * H * W * 4, dx: dx.off + n * c * h * w * 4, planes: c, h, w, s: ks[i] }));
          }
        }
        c0 += c;
      });
      return seq(calls);
    },
  },
}];
