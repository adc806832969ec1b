// Shared helpers of the nn op family: float32 typing, (outer, n, inner) splits, seeds.
import { DTypeError, ShapeError, opMessage } from '../../errors.js';
import type { DType } from '../../runtime/dtype.js';
import type { Shape, TypeResult } from '../registry.js';
import { prod } from '../../util/shape.js';

/**
 * inferType for float32-only ops with `nOut` outputs and `nAux` aux states.
 * @example inferType: f32Types('BatchNorm', 3, 2)
 */
export function f32Types(op: string, nOut = 1, nAux = 0) {
  return (_a: unknown, ins: (DType | undefined)[], node: string): TypeResult => {
    const bad = ins.find((t) => t !== undefined && t !== 'float32');
    if (bad) throw new DTypeError(opMessage(node, op, `only float32 is supported, got ${bad}`), { op });
    const f = (n: number) => Array.from({ length: n }, () => 'float32' as DType);
    return { ins: f(ins.length), outs: f(nOut), aux: f(nAux) };
  };
}

/** Normalised axis or a ShapeError naming the op. @example axisOf('softmax', 'n', -1, [2, 3]) === 1 */
export function axisOf(op: string, node: string, axis: number, shape: Shape): number {
  const a = axis < 0 ? axis + shape.length : axis;
  if (!Number.isInteger(a) || a < 0 || a >= shape.length) {
    throw new ShapeError(opMessage(node, op, `axis ${axis} is out of range for data of ${shape.length} dimensions`), { op, attr: 'axis' });
  }
  return a;
}

/** (outer, n, inner) around `axis`. @example split3([2, 3, 4], 1) -> [2, 3, 4] */
export function split3(shape: Shape, axis: number): [number, number, number] {
  return [prod(shape.slice(0, axis)), shape[axis], prod(shape.slice(axis + 1))];
}

/** A 32-bit kernel seed from the lowering's random source (call inside the step: one per run). @example seedOf(ctx.random) */
export const seedOf = (r: () => number): number => (Math.floor(r() * 4294967296) >>> 0) | 0;
