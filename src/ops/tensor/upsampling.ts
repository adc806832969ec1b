// UpSampling with sample_type nearest: each input is scaled to the first input's size * scale and
// the results are concatenated on channels (multi_input_mode concat) or summed (sum).
// Gradient: the sum over each scale x scale window. sample_type bilinear is a Deconvolution with a
// weight input in MXNet and is refused here.
import { ArgumentError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { f32Type, fail } from './common.js';

function check(a: Attrs, node?: string) {
  if (a.sample_type !== 'nearest') throw new ArgumentError(opMessage(node, 'UpSampling', `sample_type '${a.sample_type}' is not supported (nearest only; use Deconvolution for bilinear)`), { op: 'UpSampling', node });
  if (!(a.scale >= 1)) fail(node, 'UpSampling', `scale must be >= 1, got ${a.scale}`);
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
  doc: 'Nearest-neighbour upsampling by an integer scale; several inputs are concatenated on channels or summed.',
  inputs: (a) => Array.from({ length: a.num_args }, (_, i) => `arg${i}`),
  inferShape: (a, ins, _aux, node) => {
    check(a, node);
    if (ins.some((s) => !s)) return { ins, outs: [undefined] };
    const sh = ins as Shape[];
    scales(a, sh, node);
    const C = a.multi_input_mode === 'sum' ? sh[0][1] : sh.reduce((t, s) => t + s[1], 0);
    return { ins, outs: [[sh[0][0], C, sh[0][2] * a.scale, sh[0][3] * a.scale]] };
  },
  inferType: (a, ins, node) => f32Type('UpSampling')(a, ins, node),
  forward: (ctx, a, ins, [y]) => {
    const K = ctx.K, ks = scales(a, ins.map((t) => t.shape), ctx.node), [N, C, H, W] = y.shape, sum = a.multi_input_mode === 'sum';
    const calls: [number, number, number, number, number, number, number][] = [];
    for (let n = 0; n < N; n++) {
      let c0 = 0;
      ins.forEach((x, i) => {
        const [, c, h, w] = x.shape;
        calls.push([x.off + n * c * h * w * 4, y.off + (n * C + (sum ? 0 : c0)) * H * W * 4, c, h, w, ks[i], sum && i > 0 ? 1 : 0]);
        c0 += c;
      });
    }
    const f = K.f32_upnearest__simd128;
    return () => { for (const c of calls) f(...c); };
  },
  backward: {
    saves: [],
    lower: (ctx, a, g) => {
      const ks = scales(a, g.ins.map((t) => t.shape), ctx.node), [N, C, H, W] = g.outs[0].shape, sum = a.multi_input_mode === 'sum';
      const [og] = g.outGrads, calls: [number, number, number, number, number, number][] = [];
      let c0 = 0;
      g.inGrads.forEach((dx, i) => {
        const [, c, h, w] = dx.shape;
        if (g.req[i] !== 'null') {
          for (let n = 0; n < N; n++) calls.push([og.off + (n * C + (sum ? 0 : c0)) * H * W * 4, dx.off + n * c * h * w * 4, c, h, w, ks[i]]);
        }
        c0 += c;
      });
      const f = ctx.K.f32_upnearest_grad__simd128;
      return () => { for (const c of calls) f(...c); };
    },
  },
}];
