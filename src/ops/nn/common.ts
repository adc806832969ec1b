// Shared helpers of the nn op family: (outer, n, inner) splits, seeds.
import type { Shape } from '../registry.js';
import { prod } from '../../util/shape.js';

/** (outer, n, inner) around `axis`. @example split3([2, 3, 4], 1) -> [2, 3, 4] */
export function split3(shape: Shape, axis: number): [number, number, number] {
  return [prod(shape.slice(0, axis)), shape[axis], prod(shape.slice(axis + 1))];
}

/** A 32-bit kernel seed from the lowering's random source (call inside the step: one per run). @example seedOf(ctx.random) */
export const seedOf = (r: () => number): number => (Math.floor(r() * 4294967296) >>> 0) | 0;
