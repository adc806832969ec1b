// The OpDef shared by dot and batch_dot: both are one (batched) GEMM forward and two GEMMs backward;
// they differ only in how shapes map to the product (their `geom`).
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { float32Types, matmulBackward, matmulForward, type MatMul } from './gemm.js';

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
    inferType: float32Types(name),
    forward: (ctx, a, [l, r], [o]) => matmulForward(ctx.K, geom(a, l.shape, r.shape, ctx.node).mm, l.off, r.off, o.off, ctx.scratch),
    backward: {
      saves: ['inputs'],
      lower: (ctx, a, { ins: [l, r], outGrads: [go], inGrads, req }) => {
        const { mm } = geom(a, l.shape, r.shape, ctx.node);
        const da = req[0] !== 'null' ? inGrads[0].off : 0, db = req[1] !== 'null' ? inGrads[1].off : 0;
        return matmulBackward(ctx.K, mm, l.off, r.off, go.off, da, db, ctx.scratch);
      },
    },
    doc,
  };
}
