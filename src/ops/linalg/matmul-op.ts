// The OpDef shared by dot and batch_dot: both are one (batched) GEMM forward and two GEMMs backward;
// they differ only in how shapes map to the product (their `geom`).
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { matmulBackward, matmulForward, type MatMul } from './gemm.js';
import { f32Types, gradOff } from '../helpers.js';

type Geom = (a: Attrs, l: Shape, r: Shape, node: string) => { mm: MatMul; out: Shape };

/**
 * A matrix-product op with MXNet's transpose_a/transpose_b attributes over a shape mapping.
 * @example export const dot = matmulOp('dot', dotGeom, 'Matrix product ...');
 */
export function matmulOp(name: string, geom: Geom, doc: string): OpDef {
  return {
    name,
    attrs: {
      transpose_a: { type: 'bool', default: false },
      transpose_b: { type: 'bool', default: false },
      forward_stype: { type: 'any', default: null },
    },
    inputs: () => ['lhs', 'rhs'],
    inferShape: (a, [l, r], _aux, node) => {
      if (!l || !r) return { ins: [l, r], outs: [undefined] };
      return { ins: [l, r], outs: [geom(a, l, r, node).out] };
    },
    inferType: f32Types(name),
    forward: (ctx, a, [l, r], [o]) => matmulForward(ctx.K, geom(a, l.shape, r.shape, ctx.node).mm, l.off, r.off, o.off, ctx.scratch),
    backward: {
      saves: ['inputs'],
      lower: (ctx, a, gr) => {
        const { ins: [l, r], outGrads: [go] } = gr;
        const { mm } = geom(a, l.shape, r.shape, ctx.node);
        const da = gradOff(gr, 0), db = gradOff(gr, 1);
        return matmulBackward(ctx.K, mm, l.off, r.off, go.off, da, db, ctx.scratch);
      },
    },
    doc,
  };
}
