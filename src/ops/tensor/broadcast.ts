// broadcast_to, broadcast_axis (broadcast_axes), broadcast_like, tile, repeat: copies where some
// input strides are 0 (one x32_copynd call). Gradient: a sum over the broadcast axes (planReduce).
import type { Attrs } from '../attrs.js';
import type { OpDef, Shape } from '../registry.js';
import { prod, strides } from '../../util/shape.js';
import { fail, planCopy, planReduce, reduceWorkspace, anyType } from './common.js';
import { DTYPE_BYTES } from '../../runtime/dtype.js';
import { axisOf, kernelStep, seqOf } from '../helpers.js';

/**
 * A broadcast as a view: the output seen as `view` dims, the input's strides over them (0 where
 * broadcast) and the mask of the dims the gradient sums over.
 */
interface BView { view: Shape; sx: number[]; mask: boolean[] }

/** Plain broadcast of `x` (same ndim, dims 1 or equal) to `out`. */
function bview(x: Shape, out: Shape): BView {
  const st = strides(x);
  return { view: out, sx: x.map((d, i) => (d === 1 && out[i] !== 1 ? 0 : st[i])), mask: x.map((d, i) => d === 1 && out[i] !== 1) };
}

function bcastOp(name: string, aliases: string[], attrs: OpDef['attrs'], nIn: number, outOf: (a: Attrs, ins: Shape[], node?: string) => Shape, viewOf: (a: Attrs, x: Shape, out: Shape) => BView,
  doc: string): OpDef {
  return {
    name, aliases, attrs, doc,
    inputs: () => (nIn === 2 ? ['lhs', 'rhs'] : ['data']),
    inferShape: (a, ins, _aux, node) => (ins.some((s) => !s) ? { ins, outs: [undefined] } : { ins, outs: [outOf(a, ins as Shape[], node)] }),
    inferType: anyType(name),
    forward: (ctx, a, ins, [y]) => {
      const x = ins[0], v = viewOf(a, x.shape, y.shape);
      const c = planCopy(ctx.K, v.view, v.sx, strides(v.view), ctx.node, name, DTYPE_BYTES[x.dtype]);
      return () => { c(x.off, y.off); };
    },
    backward: {
      saves: [],
      workspace: (a, ins, outs) => { const v = viewOf(a, ins[0], outs[0]); return reduceWorkspace(v.view, v.mask); },
      lower: (ctx, a, g) => {
        const [x] = g.ins, [og] = g.outGrads, K = ctx.K;
        const v = viewOf(a, x.shape, g.outs[0].shape), ws = ctx.workspace;
        const p = planReduce(K, v.view, v.mask, 'sum', ctx.node, name);
        const zs = g.inGrads.slice(1).filter((_, i) => g.req[i + 1] !== 'null');
        const dx = g.inGrads[0], doX = g.req[0] !== 'null';
        return seqOf(doX && (() => { p.run(og.off, dx.off, ws); }), ...zs.map((z) => kernelStep(K, 'x8_zero', { dst: z.off, n: z.size * 4 })));
      },
    },
  };
}

function checkBroadcast(op: string, x: Shape, out: Shape, node?: string): Shape {
  if (x.length !== out.length) fail(node, op, `cannot broadcast (${x.join(',')}) to (${out.join(',')}): different number of dimensions`);
  x.forEach((d, i) => { if (d !== out[i] && d !== 1) fail(node, op, `cannot broadcast (${x.join(',')}) to (${out.join(',')}): dim ${i} is ${d}, not 1`); });
  return out;
}

