// TEMPLATE OP (to be folded into the elementwise family file): elemwise_add.
import { ShapeError, opMessage } from '../errors.js';
import { fmtShape, sameShape } from '../util/shape.js';
import type { OpDef } from './registry.js';

export const elemwiseAdd: OpDef = {
  name: 'elemwise_add',
  aliases: ['_plus', '_add', '_Plus'],
  attrs: {},
  inputs: () => ['lhs', 'rhs'],
  inferShape: (_a, [l, r], _aux, node) => {
    const s = l ?? r;
    if (l && r && !sameShape(l, r)) throw new ShapeError(opMessage(node, 'elemwise_add', `shapes ${fmtShape(l)} and ${fmtShape(r)} differ`));
    return { ins: [s, s], outs: [s] };
  },
  forward: (ctx, _a, [l, r], [o]) => {
    const f = ctx.K.f32_vadd__simd128_u8;
    return () => { f(l.off, r.off, o.off, o.size); };
  },
  backward: {
    saves: [],
    lower: (ctx, _a, g) => {
      // d(l+r)/dl = d(l+r)/dr = 1: both input gradients are copies of the output gradient.
      const [go] = g.outGrads, K = ctx.K, bytes = go.size * 4;
      const copies = g.inGrads.filter((_, i) => g.req[i] !== 'null');
      return () => { for (const d of copies) K.x8_copy(go.off, d.off, bytes); };
    },
  },
  inplace: [[0, 0], [1, 0]],
};
