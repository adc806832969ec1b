// batch_dot: (B, n, m) x (B, m, k) -> (B, n, k), with optional transposes of either operand.
import { ShapeError, opMessage } from '../../errors.js';
import { fmtShape } from '../../util/shape.js';
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
  if (l.length !== 3 || r.length !== 3) throw new ShapeError(opMessage(node, OP, `inputs must be 3-D, got ${fmtShape(l)} and ${fmtShape(r)}`), { op: OP });
  const tA = !!a.transpose_a, tB = !!a.transpose_b;
  if (l[0] !== r[0]) throw new ShapeError(opMessage(node, OP, `batch sizes differ: ${fmtShape(l)} and ${fmtShape(r)}`), { op: OP });
  const M = tA ? l[2] : l[1], Ka = tA ? l[1] : l[2], Kb = tB ? r[2] : r[1], N = tB ? r[1] : r[2];
  if (Ka !== Kb) throw new ShapeError(opMessage(node, OP, `shape inconsistent: lhs ${fmtShape(l)} and rhs ${fmtShape(r)} contract ${Ka} against ${Kb}`), { op: OP });
  return { mm: { tA, tB, M, N, K: Ka, batch: l[0] }, out: [l[0], M, N] };
}

/**
 * batch_dot(lhs, rhs, transpose_a, transpose_b).
 * @example mx.nd.batch_dot(a, b) // (B, n, m) x (B, m, k) -> (B, n, k)
 */
export const batchDot: OpDef = matmulOp(OP, batchDotGeom, 'Batched matrix product of 3-D arrays: (B, n, m) x (B, m, k) -> (B, n, k), with optional transposes.');
