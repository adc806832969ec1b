// Reductions: sum (sum_axis), mean, max (max_axis), min (min_axis), prod, nansum, nanprod, norm,
// argmax, argmin. MXNet's broadcast_reduce_op: axis None|int|tuple, keepdims, exclude; reducing
// everything gives shape (1,).
import { ArgumentError, opMessage } from '../../errors.js';
import type { Attrs, AttrSpecs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { fail, planReduce, planReduceGrad, reduceWorkspace, type ReduceKind } from './common.js';
import { axisOf, f32Types } from '../helpers.js';

/**
 * The reduce mask and output shape of a reduction. `axis` null or () reduces all axes.
 * @example reduceShape([2, 3, 4], { axis: [1], keepdims: false, exclude: false }, 'n', 'sum') // {mask: [f, t, f], out: [2, 4]}
 */
export function reduceShape(shape: Shape, a: Attrs, node: string | undefined, op: string): { mask: boolean[]; out: Shape } {
  const nd = shape.length;
  let mask: boolean[];
  const ax: number[] | null = a.axis === null || a.axis === undefined ? null : Array.isArray(a.axis) ? a.axis : [a.axis];
  if (!ax || ax.length === 0) mask = shape.map(() => true);
  else {
    mask = shape.map(() => false);
    for (const v of ax) {
      if (v === null) fail(node, op, 'axis entries cannot be None');
      const k = axisOf(node, op, v, nd);
      if (mask[k]) fail(node, op, `axis ${v} appears twice`);
      mask[k] = true;
    }
    if (a.exclude) mask = mask.map((m) => !m);
  }
  let out = a.keepdims ? shape.map((d, i) => (mask[i] ? 1 : d)) : shape.filter((_, i) => !mask[i]);
  if (out.length === 0) out = [1];
  return { mask, out };
}

const REDUCE_ATTRS: AttrSpecs = {
  axis: { type: 'shapeOrNone', default: null },
  keepdims: { type: 'bool', default: false },
  exclude: { type: 'bool', default: false },
};

const kindOf = (name: string, a: Attrs): ReduceKind => {
  if (name !== 'norm') return name as ReduceKind;
  if (a.ord !== 1 && a.ord !== 2) throw new ArgumentError(opMessage(undefined, 'norm', `ord must be 1 or 2, got ${a.ord}`), { op: 'norm' });
  return a.ord === 1 ? 'norm1' : 'norm2';
};

function reduceOp(name: string, aliases: string[], doc: string, attrs: AttrSpecs = REDUCE_ATTRS, grad = true): OpDef {
  const saves: ('inputs' | 'outputs')[] = name === 'sum' || name === 'mean' ? [] : ['inputs', 'outputs'];
  return {
    name, aliases, attrs, doc,
    inputs: () => ['data'],
    inferShape: (a, [x], _aux, node) => {
      if (!x) return { ins: [undefined], outs: [undefined] };
      kindOf(name, a);
      return { ins: [x], outs: [reduceShape(x, a, node, name).out] };
    },
    inferType: f32Types(name),
    workspace: (a, [x]) => reduceWorkspace(x, reduceShape(x, a, undefined, name).mask),
    forward: (ctx, a, [x], [y]) => {
      const p = planReduce(ctx.K, x.shape, reduceShape(x.shape, a, ctx.node, name).mask, kindOf(name, a), ctx.node, name);
      const ws = ctx.workspace;
      return () => { p.run(x.off, y.off, ws); };
    },
    backward: grad ? {
      saves,
      workspace: (a, [x]) => reduceWorkspace(x, reduceShape(x, a, undefined, name).mask, kindOf(name, a)),
      lower: (ctx, a, g) => {
        if (g.req[0] === 'null') return () => {};
        const [x] = g.ins, [y] = g.outs, [og] = g.outGrads, [dx] = g.inGrads;
        const p = planReduceGrad(ctx.K, x.shape, reduceShape(x.shape, a, ctx.node, name).mask, kindOf(name, a), ctx.node, name);
        const ws = ctx.workspace;
        return () => { p.run(x.off, y.off, og.off, dx.off, ws); };
      },
    } : undefined,
  };
}

/** Index (as float) of the max / min along one axis (None: of the flattened input); no gradient. */
function argOp(name: 'argmax' | 'argmin'): OpDef {
  const shapeOf = (x: Shape, a: Attrs, node?: string) => reduceShape(x, { axis: a.axis === null ? null : [a.axis], keepdims: a.keepdims, exclude: false }, node, name);
  return {
    name, attrs: { axis: { type: 'intOrNone', default: null }, keepdims: { type: 'bool', default: false } },
    doc: `${name}: index of the first ${name === 'argmax' ? 'maximum' : 'minimum'} along an axis, as float32.`,
    inputs: () => ['data'],
    inferShape: (a, [x], _aux, node) => (x ? { ins: [x], outs: [shapeOf(x, a, node).out] } : { ins: [undefined], outs: [undefined] }),
    inferType: f32Types(name),
    workspace: (a, [x]) => reduceWorkspace(x, shapeOf(x, a).mask),
    forward: (ctx, a, [x], [y]) => {
      const p = planReduce(ctx.K, x.shape, shapeOf(x.shape, a, ctx.node).mask, name, ctx.node, name);
      const ws = ctx.workspace;
      return () => { p.run(x.off, y.off, ws); };
    },
  };
}

export const REDUCE_OPS: OpDef[] = [
  reduceOp('sum', ['sum_axis'], 'Sum over axes (all by default).'),
  reduceOp('mean', [], 'Mean over axes (all by default).'),
  reduceOp('max', ['max_axis'], 'Max over axes; the gradient goes to every position equal to the max.'),
  reduceOp('min', ['min_axis'], 'Min over axes; the gradient goes to every position equal to the min.'),
  reduceOp('prod', [], 'Product over axes.'),
  reduceOp('nansum', [], 'Sum over axes, NaN counted as 0.'),
  reduceOp('nanprod', [], 'Product over axes, NaN counted as 1.'),
  reduceOp('norm', [], 'L1 (ord=1) or L2 (ord=2) norm over axes (all by default; result shape (1,)).', {
    ord: { type: 'int', default: 2 }, axis: { type: 'shapeOrNone', default: null }, keepdims: { type: 'bool', default: false },
    out_dtype: { type: 'any', default: null },
  }),
  argOp('argmax'), argOp('argmin'),
];
