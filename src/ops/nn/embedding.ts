// Embedding: rows of weight (input_dim, output_dim) picked by float indices, clipped to [0, input_dim-1].
import { ShapeError, opMessage } from '../../errors.js';
import type { OpDef } from '../registry.js';
import { fmtShape } from '../../util/shape.js';
import { f32Types } from '../helpers.js';

/**
 * Embedding: out shape data.shape + (output_dim,); backward scatter-adds into the weight gradient
 * (dense even with sparse_grad); data gets a zero gradient.
 * @example mx.nd.Embedding(idx, w, { input_dim: 100, output_dim: 16 })
 */
export const embedding: OpDef = {
  name: 'Embedding',
  attrs: {
    input_dim: { type: 'int', required: true },
    output_dim: { type: 'int', required: true },
    dtype: { type: 'dtype', default: 'float32' },
    sparse_grad: { type: 'bool', default: false },
  },
  inputs: () => ['data', 'weight'],
  inferShape: (a, [d, w], _aux, node) => {
    const ws = [a.input_dim, a.output_dim];
    if (w && (w.length !== 2 || w[0] !== ws[0] || w[1] !== ws[1])) {
      throw new ShapeError(opMessage(node, 'Embedding', `weight must have shape ${fmtShape(ws)}, got ${fmtShape(w)}`), { op: 'Embedding', arg: 'weight' });
    }
    return { ins: [d, ws], outs: [d ? [...d, a.output_dim] : undefined] };
  },
  inferType: f32Types('Embedding'),
  forward: (ctx, a, [x, w], [y]) => {
    const f = ctx.K.f32_embedding__simd128;
    return () => { f(x.off, w.off, y.off, x.size, a.output_dim, a.input_dim); };
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const K = ctx.K, [x] = g.ins, [dy] = g.outGrads, [dd, dw] = g.inGrads;
      const wd = g.req[0] !== 'null', ww = g.req[1] !== 'null';
      return () => {
        if (wd) K.x8_zero(dd.off, dd.size * 4);
        if (ww) K.f32_embedding_bwd__simd128(x.off, dy.off, dw.off, x.size, a.output_dim, a.input_dim);
      };
    },
  },
};
