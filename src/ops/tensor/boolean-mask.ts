// _contrib_boolean_mask (MXNet 1.x contrib): the slices of `data` along `axis` whose `index` value is not zero.
// The output length along the axis depends on the values (OpDef.dynamic): the shape is known after reading
// `index`. The gradient scatters dy back to the kept slices and zeros the rest (MXNet's); `index` gets none.
import { ArgumentError, DTypeError, ShapeError, opMessage } from '../../errors.js';
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape, TensorRef } from '../registry.js';
import { view } from '../../runtime/view.js';
import { fmtShape, prod } from '../../util/shape.js';
import { axisOf } from '../helpers.js';

const OP = '_contrib_boolean_mask';

/** (outer, n, inner) of data around the axis, after checking index is 1-D of the axis length. */
function geom(a: Attrs, x: Shape, idx: Shape, node?: string): { ax: number; outer: number; n: number; inner: number } {
  if (!x.length) throw new ShapeError(opMessage(node, OP, 'data must have at least one dimension'), { op: OP, arg: 'data' });
  const ax = axisOf(node, OP, a.axis, x.length);
  if (idx.length !== 1 || idx[0] !== x[ax]) {
    throw new ShapeError(opMessage(node, OP, `index must be 1-D of length ${x[ax]} (data ${fmtShape(x)}, axis ${a.axis}), got ${fmtShape(idx)}`), { op: OP, arg: 'index' });
  }
  return { ax, outer: prod(x.slice(0, ax)), n: x[ax], inner: prod(x.slice(ax + 1)) };
}

/** Positions along the axis whose index value is not zero (NaN counts as not zero, as in C). */
export function keptRows(idx: TensorRef): number[] {
  const v = view(idx.dtype, idx.off, idx.size), kept: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) kept.push(i);
  return kept;
}

/** Copies (or with `back`, scatters) the kept slices: y[o, j, :] = x[o, kept[j], :]. */
function moveRows(x: TensorRef, y: TensorRef, kept: number[], g: { outer: number; n: number; inner: number }, back: boolean): void {
  const xs = view(x.dtype, x.off, x.size), ys = view(y.dtype, y.off, y.size), m = kept.length, { outer, n, inner } = g;
  if (back) xs.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + kept[j]) * inner, dst = (o * m + j) * inner;
      if (back) xs.set(ys.subarray(dst, dst + inner), src); else ys.set(xs.subarray(src, src + inner), dst);
    }
  }
}

/**
 * boolean_mask(data, index, { axis = 0 }): data's slices where index != 0.
 * @example mx.nd.contrib.boolean_mask(mx.nd.array([[1, 2], [3, 4], [5, 6]]), mx.nd.array([0, 1, 1])) // [[3, 4], [5, 6]]
 */
export const booleanMaskOp: OpDef = {
  name: OP,
  attrs: { axis: { type: 'int', default: 0 } },
  doc: 'The slices of data along axis where index is not zero (output length depends on the values).',
  inputs: () => ['data', 'index'],
  // Static inference sees the bound: every slice kept.
  inferShape: (a, [x, idx], _aux, node) => {
    if (!x) return { ins: [x, idx], outs: [undefined] };
    const ax = axisOf(node, OP, a.axis, x.length);
    const want = [x[ax]];
    if (idx) geom(a, x, idx, node);
    return { ins: [x, idx ?? want], outs: [x] };
  },
  inferType: (_a, [t, ti], node) => {
    if (ti && !['float32', 'int32', 'uint8', 'int8'].includes(ti)) throw new DTypeError(opMessage(node, OP, `index dtype ${ti} is not supported`), { op: OP, arg: 'index' });
    return { ins: [t ?? 'float32', ti ?? 'float32'], outs: [t ?? 'float32'] };
  },
  forward: (ctx) => { throw new ArgumentError(opMessage(ctx.node, OP, 'has a data-dependent shape: run it through its dynamic step')); },
  dynamic: (ctx, a, [x, idx]) => {
    const g = geom(a, x.shape, idx.shape, ctx.node), kept = keptRows(idx);
    const shape = [...x.shape];
    shape[g.ax] = kept.length;
    return { shapes: [shape], write: ([y]) => moveRows(x, y, kept, g, false) };
  },
  backward: {
    saves: ['inputs'],
    lower: (ctx, a, g) => {
      const [x, idx] = g.ins, [dx] = g.inGrads, dy = g.outGrads[0];
      return () => {
        if (g.req[1] !== 'null') view(g.inGrads[1].dtype, g.inGrads[1].off, g.inGrads[1].size).fill(0);
        if (g.req[0] === 'null') return;
        const geo = geom(a, x.shape, idx.shape, ctx.node);
        moveRows(dx, dy, keptRows(idx), geo, true);
      };
    },
  },
};