const toShape = (a: Attrs, [x]: Shape[], node?: string) => {
  if (a.shape.length !== x.length) fail(node, 'broadcast_to', `shape (${a.shape.join(',')}) must have ${x.length} dimensions`);
  return checkBroadcast('broadcast_to', x, a.shape.map((d: number, i: number) => (d === 0 ? x[i] : d)), node);
};
const axisShape = (a: Attrs, [x]: Shape[], node?: string) => {
  const ax: number[] = a.axis, sz: number[] = a.size;
  if (ax.length !== sz.length) fail(node, 'broadcast_axis', 'axis and size must have the same length');
  const out = [...x];
  ax.forEach((v, i) => {
    const k = axisOf(node, 'broadcast_axis', v, x.length);
    if (x[k] !== 1) fail(node, 'broadcast_axis', `axis ${v} has size ${x[k]}, only size-1 axes can be broadcast`);
    out[k] = sz[i];
  });
  return out;
};
const likeShape = (a: Attrs, [x, like]: Shape[], node?: string) => {
  if (a.lhs_axes === null && a.rhs_axes === null) return checkBroadcast('broadcast_like', x, like, node);
  const la: number[] = a.lhs_axes ?? [], ra: number[] = a.rhs_axes ?? [];
  if (la.length !== ra.length) fail(node, 'broadcast_like', 'lhs_axes and rhs_axes must have the same length');
  const out = [...x];
  la.forEach((v, i) => { out[axisOf(node, 'broadcast_like', v, x.length)] = like[axisOf(node, 'broadcast_like', ra[i], like.length)]; });
  return checkBroadcast('broadcast_like', x, out, node);
};

/** tile: reps and shape padded with leading 1s to one length; the view interleaves (rep_i, dim_i). */
function tileDims(x: Shape, reps: number[]) {
  const n = Math.max(x.length, reps.length);
  const xs = [...Array(n - x.length).fill(1), ...x], rs = [...Array(n - reps.length).fill(1), ...reps];
  return { xs, rs };
}
const tileShape = (a: Attrs, [x]: Shape[], node?: string) => {
  if (a.reps.some((r: number) => r < 0)) fail(node, 'tile', `reps (${a.reps.join(',')}) must be >= 0`);
  const { xs, rs } = tileDims(x, a.reps);
  return xs.map((d, i) => d * rs[i]);
};
const tileView = (a: Attrs, x: Shape): BView => {
  const { xs, rs } = tileDims(x, a.reps), st = strides(xs);
  return { view: xs.flatMap((d, i) => [rs[i], d]), sx: xs.flatMap((_, i) => [0, st[i]]), mask: xs.flatMap(() => [true, false]) };
};

/** repeat: the output viewed as (outer, n, repeats, inner). */
function repeatDims(a: Attrs, x: Shape, node?: string) {
  if (a.repeats < 0) fail(node, 'repeat', `repeats must be >= 0, got ${a.repeats}`);
  if (a.axis === null) return { outer: 1, n: prod(x), inner: 1, ax: -1 };
  const ax = axisOf(node, 'repeat', a.axis, x.length);
  return { outer: prod(x.slice(0, ax)), n: x[ax], inner: prod(x.slice(ax + 1)), ax };
}
const repeatShape = (a: Attrs, [x]: Shape[], node?: string) => {
  const { ax, n } = repeatDims(a, x, node);
  return ax < 0 ? [n * a.repeats] : x.map((d, i) => (i === ax ? d * a.repeats : d));
};
const repeatView = (a: Attrs, x: Shape): BView => {
  const { outer, n, inner } = repeatDims(a, x);
  return { view: [outer, n, a.repeats, inner], sx: [n * inner, inner, 0, 1], mask: [false, false, true, false] };
};

export const BROADCAST_OPS: OpDef[] = [
  bcastOp('broadcast_to', [], { shape: { type: 'shape', default: [] } }, 1, toShape, (_a, x, out) => bview(x, out), 'Broadcasts size-1 axes to `shape` (0 keeps a dim).'),
  bcastOp('broadcast_axis', ['broadcast_axes'], { axis: { type: 'shape', default: [] }, size: { type: 'shape', default: [] } }, 1, axisShape, (_a, x, out) => bview(x, out),
    'Broadcasts the size-1 axes `axis` to `size`.'),
  bcastOp('broadcast_like', [], { lhs_axes: { type: 'shapeOrNone', default: null }, rhs_axes: { type: 'shapeOrNone', default: null } }, 2, likeShape, (_a, x, out) => bview(x, out),
    'Broadcasts lhs to the shape of rhs (or on lhs_axes to rhs_axes sizes).'),
  bcastOp('tile', [], { reps: { type: 'shape', required: true } }, 1, tileShape, tileView, 'Repeats the whole array reps[i] times along each axis.'),
  bcastOp('repeat', [], { repeats: { type: 'int', required: true }, axis: { type: 'intOrNone', default: null } }, 1, repeatShape, repeatView,
    'Repeats each element `repeats` times along axis (None: of the flattened input).'),
];

