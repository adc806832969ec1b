// slice (begin/end with None, step), slice_axis, slice_like: one strided copy (x32_copynd) of a
// box of the input. Gradient: zeros, then the box copied back.
import type { Attrs } from '../attrs.js';
import type { KernelTable } from '../../runtime/manifest.js';
import type { OpDef, Shape } from '../registry.js';
import { strides } from '../../util/shape.js';
import { anyType, fail, planCopy } from './common.js';
import { DTYPE_BYTES } from '../../runtime/dtype.js';
import { axisOf, kernelStep, seqOf } from '../helpers.js';

/** A box of the input: per axis first index, step and length. */
export interface Box { begin: number[]; step: number[]; len: number[] }

/**
 * MXNet slice semantics per axis: None begin/end default to the ends (reversed for negative step),
 * negatives count from the end, values are clamped; empty ranges give length 0.
 * @example sliceBox([5, 4], [1, null], [null, null], [2]) // {begin: [1, 0], step: [2, 1], len: [2, 4]}
 */
export function sliceBox(shape: Shape, begin: (number | null)[], end: (number | null)[], step: (number | null)[], node?: string, op = 'slice'): Box {
  if (begin.length !== end.length) fail(node, op, `begin (${begin.length} entries) and end (${end.length}) must have the same length`);
  if (begin.length > shape.length) fail(node, op, `begin has ${begin.length} entries for an input of ${shape.length} dimensions`);
  if (step.length && step.length !== begin.length) fail(node, op, 'step must be empty or as long as begin');
  const box: Box = { begin: [], step: [], len: [] };
  shape.forEach((n, i) => {
    const s = i < begin.length ? step[i] ?? 1 : 1;
    if (s === 0) fail(node, op, `step ${i} must not be 0`);
    let b = i < begin.length ? begin[i] : null, e = i < begin.length ? end[i] : null;
    if (s > 0) {
      b = b === null ? 0 : b < 0 ? Math.max(b + n, 0) : Math.min(b, n);
      e = e === null ? n : e < 0 ? Math.max(e + n, 0) : Math.min(e, n);
      box.len.push(Math.max(0, Math.ceil((e - b) / s)));
    } else {
      b = b === null ? n - 1 : b < 0 ? Math.max(b + n, -1) : Math.min(b, n - 1);
      e = e === null ? -1 : e < 0 ? Math.max(e + n, -1) : Math.min(e, n - 1);
      box.len.push(Math.max(0, Math.ceil((b - e) / -s)));
    }
    box.begin.push(box.len[i] ? b : 0); box.step.push(s);
  });
  return box;
}

/** Lowered copy between a box of `shape` and a contiguous array of the box's shape. */
function boxCopy(K: KernelTable, shape: Shape, box: Box, fromBox: boolean, node: string, op: string, es = 4) {
  const st = strides(shape), bs = box.step.map((s, i) => s * st[i]), cs = strides(box.len);
  const base = box.begin.reduce((t, b, i) => t + b * st[i], 0) * es;
  const c = fromBox ? planCopy(K, box.len, bs, cs, node, op, es) : planCopy(K, box.len, cs, bs, node, op, es);
  return fromBox ? (x: number, y: number) => c(x + base, y) : (x: number, y: number) => c(x, y + base);
}

function boxOp(name: string, aliases: string[], attrs: OpDef['attrs'], nIn: number, boxOf: (a: Attrs, ins: Shape[], node?: string) => Box, doc: string): OpDef {
  return {
    name, aliases, attrs, doc,
    inputs: () => (nIn === 2 ? ['data', 'shape_like'] : ['data']),
    inferShape: (a, ins, _aux, node) => (ins.some((s) => !s) ? { ins, outs: [undefined] } : { ins, outs: [boxOf(a, ins as Shape[], node).len] }),
    inferType: anyType(name),
    forward: (ctx, a, ins, [y]) => {
      const c = boxCopy(ctx.K, ins[0].shape, boxOf(a, ins.map((t) => t.shape), ctx.node), true, ctx.node, name, DTYPE_BYTES[ins[0].dtype]);
      const x = ins[0];
      return () => { c(x.off, y.off); };
    },
    backward: {
      saves: [],
      lower: (ctx, a, g) => {
        const [og] = g.outGrads, K = ctx.K;
        const zs = g.inGrads.map((d, i) => (g.req[i] === 'null' ? null : [d.off, d.size * 4] as const)).filter((z) => z) as (readonly [number, number])[];
        const dx = g.inGrads[0];
        const c = g.req[0] === 'null' ? null : boxCopy(K, dx.shape, boxOf(a, g.ins.map((t) => t.shape), ctx.node), false, ctx.node, name);
        return seqOf(...zs.map(([o, b]) => kernelStep(K, 'x8_zero', { dst: o, n: b })), c && (() => { c(og.off, dx.off); }));
      },
    },
  };
}

const sliceAxisBox = (a: Attrs, [x]: Shape[], node?: string): Box => {
  const ax = axisOf(node, 'slice_axis', a.axis, x.length), n = x[ax];
  let b: number = a.begin, e: number = a.end === null ? n : a.end;
  if (b < 0) b += n;
  if (e < 0) e += n;
  if (!(b >= 0 && b <= e && e <= n)) fail(node, 'slice_axis', `begin ${a.begin} and end ${a.end} are out of range for axis ${a.axis} of size ${n}`);
  return { begin: x.map((_, i) => (i === ax ? b : 0)), step: x.map(() => 1), len: x.map((d, i) => (i === ax ? e - b : d)) };
};

const sliceLikeBox = (a: Attrs, [x, like]: Shape[], node?: string): Box => {
  const axes: number[] = a.axes.length ? a.axes.map((v: number) => axisOf(node, 'slice_like', v, x.length)) : [...x.keys()];
  if (!a.axes.length && like.length !== x.length) fail(node, 'slice_like', `shape_like has ${like.length} dimensions, data has ${x.length}`);
  const len = [...x];
  for (const k of axes) {
    if (k >= like.length) fail(node, 'slice_like', `axis ${k} is out of range for shape_like of ${like.length} dimensions`);
    if (like[k] > x[k]) fail(node, 'slice_like', `shape_like dim ${k} (${like[k]}) exceeds data dim (${x[k]})`);
    len[k] = like[k];
  }
  return { begin: x.map(() => 0), step: x.map(() => 1), len };
};

export const SLICE_OPS: OpDef[] = [
  boxOp('slice', ['crop'], {
    begin: { type: 'shapeOrNone', required: true }, end: { type: 'shapeOrNone', required: true }, step: { type: 'shapeOrNone', default: [] },
  }, 1, (a, [x], node) => sliceBox(x, a.begin ?? [], a.end ?? [], a.step ?? [], node), 'Slices a box: begin/end per leading axis (None = the end), optional step (may be negative).'),
  boxOp('slice_axis', [], {
    axis: { type: 'int', required: true }, begin: { type: 'int', required: true }, end: { type: 'intOrNone', required: true },
  }, 1, sliceAxisBox, 'Slices [begin, end) along one axis (end None = to the end).'),
  boxOp('slice_like', [], { axes: { type: 'shape', default: [] } }, 2, sliceLikeBox, 'Slices data to the shape of shape_like (on `axes`, default all), from the start.'),
];
