// dot: N-D x M-D matrix product contracting the last axis of `lhs` with the first axis of `rhs`.
import { ShapeError, opMessage } from '../../errors.js';
import { fmtShape, prod } from '../../util/shape.js';
import type { OpDef, Shape } from '../registry.js';
import type { Attrs } from '../attrs.js';
import type { MatMul } from './gemm.js';
import { matmulOp } from './matmul-op.js';

const OP = 'dot';

/**
 * The product that `dot` computes for these shapes. MXNet semantics (OPS.md §19): without
 * transposes, lhs (..., K) x rhs (K, ...); `transpose_a` contracts the FIRST axis of lhs (the
 * others keep their order), `transpose_b` the LAST axis of rhs. Output = lhs rest + rhs rest, or
 * (1,) for two vectors.
 * @example dotGeom({ transpose_a: false, transpose_b: false }, [2, 3], [3, 4], 'dot0').out // [2, 4]
 */
export function dotGeom(a: Attrs, l: Shape, r: Shape, node: string): { mm: MatMul; out: Shape } {
  if (!l.length || !r.length) throw new ShapeError(opMessage(node, OP, `inputs must have at least one dimension, got ${fmtShape(l)} and ${fmtShape(r)}`));
  const tA = !!a.transpose_a, tB = !!a.transpose_b;
  const Ka = tA ? l[0] : l[l.length - 1], Kb = tB ? r[r.length - 1] : r[0];
  if (Ka !== Kb) {
    throw new ShapeError(opMessage(node, OP, `shape inconsistent: lhs ${fmtShape(l)}${tA ? ' (transposed)' : ''} and rhs ${fmtShape(r)}${tB ? ' (transposed)' : ''} contract ${Ka} against ${Kb}`),
      { op: OP });
  }
  const lRest = tA ? l.slice(1) : l.slice(0, -1), rRest = tB ? r.slice(0, -1) : r.slice(1);
  const out = [...lRest, ...rRest];
  return { mm: { tA, tB, M: prod(lRest), N: prod(rRest), K: Ka, batch: 1 }, out: out.length ? out : [1] };
}

/**
 * dot(lhs, rhs, transpose_a, transpose_b).
 * @example mx.nd.dot(a, b, { transpose_b: true })
 */
export const dot: OpDef = matmulOp(OP, dotGeom, 'Matrix product of N-D arrays: contracts the last axis of lhs (first with transpose_a) with the first axis of rhs (last with transpose_b).');
