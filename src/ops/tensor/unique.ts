// _npi_unique (MXNet's numpy np.unique): the sorted unique elements (axis None: of the flattened array) or unique
// slices along an axis (compared in row-major order), with the first-occurrence indices, the inverse (each element's
// place in the unique list) and the counts as optional outputs in that order. Indices are float32 (MXNet: int64).
// The output length depends on the values (OpDef.dynamic); no gradient (MXNet's).
import { ArgumentError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape, TensorRef } from '../registry.js';
import { view, f32 } from '../../runtime/view.js';
import { prod } from '../../util/shape.js';
import { axisOf } from '../helpers.js';

const OP = '_npi_unique';

const outNames = (a: Attrs): string[] => ['output', ...(a.return_index ? ['indices'] : []), ...(a.return_inverse ? ['inverse'] : []), ...(a.return_counts ? ['counts'] : [])];

/** The grouping of the items (elements, or slices along the axis) after sorting them. */
export interface UniqueGroups {
  n: number; len: number; first: number[]; counts: number[]; inverse: number[];
  /** Element k (row-major within the slice) of item i. */
  at: (i: number, k: number) => number;
}

/** Items sorted (ties: lower index first), with each group's first index and size. @example uniqueGroups([3, 1, 3], [3], null).first // [1, 0] */
export function uniqueGroups(x: ArrayLike<number>, shape: Shape, axis: number | null): UniqueGroups {
  const ax = axis === null ? -1 : axis;
  const n = ax < 0 ? x.length : shape[ax], inner = ax < 0 ? 1 : prod(shape.slice(ax + 1)), outer = ax < 0 ? 1 : prod(shape.slice(0, ax));
  const len = outer * inner;
  const at = (i: number, k: number) => x[(Math.floor(k / inner) * n + i) * inner + (k % inner)];
  const cmp = (i: number, j: number) => {
    for (let k = 0; k < len; k++) { const d = at(i, k) - at(j, k); if (d) return d; }
    return 0;
  };
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => cmp(i, j) || i - j);
  const first: number[] = [], counts: number[] = [], inverse = new Array<number>(n);
  for (let t = 0; t < n; t++) {
    const i = order[t];
    if (t === 0 || cmp(order[t - 1], i) !== 0) { first.push(i); counts.push(0); }
    counts[counts.length - 1]++;
    inverse[i] = first.length - 1;
  }
  return { n, len, first, counts, inverse, at };
}

/**
 * unique(x, { return_index, return_inverse, return_counts, axis = None }): sorted unique values or slices.
 * @example mx.nd.np.unique(mx.nd.array([3, 1, 3, 2]), { return_counts: true }) // [[1, 2, 3], [1, 1, 2]]
 */
export const uniqueOp: OpDef = {
  name: OP,
  attrs: {
    return_index: { type: 'bool', default: false }, return_inverse: { type: 'bool', default: false },
    return_counts: { type: 'bool', default: false }, axis: { type: 'intOrNone', default: null },
  },
  doc: 'Sorted unique elements (or slices along axis) with first indices, inverse and counts (lengths depend on the values).',
  inputs: () => ['data'],
  outputs: outNames,
  // Static inference sees the bound: every item unique.
  inferShape: (a, [x], _aux, node) => {
    if (!x) return { ins: [x], outs: outNames(a).map(() => undefined) };
    const ax = a.axis === null ? -1 : axisOf(node, OP, a.axis, x.length), n = ax < 0 ? prod(x) : x[ax];
    return { ins: [x], outs: outNames(a).map((o) => (o === 'output' ? (ax < 0 ? [n] : x) : [n])) };
  },
  inferType: (a, [t]) => ({ ins: [t ?? 'float32'], outs: outNames(a).map((o, k) => (k === 0 ? t ?? 'float32' : 'float32')) }),
  forward: (ctx) => { throw new ArgumentError(opMessage(ctx.node, OP, 'has a data-dependent shape: run it through its dynamic step')); },
  dynamic: (ctx, a, [x]) => {
    const ax = a.axis === null ? null : axisOf(ctx.node, OP, a.axis, x.shape.length);
    if (ax === null && !x.shape.length) throw new ArgumentError(opMessage(ctx.node, OP, 'data must have at least one element dimension'), { op: OP });
    const g = uniqueGroups(view(x.dtype, x.off, x.size), x.shape, ax), u = g.first.length;
    const yShape = ax === null ? [u] : x.shape.map((d, k) => (k === ax ? u : d));
    const names = outNames(a);
    return {
      shapes: names.map((o) => (o === 'output' ? yShape : o === 'inverse' ? [g.n] : [u])),
      write: (outs: TensorRef[]) => names.forEach((o, k) => {
        const y = outs[k];
        if (o === 'output') {
          const yv = view(y.dtype, y.off, y.size), inner = ax === null ? 1 : prod(x.shape.slice(ax + 1));
          // y[outer, j, inner] = item first[j]'s element (outer, inner)
          g.first.forEach((i, j) => { for (let e = 0; e < g.len; e++) yv[(Math.floor(e / inner) * u + j) * inner + (e % inner)] = g.at(i, e); });
        } else f32(y.off, y.size).set(o === 'indices' ? g.first : o === 'inverse' ? g.inverse : g.counts);
      }),
    };
  },
};
