// Convolution and Pooling are one MXNet op each for 1-D, 2-D and 3-D data: the registered OpDef sends 5-D (NCDHW)
// data to the 3-D definitions (conv3d.ts, pool3d.ts) and everything else to the 1-D/2-D ones, decided by the data
// shape at shape inference, workspace sizing and lowering.
import type { OpDef, Shape } from '../registry.js';
import { isVolume } from './conv3d.js';

/**
 * One OpDef that dispatches on the data's rank: `vol` for 5-D data, `plane` otherwise (attrs, inputs, names: plane's).
 * @example const conv = byRank(convolution, convolution3d)
 */
export function byRank(plane: OpDef, vol: OpDef): OpDef {
  const pick = (a: Parameters<OpDef['inferShape']>[0], data: Shape | undefined, node?: string) => (isVolume(a, data, node, plane.name) ? vol : plane);
  const pb = plane.backward!, vb = vol.backward!;
  return {
    ...plane,
    inputs: (a) => vol.inputs(a),
    aux: vol.aux,
    inferShape: (a, ins, aux, node) => pick(a, ins[0], node).inferShape(a, ins, aux, node),
    workspace: (a, ins, outs, isTrain) => pick(a, ins[0]).workspace?.(a, ins, outs, isTrain) ?? 0,
    forward: (ctx, a, ins, outs, aux) => pick(a, ins[0].shape, ctx.node).forward(ctx, a, ins, outs, aux),
    backward: {
      ...pb,
      workspace: (a, ins, outs) => (pick(a, ins[0]) === vol ? vb : pb).workspace?.(a, ins, outs) ?? 0,
      lower: (ctx, a, g) => (pick(a, g.ins[0].shape, ctx.node) === vol ? vb : pb).lower(ctx, a, g),
    },
    doc: `${plane.doc} 5-D data: ${vol.doc}`,
  };
}
