// batch_dot: (B, n, m) x (B, m, k) -> (B, n, k), with optional transposes of either operand; N-D inputs (MXNet 1.6+)
// with equal leading dimensions (B1, ..., n, m) x (B1, ..., m, k) -> (B1, ..., n, k) are the same product over
// prod(B1, ...) batches (contiguous, so no copy).
import { ShapeError, opMessage } from '../../errors.js';
import { fmtShape, prod } from '../../util/shape.js';
import type { OpDef, Shape } from '../registry.js';
import type { Attrs } from '../attrs.js';
import type { MatMul } from './gemm.js';
import { matmulOp } from './matmul-op.js';

const OP = 'batch_dot';

/**
 * The batched product for these shapes: lhs (B, n, m) (or (B, m, n) with transpose_a), rhs
 * (B, m, k) (or (B, k, m) with transpose_b).
 * @example batchDotGeom({ transpose_a: false, transpose_b: false }, [2, 3, 4], [2, 4, 5], 'bd').out // [2, 3, 5]
 */
export function batchDotGeom(a: Attrs, l: Shape, r: Shape, node: string): { mm: MatMul; out: Shape } {
  if (l.length < 3 || l.length !== r.length) throw new ShapeError(opMessage(node, OP, `inputs must have the same number (>= 3) of dimensions, got ${fmtShape(l)} and ${fmtShape(r)}`), { op: OP });
  const tA = !!a.transpose_a, tB = !!a.transpose_b, d = l.length - 2, lead = l.slice(0, d);
  if (lead.some((x, i) => x !== r[i])) throw new ShapeError(opMessage(node, OP, `batch dimensions differ: ${fmtShape(l)} and ${fmtShape(r)}`), { op: OP });
  const M = tA ? l[d + 1] : l[d], Ka = tA ? l[d] : l[d + 1], Kb = tB ? r[d + 1] : r[d], N = tB ? r[d] : r[d + 1];
  if (Ka !== Kb) throw new ShapeError(opMessage(node, OP, `shape inconsistent: lhs ${fmtShape(l)} and rhs ${fmtShape(r)} contract ${Ka} against ${Kb}`), { op: OP });
  return { mm: { tA, tB, M, N, K: Ka, batch: prod(lead) }, out: [...lead, M, N] };
}

/**
 * batch_dot(lhs, rhs, transpose_a, transpose_b).
 * @example mx.nd.batch_dot(a, b) // (B, n, m) x (B, m, k) -> (B, n, k)
 */
export const batchDot: OpDef = matmulOp(OP, batchDotGeom, 'Batched matrix product: (B, n, m) x (B, m, k) -> (B, n, k), or N-D with equal leading dimensions (MXNet 1.6+), with optional transposes.');
